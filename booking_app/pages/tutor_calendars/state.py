"""States of the "Connected calendars" page.

Every handler re-derives the tutor from the session and passes their id to the
service, which checks ownership of the source in the database; the browser only ever
sends a source id. No feed URL or password is kept in a state var (all of them travel
to the browser): the list shows each source's host; the add forms are uncontrolled
and their values only pass through the handler's arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.services import calendar_caldav, calendar_sources
from booking_app.services.errors import DomainError
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FormErrors, error_toast, text_of
from booking_app.state.page import offload

ICAL_FIELDS = ("url", "name")
CALDAV_FIELDS = ("url", "username", "password", "name")


@dataclass
class SourceItem:
    id: int = 0
    kind: str = "ical"
    name: str = ""
    host: str = ""
    last_sync: str = ""
    event_count: int = 0
    last_error: str = ""
    healthy: bool = True
    push_calendar: str = ""
    pull_count: int = 0
    push_error: str = ""


@dataclass
class CalendarOption:
    url: str = ""
    name: str = ""


def _as_id(value: Any) -> int:
    """A source id from the browser (any value may arrive): garbage is 0, found by nobody."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _items(views: list[calendar_sources.SourceView]) -> list[SourceItem]:
    return [
        SourceItem(**{k: getattr(v, k) for k in SourceItem.__dataclass_fields__}) for v in views
    ]


class CalendarsState(rx.State):
    loaded: bool = False
    sources: list[SourceItem] = []
    working: int = 0  # the source being refreshed or removed
    picking: int = 0  # the CalDAV account whose calendars are being chosen
    options: list[CalendarOption] = []
    push_choice: str = ""
    pull_choices: list[str] = []

    async def _reload(self, tutor_id: int) -> None:
        self.sources = _items(await offload(calendar_sources.list_sources, tutor_id))

    @rx.event
    async def on_load(self) -> None:
        tutor = await current_tutor(self)
        if tutor is None:
            return
        await self._reload(tutor.id)
        self.loaded = True

    @rx.event
    async def refresh_list(self) -> None:
        """A live update (a refresh finished elsewhere, another tab changed something)."""
        tutor = await current_tutor(self)
        if tutor is not None:
            await self._reload(tutor.id)

    @rx.event
    async def refresh(self, source_id: int):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            yield refused()
            return
        self.working = _as_id(source_id)
        yield
        try:
            view = await offload(
                calendar_sources.refresh_now, tutor.id, _as_id(source_id), now=clock.now()
            )
        except DomainError as exc:
            self.working = 0
            yield error_toast(exc)
            return
        await self._reload(tutor.id)
        self.working = 0
        if view.last_error:
            yield rx.toast.error(f"{view.name}: {view.last_error}")
        else:
            yield rx.toast.success(f"{view.name}: {view.event_count} events imported.")

    @rx.event
    async def remove(self, source_id: int):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            yield refused()
            return
        self.working = _as_id(source_id)
        yield
        try:
            await offload(calendar_sources.remove, tutor.id, _as_id(source_id), now=clock.now())
        except DomainError as exc:
            self.working = 0
            yield error_toast(exc)
            return
        await self._reload(tutor.id)
        self.working, self.picking = 0, 0
        yield rx.toast.success("Calendar disconnected; its busy times are gone.")

    # --- choosing the calendars of a CalDAV account ----------------------------------------

    @rx.event
    async def pick(self, source_id: int):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            yield refused()
            return
        self.working = _as_id(source_id)
        yield
        try:
            found = await offload(calendar_caldav.calendars, tutor.id, _as_id(source_id))
        except DomainError as exc:
            self.working = 0
            yield error_toast(exc)
            return
        self.options = [CalendarOption(c.url, c.name) for c in found]
        self.push_choice, self.pull_choices = "", []
        self.picking, self.working = _as_id(source_id), 0

    @rx.event
    def set_push(self, url: str) -> None:
        self.push_choice = str(url)[:2000]

    @rx.event
    def toggle_pull(self, url: str) -> None:
        url = str(url)[:2000]
        chosen = list(self.pull_choices)[:50]
        self.pull_choices = [u for u in chosen if u != url] if url in chosen else [*chosen, url]

    @rx.event
    def cancel_pick(self) -> None:
        self.picking, self.options = 0, []

    @rx.event
    async def save_pick(self):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            yield refused()
            return
        source_id = self.picking
        self.working = source_id
        yield
        try:
            await offload(
                calendar_caldav.choose_calendars, tutor.id, source_id, self.push_choice,
                list(self.pull_choices), now=clock.now(),
            )  # fmt: skip
            await offload(calendar_sources.refresh_now, tutor.id, source_id, now=clock.now())
        except DomainError as exc:
            self.working = 0
            yield error_toast(exc)
            return
        await self._reload(tutor.id)
        self.working, self.picking, self.options = 0, 0, []
        yield rx.toast.success("Calendars saved; lessons will appear there shortly.")


class IcalFormState(FormErrors, rx.State):
    saving: bool = False
    form_key: int = 0

    @rx.event
    async def add(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            yield refused()
            return
        self._clear_errors()
        self.saving = True
        yield
        try:
            view = await offload(
                calendar_sources.add_ical, tutor.id, text_of(form_data, "url"),
                text_of(form_data, "name"), now=clock.now(),
            )  # fmt: skip
            view = await offload(calendar_sources.refresh_now, tutor.id, view.id, now=clock.now())
        except DomainError as exc:
            self.saving = False
            for event in self._show_refusal(exc, ICAL_FIELDS, focus_prefix="ical-"):
                yield event
            return
        await (await self.get_state(CalendarsState))._reload(tutor.id)
        self.saving = False
        self.form_key += 1
        if view.last_error:
            yield rx.toast.warning(f"Connected, but the first import failed: {view.last_error}")
        else:
            yield rx.toast.success(f"Connected: {view.event_count} events imported.")


class CaldavFormState(FormErrors, rx.State):
    saving: bool = False
    form_key: int = 0

    @rx.event
    async def add(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            yield refused()
            return
        self._clear_errors()
        self.saving = True
        yield
        try:
            view = await offload(
                calendar_caldav.add_caldav, tutor.id, text_of(form_data, "url"),
                text_of(form_data, "username"), str(form_data.get("password") or ""),
                text_of(form_data, "name"), now=clock.now(),
            )  # fmt: skip
        except DomainError as exc:
            self.saving = False
            for event in self._show_refusal(exc, CALDAV_FIELDS, focus_prefix="caldav-"):
                yield event
            return
        self.saving = False
        self.form_key += 1
        calendars = await self.get_state(CalendarsState)
        await calendars._reload(tutor.id)
        yield rx.toast.success(f"Connected to {view.host}. Now choose its calendars.")
        yield CalendarsState.pick(view.id)
