"""Home: the signed-in landing of each role (greeting, dashboard, account)."""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.account_security import account_security_card
from booking_app.components.api_access import api_access_card
from booking_app.components.calendar_feed import calendar_feed_card
from booking_app.components.layout import app_shell
from booking_app.realtime.channel import live_refresh
from booking_app.state.account_security import AccountSecurityState
from booking_app.state.api_access import ApiAccessState
from booking_app.state.auth import AuthState
from booking_app.state.calendar_feed import CalendarFeedState
from booking_app.state.page import signed_in_page
from booking_app.state.requests import TutorRequestsState

from .dashboard import DashboardState, dashboard_panel
from .onboarding import OnboardingState, onboarding_panel
from .routine import RoutineState, routine_panel

ROLE_INTRO = {
    "tutor": "Publish your services and working hours, accept requests and run lessons.",
    "student": "Find a tutor, book trial and regular lessons, and join your classroom.",
    "admin": "Run the platform: users, tutors, subjects and bookings.",
}


def _account_card() -> rx.Component:
    def row(label: str, value: rx.Var[str], id_: str) -> rx.Component:
        return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value, id=id_))

    return rx.card(
        rx.heading("Your account", size="4", margin_bottom="var(--space-3)"),
        rx.data_list.root(
            row("Name", AuthState.name, "account-name"),
            row("Email", AuthState.email, "account-email"),
            row("Role", AuthState.role, "account-role"),
            row("Timezone", AuthState.timezone, "account-timezone"),
        ),
        width="100%",
    )


@signed_in_page(
    routes.HOME,
    "Home",
    on_load=[
        DashboardState.load,
        OnboardingState.load,
        TutorRequestsState.on_load,
        RoutineState.load,
        AccountSecurityState.on_load,
        CalendarFeedState.on_load,
        ApiAccessState.on_load,
    ],
)
def home_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading("Welcome, ", AuthState.first_name, size="7", id="home-greeting"),
            rx.match(
                AuthState.role,
                *[
                    (role, rx.text(text, size="3", color_scheme="gray", id=f"intro-{role}"))
                    for role, text in ROLE_INTRO.items()
                ],
                rx.fragment(),
            ),
            rx.cond(
                AuthState.role == "tutor",
                rx.fragment(
                    live_refresh(TutorRequestsState.refresh, RoutineState.load),
                    onboarding_panel(),
                    routine_panel(),
                ),
            ),
            dashboard_panel(),
            _account_card(),
            # Tutors have these on their profile page.
            rx.cond(
                AuthState.role == "student",
                calendar_feed_card(
                    "Your bookings in the calendar app you already use; it updates by itself."
                ),
            ),
            rx.cond(AuthState.role != "tutor", account_security_card(routes.HOME)),
            rx.cond(AuthState.role != "tutor", api_access_card()),
            spacing="5",
            padding_y="var(--space-6)",
            max_width="960px",
        )
    )
