"""Tutor: pending booking requests (trials and, when the tutor confirms each booking, all).

Confirm re-checks the time and admits the student in one transaction (service side);
decline needs a reason, which the student sees on the private booking page.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from booking_app import clock, routes
from booking_app.components.forms import error_of, field_error, form_message
from booking_app.components.layout import app_shell
from booking_app.components.widgets import empty_state, when_loaded
from booking_app.realtime.channel import live_refresh
from booking_app.services import booking
from booking_app.services.errors import DomainError, SlotUnavailable, ValidationFailed
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FormErrors, error_text, error_toast, text_of
from booking_app.state.page import tutor_page
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
            _row(v) for v in booking.pending_requests(tutor_id, viewer_tz=self.timezone or "UTC")
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
            view = booking.confirm_booking(user.id, int(booking_id), now=clock.now())
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
            view = booking.decline_booking(user.id, self.decline_id, reason=reason, now=clock.now())
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


S = TutorRequestsState


def _contact(icon: str, value: rx.Var[str]) -> rx.Component:  # type: ignore[type-arg]
    return rx.cond(
        value != "",
        rx.hstack(
            rx.icon(icon, size=12),
            rx.text(value, size="1", color_scheme="gray"),
            spacing="1",
            align="center",
        ),
    )


def _request_card(r: RequestRow) -> rx.Component:
    rid = r.booking_id.to_string()
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(r.client_name, size="4", class_name="request-client"),
                    rx.cond(r.kind == "trial", rx.badge("Trial", color_scheme="amber")),
                    align="center",
                ),
                rx.text(
                    r.service_name,
                    " · ",
                    r.label,
                    size="2",
                    weight="medium",
                    class_name="request-when",
                ),
                rx.flex(
                    _contact("phone", r.client_phone),
                    _contact("mail", r.client_email),
                    _contact("send", r.telegram_username),
                    gap="var(--space-3)",
                    wrap="wrap",
                ),
                rx.text("Requested ", r.created_label, size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("check", size=14),
                    "Confirm",
                    color_scheme="green",
                    on_click=S.confirm(r.booking_id),
                    loading=S.busy_id == r.booking_id,
                    id="confirm-" + rid,
                ),
                rx.button(
                    rx.icon("x", size=14),
                    "Decline",
                    color_scheme="red",
                    variant="soft",
                    on_click=S.open_decline(r.booking_id, r.client_name),
                    id="decline-" + rid,
                ),
                spacing="2",
            ),
            justify="between",
            align="center",
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        class_name="request-item",
    )


def _decline_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Decline ", S.decline_who, "'s request"),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        "Reason (the student sees it)",
                        html_for="decline-reason",
                        class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
                    ),
                    rx.text_area(
                        id="decline-reason",
                        name="reason",
                        rows="3",
                        width="100%",
                        max_length=500,
                        auto_focus=True,
                    ),
                    field_error(error_of(S.errors, "reason"), "decline-reason"),
                    form_message(S.errors, "decline-error", width="100%"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Back", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            "Decline request",
                            color_scheme="red",
                            type="submit",
                            loading=S.declining,
                            id="decline-submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.decline,
                no_validate=True,
                width="100%",
            ),
            max_width="480px",
        ),
        open=S.decline_open,
        on_open_change=S.set_decline_open,
    )


@tutor_page(routes.TUTOR_REQUESTS, "Requests", on_load=[TutorRequestsState.on_load])
def tutor_requests_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh),
        rx.vstack(
            rx.vstack(
                rx.heading("Requests", size="7", id="requests-heading"),
                rx.text(
                    "Trials and bookings waiting for your answer. Each holds its seat "
                    "until you confirm or decline.",
                    size="2",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            when_loaded(
                S.loaded,
                rx.cond(
                    S.requests.length() == 0,
                    empty_state(
                        "inbox",
                        "No pending requests",
                        "New trial requests and bookings that need your confirmation show up here.",
                        id_="requests-empty",
                    ),
                    rx.vstack(
                        rx.foreach(S.requests, _request_card),
                        spacing="3",
                        width="100%",
                        id="requests-list",
                    ),
                ),
            ),
            _decline_dialog(),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
