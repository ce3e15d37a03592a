"""The private booking page `/booking/<token>`: whoever holds the link manages the booking.

No account needed. Details in the viewer's timezone, status, "Add to calendar" (.ics
download, Google, Outlook: components/add_to_calendar.py), the Telegram deep link, cancel
(late cancels are warned about) and reschedule to another free slot of the same service.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx

from booking_app import clock, routes
from booking_app.components.add_to_calendar import add_to_calendar
from booking_app.components.forms import field_error
from booking_app.components.layout import public_shell
from booking_app.components.slots import RETURN_FOCUS, slot_grid, timezone_select, week_picker
from booking_app.components.widgets import confirm_dialog, not_found, status_badge, when_loaded
from booking_app.config import get_settings
from booking_app.services import booking as bookings
from booking_app.services.errors import (
    DomainError,
    NotFound,
    OverlapNeedsConfirm,
    SlotUnavailable,
)
from booking_app.services.money import locale_of
from booking_app.state.auth import AuthState
from booking_app.state.forms import error_text
from booking_app.state.off_loop import offload
from booking_app.state.page import public_page
from booking_app.state.rows import BookingRow, booking_row
from booking_app.state.viewer_timezone import ViewerTimezone
from booking_app.state.week_nav import SlotWeek


class BookingPageState(ViewerTimezone, SlotWeek, rx.State):
    """The booking and, while the reschedule panel is open, a week of its free times."""

    loaded: bool = False
    not_found: bool = False
    is_new: bool = False
    booking_token: str = ""
    b: BookingRow = BookingRow()

    cancel_open: bool = False
    cancelling: bool = False
    action_error: str = ""

    resched_open: bool = False
    r_message: str = ""
    r_saving: bool = False
    # "Move from X to Y?": the time picked in the panel, moved only once confirmed.
    move_open: bool = False
    move_start: str = ""
    move_lesson_id: int = 0
    move_label: str = ""
    move_clash: str = ""  # "You have X then. Move anyway?" (STUDENT_OVERLAP=warn): asked once

    share_url: str = ""  # this page's full address, for the copy button

    def _fetch(self) -> None:
        try:
            view = bookings.get_booking(
                self.booking_token, viewer_tz=self.viewer_tz or "UTC", now=clock.now()
            )
        except NotFound:
            self.not_found = True
            return
        self.not_found = False
        self.b = booking_row(view, locale_of(self.router.headers.accept_language))

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.loaded = False
        self.cancel_open, self.cancelling, self.action_error = False, False, ""
        self.resched_open, self.r_message, self.r_saving = False, "", False
        self._close_move()
        self.booking_token = routes.route_arg(self.router.url.path, routes.BOOKING)
        self.share_url = get_settings().public_url + routes.booking_url(self.booking_token)
        self.is_new = self.router.url.query_parameters.get("new", "") == "1"
        auth = await self.get_state(AuthState)
        self._adopt_account_timezone(auth)
        await offload(self._fetch)
        self.loaded = True
        return None if self.not_found else self._ask_browser_timezone(auth)

    def _timezone_changed(self) -> None:
        self._fetch()
        if self.resched_open:
            self._refresh_options()

    # ------------------------------------------------------------------ cancel

    @rx.event
    def set_cancel_open(self, is_open: bool) -> None:
        if not self.cancelling:
            self.cancel_open = bool(is_open)
            self.action_error = ""

    @rx.event
    def cancel(self):  # type: ignore[no-untyped-def]
        self.cancelling, self.action_error = True, ""
        yield
        try:
            bookings.cancel_booking(self.booking_token, now=clock.now())
        except DomainError as exc:
            self.cancelling = False
            self.action_error = error_text(exc)
            return
        self.cancelling, self.cancel_open, self.is_new = False, False, False
        self._fetch()
        yield rx.toast.success("Your booking is cancelled.")

    # ------------------------------------------------------------------ reschedule

    def _refresh_options(self) -> None:
        week = date.fromisoformat(self.week_start) if self.week_start else None
        try:
            view = bookings.reschedule_options(
                self.booking_token, week_start=week, viewer_tz=self.viewer_tz, now=clock.now()
            )
        except DomainError as exc:
            self.r_message = error_text(exc)
            self._clear_week()
            return
        self._show_week(view)

    async def _week_changed(self) -> None:
        await offload(self._refresh_options)

    @rx.event
    def open_reschedule(self) -> None:
        self.resched_open, self.r_message, self.week_start = True, "", ""
        self._refresh_options()

    @rx.event
    def close_reschedule(self) -> None:
        self.resched_open = False
        self._close_move()

    def _close_move(self) -> None:
        self.move_open, self.move_start, self.move_lesson_id, self.move_label = False, "", 0, ""
        self.move_clash = ""

    @rx.event
    def set_move_open(self, is_open: bool) -> None:
        if not self.r_saving and not is_open:
            self._close_move()

    @rx.event
    def copy_link(self):  # type: ignore[no-untyped-def]
        return [
            rx.set_clipboard(self.share_url),
            rx.toast.success("Link copied. Keep it: it is how you manage this booking."),
        ]

    def _move(self, start: str, lesson_id: int):  # type: ignore[no-untyped-def]
        """Move; a clash with the student's other lesson is asked about once (the "yes"
        is the second press; the service re-checks the rule either way)."""
        self.r_saving, self.r_message = True, ""
        yield
        try:
            bookings.reschedule_booking(
                self.booking_token, start=start, lesson_id=lesson_id, now=clock.now(),
                confirm_overlap=self.move_clash != "",
            )  # fmt: skip
        except OverlapNeedsConfirm as exc:
            self.r_saving, self.move_clash = False, error_text(exc)
            return
        except DomainError as exc:  # a refused time says why (the engine's reason)
            self.r_saving, self.r_message = False, error_text(exc)
            if isinstance(exc, SlotUnavailable):
                self._refresh_options()
            return
        self.r_saving, self.resched_open, self.is_new = False, False, False
        self._close_move()
        self._fetch()
        yield rx.toast.success("Moved to " + self.b.label + ".")

    @rx.event
    def reschedule_to(self, slot: dict[str, Any]) -> None:
        """A time picked in the panel: ask "Move from X to Y?" first (nothing moves yet)."""
        self.move_start, self.move_lesson_id = str(slot.get("start", "")), 0
        self.move_label, self.move_open, self.move_clash = str(slot.get("label", "")), True, ""

    @rx.event
    def reschedule_join(self, lesson_id: int, label: str = "") -> None:
        self.move_start, self.move_lesson_id = "", int(lesson_id)
        self.move_label, self.move_open, self.move_clash = str(label), True, ""

    @rx.event
    def confirm_move(self):  # type: ignore[no-untyped-def]
        """The answer "yes": the service re-checks the time (and everything else) itself."""
        if not self.move_open:
            return
        yield from self._move(self.move_start, self.move_lesson_id)


# --------------------------------------------------------------------------- UI

S = BookingPageState


def _detail(icon: str, *children: Any) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=16, flex_shrink="0"),
        rx.text(*children, size="3"),
        align="center",
        spacing="2",
    )


def _cancel_dialog() -> rx.Component:
    return confirm_dialog(
        "Cancel this booking?",
        rx.alert_dialog.description(
            rx.cond(
                S.b.cancel_is_late,
                "It starts soon: inside the tutor's cancellation notice, so this counts "
                "as a late cancellation.",
                "The time will be freed for others.",
            ),
            id="cancel-warning",
        ),
        field_error(S.action_error, "cancel-booking"),
        keep=rx.button("Keep it", variant="soft", color_scheme="gray"),
        confirm="Yes, cancel",
        on_confirm=S.cancel,
        loading=S.cancelling,
        open=S.cancel_open,
        on_open_change=S.set_cancel_open,
        trigger=rx.button(
            rx.icon("x", size=14),
            "Cancel booking",
            color_scheme="red",
            variant="soft",
            id="cancel-booking",
        ),
    )


def _move_dialog() -> rx.Component:
    """ "Move from X to Y?": rescheduling never happens on one click (issue 14, item 5)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Move this booking?"),
            rx.alert_dialog.description(
                "Move from ", rx.text.strong(S.b.label), " to ", rx.text.strong(S.move_label), "?",
                id="move-question",
            ),
            rx.cond(
                S.r_message != "",
                rx.text(S.r_message, color_scheme="red", size="2", id="move-error"),
            ),
            rx.cond(S.move_clash != "", rx.callout(S.move_clash, icon="triangle-alert",
                    color_scheme="amber", size="1", id="move-overlap", role="alert",
                    margin_top="var(--space-3)")),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep the current time", variant="soft", color_scheme="gray")
                ),
                rx.button(rx.cond(S.move_clash != "", "Move anyway", "Yes, move it"),
                          on_click=S.confirm_move, loading=S.r_saving, id="confirm-move"),
                justify="end",
                spacing="3",
                margin_top="var(--space-4)",
                wrap="wrap",
            ),
            on_close_auto_focus=RETURN_FOCUS,
        ),
        open=S.move_open,
        on_open_change=S.set_move_open,
    )  # fmt: skip


