"""The week calendar: a small snapshot of one week for one viewer, and the tutor's edits.

Read side: ``week_snapshot`` loads the viewer's week (tutor: lessons with their bookings
and busy blocks; student: their own bookings) and hands plain rows to ``build_week``, a
pure function (tested without a database) that makes the events and the week's stats.

Times: the calendar widget runs in "UTC" and shows the viewer's wall time written as
UTC ("2026-11-30T09:00:00Z" = 09:00 in the viewer's zone). ``wall_iso`` and
``parse_wall`` are the two directions; nothing else needs to know.

The calendar only reads: what its dialogs and drags change is done by the services of
those things (``lessons.publish_lesson`` / ``move_lesson`` / ``set_payment`` ...,
``availability.add_busy_block`` / ``move_busy_block``); ``selection_minutes`` and
``local_input`` turn a selection on the widget into what their forms take.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from booking_app.db import read_scope
from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    BookingStatus,
    LessonStatus,
    LessonType,
    PaymentStatus,
)
from booking_app.repositories import calendar as repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling.availability import working_intervals
from booking_app.services import calendar_display as display
from booking_app.services import timefmt
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.money import amount_label

BILLABLE = frozenset({BookingStatus.confirmed, BookingStatus.completed, BookingStatus.no_show})
LESSON_NOT_FOUND = "This lesson does not exist or is not yours."
BUSY_NOT_FOUND = "This busy time does not exist or is not yours."
BOOKING_NOT_FOUND = "This booking does not exist or is not yours."
MAX_NOTES = 2000

# Event colours: the light scale's step 11 of each Radix colour as fixed hex values, so the
# calendar's white event text keeps >= 4.5:1 contrast (WCAG AA; the axe gate checks it) in
# light and dark appearance alike. The step-9 variables were 2.2-3.4:1.
COLORS = {
    "pending": "#ab6400",  # amber-11
    "confirmed": "#2a7e3b",  # grass-11
    "group": "#0d74ce",  # blue-11
    "open": "#3a5bc7",  # indigo-11
    "tentative": "#646464",  # gray-11
    "busy": "#202020",  # gray-12
    "completed": "#008573",  # teal-11
}


# --- view objects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalEvent:
    id: str  # "lesson-12" | "busy-3" | "booking-7"
    kind: str  # lesson | busy | booking
    title: str
    start: str  # viewer wall time written as UTC (see module doc)
    end: str
    color: str
    status: str  # pending | confirmed | group | open | tentative | busy | completed
    seats: str  # "2/5" for group lessons
    pay: str  # "paid 40.00" | "unpaid 40.00" | "" (payments toggle)
    editable: bool
    subtitle: str = ""  # second line under the name: the lesson's title
    tooltip: str = ""  # every detail, one per line (the event's title attribute)


@dataclass(frozen=True)
class WeekStats:
    lessons: int = 0
    hours: str = "0"
    revenue: str = "0.00"
    paid: str = "0.00"
    unpaid: str = "0.00"
    utilization: str = "—"  # lesson hours inside working hours / working hours
    amounts: dict[str, str] = field(default_factory=dict)  # the sums as numbers (API)


@dataclass(frozen=True)
class WeekSnapshot:
    week_start: str  # Monday, "YYYY-MM-DD"
    label: str  # "30 Nov – 6 Dec 2026"
    timezone: str
    now: str  # wall time, written as UTC
    events: list[CalEvent]
    stats: WeekStats
    business_hours: list[dict[str, Any]] = field(default_factory=list)  # shaded working hours
    snap: str = "00:30:00"  # the tutor's slot step: drags and selections snap to it


@dataclass(frozen=True)
class CalendarSeat:
    """A booking in a lesson, as the pure builder sees it."""

    id: int
    name: str
    status: str
    price: Decimal
    payment: str
    paid_amount: Decimal | None


@dataclass(frozen=True)
class CalendarLesson:
    id: int
    title: str
    start: datetime
    end: datetime
    lesson_type: str
    capacity: int
    status: str
    seats: tuple[CalendarSeat, ...] = ()


@dataclass(frozen=True)
class CalendarBusy:
    id: int
    title: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class CalendarBooking:
    booking_id: int
    title: str
    start: datetime
    end: datetime
    status: str


# --- time ----------------------------------------------------------------------------------


def wall_iso(instant: datetime, tz: ZoneInfo) -> str:
    """The instant's wall time in ``tz``, written as UTC for the widget."""
    local = instant.astimezone(tz).replace(tzinfo=None)
    return local.isoformat(timespec="seconds") + "Z"


