"""Tutor workspace: publish lessons at a time, see seats taken, cancel with a reason. The
state is state.py."""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app import routes
from booking_app.components.forms import (
    bound_field,
    error_of,
    field_error,
    form_field,
    form_message,
    labelled_switch,
    select_control,
)
from booking_app.components.layout import app_shell
from booking_app.components.offer_form import offer_fields
from booking_app.components.widgets import confirm_dialog, empty_state, when_loaded
from booking_app.realtime.channel import live_refresh
from booking_app.state.page import tutor_page

from .state import PublishedLesson, TutorLessonsState

S = TutorLessonsState


def _publish_form() -> rx.Component:
    def text(label: str, name: str, hint: str = "", **props: Any) -> rx.Component:
        return bound_field(label, name, S, id_prefix="lesson-", hint=hint, size="2", **props)

    return rx.card(
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.icon("calendar-plus", size=18),
                    rx.heading("Publish a lesson", size="4", as_="h2"),
                    align="center",
                ),
                rx.text(
                    "Put a lesson on your calendar at a fixed time; students can then book "
                    "its seats. Times are in ",
                    S.timezone,
                    ".",
                    size="2",
                    color_scheme="gray",
                ),
                form_field(
                    "Service (optional)",
                    select_control(
                        S.service_options,
                        "lesson-service_id",
                        value=S.service_id,
                        on_change=S.choose_service,
                    ),
                    error_of(S.errors, "service_id"),
                    "lesson-service_id",
                    hint="Prefills length, type, format and price.",
                ),
                rx.grid(
                    text("Starts", "start_local", type="datetime-local"),
                    text(
                        "Duration (minutes)", "duration_min", type="number", min=15, max=480, step=5
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                text("Title", "title", placeholder="e.g. Conversation club"),
                *offer_fields(S, id_prefix="lesson-", capacity_hint="At least 2.", size="2"),
                text("Price", "price", input_mode="decimal"),
                labelled_switch(
                    "Tentative (may still change)",
                    checked=S.tentative,
                    on_change=S.set_tentative,
                    field_id="lesson-tentative",
                    name="tentative",
                    error=error_of(S.errors, "tentative"),
                ),
                form_message(S.errors, "publish-error", width="100%"),
                rx.button(
                    rx.icon("calendar-plus", size=14),
                    "Publish lesson",
                    type="submit",
                    loading=S.publishing,
                    id="publish-lesson",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=lambda _: S.publish(),
            no_validate=True,
            width="100%",
        ),
        width="100%",
        id="publish-card",
    )


STATUS_COLORS = {
    "scheduled": "green",
    "tentative": "amber",
    "cancelled": "red",
    "completed": "gray",
}


def _lesson_card(row: PublishedLesson) -> rx.Component:
    lid = row.id.to_string()
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(row.label, weight="bold", size="3", class_name="lesson-label"),
                    rx.badge(
                        row.status,
                        color_scheme=rx.match(row.status, *STATUS_COLORS.items(), "gray"),
                        class_name="lesson-status",
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    rx.cond(row.title != "", row.title, row.service_name),
                    size="2",
                    class_name="lesson-title",
                ),
                rx.cond(
                    row.students != "",
                    rx.hstack(
                        rx.icon("user", size=14, aria_hidden="true"),
                        rx.text(
                            row.students,
                            size="2",
                            weight="medium",
                            title=row.students_all,
                            class_name="lesson-students",
                        ),
                        align="center",
                        spacing="1",
                    ),
                    rx.text(
                        "No students yet",
                        size="2",
                        color_scheme="gray",
                        class_name="lesson-students",
                    ),
                ),
                rx.flex(
                    rx.cond(
                        row.lesson_type == "group",
                        rx.badge(rx.icon("users", size=12), "Group", color_scheme="violet"),
                        rx.badge(rx.icon("user", size=12), "Individual", color_scheme="blue"),
                    ),
                    rx.cond(
                        row.mode == "online",
                        rx.badge(rx.icon("video", size=12), "Online", color_scheme="cyan"),
                        rx.badge(rx.icon("map-pin", size=12), row.location, color_scheme="orange"),
                    ),
                    rx.cond(row.service_name != "", rx.badge(row.service_name, variant="outline")),
                    rx.cond(
                        row.price != "", rx.badge(row.price, variant="outline", color_scheme="gray")
                    ),
                    gap="var(--space-2)",
                    wrap="wrap",
                ),
                spacing="2",
                align="start",
            ),
            rx.vstack(
                rx.text(
                    row.seats_taken.to_string(),
                    " / ",
                    row.capacity.to_string(),
                    " seats taken",
                    size="2",
                    class_name="lesson-seats",
                ),
                rx.text(
                    row.free_spots.to_string(),
                    " free",
                    size="2",
                    color_scheme=rx.cond(row.free_spots > 0, "green", "gray"),
                    weight="medium",
                    class_name="lesson-free",
                ),
                rx.button(
                    rx.icon("ban", size=14),
                    "Cancel",
                    color_scheme="red",
                    variant="soft",
                    size="2",
                    on_click=S.ask_cancel(row.id),
                    id="cancel-lesson-" + lid,
                ),
                align="end",
                spacing="2",
            ),
            justify="between",
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        id="lesson-" + lid,
        class_name="lesson-card",
    )


def _cancel_dialog() -> rx.Component:
    return confirm_dialog(
        "Cancel this lesson?",
        rx.alert_dialog.description(
            S.cancel_label,
            ". ",
            rx.cond(
                S.cancel_seats > 0,
                rx.text.span(
                    S.cancel_seats.to_string(),
                    " booking(s) will be cancelled; they keep a record with your reason.",
                ),
                rx.text.span("Nobody has booked it yet."),
            ),
            size="2",
        ),
        rx.vstack(
            rx.el.label(
                "Reason (optional, shown to students)",
                html_for="cancel-reason",
                class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
            ),
            rx.text_area(
                id="cancel-reason",
                value=S.cancel_reason,
                on_change=S.set_cancel_reason,
                rows="3",
                width="100%",
            ),
            field_error(S.cancel_error, "cancel"),
            spacing="1",
            width="100%",
            margin_top="var(--space-3)",
        ),
        keep=rx.button("Keep lesson", variant="soft", color_scheme="gray", id="keep-lesson"),
        confirm="Cancel lesson",
        on_confirm=S.confirm_cancel,
        loading=S.cancelling,
        open=S.cancel_open,
        on_open_change=S.set_cancel_open,
        max_width="480px",
    )


def _lessons_list() -> rx.Component:
    return rx.vstack(
        rx.heading("Upcoming lessons", size="4", as_="h2"),
        rx.cond(
            S.lessons.length() == 0,
            empty_state(
                "calendar",
                "No upcoming lessons",
                "Publish a lesson with the form, or let students book your free slots.",
                id_="lessons-empty",
            ),
            rx.vstack(
                rx.foreach(S.lessons, _lesson_card), spacing="3", width="100%", id="lessons-list"
            ),
        ),
        spacing="3",
        width="100%",
    )


@tutor_page(routes.TUTOR_LESSONS, "Lessons", on_load=[TutorLessonsState.on_load])
def tutor_lessons_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh),
        rx.vstack(
            rx.heading("Lessons", size="7", id="lessons-heading"),
            when_loaded(
                S.loaded,
                rx.grid(
                    _publish_form(),
                    _lessons_list(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="5",
                    width="100%",
                    align_items="start",
                ),
            ),
            _cancel_dialog(),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
