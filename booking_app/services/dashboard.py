"""Home dashboards: the student's lessons and tutor, the tutor's day, numbers and trend.

Definitions (README "Classroom"), all computed with the injected ``now``:
- a lesson is DONE when it is not cancelled, has ended, and the seat is confirmed or
  completed (a no-show seat is not a lesson done for the student, but the tutor's lesson
  still happened when anyone held a seat);
- UPCOMING: not cancelled and starting after ``now``;
- REVENUE: prices of confirmed/completed seats of done lessons;
- UTILIZATION of the current week (Monday-Sunday in the tutor's zone): minutes of lessons
  with at least one seat / minutes of working hours (weekly hours with date overrides,
  from the same engine that offers slots), as a whole percent (0 with no hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from booking_app.db import read_scope
from booking_app.models import BookingStatus
from booking_app.repositories import classroom as repo
from booking_app.repositories import dashboard as dashboard_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.repositories.classroom import DashboardLessonRow
from booking_app.scheduling import normalize, seconds_until_join
from booking_app.scheduling.availability import working_intervals
from booking_app.scheduling.intervals import clip
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.classroom import join_window_minutes, lesson_can_join
from booking_app.services.errors import NotFound
from booking_app.services.money import amount_label

CHART_WEEKS = 8
UPCOMING_DAYS = 8  # rows loaded ahead: today's and the next lessons


@dataclass(frozen=True)
class DashLesson:
    lesson_id: int
    title: str
    label: str
    with_whom: str  # the tutor's name (student view) or the seat count (tutor view)
    can_join: bool
    opens_in_seconds: int


@dataclass(frozen=True)
class StudentDashboard:
    active_lessons: tuple[DashLesson, ...]
    tutor_name: str  # "" when no active membership
    tutor_email: str
    lessons_done: int
    upcoming: int
    hours_this_month: float


@dataclass(frozen=True)
class WeekPoint:
    week: str  # "30 Nov"
    lessons: int
    revenue: float
    hours: float


@dataclass(frozen=True)
class TutorDashboard:
    today: tuple[DashLesson, ...]
    upcoming_lessons: tuple[DashLesson, ...]
    pending_requests: int
    students: int
    lessons_done: int
    upcoming: int
    revenue: str
    utilization_percent: int
    booked_minutes: int
    available_minutes: int
    chart: tuple[WeekPoint, ...]
    revenue_amount: str = "0.00"  # `revenue` as a number for programs (decimal string)
    currency: str = ""


def _dash(lesson: Any, with_whom: str, now: datetime, tz: ZoneInfo) -> DashLesson:
    """``lesson``: a Lesson or a row with its id, title, starts_at, ends_at and status."""
    return DashLesson(
        lesson_id=lesson.id or 0,
        title=lesson.title or "Lesson",
        label=timefmt.span_label(lesson.starts_at, lesson.ends_at, tz),
        with_whom=with_whom,
        can_join=lesson_can_join(lesson, now),
        opens_in_seconds=seconds_until_join(lesson.starts_at, now, join_window_minutes()),
    )


def _hours(minutes: float) -> float:
    return round(minutes / 60, 1)


def student_dashboard(student_id: int, *, now: datetime, viewer_tz: str) -> StudentDashboard:
    tz = timefmt.zone_or_utc(viewer_tz)
    local_now = now.astimezone(tz)
    month = (local_now.year, local_now.month)
    with read_scope() as session:
        rows = repo.student_lesson_rows(session=session, student_id=student_id)
        tutor = repo.active_tutor(session=session, student_id=student_id)
    active, done, upcoming, month_minutes = [], 0, 0, 0.0
    for booking, lesson, tutor_name in rows:
        if lesson.ends_at > now and booking.status is BookingStatus.confirmed:
            active.append(_dash(lesson, tutor_name, now, tz))
            upcoming += lesson.starts_at > now
        elif lesson.ends_at <= now and booking.status is not BookingStatus.no_show:
            done += 1
            start = lesson.starts_at.astimezone(tz)
            if (start.year, start.month) == month:
                month_minutes += (lesson.ends_at - lesson.starts_at).total_seconds() / 60
    return StudentDashboard(
        active_lessons=tuple(active[:10]),
        tutor_name=tutor.name if tutor else "",
        tutor_email=tutor.email if tutor else "",
        lessons_done=done,
        upcoming=upcoming,
        hours_this_month=_hours(month_minutes),
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _at(day: date, tz: ZoneInfo) -> datetime:
    return timefmt.wall_to_utc(day, time(0), tz)


def _minutes(intervals: list[tuple[datetime, datetime]]) -> int:
    return int(sum((e - s).total_seconds() for s, e in intervals) // 60)


def _utilization(
    session: object, tutor_id: int, lessons: list, lo: datetime, hi: datetime
) -> tuple[int, int]:
    """(booked, available) minutes of ``[lo, hi)``; see the module docstring."""
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=lo, range_end=hi
    )  # type: ignore[arg-type]
    if loaded is None:
        return 0, 0
    tz = timefmt.zone_or_utc(loaded.schedule.tz)
    hours = clip(normalize(working_intervals(loaded.schedule, tz, lo, hi)), lo, hi)
    booked = clip(normalize((r.starts_at, r.ends_at) for r in lessons if r.seats), lo, hi)
    return _minutes(booked), _minutes(hours)


def tutor_dashboard(tutor_id: int, *, now: datetime, locale: str = "en") -> TutorDashboard:
    """One read transaction of five statements: the header's numbers in one
    (repositories/dashboard.py), the 8 chart weeks up to a week ahead row by row, and the
    week's working hours (the schedule loader, three). Revenue reads in the viewer's
    `locale` (services/money.py)."""
    with read_scope() as session:
        numbers = dashboard_repo.tutor_numbers(session=session, tutor_id=tutor_id, now=now)
        if numbers is None:
            raise NotFound("Only tutors have a dashboard.")
        tz = timefmt.zone_or_utc(numbers.timezone)
        this_monday = _monday(now.astimezone(tz).date())
        first_monday = this_monday - timedelta(weeks=CHART_WEEKS - 1)
        week_lo, week_hi = _at(this_monday, tz), _at(this_monday + timedelta(days=7), tz)
        rows = repo.tutor_lesson_rows(
            session=session,
            tutor_id=tutor_id,
            lo=_at(first_monday, tz),
            hi=max(week_hi, now + timedelta(days=UPCOMING_DAYS)),
        )
        week_rows = [r for r in rows if week_lo <= r.starts_at < week_hi]
        booked, available = _utilization(session, tutor_id, week_rows, week_lo, week_hi)
    totals = (numbers.lessons_done, numbers.revenue, numbers.upcoming)
    counts = (numbers.pending_requests, numbers.students)
    return _tutor_view(
        rows,
        totals,
        counts,
        now,
        tz,
        first_monday,
        (booked, available),
        (numbers.currency, locale),
    )


def _tutor_view(  # noqa: PLR0913 - the numbers loaded in one read transaction
    rows: list[DashboardLessonRow],
    totals: tuple[int, Any, int],
    counts: tuple[int, int],
    now: datetime,
    tz: ZoneInfo,
    first_monday: date,
    minutes: tuple[int, int],
    money: tuple[str, str],  # (the tutor's currency, the viewer's locale)
) -> TutorDashboard:
    today = now.astimezone(tz).date()
    done_rows = [r for r in rows if r.ends_at <= now and r.seats > 0]
    upcoming = [r for r in rows if r.starts_at > now]
    todays = [r for r in rows if r.starts_at.astimezone(tz).date() == today]
    done_count, revenue, upcoming_count = totals
    booked, available = minutes

    def seats(r) -> str:  # type: ignore[no-untyped-def]
        return f"{r.seats} student" + ("" if r.seats == 1 else "s")

    chart = []
    for week in range(CHART_WEEKS):
        monday = first_monday + timedelta(weeks=week)
        lo, hi = _at(monday, tz), _at(monday + timedelta(days=7), tz)
        in_week = [r for r in done_rows if lo <= r.starts_at < hi]
        week_minutes = sum((r.ends_at - r.starts_at).total_seconds() / 60 for r in in_week)
        chart.append(
            WeekPoint(
                week=f"{monday.day} {timefmt.MONTH_NAMES[monday.month - 1]}",
                lessons=len(in_week),
                revenue=float(sum((Decimal(r.revenue) for r in in_week), Decimal("0"))),
                hours=_hours(week_minutes),
            )
        )
    return TutorDashboard(
        today=tuple(_dash(r, seats(r), now, tz) for r in todays),
        upcoming_lessons=tuple(_dash(r, seats(r), now, tz) for r in upcoming[:5]),
        pending_requests=counts[0],
        students=counts[1],
        lessons_done=done_count,
        upcoming=upcoming_count,
        revenue=amount_label(revenue, *money),
        utilization_percent=round(100 * booked / available) if available else 0,
        booked_minutes=booked,
        available_minutes=available,
        chart=tuple(chart),
        revenue_amount=f.format_price(Decimal(revenue or 0)),
        currency=money[0],
    )