def parse_wall(raw: str, tz: ZoneInfo, field: str = "start") -> datetime:
    """The widget's "...Z" string (viewer wall time) back to a real UTC instant; an
    unreadable one is a field error of ``field``."""
    text = str(raw or "").strip()
    try:
        naive = datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        raise ValidationFailed({field: "That time could not be read."}) from None
    return naive.replace(tzinfo=tz).astimezone(UTC)


def parse_span(start: str, end: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A dragged or resized range of the widget as real UTC instants; the end must come
    after the start (a field error of "end" otherwise)."""
    first, last = parse_wall(start, tz), parse_wall(end, tz, "end")
    if last <= first:
        raise ValidationFailed({"end": "The end must be after the start."})
    return first, last


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants of local Monday 00:00 and the next Monday 00:00."""
    start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), datetime.min.time(), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


# --- the pure builder ----------------------------------------------------------------------


def _holds(status: str) -> bool:
    return BookingStatus(status) in SEAT_HOLDING_STATUSES


def _lesson_status(lesson: CalendarLesson) -> str:
    live = [s for s in lesson.seats if _holds(s.status)]
    if lesson.status == LessonStatus.completed.value:
        return "completed"
    if any(s.status == BookingStatus.pending.value for s in live):
        return "pending"
    if lesson.status == LessonStatus.tentative.value:
        return "tentative"
    if lesson.lesson_type == LessonType.group.value:
        return "group"
    return "confirmed" if live else "open"


def _pay_label(seats: Iterable[CalendarSeat], money: tuple[str, str]) -> str:
    billable = [s for s in seats if BookingStatus(s.status) in BILLABLE]
    if not billable:
        return ""
    paid = [s for s in billable if s.payment == PaymentStatus.paid.value]
    total = sum((s.price for s in billable), Decimal("0"))
    word = "paid" if len(paid) == len(billable) else "unpaid"
    return f"{word} {amount_label(total, *money)}"


STATUS_WORDS = {
    "pending": "Request waiting for you",
    "confirmed": "Confirmed",
    "group": "Group lesson",
    "open": "Open: nobody booked yet",
    "tentative": "Tentative",
    "busy": "Busy",
    "completed": "Completed",
}


def _lesson_event(
    lesson: CalendarLesson, tz: ZoneInfo, now: datetime, money: tuple[str, str]
) -> CalEvent:
    """The student's name first (the lesson title under it), so a 1-hour event still shows
    who; a group lesson shows its title and seat count."""
    status = _lesson_status(lesson)
    live = sum(1 for s in lesson.seats if s.status in display.SHOWN_SEATS)
    names = [s.name for s in lesson.seats if s.status in display.SHOWN_SEATS]
    group = lesson.lesson_type == LessonType.group.value
    title, subtitle = lesson.title, ""
    if not group and names:
        title, subtitle = f"{names[0]} · {lesson.title}", lesson.title
    seats = f"{live}/{lesson.capacity}" if group else ""
    pay = _pay_label(lesson.seats, money)
    tip = display.tooltip(
        [
            names[0] if not group and names else lesson.title,
            lesson.title if not group and names else "",
            timefmt.span_label(lesson.start, lesson.end, tz),
            STATUS_WORDS.get(status, status),
            f"Students ({seats}): {', '.join(names)}" if group and names else "",
            f"Seats {seats}" if group and not names else "",
            pay.capitalize(),
        ]
    )
    return CalEvent(
        id=f"lesson-{lesson.id}",
        kind="lesson",
        title=title,
        start=wall_iso(lesson.start, tz),
        end=wall_iso(lesson.end, tz),
        color=COLORS[status],
        status=status,
        seats=seats,
        pay=pay,
        editable=lesson.start > now,
        subtitle=subtitle,
        tooltip=tip,
    )


