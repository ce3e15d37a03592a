"""/calendar: the week for tutors (edit) and students (read), live across tabs and users.

The state holds only the visible week's small view objects (CalEvent rows, the week's
stats, one open dialog). Tutors select a range to create a lesson or busy time, drag or
resize to move (refused moves snap back with the reason), click for details (students,
status, payment, notes) and delete. Every change goes through the services; the page
re-reads its week whenever the user's live channel moves (another tab, another user, a
background task).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.components.forms import field_error
from booking_app.components.layout import app_shell
from booking_app.components.week_calendar import week_calendar
from booking_app.pages import routes
from booking_app.realtime.channel import live_refresh
from booking_app.services import availability, booking, lessons
from booking_app.services import calendar as cal
from booking_app.services.accounts import SessionUser
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.state.auth import AuthState
from booking_app.state.requests_badge import RequestsBadgeState

NOT_ALLOWED = "The calendar is for tutors and students."
LEGEND = [
    ("Request", "pending"),
    ("Confirmed", "confirmed"),
    ("Group", "group"),
    ("Open", "open"),
    ("Tentative", "tentative"),
    ("Busy", "busy"),
]


def _fc_event(e: cal.CalEvent, payments: bool) -> dict[str, Any]:
    """One FullCalendar event object; the toggles only change the title text."""
    parts = [e.title]
    if e.seats:
        parts.append(e.seats)
    if payments and e.pay:
        parts.append(e.pay)
    return {
        "id": e.id,
        "title": " · ".join(parts),
        "start": e.start,
        "end": e.end,
        "backgroundColor": e.color,
        "borderColor": e.color,
        "editable": e.editable,
        "classNames": [f"cal-{e.kind}", f"cal-status-{e.status}"],
    }


class CalendarState(rx.State):
    loaded: bool = False
    role: str = ""
    timezone: str = "UTC"
    week_start: str = ""
    label: str = ""
    now: str = ""
    items: list[cal.CalEvent] = []  # noqa: RUF012 (a Reflex var, not a mutable default)
    stats: cal.WeekStats = cal.WeekStats()
    show_payments: bool = False
    show_stats: bool = False
    busy: bool = False

    create_open: bool = False
    create_start: str = ""
    create_end: str = ""
    create_label: str = ""
    create_kind: str = "lesson"
    create_type: str = "individual"
    create_error: str = ""

    detail_open: bool = False
    detail_kind: str = ""
    detail_id: int = 0
    detail: lessons.LessonDetail = lessons.LessonDetail(0, "", "", "", 1, "", "")
    detail_title: str = ""
    detail_error: str = ""

    @rx.var
    def fc_events(self) -> list[dict[str, Any]]:
        return [_fc_event(e, self.show_payments) for e in self.items]

    @rx.var
    def is_tutor(self) -> bool:
        return self.role == "tutor"

    async def _user(self) -> SessionUser | None:
        auth = await self.get_state(AuthState)
        return auth.require_user("tutor", "student")

    def _load(self, user: SessionUser, week: date | None) -> None:
        snap = cal.week_snapshot(
            user.id, user.role, week_start=week, viewer_tz=self.timezone, now=clock.now()
        )
        self.week_start, self.label, self.now = snap.week_start, snap.label, snap.now
        self.items, self.stats = snap.events, snap.stats
        self.loaded = True

    def _current_week(self) -> date | None:
        return date.fromisoformat(self.week_start) if self.week_start else None

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.create_open = self.detail_open = self.busy = False
        auth = await self.get_state(AuthState)
        user = auth.require_user("tutor", "student")
        if user is None:
            if auth.user_id < 0:
                return None
            return [rx.toast.error(NOT_ALLOWED), rx.redirect(routes.HOME)]
        self.role, self.timezone = user.role, user.timezone or "UTC"
        self._load(user, self._current_week())
        return None

    @rx.event
    async def refresh(self) -> None:
        """Live update: re-read the visible week (and the open lesson's details)."""
        user = await self._user()
        if user is None or not self.loaded:
            return
        self._load(user, self._current_week())
        if self.detail_open and self.detail_kind == "lesson":
            try:
                self.detail = lessons.lesson_detail(user.id, self.detail_id)
            except DomainError:
                self.detail_open = False

    # ---- navigation

    async def _go(self, week: date | None):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return rx.redirect(routes.LOGIN)
        self._load(user, week)
        return None

    @rx.event
    async def prev_week(self):  # type: ignore[no-untyped-def]
        return await self._go(date.fromisoformat(self.week_start) - timedelta(days=7))

    @rx.event
    async def next_week(self):  # type: ignore[no-untyped-def]
        return await self._go(date.fromisoformat(self.week_start) + timedelta(days=7))

    @rx.event
    async def this_week(self):  # type: ignore[no-untyped-def]
        return await self._go(None)

    @rx.event
    async def jump_to(self, value: str):  # type: ignore[no-untyped-def]
        if not str(value or "").strip():
            return None  # the picker was cleared: stay on the week shown
        try:
            day = date.fromisoformat(str(value or "").strip())
        except ValueError:
            return rx.toast.error("Pick a date to jump to.")
        return await self._go(day)

    @rx.event
    def set_show_payments(self, value: bool) -> None:
        self.show_payments = bool(value)

    @rx.event
    def set_show_stats(self, value: bool) -> None:
        self.show_stats = bool(value)

    # ---- create (tutors)

    @rx.event
    def on_select(self, start: str, end: str) -> None:
        if self.role != "tutor":
            return
        self.create_start, self.create_end, self.create_error = start, end, ""
        self.create_label = f"{start[:10]} {start[11:16]}–{end[11:16]}"
        self.create_kind, self.create_type, self.create_open = "lesson", "individual", True

    @rx.event
    def set_create_open(self, value: bool) -> None:
        self.create_open = bool(value)

    @rx.event
    def set_create_kind(self, value: str | list[str]) -> None:
        self.create_kind = value[0] if isinstance(value, list) else value

    @rx.event
    def set_create_type(self, value: str | list[str]) -> None:
        self.create_type = value[0] if isinstance(value, list) else value

    def _create(self, user: SessionUser, form: dict[str, Any]) -> str:
        start = cal.local_input(self.create_start, self.timezone)
        title = str(form.get("title", "")).strip()
        if self.create_kind == "busy":
            end = cal.local_input(self.create_end, self.timezone)
            availability.add_busy_block(user.id, start, end, title or "Busy", now=clock.now())
            return "Busy time added."
        minutes = cal.selection_minutes(self.create_start, self.create_end, self.timezone)
        data = lessons.PublishInput(
            start_local=start,
            duration_min=minutes,
            service_id=None,
            title=title,
            lesson_type=self.create_type,
            capacity=form.get("capacity", "1") if self.create_type == "group" else 1,
            mode="online",
            location="",
            meeting_url="",
            tentative=False,
            price=str(form.get("price", "")),
        )
        view = lessons.publish_lesson(user.id, data, now=clock.now())
        return f"Lesson published: {view.label}."

    @rx.event
    async def create(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        try:
            message = self._create(user, form)
        except ValidationFailed as exc:
            self.create_error = "; ".join(exc.field_errors.values())
            return None
        except DomainError as exc:
            self.create_error = exc.detail
            return None
        self.create_open = False
        self._load(user, self._current_week())
        return rx.toast.success(message)

    # ---- move (tutors)

    @rx.event
    async def on_change(self, event_id: str, start: str, end: str):  # type: ignore[no-untyped-def]
        """Drop or resize; the widget already put the event back, we redraw on success."""
        user = await self._user()
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        kind, _, raw_id = str(event_id).partition("-")
        try:
            if kind == "lesson":
                lessons.move_lesson(user.id, int(raw_id), start=start, end=end, now=clock.now())
            elif kind == "busy":
                availability.move_busy_block(
                    user.id, int(raw_id), start=start, end=end, now=clock.now()
                )
            else:
                return None
        except ValidationFailed as exc:
            return rx.toast.error("; ".join(exc.field_errors.values()))
        except (DomainError, ValueError) as exc:
            return rx.toast.error(getattr(exc, "detail", "This cannot be moved."))
        self._load(user, self._current_week())
        return rx.toast.success("Moved.")

    # ---- details (tutors) / open (students)

    @staticmethod
    def _open_own_booking(student_id: int, kind: str, raw_id: str) -> Any:
        """A student's click opens that booking's private page (its actions live there)."""
        if kind != "booking" or not raw_id.isdigit():
            return rx.redirect(routes.MY_BOOKINGS)
        try:
            token = booking.student_booking_token(student_id, int(raw_id))
        except DomainError as exc:
            return rx.toast.error(exc.detail)
        return rx.redirect(routes.booking_url(token))

    @rx.event
    async def on_click(self, event_id: str):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return None
        kind, _, raw_id = str(event_id).partition("-")
        if user.role != "tutor":
            return self._open_own_booking(user.id, kind, raw_id)
        self.detail_kind, self.detail_id, self.detail_error = kind, int(raw_id or 0), ""
        if kind == "lesson":
            try:
                self.detail = lessons.lesson_detail(user.id, self.detail_id)
            except DomainError as exc:
                return rx.toast.error(exc.detail)
            self.detail_title = self.detail.title
        else:
            match = [e for e in self.items if e.id == event_id]
            self.detail_title = match[0].title if match else "Busy"
        self.detail_open = True
        return None

    @rx.event
    def set_detail_open(self, value: bool) -> None:
        self.detail_open = bool(value)

    @rx.event
    async def delete_detail(self):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        try:
            if self.detail_kind == "lesson":
                lessons.cancel_lesson(user.id, self.detail_id, now=clock.now())
            else:
                availability.remove_busy_block(user.id, self.detail_id)
        except ValidationFailed as exc:
            self.detail_error = "; ".join(exc.field_errors.values())
            return None
        except DomainError as exc:
            self.detail_error = exc.detail
            return None
        self.detail_open = False
        self._load(user, self._current_week())
        return rx.toast.success("Deleted.")

    @rx.event
    async def submit_payment(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        """One seat's payment form: booking_id and paid ("1" mark paid, "0" unpaid) ride
        in hidden inputs (a foreach row's vars cannot be closed over by a submit handler)."""
        user = await self._user()
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        paid = str(form.get("paid", "")) == "1"
        try:
            booking_id = int(str(form.get("booking_id", "0")))
            lessons.set_payment(
                user.id, booking_id, paid=paid, amount=str(form.get("amount", "")), now=clock.now()
            )
            self.detail = lessons.lesson_detail(user.id, self.detail_id)
        except ValidationFailed as exc:
            self.detail_error = "; ".join(exc.field_errors.values())
            return None
        except (DomainError, ValueError) as exc:
            self.detail_error = getattr(exc, "detail", "This booking cannot be changed.")
            return None
        self.detail_error = ""
        self._load(user, self._current_week())
        return rx.toast.success("Marked paid." if paid else "Marked unpaid.")

    @rx.event
    async def save_notes(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        try:
            lessons.set_lesson_notes(
                user.id, self.detail_id, str(form.get("notes", "")), now=clock.now()
            )
            self.detail = lessons.lesson_detail(user.id, self.detail_id)
        except ValidationFailed as exc:
            self.detail_error = "; ".join(exc.field_errors.values())
            return None
        except DomainError as exc:
            self.detail_error = exc.detail
            return None
        self.detail_error = ""
        return rx.toast.success("Notes saved.")


S = CalendarState


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left"), on_click=S.prev_week, variant="soft",
                id="cal-prev", aria_label="Previous week",
            ),
            rx.button("Today", on_click=S.this_week, variant="soft", id="cal-today"),
            rx.icon_button(
                rx.icon("chevron-right"), on_click=S.next_week, variant="soft",
                id="cal-next", aria_label="Next week",
            ),
            rx.heading(S.label, size="4", id="cal-week-label"),
            align="center",
            spacing="2",
        ),
        rx.hstack(
            rx.input(
                type="date", id="cal-jump", aria_label="Jump to date",
                on_change=S.jump_to.debounce(400),
            ),
            rx.cond(
                S.is_tutor,
                rx.hstack(
                    rx.text("Payments", size="2", as_="label"),
                    rx.switch(
                        checked=S.show_payments, on_change=S.set_show_payments,
                        id="cal-toggle-payments",
                    ),
                    rx.text("Stats", size="2", as_="label"),
                    rx.switch(
                        checked=S.show_stats, on_change=S.set_show_stats, id="cal-toggle-stats",
                    ),
                    align="center",
                    spacing="2",
                ),
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        gap="var(--space-3)",
        width="100%",
    )  # fmt: skip


def _stat(label: str, value: rx.Var, id_: str) -> rx.Component:  # type: ignore[type-arg]
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="5", weight="bold", id=id_),
            spacing="0",
        ),
        min_width="8em",
    )


