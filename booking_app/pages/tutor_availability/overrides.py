"""(b) Date overrides: a day off or special hours on one date, replacing that day's
weekly hours."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from booking_app import clock
from booking_app.components.forms import (
    aria_invalid,
    error_of,
    field_error,
    form_field,
    labelled_switch,
)
from booking_app.components.widgets import confirm_dialog
from booking_app.services import availability
from booking_app.services.errors import DomainError, LessonsOnThatDay, ValidationFailed
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FORM, error_toast
from booking_app.state.off_loop import offload

from .common import TimeRange, TimeRanges, add_hours, from_input, range_row, save_button, section
from .preview import refresh_preview


@dataclass
class OverrideRow:
    day: str = ""
    label: str = ""
    closed: bool = False
    hours: str = ""


class OverridesState(TimeRanges, rx.State):
    """The saved overrides, and the one being edited: a date, closed or `ranges`."""

    overrides: list[OverrideRow] = []
    day: str = ""
    closed: bool = True
    saving: bool = False
    removing: str = ""
    # Booked lessons the new hours would leave outside (LessonsOnThatDay): shown in a
    # confirmation; "Save anyway" saves with confirmed=True.
    clashes: list[str] = []
    confirming: bool = False

    def _apply(self, views: list[availability.OverrideView]) -> None:
        self.overrides = [
            OverrideRow(
                day=o.day,
                label=o.label,
                closed=o.closed,
                hours="Closed all day" if o.closed else ", ".join(f"{s}–{e}" for s, e in o.windows),
            )
            for o in views
        ]

    def _reload(self, tutor_id: int) -> None:
        self._apply(availability.get_availability(tutor_id, now=clock.now()).overrides)

    @rx.event
    def set_day(self, value: str) -> None:
        self.day = value
        self._clear_errors("day")

    @rx.event
    def set_closed(self, closed: bool) -> None:
        self.closed = bool(closed)
        if not self.closed and not self.ranges:
            self.ranges = [TimeRange("09:00", "17:00")]

    @rx.event
    def add_range(self) -> None:
        start = (self.ranges[-1].end if self.ranges else "") or "09:00"
        self.ranges = [*self.ranges, TimeRange(start, add_hours(start, 2))]

    @rx.event
    def set_confirming(self, open_: bool) -> None:
        """The confirmation closed (Escape, "Keep editing"): nothing saved."""
        self.confirming = bool(open_)
        if not self.confirming:
            self.clashes = []

    @rx.event
    async def save_anyway(self):  # type: ignore[no-untyped-def]
        """The tutor saw the booked lessons and keeps the new hours."""
        self.confirming = False
        async for event in self._save(confirmed=True):
            yield event

    @rx.event
    async def save(self):  # type: ignore[no-untyped-def]
        async for event in self._save(confirmed=False):
            yield event

    async def _save(self, *, confirmed: bool):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        rows = self._clean_rows()
        if not self.day:
            self.errors = {"day": "Pick a date."}
            return
        self.saving = True
        yield
        windows = [] if self.closed else [(r.start, from_input(r.end)) for r in rows]
        try:
            saved = await offload(
                availability.set_override,
                user.id,
                self.day,
                closed=self.closed,
                windows=windows,
                now=clock.now(),
                confirmed=confirmed,
            )
        except LessonsOnThatDay as exc:
            self.clashes, self.confirming, self.saving = exc.lessons, True, False
            return
        except ValidationFailed as exc:
            self._show_row_errors(exc, {i: i for i in range(len(rows))}, ("day",))
            self.saving = False
            return
        except DomainError as exc:
            self.saving = False
            yield error_toast(exc)
            return
        await offload(self._reload, user.id)
        await refresh_preview(self, user)
        self.saving, self.day, self.clashes = False, "", []
        yield rx.toast.success(f"Special hours for {saved.label} saved.")

    @rx.event
    async def remove(self, day: str):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.removing = day
        yield
        try:
            await offload(availability.remove_override, user.id, day)
        except DomainError as exc:
            self.removing = ""
            yield error_toast(exc)
            return
        await offload(self._reload, user.id)
        await refresh_preview(self, user)
        self.removing = ""
        yield rx.toast.success("Override removed: the weekly hours apply again.")


OV = OverridesState


def _override_item(o: OverrideRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(o.label, weight="medium", size="2"),
            rx.text(o.hours, size="1", color_scheme=rx.cond(o.closed, "red", "gray")),
            spacing="0",
        ),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            variant="ghost",
            color_scheme="red",
            on_click=OV.remove(o.day),
            loading=OV.removing == o.day,
            aria_label="Remove override for " + o.label,
            id="remove-override-" + o.day,
        ),
        justify="between",
        align="center",
        width="100%",
        id="override-" + o.day,
        class_name="override-item",
    )


def _clash_dialog() -> rx.Component:
    """ "These booked lessons fall outside the new hours": keep editing or save anyway."""
    return confirm_dialog(
        "Lessons are booked on that day",
        rx.alert_dialog.description(
            "These lessons fall outside the new hours. They are not cancelled: "
            "students still expect them unless you move or cancel them yourself."
        ),
        rx.el.ul(
            rx.foreach(OV.clashes, lambda c: rx.el.li(c, class_name="clash")),
            id="override-clashes",
            style={"margin": "var(--space-3) 0", "padding_left": "1.2em"},
        ),
        keep=rx.button("Keep editing", variant="soft", color_scheme="gray", id="clash-keep"),
        confirm="Save anyway",
        on_confirm=OV.save_anyway,
        loading=OV.saving,
        open=OV.confirming,
        on_open_change=OV.set_confirming,
        id="override-clash-dialog",
    )


def overrides_section() -> rx.Component:
    day_error = error_of(OV.errors, "day")
    message = error_of(OV.errors, FORM)
    return section(
        "Date overrides",
        "Days off or special hours on one date; they replace that day's weekly hours.",
        rx.flex(
            form_field(
                "Date",
                rx.input(
                    type="date",
                    value=OV.day,
                    on_change=OV.set_day,
                    id="ov-day",
                    size="2",
                    aria_invalid=aria_invalid(day_error),
                ),
                day_error,
                "ov-day",
            ),
            labelled_switch(
                "Closed all day",
                checked=OV.closed,
                on_change=OV.set_closed,
                field_id="ov-closed",
                white_space="nowrap",
                padding_top="1.6em",
            ),
            gap="var(--space-4)",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            ~OV.closed,
            rx.vstack(
                rx.foreach(
                    OV.ranges,
                    lambda row, i: range_row(
                        OV, row, i, "Special hours", "ov-window-", aria_label="Remove these hours"
                    ),
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add hours",
                    variant="ghost",
                    size="1",
                    type="button",
                    on_click=OV.add_range,
                    id="ov-add-window",
                ),
                spacing="2",
            ),
        ),
        field_error(message, "ov"),
        save_button("calendar-x", "Save override", OV, "save-override"),
        _clash_dialog(),
        rx.divider(),
        rx.cond(
            OV.overrides.length() == 0,
            rx.text(
                "No overrides: every date follows the weekly hours.",
                size="2",
                color_scheme="gray",
                id="overrides-empty",
            ),
            rx.vstack(
                rx.foreach(OV.overrides, _override_item),
                spacing="2",
                width="100%",
                id="overrides-list",
            ),
        ),
        id_="overrides-section",
        icon="calendar-x",
    )
