"""The public landing page (the marketplace replaces its body when it lands)."""

from __future__ import annotations

import reflex as rx

from booking_app.components.layout import public_shell
from booking_app.pages import routes
from booking_app.state.auth import AuthState


def landing_page() -> rx.Component:
    return public_shell(
        rx.vstack(
            rx.heading("Private lessons, booked in a minute", size="8", id="landing-title"),
            rx.text(
                "Tutors publish their services and hours; students book trial and regular "
                "lessons, meet in an online classroom and get Telegram reminders.",
                size="4",
                color_scheme="gray",
                max_width="640px",
            ),
            rx.hstack(
                rx.link(
                    rx.button("I'm a student", size="3"), href=f"{routes.REGISTER}?role=student"
                ),
                rx.link(
                    rx.button("I'm a tutor", size="3", variant="outline"),
                    href=f"{routes.REGISTER}?role=tutor",
                ),
                spacing="3",
                wrap="wrap",
            ),
            spacing="5",
            padding_y="12vh",
        )
    )


def add_landing_page(app: rx.App) -> None:
    app.add_page(
        landing_page, route=routes.LANDING, title="TutorBook", on_load=AuthState.load_optional
    )
