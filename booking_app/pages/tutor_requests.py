"""Tutor: pending booking requests (trials and, when the tutor confirms each booking, all).

The list, confirm and decline live in `state/requests.py` and `components/requests.py`,
shared with the tutor's home.
"""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.layout import app_shell
from booking_app.components.requests import decline_dialog, request_card
from booking_app.components.widgets import empty_state, when_loaded
from booking_app.realtime.channel import live_refresh
from booking_app.state.page import tutor_page
from booking_app.state.requests import RequestRow, TutorRequestsState

__all__ = ["RequestRow", "TutorRequestsState", "tutor_requests_page"]

S = TutorRequestsState


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
                rx.link(
                    "All bookings: filters, payments, CSV export",
                    href=routes.TUTOR_BOOKINGS,
                    size="2",
                    id="requests-all-bookings",
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
                        rx.foreach(S.requests, request_card),
                        spacing="3",
                        width="100%",
                        id="requests-list",
                    ),
                ),
            ),
            decline_dialog(),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