def _stats() -> rx.Component:
    return rx.cond(
        S.is_tutor & S.show_stats,
        rx.flex(
            _stat("Lessons", S.stats.lessons.to_string(), "stat-lessons"),
            _stat("Hours", S.stats.hours, "stat-hours"),
            _stat("Revenue", S.stats.revenue, "stat-revenue"),
            _stat("Paid", S.stats.paid, "stat-paid"),
            _stat("Unpaid", S.stats.unpaid, "stat-unpaid"),
            _stat("Utilization", S.stats.utilization, "stat-utilization"),
            gap="var(--space-3)",
            wrap="wrap",
            id="cal-stats",
        ),
    )


def _legend() -> rx.Component:
    return rx.flex(
        *[
            rx.hstack(
                rx.box(
                    width="0.8em",
                    height="0.8em",
                    border_radius="2px",
                    background=cal.COLORS[status],
                ),
                rx.text(label, size="1"),
                align="center",
                spacing="1",
            )  # fmt: skip
            for label, status in LEGEND
        ],
        gap="var(--space-3)",
        wrap="wrap",
    )


def _calendar() -> rx.Component:
    grid = rx.box(
        week_calendar(
            key=S.week_start,
            initial_date=S.week_start,
            now=S.now,
            events=S.fc_events,
            editable=S.is_tutor,
            selectable=S.is_tutor,
            select_mirror=True,
            event_overlap=True,
            scroll_time="08:00:00",
            event_drop=S.on_change,
            event_resize=S.on_change,
            select=S.on_select,
            event_click=S.on_click,
        ),
        min_width="720px",  # seven readable columns; narrow screens scroll sideways
    )
    return rx.box(grid, id="week-calendar", width="100%", overflow_x="auto")