def _busy_event(block: CalendarBusy, tz: ZoneInfo, now: datetime) -> CalEvent:
    return CalEvent(
        id=f"busy-{block.id}",
        kind="busy",
        title=block.title or "Busy",
        start=wall_iso(block.start, tz),
        end=wall_iso(block.end, tz),
        color=COLORS["busy"],
        status="busy",
        seats="",
        pay="",
        editable=block.end > now,
        tooltip=display.tooltip(
            [block.title or "Busy", timefmt.span_label(block.start, block.end, tz), "Busy time"]
        ),
    )


def _hours(delta: timedelta) -> Decimal:
    return Decimal(delta.total_seconds()) / Decimal(3600)


def _hours_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> timedelta:
    return max(timedelta(0), min(a[1], b[1]) - max(a[0], b[0]))


def week_stats(
    lessons: Sequence[CalendarLesson],
    working: Sequence[tuple[datetime, datetime]],
    week: tuple[datetime, datetime],
    money: tuple[str, str] = ("", "en"),
) -> WeekStats:
    """Totals of the week's (not cancelled) lessons; utilization against working hours.
    Sums read in `money` = (the tutor's currency, the viewer's locale), via services/money.py."""
    inside = [(max(s, week[0]), min(e, week[1])) for s, e in working if e > week[0] and s < week[1]]
    spans = [(max(x.start, week[0]), min(x.end, week[1])) for x in lessons]
    seats = [s for x in lessons for s in x.seats if BookingStatus(s.status) in BILLABLE]
    revenue = sum((s.price for s in seats), Decimal("0"))
    paid = sum(
        (s.paid_amount or s.price for s in seats if s.payment == PaymentStatus.paid.value),
        Decimal("0"),
    )
    capacity = sum((_hours(e - s) for s, e in inside), Decimal("0"))
    used = sum((_hours(_overlap(span, w)) for span in spans for w in inside), Decimal("0"))
    return WeekStats(
        lessons=len(lessons),
        hours=_hours_text(sum((_hours(e - s) for s, e in spans), Decimal("0"))),
        revenue=amount_label(revenue, *money),
        paid=amount_label(paid, *money),
        unpaid=amount_label(max(revenue - paid, Decimal("0")), *money),
        utilization=f"{round(used / capacity * 100)}%" if capacity else "—",
        amounts=display.amounts(revenue, paid, money[0]),
    )


def build_week(
    *,
    monday: date,
    tz: ZoneInfo,
    now: datetime,
    lessons: Sequence[CalendarLesson] = (),
    busy: Sequence[CalendarBusy] = (),
    student: Sequence[CalendarBooking] = (),
    working: Sequence[tuple[datetime, datetime]] = (),
    step_min: int = 30,
    money: tuple[str, str] = ("", "en"),
) -> WeekSnapshot:
    """The snapshot from plain rows (no I/O): events in the viewer's wall time, stats, the
    working hours to shade and the grid drags snap to (``step_min``)."""
    week = week_bounds(monday, tz)
    events = [_lesson_event(x, tz, now, money) for x in lessons]
    events += [_busy_event(b, tz, now) for b in busy]
    events += [
        CalEvent(
            id=f"booking-{r.booking_id}",
            kind="booking",
            title=r.title,
            start=wall_iso(r.start, tz),
            end=wall_iso(r.end, tz),
            color=COLORS.get(r.status, COLORS["confirmed"]),
            status=r.status,
            seats="",
            pay="",
            editable=False,
            tooltip=display.tooltip(
                [r.title, timefmt.span_label(r.start, r.end, tz), STATUS_WORDS.get(r.status, "")]
            ),
        )
        for r in student
    ]
    events.sort(key=lambda e: (e.start, e.id))
    return WeekSnapshot(
        week_start=monday.isoformat(),
        label=timefmt.week_label(monday, monday + timedelta(days=6)),
        timezone=tz.key,
        now=wall_iso(now, tz),
        events=events,
        stats=week_stats(lessons, working, week, money),
        business_hours=display.business_hours(working, tz),
        snap=display.snap_duration(step_min),
    )


# --- loading -------------------------------------------------------------------------------


def _seat(b: Any) -> CalendarSeat:
    return CalendarSeat(
        id=b.id or 0,
        name=b.client_name,
        status=b.status.value,
        price=b.price,
        payment=b.payment_status.value,
        paid_amount=b.paid_amount,
    )


