"""Pending booking requests of the signed-in tutor: list, confirm, decline with a reason.

Shared by the Requests page and the tutor's home (issue 14: answer right from home).
Confirm re-checks the time and admits the student in one transaction (service side);
decline needs a reason, which the student sees on the private booking page. Every
handler asks again who is signed in; the rows carry no token of the booking.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from booking_app import clock
from booking_app.services import booking
from booking_app.services.errors import DomainError, SlotUnavailable, ValidationFailed
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FormErrors, error_text, error_toast, text_of
from booking_app.state.off_loop import offload
from booking_app.state.requests_badge import RequestsBadgeState


@dataclass
class RequestRow:
    booking_id: int = 0
    kind: str = ""
    client_name: str = ""
    client_phone: str = ""
    client_email: str = ""
    telegram_username: str = ""
    service_name: str = ""
    label: str = ""
    created_label: str = ""


def _row(v: booking.RequestView) -> RequestRow:
    return RequestRow(
        v.booking_id,
        v.kind,
        v.client_name,
        v.client_phone,
        v.client_email or "",
        v.telegram_username or "",
        v.service_name,
        v.label,
        v.created_label,
    )


class TutorRequestsState(FormErrors, rx.State):
    loaded: bool = False
    timezone: str = "UTC"
    requests: list[RequestRow] = []
    busy_id: int = 0

    decline_open: bool = False
    decline_id: int = 0
    decline_who: str = ""
    declining: bool = False

    async def _reload(self, tutor_id: int) -> None:
        self.requests = [
            _row(v)
            for v in await offload(
                booking.pending_requests, tutor_id, viewer_tz=self.timezone or "UTC"
            )
        ]
        badge = await self.get_state(RequestsBadgeState)
        badge.pending = len(self.requests)

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.busy_id, self.decline_open, self.declining = 0, False, False
        user = await current_tutor(self)
        if user is None:
            return None
        self.timezone = user.timezone or "UTC"
        await self._reload(user.id)
        self.loaded = True
        return None

    @rx.event
    async def refresh(self) -> None:
        """Live update (the user's channel changed): re-read the list, keep the dialog."""
        user = await current_tutor(self)
        if user is not None and self.loaded:
            await self._reload(user.id)

    @rx.event
    async def confirm(self, booking_id: int):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.busy_id = int(booking_id)
        yield
        try:
            view = await offload(booking.confirm_booking, user.id, int(booking_id), now=clock.now())
        except SlotUnavailable as exc:
            self.busy_id = 0
            await self._reload(user.id)
            yield rx.toast.error("Can't confirm: " + error_text(exc))
            return
        except DomainError as exc:
            self.busy_id = 0
            await self._reload(user.id)
            yield error_toast(exc)
            return
        self.busy_id = 0
        await self._reload(user.id)
        yield rx.toast.success(f"Confirmed: {view.client_name}, {view.label}.")

    @rx.event
    def open_decline(self, booking_id: int, who: str) -> None:
        self.decline_id, self.decline_who = int(booking_id), str(who)
        self.decline_open = True
        self._clear_errors()

    @rx.event
    def set_decline_open(self, is_open: bool) -> None:
        if not self.declining:
            self.decline_open = bool(is_open)

    @rx.event
    async def decline(self, form_data: dict[str, str]):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        reason = text_of(form_data, "reason")
        if not reason:
            self.errors = {"reason": "Tell the student why (they will see it)."}
            return
        self._clear_errors()
        self.declining = True
        yield
        try:
            view = await offload(
                booking.decline_booking, user.id, self.decline_id, reason=reason, now=clock.now()
            )
        except ValidationFailed as exc:
            self.declining = False
            self._show_refusal(exc, ("reason",))
            return
        except DomainError as exc:
            self.declining, self.decline_open = False, False
            await self._reload(user.id)
            yield error_toast(exc)
            return
        self.declining, self.decline_open = False, False
        await self._reload(user.id)
        yield rx.toast.success(f"Declined: {view.client_name}, {view.label}.")
