"""Tutor workspace: the services a tutor offers (create, edit, deactivate). The state is
state.py, the create/edit dialog dialog.py."""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.layout import app_shell
from booking_app.components.widgets import (
    empty_state,
    length_and_price,
    page_header,
    trial_badge,
    when_loaded,
)
from booking_app.state.page import tutor_page
from booking_app.state.rows import ServiceItem

from .dialog import service_dialog
from .state import TutorServicesState

S = TutorServicesState


def _icon_line(icon: str, text: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=12, flex_shrink="0"),
        rx.text(text, size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
        align="center",
        spacing="1",
    )


def _service_card(s: ServiceItem) -> rx.Component:
    sid = s.id.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(s.name, size="4", class_name="service-name"),
                rx.cond(
                    s.is_active,
                    rx.badge("Active", color_scheme="green", variant="soft"),
                    rx.badge(
                        "Inactive",
                        color_scheme="gray",
                        variant="soft",
                        class_name="service-inactive",
                    ),
                ),
                justify="between",
                align="start",
                width="100%",
            ),
            rx.flex(
                rx.cond(s.subject_name != "", rx.badge(s.subject_name, variant="outline")),
                rx.cond(
                    s.lesson_type == "group",
                    rx.badge(
                        rx.icon("users", size=12),
                        "Group · up to ",
                        s.capacity.to_string(),
                        color_scheme="violet",
                    ),
                    rx.badge(rx.icon("user", size=12), "Individual", color_scheme="blue"),
                ),
                rx.cond(
                    s.mode == "online",
                    rx.badge(rx.icon("video", size=12), "Online", color_scheme="cyan"),
                    rx.badge(rx.icon("map-pin", size=12), "Offline", color_scheme="orange"),
                ),
                rx.cond(
                    s.is_trial,
                    trial_badge(),
                ),
                gap="var(--space-2)",
                wrap="wrap",
            ),
            length_and_price(
                s, label=s.price_label, size="3", weight="medium", class_name="service-meta"
            ),
            rx.cond(
                s.description != "",
                rx.text(s.description, size="2", color_scheme="gray", trim="both"),
            ),
            rx.cond(
                s.mode == "offline",
                _icon_line("map-pin", s.location),
                rx.cond(s.meeting_url != "", _icon_line("video", s.meeting_url)),
            ),
            rx.spacer(),
            rx.hstack(
                rx.button(
                    rx.icon("pencil", size=14),
                    "Edit",
                    variant="soft",
                    size="2",
                    on_click=S.open_edit(s.id),
                    id="edit-service-" + sid,
                ),
                rx.cond(
                    s.is_active,
                    rx.button(
                        rx.icon("power-off", size=14),
                        "Deactivate",
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                        loading=S.toggling_id == s.id,
                        on_click=S.set_active(s.id, False),
                        id="deactivate-service-" + sid,
                    ),
                    rx.button(
                        rx.icon("power", size=14),
                        "Activate",
                        variant="soft",
                        color_scheme="green",
                        size="2",
                        loading=S.toggling_id == s.id,
                        on_click=S.set_active(s.id, True),
                        id="activate-service-" + sid,
                    ),
                ),
                spacing="2",
            ),
            spacing="3",
            height="100%",
        ),
        id="service-" + sid,
        class_name="service-card",
        opacity=rx.cond(s.is_active, "1", "0.7"),
    )


@tutor_page(routes.TUTOR_SERVICES, "Services", on_load=[TutorServicesState.on_load])
def tutor_services_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            page_header(
                rx.vstack(
                    rx.heading("Your services", size="7", id="services-heading"),
                    rx.text(
                        "What students can book with you. Inactive services stay in old "
                        "bookings but can't be booked.",
                        color_scheme="gray",
                        size="2",
                    ),
                    spacing="1",
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    "New service",
                    on_click=S.open_create,
                    size="3",
                    id="new-service",
                ),
            ),
            when_loaded(
                S.loaded,
                rx.cond(
                    S.services.length() == 0,
                    empty_state(
                        "briefcase",
                        "No services yet — create your first one",
                        "A service is what students book: e.g. a 60-minute individual English "
                        "lesson online, or a group class in your studio.",
                        rx.button(
                            rx.icon("plus", size=16),
                            "Create a service",
                            on_click=S.open_create,
                            id="empty-new-service",
                        ),
                        id_="services-empty",
                    ),
                    rx.grid(
                        rx.foreach(S.services, _service_card),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                        spacing="4",
                        width="100%",
                        id="services-list",
                    ),
                ),
            ),
            service_dialog(),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        )
    )
