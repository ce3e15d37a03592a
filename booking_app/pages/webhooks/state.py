"""The Webhooks page's state: views of the caller's endpoints and of one delivery log.

Every rule is in services/webhooks/manage.py (who owns what, URL and event checks).
The state holds views only; the one secret it ever holds is the one just made or
rotated, for its owner to copy (it is cleared by "Done", by the next action and by a
reload; the page can't show it again). Every handler asks who is signed in again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import reflex as rx

from booking_app import clock
from booking_app.services import timefmt
from booking_app.services.errors import DomainError
from booking_app.services.webhooks import EVENT_TYPES, manage
from booking_app.state.auth import current_user, refused
from booking_app.state.forms import FormErrors, error_toast, text_of
from booking_app.state.page import offload

ROLES = manage.MANAGERS
NOT_ALLOWED = "Only tutors and admins can manage webhooks."
FIELDS = ("url", "events")
STATUS_COLORS = {"delivered": "green", "pending": "amber", "sending": "blue", "failed": "red"}


@dataclass
class EndpointRow:
    id: int = 0
    url: str = ""
    events: str = ""  # "booking.created, lesson.moved"
    active: bool = True
    failures: int = 0
    disabled_reason: str = ""
    scope: str = ""  # "Your bookings and lessons" / "Every tutor's"
    owner_name: str = ""


@dataclass
class DeliveryRow:
    id: int = 0
    event_type: str = ""
    subject: str = ""
    status: str = ""
    color: str = "gray"
    code: str = ""  # "200" / "—"
    attempts: int = 0
    when: str = ""  # the last attempt (or creation), in the viewer's zone
    error: str = ""


def _label(iso: str, tz: str) -> str:
    if not iso:
        return ""
    return timefmt.instant_label(datetime.fromisoformat(iso), timefmt.zone_or_utc(tz))


def _endpoint_row(view: manage.EndpointView) -> EndpointRow:
    scope = (
        "Every tutor's bookings and lessons" if view.scope == "all" else "Your bookings and lessons"
    )
    return EndpointRow(
        view.id, view.url, ", ".join(view.events), view.active, view.consecutive_failures,
        view.disabled_reason, scope, view.owner_name,
    )  # fmt: skip


def _delivery_row(view: manage.DeliveryView, tz: str) -> DeliveryRow:
    return DeliveryRow(
        view.id, view.event_type, view.subject, view.status,
        STATUS_COLORS.get(view.status, "gray"),
        str(view.last_status_code) if view.last_status_code is not None else "—",
        view.attempts, _label(view.last_attempt_at or view.created_at, tz), view.last_error,
    )  # fmt: skip


class WebhooksState(FormErrors, rx.State):
    loaded: bool = False
    busy: bool = False
    endpoints: list[EndpointRow] = []
    chosen: list[str] = []  # the new endpoint's events
    new_secret: str = ""  # just made or rotated; shown once to its owner (module docstring)
    made_for: str = ""  # the URL it belongs to
    log_for: int = 0  # the endpoint whose deliveries are shown
    log_url: str = ""
    deliveries: list[DeliveryRow] = []
    delete_id: int = 0  # the endpoint the delete dialog asks about

    async def _user(self):  # type: ignore[no-untyped-def]
        return await current_user(self, *ROLES)

    async def _refresh(self, user_id: int, role: str, tz: str) -> None:
        views = await offload(manage.list_endpoints, user_id, role)
        self.endpoints = [_endpoint_row(v) for v in views]
        if self.log_for and all(v.id != self.log_for for v in views):
            self.log_for, self.log_url, self.deliveries = 0, "", []
        elif self.log_for:
            rows = await offload(manage.deliveries, user_id, role, self.log_for)
            self.deliveries = [_delivery_row(r, tz) for r in rows]

    @rx.event
    async def on_load(self) -> None:
        self.loaded, self.new_secret, self.made_for = False, "", ""
        self.log_for, self.log_url, self.deliveries, self.delete_id = 0, "", [], 0
        self.chosen = []
        self._clear_errors()
        user = await self._user()
        if user is not None:
            await self._refresh(user.id, user.role, user.timezone)
        self.loaded = True

    @rx.event
    def toggle_event(self, event_type: str, checked: bool) -> None:
        wanted = set(self.chosen) | {event_type} if checked else set(self.chosen) - {event_type}
        self.chosen = [e for e in EVENT_TYPES if e in wanted]
        self._clear_errors("events")

    @rx.event
    def dismiss_secret(self) -> None:
        self.new_secret, self.made_for = "", ""

    @rx.event
    def copy_secret(self):  # type: ignore[no-untyped-def]
        return [rx.set_clipboard(self.new_secret), rx.toast.success("Secret copied.")]

    @rx.event
    async def create(self, form_data: dict[str, str]):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            yield refused(NOT_ALLOWED)
            return
        self.busy, self.new_secret = True, ""
        yield
        try:
            made = await offload(
                manage.create, user.id, user.role, url=text_of(form_data, "url"),
                events=list(self.chosen), now=clock.now(),
            )  # fmt: skip
        except DomainError as exc:
            self.busy = False
            yield self._show_refusal(exc, FIELDS, focus_prefix="webhook-")
            return
        self._clear_errors()
        self.busy, self.chosen = False, []
        self.new_secret, self.made_for = made.secret, made.endpoint.url
        await self._refresh(user.id, user.role, user.timezone)
        yield [rx.set_value("webhook-url", ""), rx.toast.success("Endpoint added.")]

    @rx.event
    async def rotate(self, endpoint_id: int):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return refused(NOT_ALLOWED)
        try:
            made = await offload(
                manage.rotate_secret, user.id, user.role, int(endpoint_id), now=clock.now()
            )
        except (DomainError, ValueError) as exc:
            return error_toast(exc) if isinstance(exc, DomainError) else None
        self.new_secret, self.made_for = made.secret, made.endpoint.url
        await self._refresh(user.id, user.role, user.timezone)
        return rx.toast.success("New secret made; the old one no longer signs anything.")

    @rx.event
    async def set_active(self, endpoint_id: int, active: bool):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return refused(NOT_ALLOWED)
        try:
            await offload(
                manage.update, user.id, user.role, int(endpoint_id), active=bool(active),
                now=clock.now(),
            )  # fmt: skip
        except DomainError as exc:
            return error_toast(exc)
        await self._refresh(user.id, user.role, user.timezone)
        return rx.toast.success("Endpoint turned on." if active else "Endpoint turned off.")

    @rx.event
    def ask_delete(self, endpoint_id: int) -> None:
        self.delete_id = int(endpoint_id)

    @rx.event
    def keep(self, _open: bool = False) -> None:
        self.delete_id = 0

    @rx.event
    async def delete(self):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return refused(NOT_ALLOWED)
        endpoint_id, self.delete_id = self.delete_id, 0
        try:
            await offload(manage.delete, user.id, user.role, endpoint_id)
        except DomainError as exc:
            return error_toast(exc)
        await self._refresh(user.id, user.role, user.timezone)
        return rx.toast.success("Endpoint deleted.")

    @rx.event
    async def show_log(self, endpoint_id: int):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return refused(NOT_ALLOWED)
        try:
            view = await offload(manage.get_endpoint, user.id, user.role, int(endpoint_id))
        except DomainError as exc:
            return error_toast(exc)
        self.log_for, self.log_url = view.id, view.url
        await self._refresh(user.id, user.role, user.timezone)
        return rx.set_focus("webhook-log-heading")

    @rx.event
    async def redeliver(self, delivery_id: int):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return refused(NOT_ALLOWED)
        try:
            await offload(
                manage.redeliver, user.id, user.role, self.log_for, int(delivery_id),
                now=clock.now(),
            )  # fmt: skip
        except DomainError as exc:
            return error_toast(exc)
        await self._refresh(user.id, user.role, user.timezone)
        return rx.toast.success("Queued: it will be sent again within a few seconds.")