def _create_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New on your calendar"),
            rx.dialog.description(S.create_label, size="2", id="create-when"),
            rx.form(
                rx.vstack(
                    rx.segmented_control.root(
                        rx.segmented_control.item("Lesson", value="lesson"),
                        rx.segmented_control.item("Busy time", value="busy"),
                        value=S.create_kind,
                        on_change=S.set_create_kind,
                        class_name="create-kind",
                    ),
                    rx.input(name="title", placeholder="Title (optional)", id="create-title"),
                    rx.cond(
                        S.create_kind == "lesson",
                        rx.vstack(
                            rx.radio_group(
                                ["individual", "group"],
                                value=S.create_type,
                                on_change=S.set_create_type,
                                direction="row",
                                class_name="create-type",
                            ),
                            rx.cond(
                                S.create_type == "group",
                                rx.input(
                                    name="capacity", placeholder="Seats (2–100)", type="number",
                                    id="create-capacity", default_value="4",
                                ),
                            ),
                            rx.input(name="price", placeholder="Price (0 = free)", id="create-price"),
                            width="100%",
                        ),
                    ),
                    field_error(S.create_error, "create"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Create", type="submit", id="create-submit"),
                        justify="end",
                        width="100%",
                    ),
                    width="100%",
                ),
                on_submit=S.create,
                no_validate=True,
                reset_on_submit=False,
            ),
            id="create-dialog",
        ),
        open=S.create_open,
        on_open_change=S.set_create_open,
    )  # fmt: skip


