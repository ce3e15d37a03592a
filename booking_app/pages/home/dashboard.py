"""Role dashboards shown on the home page (student: lessons + tutor + stats; tutor: the day,
numbers and an 8-week chart). Numbers come from services/dashboard.py."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import reflex as rx

from booking_app import clock, routes
from booking_app.components.requests import decline_dialog, request_card
from booking_app.services import classroom, dashboard
from booking_app.services.errors import DomainError
from booking_app.services.money import locale_of
from booking_app.state.auth import AuthState
from booking_app.state.forms import error_toast
from booking_app.state.off_loop import offload
from booking_app.state.requests import TutorRequestsState


@dataclass
class LessonItem:
    lesson_id: int = 0
    title: str = ""
    label: str = ""
    with_whom: str = ""
    can_join: bool = False
    opens_in_minutes: int = 0


@dataclass
class WeekItem:
    week: str = ""
    lessons: int = 0
    revenue: float = 0.0
    hours: float = 0.0


def _items(lessons: tuple[dashboard.DashLesson, ...]) -> list[LessonItem]:
    return [
        LessonItem(
            x.lesson_id, x.title, x.label, x.with_whom, x.can_join, -(-x.opens_in_seconds // 60)
        )
        for x in lessons
    ]


class DashboardState(rx.State):
    loaded: bool = False
    active: list[LessonItem] = []
    today: list[LessonItem] = []
    upcoming_list: list[LessonItem] = []
    tutor_name: str = ""
    tutor_email: str = ""
    done: int = 0
    upcoming: int = 0
    hours_month: float = 0.0
    pending: int = 0
    students: int = 0
    revenue: str = ""  # "1,200 UAH" in the viewer's locale
    utilization: int = 0
    chart: list[dict[str, Any]] = []  # recharts wants plain dicts

    @rx.event
    async def load(self) -> None:
        self.loaded = False
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            return
        now = clock.now()
        if user.role == "student":
            d = await offload(
                dashboard.student_dashboard, user.id, now=now, viewer_tz=user.timezone or "UTC"
            )
            self.active = _items(d.active_lessons)
            self.tutor_name, self.tutor_email = d.tutor_name, d.tutor_email
            self.done, self.upcoming, self.hours_month = (
                d.lessons_done,
                d.upcoming,
                d.hours_this_month,
            )
        elif user.role == "tutor":
            locale = locale_of(self.router.headers.accept_language)
            t = await offload(dashboard.tutor_dashboard, user.id, now=now, locale=locale)
            self.today, self.upcoming_list = _items(t.today), _items(t.upcoming_lessons)
            self.done, self.upcoming, self.pending = t.lessons_done, t.upcoming, t.pending_requests
            self.students, self.revenue, self.utilization = (
                t.students,
                t.revenue,
                t.utilization_percent,
            )
            self.chart = [asdict(WeekItem(p.week, p.lessons, p.revenue, p.hours)) for p in t.chart]
        self.loaded = True

    @rx.event
    async def join(self, lesson_id: int):  # type: ignore[no-untyped-def]
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            return None
        try:
            uuid = await offload(
                classroom.open_room, int(lesson_id), user_id=user.id, now=clock.now()
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.redirect(routes.classroom_url(uuid))


D = DashboardState
R = TutorRequestsState


def _stat(label: str, value: rx.Var, id_: str) -> rx.Component:  # type: ignore[type-arg]
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.heading(value, size="6", id=id_),
            spacing="1",
        ),
        min_width="130px",
        flex="1",
    )


def _lesson(item: LessonItem) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(item.title, weight="medium"),
                rx.text(item.label, " · ", item.with_whom, size="2", color_scheme="gray"),
                spacing="0",
            ),
            rx.button(
                rx.cond(item.can_join, "Join", "Room"),
                rx.cond(
                    ~item.can_join & (item.opens_in_minutes > 0) & (item.opens_in_minutes <= 60),
                    rx.text(" (opens in ", item.opens_in_minutes, " min)", size="1"),
                ),
                color_scheme=rx.cond(item.can_join, "green", "gray"),
                variant=rx.cond(item.can_join, "solid", "soft"),
                on_click=D.join(item.lesson_id),
                class_name="dash-join",
            ),
            justify="between",
            align="center",
            gap="var(--space-3)",
            wrap="wrap",
        ),
        width="100%",
        class_name="dash-lesson",
    )


def _list(title: str, items: rx.Var, empty: str, id_: str) -> rx.Component:  # type: ignore[type-arg]
    return rx.vstack(
        rx.heading(title, size="4"),
        rx.cond(
            items.length() == 0,  # type: ignore[attr-defined]
            rx.text(empty, color_scheme="gray", size="2"),
            rx.vstack(rx.foreach(items, _lesson), width="100%", spacing="2"),
        ),
        width="100%",
        id=id_,
    )


def student_dashboard() -> rx.Component:
    return rx.vstack(
        rx.flex(
            _stat("Lessons done", D.done, "stat-done"),
            _stat("Upcoming", D.upcoming, "stat-upcoming"),
            _stat("Hours this month", D.hours_month, "stat-hours"),
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        rx.card(
            rx.text("Your tutor", size="1", color_scheme="gray"),
            rx.cond(
                D.tutor_name != "",
                rx.text(D.tutor_name, " · ", D.tutor_email, weight="medium", id="assigned-tutor"),
                rx.text("No tutor yet: book a trial to join a classroom.", id="assigned-tutor"),
            ),
            width="100%",
        ),
        _list("Your lessons", D.active, "No upcoming lessons.", "active-lessons"),
        spacing="4",
        width="100%",
    )


def _chart() -> rx.Component:
    return rx.card(
        rx.heading("Last 8 weeks", size="4"),
        rx.recharts.bar_chart(
            rx.recharts.bar(
                data_key="lessons", name="Lessons", fill="#3e63dd", is_animation_active=False
            ),
            rx.recharts.bar(
                data_key="hours", name="Hours", fill="#30a46c", is_animation_active=False
            ),
            rx.recharts.x_axis(data_key="week"),
            rx.recharts.y_axis(),
            rx.recharts.legend(),
            rx.recharts.graphing_tooltip(),
            data=D.chart,
            width="100%",
            height=240,
        ),
        width="100%",
        id="weeks-chart",
    )


def _pending() -> rx.Component:
    """Requests waiting for the tutor, answered right here (same state as the Requests page,
    kept live by the user's channel: `live_refresh(R.refresh)` on home)."""
    return rx.cond(
        R.requests.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.heading("Pending requests", size="4"),
                rx.link("All requests", href=routes.TUTOR_REQUESTS, size="2"),
                justify="between",
                align="baseline",
                width="100%",
            ),
            rx.foreach(R.requests, request_card),
            decline_dialog(),
            width="100%",
            spacing="2",
            id="home-requests",
        ),
    )


def tutor_dashboard() -> rx.Component:
    return rx.vstack(
        rx.flex(
            _stat("Lessons done", D.done, "stat-done"),
            _stat("Upcoming", D.upcoming, "stat-upcoming"),
            _stat("Pending requests", R.requests.length(), "stat-pending"),
            _stat("Students", D.students, "stat-students"),
            _stat("Revenue", D.revenue, "stat-revenue"),
            _stat("Utilization this week", D.utilization.to_string() + "%", "stat-utilization"),
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        _pending(),
        _list("Today", D.today, "No lessons today.", "today-lessons"),
        _list("Next lessons", D.upcoming_list, "Nothing scheduled.", "upcoming-lessons"),
        _chart(),
        spacing="4",
        width="100%",
    )


def dashboard_panel() -> rx.Component:
    return rx.cond(
        D.loaded,
        rx.match(
            AuthState.role,
            ("student", student_dashboard()),
            ("tutor", tutor_dashboard()),
            rx.fragment(),
        ),
        rx.center(rx.spinner(size="2"), width="100%"),
    )
