"""The "Subscribe to my lessons" card: make, copy, rotate or turn off the secret calendar
feed URL. On the tutor profile page and, for students, the home page. State:
state/calendar_feed.py. How each calendar app subscribes: README, "Calendars"."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router import ReactRouterLink

from booking_app.state.calendar_feed import CalendarFeedState

S = CalendarFeedState


def _shown_once() -> rx.Component:
    return rx.vstack(
        rx.callout(
            "Copy this address now: for your safety it is shown only once. Lost it? "
            "Make a new one (the old one then stops working).",
            icon="info",
            color_scheme="amber",
            size="1",
            width="100%",
        ),
        rx.el.label("Feed address", html_for="calendar-feed-url", class_name="rt-Text rt-r-size-2"),
        rx.input(
            value=S.shown_url,
            read_only=True,
            id="calendar-feed-url",
            width="100%",
            on_focus=rx.call_script("document.getElementById('calendar-feed-url').select()"),
        ),
        rx.flex(
            rx.button(
                rx.icon("copy", size=14),
                "Copy address",
                on_click=S.copy_url,
                id="calendar-feed-copy",
            ),
            rx.button(
                ReactRouterLink.create(  # a webcal: URL: the browser hands it to the calendar app
                    rx.icon("calendar-plus", size=14, aria_hidden="true"),
                    "Open in my calendar app",
                    to=S.shown_webcal,
                    reload_document=True,
                    id="calendar-feed-webcal",
                ),
                as_child=True,
                variant="soft",
            ),
            gap="var(--space-2)",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
    )


def calendar_feed_card(description: str) -> rx.Component:
    """`description`: what this role's feed holds, in one sentence."""
    return rx.card(
        rx.vstack(
            rx.heading("Subscribe to my lessons", size="4", id="calendar-feed-heading"),
            rx.text(description, size="2", color_scheme="gray"),
            rx.text(
                "Paste the address into Google Calendar (Other calendars, From URL), Apple "
                "Calendar (File, New Calendar Subscription) or Outlook (Add calendar, "
                "Subscribe from web). Anyone with the address sees these lessons.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(S.shown_url != "", _shown_once()),
            rx.cond(
                S.active,
                rx.text(
                    "Feed active since ", S.created_label, ".", size="2", id="calendar-feed-status"
                ),
                rx.text("No feed yet.", size="2", id="calendar-feed-status"),
            ),
            rx.flex(
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    rx.cond(S.active, "Make a new address", "Create feed address"),
                    on_click=S.rotate,
                    variant=rx.cond(S.active, "soft", "solid"),
                    id="calendar-feed-rotate",
                ),
                rx.cond(
                    S.active,
                    rx.button(
                        rx.icon("circle-off", size=14),
                        "Turn off",
                        on_click=S.revoke,
                        color_scheme="red",
                        variant="soft",
                        id="calendar-feed-revoke",
                    ),
                ),
                gap="var(--space-2)",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        max_width="640px",
        id="calendar-feed-card",
    )
