"""The calendar's state: the visible week's events and stats, and the two dialogs (create,
lesson details). Every change goes through the services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import reflex as rx

from booking_app import clock, routes
from booking_app.services import availability, booking, lessons
from booking_app.services import calendar as cal
from booking_app.services.accounts import SessionUser
from booking_app.services.errors import DomainError
from booking_app.services.lessons import outcome
from booking_app.services.money import locale_of
from booking_app.state.auth import current_user
from booking_app.state.forms import error_text, error_toast
from booking_app.state.off_loop import offload
from booking_app.state.week_nav import WeekNav, monday_of

from .keyboard import KeyboardActions


def _fc_event(e: cal.CalEvent, payments: bool) -> dict[str, Any]:
    """One FullCalendar event object. The week grid draws `extendedProps` (name first, time
    second, the badge on a line of its own, `components/week_calendar.EVENT_CONTENT`); the
    list view reads `title`. The payments toggle only adds the badge text."""
    badge = " · ".join(p for p in (e.seats, e.pay if payments else "") if p)
    return {
        "id": e.id,
        "title": " · ".join(p for p in (e.title, badge) if p),
        "extendedProps": {
            "name": e.title.removesuffix(f" · {e.subtitle}") if e.subtitle else e.title,
            "subtitle": e.subtitle,
            "badge": badge,
            "tooltip": e.tooltip,
        },
        "start": e.start,
        "end": e.end,
        "backgroundColor": e.color,
        "borderColor": e.color,
        "editable": e.editable,
        "classNames": [f"cal-{e.kind}", f"cal-status-{e.status}"],
    }


class CalendarState(KeyboardActions, WeekNav, rx.State):
    loaded: bool = False
    role: str = ""
    timezone: str = "UTC"
    label: str = ""
    now: str = ""
    items: list[cal.CalEvent] = []  # noqa: RUF012 (a Reflex var, not a mutable default)
    stats: cal.WeekStats = cal.WeekStats()
    business_hours: list[dict[str, Any]] = []  # noqa: RUF012 (a Reflex var)
    snap: str = "00:30:00"

    # phones (< 640 px): one day (timeGridDay) or the week as a list (listWeek)
    layout_known: bool = False
    narrow: bool = False
    mobile_view: str = "timeGridDay"
    focus_day: str = ""  # the day shown on a phone, ISO; always inside week_start's week
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

    def _locale(self) -> str:
        """The browser's language, for sums and prices (services/money.py)."""
        return locale_of(self.router.headers.accept_language)

    async def _user(self) -> SessionUser | None:
        return await current_user(self, "tutor", "student")

    def _load(self, user: SessionUser, week: date | None) -> None:
        snap = cal.week_snapshot(
            user.id, user.role, week_start=week, viewer_tz=self.timezone, now=clock.now(),
            locale=self._locale(),
        )  # fmt: skip
        self.week_start, self.label, self.now = snap.week_start, snap.label, snap.now
        self.items, self.stats = snap.events, snap.stats
        self.business_hours, self.snap = snap.business_hours, snap.snap
        self.loaded = True

    def _keep_focus_in_week(self) -> None:
        """The phone's day follows the week: today if it is in it, else its Monday."""
        if not self.week_start:
            return
        monday = date.fromisoformat(self.week_start)
        days = {(monday + timedelta(days=i)).isoformat() for i in range(7)}
        if self.focus_day not in days:
            today = self.now[:10]
            self.focus_day = today if today in days else self.week_start

    @rx.var
    def focus_label(self) -> str:
        """ "Tue 1 Dec" for the phone's day view."""
        try:
            day = date.fromisoformat(self.focus_day)
        except ValueError:
            return ""
        return f"{day:%a} {day.day} {day:%b}"

    @rx.event
    def set_layout(self, narrow: bool) -> None:
        """The browser's answer to "is this a phone?" (asked once the page loaded)."""
        self.narrow, self.layout_known = bool(narrow), True
        self._keep_focus_in_week()

    @rx.event
    def set_mobile_view(self, value: str | list[str]) -> None:
        view = value[0] if isinstance(value, list) else value
        self.mobile_view = view if view in ("timeGridDay", "listWeek") else "timeGridDay"

    @rx.event
    async def shift_day(self, days: int):  # type: ignore[no-untyped-def]
        """Phone day view: the previous / next day, loading the next week when it is left."""
        try:
            day = date.fromisoformat(self.focus_day) + timedelta(days=max(-7, min(7, int(days))))
        except (TypeError, ValueError):
            return None
        self.focus_day = day.isoformat()
        monday = (day - timedelta(days=day.weekday())).isoformat()
        if monday != self.week_start:
            return await self._go(monday)
        return None

    @rx.event
    async def this_week(self):  # type: ignore[no-untyped-def]
        self.focus_day = ""  # today, on a phone
        return await self._go("")

    @rx.event
    async def pick_date(self, value: str):  # type: ignore[no-untyped-def]
        """The week of `value`; a phone shows that very day."""
        monday = monday_of(str(value or "").strip())
        if not monday:
            return None
        self.focus_day = str(value).strip()
        return await self._go(monday)

    def _current_week(self) -> date | None:
        return date.fromisoformat(self.week_start) if self.week_start else None

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.create_open = self.detail_open = self.busy = False
        user = await self._user()
        if user is None:
            return None
        self.role, self.timezone = user.role, user.timezone or "UTC"
        await offload(self._load, user, self._current_week())
        self._keep_focus_in_week()
        return rx.call_script(
            "window.matchMedia('(max-width: 639px)').matches", callback=CalendarState.set_layout
        )

    @rx.event
    async def refresh(self) -> None:
        """Live update: re-read the visible week (and the open lesson's details)."""
        user = await self._user()
        if user is None or not self.loaded:
            return
        await offload(self._load, user, self._current_week())
        if self.detail_open and self.detail_kind == "lesson":
            try:
                self.detail = await offload(
                    lessons.lesson_detail, user.id, self.detail_id, locale=self._locale()
                )
            except DomainError:
                self.detail_open = False

    async def _week_changed(self):  # type: ignore[no-untyped-def]
        """Navigation (WeekNav): show the week `week_start` names."""
        user = await self._user()
        if user is None:
            return rx.redirect(routes.LOGIN)
        await offload(self._load, user, self._current_week())
        self._keep_focus_in_week()
        return None

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
            message = await offload(self._create, user, form)
        except DomainError as exc:
            self.create_error = error_text(exc)
            return None
        self.create_open = False
        await offload(self._load, user, self._current_week())
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
                await offload(
                    lessons.move_lesson, user.id, int(raw_id), start=start, end=end, now=clock.now()
                )
            elif kind == "busy":
                await offload(
                    availability.move_busy_block,
                    user.id,
                    int(raw_id),
                    start=start,
                    end=end,
                    now=clock.now(),
                )
            else:
                return None
        except DomainError as exc:
            return error_toast(exc)
        except ValueError:
            return rx.toast.error("This cannot be moved.")
        await offload(self._load, user, self._current_week())
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
            return error_toast(exc)
        return rx.redirect(routes.booking_url(token))

    @rx.event
    async def on_click(self, event_id: str):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None:
            return None
        kind, _, raw_id = str(event_id).partition("-")
        if user.role != "tutor":
            return await offload(self._open_own_booking, user.id, kind, raw_id)
        self.detail_kind, self.detail_id, self.detail_error = kind, int(raw_id or 0), ""
        if kind == "lesson":
            try:
                self.detail = await offload(
                    lessons.lesson_detail, user.id, self.detail_id, locale=self._locale()
                )
            except DomainError as exc:
                return error_toast(exc)
            self.detail_title = self.detail.title
            shown = [e for e in self.items if e.id == event_id]
            self._prepare_move(shown[0].start if shown else "")
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
                await offload(lessons.cancel_lesson, user.id, self.detail_id, now=clock.now())
            else:
                await offload(availability.remove_busy_block, user.id, self.detail_id)
        except DomainError as exc:
            self.detail_error = error_text(exc)
            return None
        self.detail_open = False
        await offload(self._load, user, self._current_week())
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
            await offload(
                lessons.set_payment,
                user.id,
                booking_id,
                paid=paid,
                amount=str(form.get("amount", "")),
                now=clock.now(),
            )
            self.detail = await offload(
                lessons.lesson_detail, user.id, self.detail_id, locale=self._locale()
            )
        except DomainError as exc:
            self.detail_error = error_text(exc)
            return None
        except ValueError:
            self.detail_error = "This booking cannot be changed."
            return None
        self.detail_error = ""
        await offload(self._load, user, self._current_week())
        return rx.toast.success("Marked paid." if paid else "Marked unpaid.")

    @rx.event
    async def mark_outcome(self, booking_id: int, result: str):  # type: ignore[no-untyped-def]
        """A seat's outcome (held / student no-show / tutor no-show): the outcome service
        decides (the lesson is the tutor's, it has started, the edit window is open)."""
        user = await self._user()
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        try:
            await offload(
                outcome.set_outcome,
                user.id,
                self.detail_id,
                str(result),
                booking_id=int(booking_id),
                now=clock.now(),
            )
            self.detail = await offload(
                lessons.lesson_detail, user.id, self.detail_id, locale=self._locale()
            )
        except DomainError as exc:
            self.detail_error = error_text(exc)
            return None
        self.detail_error = ""
        await offload(self._load, user, self._current_week())
        return rx.toast.success("Outcome saved.")

    @rx.event
    async def save_notes(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await self._user()
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        try:
            await offload(
                lessons.set_lesson_notes,
                user.id,
                self.detail_id,
                str(form.get("notes", "")),
                now=clock.now(),
            )
            self.detail = await offload(
                lessons.lesson_detail, user.id, self.detail_id, locale=self._locale()
            )
        except DomainError as exc:
            self.detail_error = error_text(exc)
            return None
        self.detail_error = ""
        return rx.toast.success("Notes saved.")