def _lesson_rows(
    session: Any, tutor_id: int, start: datetime, end: datetime
) -> list[CalendarLesson]:
    rows = repo.tutor_lessons(session=session, tutor_id=tutor_id, start=start, end=end)
    bookings = repo.bookings_of_lessons(
        session=session, lesson_ids=[r.lesson.id or 0 for r in rows]
    )
    by_lesson: dict[int, list[CalendarSeat]] = {}
    for b in bookings:
        by_lesson.setdefault(b.lesson_id, []).append(_seat(b))
    return [
        CalendarLesson(
            id=r.lesson.id or 0,
            title=r.lesson.title or r.service_name or "Lesson",
            start=r.lesson.starts_at,
            end=r.lesson.ends_at,
            lesson_type=r.lesson.lesson_type.value,
            capacity=r.lesson.capacity,
            status=r.lesson.status.value,
            seats=tuple(by_lesson.get(r.lesson.id or 0, ())),
        )
        for r in rows
    ]


def _tutor_week(
    session: Any, tutor_id: int, monday: date, tz: ZoneInfo, now: datetime, locale: str
) -> WeekSnapshot:
    start, end = week_bounds(monday, tz)
    lessons = _lesson_rows(session, tutor_id, start, end)
    busy = [
        CalendarBusy(b.id or 0, b.title, b.starts_at, b.ends_at)
        for b in repo.busy_blocks(session=session, tutor_id=tutor_id, start=start, end=end)
    ]
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=start, range_end=end
    )
    working: list[tuple[datetime, datetime]] = []
    step = 30
    if loaded is not None:
        working = working_intervals(
            loaded.schedule, timefmt.zone_or_utc(loaded.schedule.tz), start, end
        )
        working = [(max(s, start), min(e, end)) for s, e in working if e > start and s < end]
        step = loaded.schedule.rules.slot_step_min
    currency = lessons_repo.tutor_currency(session=session, tutor_id=tutor_id) or ""
    return build_week(
        monday=monday, tz=tz, now=now, lessons=lessons, busy=busy, working=working,
        step_min=step, money=(currency, locale),
    )  # fmt: skip


def _student_week(
    session: Any, student_id: int, monday: date, tz: ZoneInfo, now: datetime
) -> WeekSnapshot:
    start, end = week_bounds(monday, tz)
    rows = repo.student_bookings(session=session, student_id=student_id, start=start, end=end)
    student = [
        CalendarBooking(
            booking_id=r.booking.id or 0,
            title=f"{r.service_name or r.lesson.title} · {r.tutor_name}",
            start=r.lesson.starts_at,
            end=r.lesson.ends_at,
            status=r.booking.status.value,
        )
        for r in rows
        if r.booking.status in SEAT_HOLDING_STATUSES or r.booking.status is BookingStatus.completed
    ]
    return build_week(monday=monday, tz=tz, now=now, student=student)


def week_snapshot(
    user_id: int,
    role: str,
    *,
    week_start: date | None,
    viewer_tz: str,
    now: datetime,
    locale: str = "en",
) -> WeekSnapshot:
    """The viewer's week (Monday ``week_start``, default: this week) in ``viewer_tz``, a
    tutor's sums in the viewer's ``locale``."""
    tz = timefmt.zone_or_utc(viewer_tz)
    monday = monday_of(week_start or now.astimezone(tz).date())
    with read_scope() as session:
        if role == "tutor":
            return _tutor_week(session, user_id, monday, tz, now, locale)
        return _student_week(session, user_id, monday, tz, now)


# --- the widget's times, for the forms it opens ------------------------------------------------


def tutor_zone(session: Any, tutor_id: int) -> ZoneInfo:
    name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
    if name is None:
        raise NotFound("Only tutors edit the calendar.")
    return timefmt.zone_or_utc(name)


def selection_minutes(start: str, end: str, viewer_tz: str) -> int:
    """Length in minutes of a range selected on the calendar (wall times of the viewer)."""
    tz = timefmt.zone_or_utc(viewer_tz)
    return int((parse_wall(end, tz, "end") - parse_wall(start, tz)).total_seconds() // 60)


def local_input(raw: str, viewer_tz: str) -> str:
    """A widget time as "YYYY-MM-DDTHH:MM" in the same zone (what the create forms take)."""
    tz = timefmt.zone_or_utc(viewer_tz)
    return timefmt.local_input(parse_wall(raw, tz), tz)