def _reschedule_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Pick a new time", size="4"),
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    on_click=S.close_reschedule,
                    aria_label="Close",
                ),
                justify="between",
                width="100%",
            ),
            rx.cond(
                S.r_message != "",
                rx.callout(
                    S.r_message,
                    icon="clock",
                    color_scheme="amber",
                    width="100%",
                    id="reschedule-message",
                ),
            ),
            week_picker(S, prefix="rweek", loading=S.r_saving),
            rx.cond(
                S.slot_count == 0,
                rx.text("No free times this week.", size="2", color_scheme="gray"),
            ),
            slot_grid(S.days, lambda s: S.reschedule_to(s), prefix="rslots"),
            rx.foreach(
                S.joinable,
                lambda j: rx.hstack(
                    rx.text(j.label, size="2"),
                    rx.badge(j.free_spots.to_string(), " free", color_scheme="violet"),
                    rx.button(
                        "Move here",
                        size="2",
                        min_height="44px",
                        on_click=S.reschedule_join(j.lesson_id, j.label),
                    ),
                    align="center",
                ),
            ),
            _move_dialog(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="reschedule-panel",
    )


def _telegram_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Reminders in Telegram", size="4"),
            rx.text(
                "Open the link, press Start, and the bot will send you the confirmation and "
                "reminders for this lesson.",
                size="2",
                color_scheme="gray",
            ),
            rx.el.a(
                rx.button(rx.icon("send", size=14), "Connect Telegram", variant="soft"),
                href=S.b.telegram_link,
                target="_blank",
                rel="noopener",
                id="telegram-link",
            ),
            spacing="2",
        ),
        width="100%",
    )


