"""Student: my bookings, upcoming and past, each linking to its private page."""

from __future__ import annotations

import reflex as rx

from booking_app import clock, routes
from booking_app.components.add_to_calendar import add_to_calendar
from booking_app.components.layout import app_shell
from booking_app.components.widgets import empty_state, status_badge, when_loaded
from booking_app.realtime.channel import live_refresh
from booking_app.services import booking
from booking_app.services.money import locale_of
from booking_app.state.auth import current_user
from booking_app.state.off_loop import offload
from booking_app.state.page import student_page
from booking_app.state.rows import BookingRow, booking_row


class MyBookingsState(rx.State):
    loaded: bool = False
    tab: str = "upcoming"
    upcoming: list[BookingRow] = []
    past: list[BookingRow] = []

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.loaded = False
        user = await current_user(self, "student")
        if user is None:
            return None
        await offload(self._fill, user.id, user.timezone)
        return None

    def _fill(self, student_id: int, tz: str | None) -> None:
        view = booking.student_bookings(student_id, viewer_tz=tz or "UTC", now=clock.now())
        locale = locale_of(self.router.headers.accept_language)
        self.upcoming = [booking_row(b, locale) for b in view.upcoming]
        self.past = [booking_row(b, locale) for b in view.past]
        self.loaded = True

    @rx.event
    async def refresh(self) -> None:
        """Live update (the user's channel changed): re-read without the spinner."""
        user = await current_user(self, "student")
        if user is not None and self.loaded:
            await offload(self._fill, user.id, user.timezone)

    @rx.event
    def set_tab(self, tab: str | list[str]) -> None:
        value = tab[0] if isinstance(tab, list) and tab else tab
        self.tab = value if value in ("upcoming", "past") else "upcoming"


S = MyBookingsState


def _item(b: BookingRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(b.service_name, size="4"),
                    status_badge(b.status_label, b.status_color, class_name="my-booking-status"),
                    rx.cond(b.kind == "trial", rx.badge("Trial", color_scheme="amber")),
                    align="center",
                ),
                rx.text(b.label, size="2", weight="medium"),
                rx.text("with ", b.tutor_name, " · ", b.price_label, size="2", color_scheme="gray"),
                rx.cond(
                    (b.meeting_href != "") & b.can_cancel,  # upcoming, seat held
                    rx.link(
                        rx.icon("video", size=14),
                        " Meeting link",
                        href=b.meeting_href,
                        is_external=True,
                        rel="noopener noreferrer",
                        size="2",
                        class_name="my-booking-meeting",
                    ),
                ),
                rx.box(add_to_calendar(b, with_ids=False), padding_top="var(--space-1)"),
                rx.cond(
                    b.shown_status == "declined",
                    rx.link(
                        "Pick another time",
                        href=routes.tutor_public_url(b.tutor_slug),
                        size="2",
                        class_name="my-booking-rebook",
                    ),
                ),
                spacing="1",
            ),
            rx.link(
                rx.button("Open", variant="soft"),
                href=routes.booking_url(b.token),
                class_name="my-booking-open",
            ),
            justify="between",
            align="center",
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        class_name="my-booking",
    )


def _list(rows: rx.Var, empty_text: str, id_: str) -> rx.Component:  # type: ignore[type-arg]
    return rx.cond(
        rows.length() == 0,  # type: ignore[attr-defined]
        empty_state(
            "calendar-check",
            "Nothing here yet",
            empty_text,
            rx.link(rx.button("Find a tutor"), href=routes.LANDING),
            id_=f"{id_}-empty",
        ),
        rx.vstack(rx.foreach(rows, _item), spacing="3", width="100%", id=id_),
    )


@student_page(routes.MY_BOOKINGS, "My bookings", on_load=[MyBookingsState.on_load])
def my_bookings_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh),
        rx.vstack(
            rx.heading("My bookings", size="7", id="my-bookings-heading"),
            when_loaded(
                S.loaded,
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger("Upcoming", value="upcoming", id="tab-upcoming"),
                        rx.tabs.trigger("Past", value="past", id="tab-past"),
                    ),
                    rx.tabs.content(
                        _list(S.upcoming, "Book a lesson and it appears here.", "upcoming-list"),
                        value="upcoming",
                        padding_top="var(--space-3)",
                    ),
                    rx.tabs.content(
                        _list(S.past, "Past and cancelled lessons appear here.", "past-list"),
                        value="past",
                        padding_top="var(--space-3)",
                    ),
                    value=S.tab,
                    on_change=S.set_tab,
                    width="100%",
                ),
            ),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