def _seat_row(seat: lessons.SeatView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(seat.name, weight="medium"),
                rx.badge(seat.status),
                rx.badge(
                    seat.payment, color_scheme=rx.cond(seat.payment == "paid", "grass", "gray")
                ),
                rx.text(seat.price, size="2", color_scheme="gray"),
                align="center",
                wrap="wrap",
            ),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="booking_id", value=seat.booking_id),
                    rx.el.input(
                        type="hidden", name="paid", value=rx.cond(seat.payment == "paid", "0", "1")
                    ),
                    rx.input(
                        name="amount", placeholder="Amount", default_value=seat.paid_amount,
                        width="8em", aria_label="Amount received",
                    ),
                    rx.cond(
                        seat.payment == "paid",
                        rx.button("Mark unpaid", type="submit", variant="soft",
                                  class_name="mark-unpaid"),
                        rx.button("Mark paid", type="submit", class_name="mark-paid"),
                    ),
                    align="center",
                ),
                on_submit=S.submit_payment,
                no_validate=True,
                reset_on_submit=False,
            ),
            spacing="2",
        ),
        width="100%",
        class_name="cal-seat",
    )  # fmt: skip


def _detail_dialog() -> rx.Component:
    lesson_body = rx.vstack(
        rx.text(S.detail.label, size="2", id="detail-when"),
        rx.hstack(
            rx.badge(S.detail.lesson_type),
            rx.badge(S.detail.status),
            rx.text("capacity ", S.detail.capacity.to_string(), size="2"),
        ),
        rx.cond(
            S.detail.seats.length() == 0,
            rx.text("Nobody has booked this lesson yet.", size="2", color_scheme="gray"),
            rx.vstack(rx.foreach(S.detail.seats, _seat_row), width="100%"),
        ),
        rx.form(
            rx.vstack(
                rx.text_area(
                    name="notes", default_value=S.detail.notes, placeholder="Private notes",
                    id="detail-notes", width="100%",
                ),
                rx.button("Save notes", type="submit", variant="soft"),
                width="100%",
            ),
            on_submit=S.save_notes,
            no_validate=True,
            reset_on_submit=False,
        ),
        width="100%",
    )  # fmt: skip
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.detail_title, id="detail-title"),
            rx.cond(S.detail_kind == "lesson", lesson_body, rx.text("Busy time", size="2")),
            field_error(S.detail_error, "detail"),
            rx.hstack(
                rx.button(
                    rx.cond(S.detail_kind == "lesson", "Cancel lesson", "Delete busy time"),
                    color_scheme="red",
                    variant="soft",
                    on_click=S.delete_detail,
                    id="detail-delete",
                ),
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="between",
                width="100%",
                padding_top="var(--space-3)",
            ),
            id="detail-dialog",
        ),
        open=S.detail_open,
        on_open_change=S.set_detail_open,
    )


def calendar_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh),
        rx.vstack(
            rx.heading("Calendar", size="7", id="calendar-heading"),
            rx.text("Times in ", S.timezone, size="2", color_scheme="gray", id="cal-timezone"),
            _toolbar(),
            _stats(),
            _legend(),
            rx.cond(
                S.loaded,
                _calendar(),
                rx.center(rx.spinner(size="3"), width="100%", padding="var(--space-6)"),
            ),
            _create_dialog(),
            _detail_dialog(),
            width="100%",
            spacing="3",
        ),
    )


def add_calendar_page(app: rx.App) -> None:
    app.add_page(
        calendar_page,
        route=routes.CALENDAR,
        title="Calendar · TutorBook",
        on_load=[AuthState.require_login, CalendarState.on_load, RequestsBadgeState.load],
    )