def _booking_view() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.is_new,
            rx.callout(
                rx.cond(
                    S.b.status == "pending",
                    "Requested! The tutor will confirm it soon. Keep this page's link: it is "
                    "how you manage the booking.",
                    "Booked! Keep this page's link: it is how you manage the booking.",
                ),
                icon="circle-check",
                color_scheme="green",
                width="100%",
                id="booked-banner",
            ),
        ),
        rx.cond(
            S.b.shown_status == "declined",
            rx.callout.root(
                rx.callout.icon(rx.icon("calendar-x")),
                rx.callout.text(
                    "The tutor declined this request. ",
                    rx.link(
                        "Pick another time",
                        href=routes.tutor_public_url(S.b.tutor_slug),
                        id="rebook-link",
                        weight="medium",
                    ),
                ),
                color_scheme="amber",
                width="100%",
                id="declined-banner",
            ),
        ),
        rx.flex(
            rx.heading(S.b.service_name, size="7", id="booking-service"),
            status_badge(S.b.status_label, S.b.status_color, id="booking-status"),
            rx.cond(S.b.kind == "trial", rx.badge("Trial", color_scheme="amber")),
            gap="var(--space-3)",
            align="center",
            wrap="wrap",
        ),
        rx.card(
            rx.vstack(
                rx.box(_detail("calendar", S.b.label), id="booking-when"),
                _detail(
                    "user",
                    "with ",
                    rx.link(S.b.tutor_name, href=routes.tutor_public_url(S.b.tutor_slug)),
                ),
                rx.cond(
                    S.b.mode == "offline",
                    _detail("map-pin", S.b.location),
                    _detail(
                        "video",
                        rx.cond(
                            S.b.meeting_href != "",
                            rx.link(
                                S.b.meeting_href,
                                href=S.b.meeting_href,
                                is_external=True,  # a new tab, rel="noopener noreferrer"
                                rel="noopener noreferrer",
                                id="meeting-link",
                            ),
                            rx.cond(
                                S.b.meeting_url != "",
                                S.b.meeting_url,
                                "Online (the link comes before the lesson)",
                            ),
                        ),
                    ),
                ),
                _detail("wallet", rx.text.span(S.b.price_label, id="booking-price")),
                _detail("id-card", "Booked for ", S.b.client_name),
                rx.cond(S.b.status_reason != "", _detail("message-square", S.b.status_reason)),
                timezone_select(S.viewer_tz, S.set_timezone, "booking-timezone"),
                spacing="3",
            ),
            width="100%",
        ),
        rx.flex(
            add_to_calendar(S.b),
            rx.button(
                rx.icon("copy", size=14),
                "Copy private link",
                variant="soft",
                on_click=S.copy_link,
                id="copy-link",
            ),
            rx.cond(
                S.b.can_reschedule,
                rx.button(
                    rx.icon("calendar-clock", size=14),
                    "Reschedule",
                    variant="soft",
                    on_click=S.open_reschedule,
                    id="reschedule-booking",
                ),
            ),
            rx.cond(S.b.can_cancel, _cancel_dialog()),
            gap="var(--space-3)",
            wrap="wrap",
        ),
        rx.cond(S.resched_open, _reschedule_panel()),
        _telegram_card(),
        spacing="4",
        width="100%",
        max_width="760px",
        padding_y="var(--space-5)",
    )


@public_page(routes.BOOKING, "Your booking", on_load=[BookingPageState.on_load])
def booking_page() -> rx.Component:
    return public_shell(
        when_loaded(
            S.loaded,
            rx.cond(
                S.not_found,
                not_found(
                    "Booking not found",
                    "Check the link: it may be mistyped or incomplete.",
                    "booking-not-found",
                ),
                _booking_view(),
            ),
        )
    )
