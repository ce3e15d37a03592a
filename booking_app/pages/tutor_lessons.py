"""Tutor workspace: publish lessons at a time, see seats taken, cancel with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.components.forms import field_error, form_field
from booking_app.components.layout import app_shell
from booking_app.pages import routes
from booking_app.pages.tutor_services import (
    OptionRow,
    ServiceRow,
    current_tutor,
    empty_state,
    first_value,
    guard_tutor_page,
    refused,
    select_control,
    service_row,
)
from booking_app.realtime.channel import live_refresh
from booking_app.services import lessons
from booking_app.services import tutor_services as catalog
from booking_app.services.errors import DomainError, SlotUnavailable, ValidationFailed
from booking_app.state.auth import AuthState
from booking_app.state.requests_badge import RequestsBadgeState

PUBLISH_FIELDS = (
    "start_local",
    "duration_min",
    "service_id",
    "title",
    "lesson_type",
    "capacity",
    "mode",
    "location",
    "meeting_url",
    "tentative",
    "price",
)
TEXT_FIELDS = (
    "start_local",
    "duration_min",
    "title",
    "capacity",
    "location",
    "meeting_url",
    "price",
)


@dataclass
class LessonRow:
    id: int = 0
    title: str = ""
    label: str = ""
    lesson_type: str = "individual"
    capacity: int = 1
    seats_taken: int = 0
    free_spots: int = 0
    mode: str = "online"
    location: str = ""
    status: str = "scheduled"
    service_name: str = ""
    price: str = ""


def lesson_row(v: lessons.LessonView) -> LessonRow:
    return LessonRow(
        id=v.id,
        title=v.title or "",
        label=v.label,
        lesson_type=v.lesson_type,
        capacity=int(v.capacity),
        seats_taken=int(v.seats_taken),
        free_spots=int(v.free_spots),
        mode=v.mode,
        location=v.location or "",
        status=v.status,
        service_name=v.service_name or "",
        price=str(v.price or ""),
    )


class TutorLessonsState(rx.State):
    loaded: bool = False
    timezone: str = ""
    lessons: list[LessonRow] = []
    services: list[ServiceRow] = []
    service_options: list[OptionRow] = []

    # publish form (controlled: picking a service prefills it)
    start_local: str = ""
    duration_min: str = "60"
    service_id: str = ""
    title: str = ""
    lesson_type: str = "individual"
    capacity: str = "2"
    mode: str = "online"
    location: str = ""
    meeting_url: str = ""
    tentative: bool = False
    price: str = "0"
    publishing: bool = False

    start_local_error: str = ""
    duration_min_error: str = ""
    service_id_error: str = ""
    title_error: str = ""
    lesson_type_error: str = ""
    capacity_error: str = ""
    mode_error: str = ""
    location_error: str = ""
    meeting_url_error: str = ""
    tentative_error: str = ""
    price_error: str = ""
    publish_error: str = ""

    # cancel confirmation
    cancel_open: bool = False
    cancel_id: int = 0
    cancel_label: str = ""
    cancel_seats: int = 0
    cancel_reason: str = ""
    cancelling: bool = False
    cancel_error: str = ""

    def _set_errors(self, errors: dict[str, str]) -> None:
        for name in PUBLISH_FIELDS:
            setattr(self, f"{name}_error", errors.get(name, ""))
        self.publish_error = " ".join(m for k, m in errors.items() if k not in PUBLISH_FIELDS)

    def _reload(self, tutor_id: int) -> None:
        self.lessons = [lesson_row(v) for v in lessons.upcoming_lessons(tutor_id, now=clock.now())]

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        user, events = await guard_tutor_page(self)
        if user is None:
            return events
        self.timezone = user.timezone
        self.services = [
            service_row(v) for v in catalog.list_services(user.id, include_inactive=False)
        ]
        self.service_options = [OptionRow("", "No service (custom lesson)")] + [
            OptionRow(str(s.id), f"{s.name} · {s.duration_min} min") for s in self.services
        ]
        if not any(o.value == self.service_id for o in self.service_options):
            self.service_id = ""
        self._reload(user.id)
        self.loaded = True
        return None

    @rx.event
    async def refresh(self) -> None:
        """Live update (the tutor's channel moved): re-read the upcoming lessons."""
        user = await current_tutor(self)
        if user is not None and self.loaded:
            self._reload(user.id)

    # ---- form

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in TEXT_FIELDS:
            setattr(self, name, str(value))
            setattr(self, f"{name}_error", "")

    @rx.event
    def set_lesson_type(self, value: str | list[str]) -> None:
        value = first_value(value)
        self.lesson_type = value if value in ("individual", "group") else "individual"
        self.capacity_error = ""

    @rx.event
    def set_mode(self, value: str | list[str]) -> None:
        value = first_value(value)
        self.mode = value if value in ("online", "offline") else "online"

    @rx.event
    def set_tentative(self, value: bool) -> None:
        self.tentative = bool(value)

    @rx.event
    def choose_service(self, value: str) -> None:
        """Prefill from the service; every field stays editable afterwards."""
        self.service_id, self.service_id_error = "", ""
        row = next((s for s in self.services if str(s.id) == value), None)
        if row is None:
            return
        self.service_id = value
        self.duration_min, self.lesson_type = str(row.duration_min), row.lesson_type
        self.capacity = str(row.capacity) if row.lesson_type == "group" else "2"
        self.mode, self.location, self.meeting_url = row.mode, row.location, row.meeting_url
        self.price = row.price
        if not self.title:
            self.title = row.name

    def _input(self) -> lessons.PublishInput:
        group = self.lesson_type == "group"
        return lessons.PublishInput(
            start_local=self.start_local.strip(),
            duration_min=self.duration_min.strip(),
            service_id=int(self.service_id) if self.service_id.isdigit() else None,
            title=self.title.strip(),
            lesson_type=self.lesson_type,
            capacity=self.capacity.strip() if group else 1,
            mode=self.mode,
            location=self.location.strip() if self.mode == "offline" else "",
            meeting_url=self.meeting_url.strip() if self.mode == "online" else "",
            tentative=self.tentative,
            price=self.price.strip(),
        )

    @rx.event
    async def publish(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._set_errors({})
        self.publishing = True
        yield
        try:
            view = lessons.publish_lesson(user.id, self._input(), now=clock.now())
        except ValidationFailed as exc:
            self._set_errors(exc.field_errors)
            self.publishing = False
            first = next(iter(exc.field_errors), "")
            if first in TEXT_FIELDS:
                yield rx.set_focus(f"lesson-{first}")
            return
        except SlotUnavailable as exc:
            self.publish_error, self.publishing = exc.detail, False
            yield rx.toast.error(exc.detail)
            return
        except DomainError as exc:
            self.publishing = False
            yield rx.toast.error(exc.detail)
            return
        self._reload(user.id)
        self.publishing, self.start_local, self.title = False, "", ""
        yield rx.toast.success(f"Lesson published: {view.label}.")

    # ---- cancel

    @rx.event
    def ask_cancel(self, lesson_id: int) -> None:
        row = next((r for r in self.lessons if r.id == lesson_id), None)
        if row is None:
            return
        self.cancel_id, self.cancel_label, self.cancel_seats = row.id, row.label, row.seats_taken
        self.cancel_reason, self.cancel_error, self.cancel_open = "", "", True

    @rx.event
    def set_cancel_open(self, is_open: bool) -> None:
        if not self.cancelling:
            self.cancel_open = is_open

    @rx.event
    def set_cancel_reason(self, value: str) -> None:
        self.cancel_reason = value

    @rx.event
    async def confirm_cancel(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.cancelling, self.cancel_error = True, ""
        yield
        try:
            view = lessons.cancel_lesson(
                user.id, self.cancel_id, now=clock.now(), reason=self.cancel_reason.strip()
            )
        except ValidationFailed as exc:
            self.cancel_error = " ".join(exc.field_errors.values())
            self.cancelling = False
            return
        except DomainError as exc:
            self.cancelling = False
            self.cancel_open = False
            self._reload(user.id)
            yield rx.toast.error(exc.detail)
            return
        self._reload(user.id)
        self.cancelling, self.cancel_open = False, False
        yield rx.toast.success(f"Lesson on {view.label} cancelled.")


# ============================================================================ UI

S = TutorLessonsState


def _text(label: str, name: str, hint: str = "", **props: Any) -> rx.Component:
    error = getattr(S, f"{name}_error")
    return form_field(
        label,
        rx.input(
            id=f"lesson-{name}",
            name=name,
            value=getattr(S, name),
            on_change=lambda v: S.set_field(name, v),
            size="2",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            **props,
        ),
        error,
        f"lesson-{name}",
        hint=hint,
    )


def _radio(
    value: rx.Var, on_change: Any, items: list[tuple[str, str]], group_id: str
) -> rx.Component:  # type: ignore[type-arg]
    return rx.radio_group.root(
        rx.flex(
            *[
                rx.el.label(
                    rx.radio_group.item(value=v, id=f"{group_id}-{v}"),
                    label,
                    html_for=f"{group_id}-{v}",
                    class_name="rt-Text rt-r-size-2",
                    style={"display": "flex", "gap": "6px", "align_items": "center"},
                )
                for v, label in items
            ],
            gap="var(--space-4)",
        ),
        value=value,
        on_change=on_change,
        id=group_id,
        name=group_id.removeprefix("lesson-"),
    )


def _publish_form() -> rx.Component:
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
                    S.service_id_error,
                    "lesson-service_id",
                    hint="Prefills length, type, format and price.",
                ),
                rx.grid(
                    _text("Starts", "start_local", type="datetime-local"),
                    _text(
                        "Duration (minutes)", "duration_min", type="number", min=15, max=480, step=5
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                _text("Title", "title", placeholder="e.g. Conversation club"),
                rx.vstack(
                    rx.text("Lesson type", size="2", weight="medium"),
                    _radio(
                        S.lesson_type,
                        S.set_lesson_type,
                        [("individual", "Individual"), ("group", "Group")],
                        "lesson-lesson_type",
                    ),
                    field_error(S.lesson_type_error, "lesson-lesson_type"),
                    spacing="1",
                ),
                rx.cond(
                    S.lesson_type == "group",
                    _text(
                        "Capacity (students)",
                        "capacity",
                        "At least 2.",
                        type="number",
                        min=2,
                        max=100,
                    ),
                ),
                rx.vstack(
                    rx.text("Where", size="2", weight="medium"),
                    _radio(
                        S.mode,
                        S.set_mode,
                        [("online", "Online"), ("offline", "Offline")],
                        "lesson-mode",
                    ),
                    field_error(S.mode_error, "lesson-mode"),
                    spacing="1",
                ),
                rx.cond(
                    S.mode == "offline",
                    _text("Location", "location", placeholder="Address or room"),
                    _text(
                        "Meeting link (optional)",
                        "meeting_url",
                        type="url",
                        placeholder="https://meet.example.com/room",
                    ),
                ),
                _text("Price", "price", input_mode="decimal"),
                rx.el.label(
                    rx.switch(
                        checked=S.tentative,
                        on_change=S.set_tentative,
                        id="lesson-tentative",
                        name="tentative",
                    ),
                    "Tentative (may still change)",
                    html_for="lesson-tentative",
                    class_name="rt-Text rt-r-size-2",
                    style={"display": "flex", "gap": "8px", "align_items": "center"},
                ),
                field_error(S.tentative_error, "lesson-tentative"),
                rx.cond(
                    S.publish_error != "",
                    rx.callout(
                        S.publish_error,
                        icon="triangle-alert",
                        color_scheme="red",
                        role="alert",
                        id="publish-error",
                        width="100%",
                    ),
                ),
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


def _lesson_card(row: LessonRow) -> rx.Component:
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
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel this lesson?"),
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
                rx.cond(
                    S.cancel_error != "",
                    rx.text(
                        S.cancel_error,
                        color_scheme="red",
                        size="2",
                        role="alert",
                        id="cancel-error",
                    ),
                ),
                spacing="1",
                width="100%",
                margin_top="var(--space-3)",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep lesson", variant="soft", color_scheme="gray", id="keep-lesson")
                ),
                rx.button(
                    "Cancel lesson",
                    color_scheme="red",
                    on_click=S.confirm_cancel,
                    loading=S.cancelling,
                    id="confirm-cancel",
                ),
                justify="end",
                spacing="3",
                margin_top="var(--space-4)",
            ),
            max_width="480px",
        ),
        open=S.cancel_open,
        on_open_change=S.set_cancel_open,
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


def tutor_lessons_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh),
        rx.vstack(
            rx.heading("Lessons", size="7", id="lessons-heading"),
            rx.cond(
                ~S.loaded,
                rx.center(rx.spinner(size="3"), width="100%", padding="var(--space-6)"),
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


def add_tutor_lessons_page(app: rx.App) -> None:
    app.add_page(
        tutor_lessons_page,
        route=routes.TUTOR_LESSONS,
        title="Lessons · TutorBook",
        on_load=[AuthState.require_login, TutorLessonsState.on_load, RequestsBadgeState.load],
    )
