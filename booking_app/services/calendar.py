"""The week calendar: a small snapshot of one week for one viewer, and the tutor's edits.

Read side: ``week_snapshot`` loads the viewer's week (tutor: lessons with their bookings
and busy blocks; student: their own bookings) and hands plain rows to ``build_week``, a
pure function (tested without a database) that makes the events and the week's stats.

Times: the calendar widget runs in "UTC" and shows the viewer's wall time written as
UTC ("2026-11-30T09:00:00Z" = 09:00 in the viewer's zone). ``wall_iso`` and
``parse_wall`` are the two directions; nothing else needs to know.

Write side (tutors only): create goes through ``lessons.publish_lesson`` and
``availability.add_busy_block``; moves re-check the lesson under the tutor's lock with
the same ``check_conflicts`` the lesson publisher uses, ignoring the lesson itself, so a
drag can never double-book. Every write announces itself (realtime) to the tutor and
the students concerned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from booking_app import realtime
from booking_app.db import read_scope, session_scope
from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    BookingStatus,
    LessonStatus,
    LessonType,
    PaymentStatus,
)
from booking_app.models.lesson import EXCLUSION_NAME
from booking_app.repositories import bookings as bookings_repo
from booking_app.repositories import calendar as repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import Reason, check_conflicts
from booking_app.scheduling.availability import working_intervals
from booking_app.services import notifications, timefmt
from booking_app.services import offer_fields as f
from booking_app.services.errors import LessonStarted, NotFound, SlotUnavailable, ValidationFailed
from booking_app.services.lessons import OVERLAPS_DETAIL
from booking_app.services.validation import FieldError

BILLABLE = frozenset({BookingStatus.confirmed, BookingStatus.completed, BookingStatus.no_show})
LESSON_NOT_FOUND = "This lesson does not exist or is not yours."
BUSY_NOT_FOUND = "This busy time does not exist or is not yours."
BOOKING_NOT_FOUND = "This booking does not exist or is not yours."
MAX_NOTES = 2000

# Event colours (Radix scale steps, readable on light and dark panels).
COLORS = {
    "pending": "var(--amber-9)",
    "confirmed": "var(--grass-9)",
    "group": "var(--blue-9)",
    "open": "var(--indigo-9)",
    "tentative": "var(--gray-9)",
    "busy": "var(--gray-8)",
    "completed": "var(--teal-9)",
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


@dataclass(frozen=True)
class WeekStats:
    lessons: int = 0
    hours: str = "0"
    revenue: str = "0.00"
    paid: str = "0.00"
    unpaid: str = "0.00"
    utilization: str = "—"  # lesson hours inside working hours / working hours


@dataclass(frozen=True)
class WeekSnapshot:
    week_start: str  # Monday, "YYYY-MM-DD"
    label: str  # "30 Nov – 6 Dec 2026"
    timezone: str
    now: str  # wall time, written as UTC
    events: list[CalEvent]
    stats: WeekStats


@dataclass(frozen=True)
class SeatRow:
    """A booking in a lesson, as the pure builder sees it."""

    id: int
    name: str
    status: str
    price: Decimal
    payment: str
    paid_amount: Decimal | None


@dataclass(frozen=True)
class LessonRow:
    id: int
    title: str
    start: datetime
    end: datetime
    lesson_type: str
    capacity: int
    status: str
    seats: tuple[SeatRow, ...] = ()


@dataclass(frozen=True)
class BusyRow:
    id: int
    title: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class StudentRow:
    booking_id: int
    title: str
    start: datetime
    end: datetime
    status: str


@dataclass(frozen=True)
class SeatView:
    booking_id: int
    name: str
    status: str
    price: str
    payment: str
    paid_amount: str


@dataclass(frozen=True)
class LessonDetail:
    id: int
    title: str
    label: str
    lesson_type: str
    capacity: int
    status: str
    notes: str
    seats: list[SeatView] = field(default_factory=list)


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


def _lesson_status(lesson: LessonRow) -> str:
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


def _pay_label(seats: Iterable[SeatRow]) -> str:
    billable = [s for s in seats if BookingStatus(s.status) in BILLABLE]
    if not billable:
        return ""
    paid = [s for s in billable if s.payment == PaymentStatus.paid.value]
    total = sum((s.price for s in billable), Decimal("0"))
    word = "paid" if len(paid) == len(billable) else "unpaid"
    return f"{word} {f.format_price(total)}"


def _lesson_event(lesson: LessonRow, tz: ZoneInfo, now: datetime) -> CalEvent:
    status = _lesson_status(lesson)
    live = sum(1 for s in lesson.seats if _holds(s.status))
    names = [s.name for s in lesson.seats if _holds(s.status)]
    title = lesson.title
    if lesson.lesson_type != LessonType.group.value and names:
        title = f"{lesson.title} · {names[0]}"
    return CalEvent(
        id=f"lesson-{lesson.id}",
        kind="lesson",
        title=title,
        start=wall_iso(lesson.start, tz),
        end=wall_iso(lesson.end, tz),
        color=COLORS[status],
        status=status,
        seats=f"{live}/{lesson.capacity}" if lesson.lesson_type == LessonType.group.value else "",
        pay=_pay_label(lesson.seats),
        editable=lesson.start > now,
    )


def _busy_event(block: BusyRow, tz: ZoneInfo, now: datetime) -> CalEvent:
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
    )


def _hours(delta: timedelta) -> Decimal:
    return Decimal(delta.total_seconds()) / Decimal(3600)


def _hours_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')).normalize():f}"


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> timedelta:
    return max(timedelta(0), min(a[1], b[1]) - max(a[0], b[0]))


def week_stats(
    lessons: Sequence[LessonRow],
    working: Sequence[tuple[datetime, datetime]],
    week: tuple[datetime, datetime],
) -> WeekStats:
    """Totals of the week's (not cancelled) lessons; utilization against working hours."""
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
        revenue=f.format_price(revenue),
        paid=f.format_price(paid),
        unpaid=f.format_price(max(revenue - paid, Decimal("0"))),
        utilization=f"{round(used / capacity * 100)}%" if capacity else "—",
    )


def build_week(
    *,
    monday: date,
    tz: ZoneInfo,
    now: datetime,
    lessons: Sequence[LessonRow] = (),
    busy: Sequence[BusyRow] = (),
    student: Sequence[StudentRow] = (),
    working: Sequence[tuple[datetime, datetime]] = (),
) -> WeekSnapshot:
    """The snapshot from plain rows (no I/O): events in the viewer's wall time + stats."""
    week = week_bounds(monday, tz)
    events = [_lesson_event(x, tz, now) for x in lessons]
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
        stats=week_stats(lessons, working, week) if lessons or working else WeekStats(),
    )


# --- loading -------------------------------------------------------------------------------


def _seat(b: Any) -> SeatRow:
    return SeatRow(
        id=b.id or 0,
        name=b.client_name,
        status=b.status.value,
        price=b.price,
        payment=b.payment_status.value,
        paid_amount=b.paid_amount,
    )


def _lesson_rows(session: Any, tutor_id: int, start: datetime, end: datetime) -> list[LessonRow]:
    rows = repo.tutor_lessons(session=session, tutor_id=tutor_id, start=start, end=end)
    bookings = repo.bookings_of_lessons(session=session, lesson_ids=[r[0].id for r in rows])
    by_lesson: dict[int, list[SeatRow]] = {}
    for b in bookings:
        by_lesson.setdefault(b.lesson_id, []).append(_seat(b))
    return [
        LessonRow(
            id=x.id or 0,
            title=x.title or r.service_name or "Lesson",
            start=x.starts_at,
            end=x.ends_at,
            lesson_type=x.lesson_type.value,
            capacity=x.capacity,
            status=x.status.value,
            seats=tuple(by_lesson.get(x.id or 0, ())),
        )
        for r in rows
        for x in (r[0],)
    ]


def _tutor_week(
    session: Any, tutor_id: int, monday: date, tz: ZoneInfo, now: datetime
) -> WeekSnapshot:
    start, end = week_bounds(monday, tz)
    lessons = _lesson_rows(session, tutor_id, start, end)
    busy = [
        BusyRow(b.id or 0, b.title, b.starts_at, b.ends_at)
        for b in repo.busy_blocks(session=session, tutor_id=tutor_id, start=start, end=end)
    ]
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=start, range_end=end
    )
    working: list[tuple[datetime, datetime]] = []
    if loaded is not None:
        working = working_intervals(
            loaded.schedule, timefmt.zone_or_utc(loaded.schedule.tz), start, end
        )
    return build_week(monday=monday, tz=tz, now=now, lessons=lessons, busy=busy, working=working)


def _student_week(
    session: Any, student_id: int, monday: date, tz: ZoneInfo, now: datetime
) -> WeekSnapshot:
    start, end = week_bounds(monday, tz)
    rows = repo.student_bookings(session=session, student_id=student_id, start=start, end=end)
    student = [
        StudentRow(
            booking_id=b.id or 0,
            title=f"{r.service_name or lesson.title} · {r.tutor_name}",
            start=lesson.starts_at,
            end=lesson.ends_at,
            status=b.status.value,
        )
        for r in rows
        for b, lesson in ((r[0], r[1]),)
        if b.status in SEAT_HOLDING_STATUSES or b.status is BookingStatus.completed
    ]
    return build_week(monday=monday, tz=tz, now=now, student=student)


def week_snapshot(
    user_id: int, role: str, *, week_start: date | None, viewer_tz: str, now: datetime
) -> WeekSnapshot:
    """The viewer's week (Monday ``week_start``, default: this week) in ``viewer_tz``."""
    tz = timefmt.zone_or_utc(viewer_tz)
    monday = monday_of(week_start or now.astimezone(tz).date())
    with read_scope() as session:
        if role == "tutor":
            return _tutor_week(session, user_id, monday, tz, now)
        return _student_week(session, user_id, monday, tz, now)


# --- tutor edits ---------------------------------------------------------------------------


def _tutor_tz(session: Any, tutor_id: int) -> ZoneInfo:
    name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
    if name is None:
        raise NotFound("Only tutors edit the calendar.")
    return timefmt.zone_or_utc(name)


def _check_move(
    session: Any, tutor_id: int, lesson_id: int, start: datetime, end: datetime
) -> None:
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=start, range_end=end
    )
    assert loaded is not None
    verdict = check_conflicts(loaded.schedule, start, end, ignore_lesson_id=lesson_id)
    if verdict.ok:
        return
    if verdict.reason is Reason.OVERLAPS:
        raise SlotUnavailable(Reason.OVERLAPS.value, OVERLAPS_DETAIL)
    if verdict.reason is Reason.BUFFER:
        gap = loaded.schedule.rules.gap_min
        detail = f"Keep at least {gap} minutes between lessons (your buffer setting)."
        raise SlotUnavailable(Reason.BUFFER.value, detail)
    raise SlotUnavailable(verdict.reason.value, verdict.detail)


def _span(start: datetime, end: datetime, now: datetime) -> None:
    if end <= start:
        raise ValidationFailed({"end": "The end must be after the start."})
    if start <= now:
        raise SlotUnavailable(Reason.TOO_SOON.value, "This time has already passed.")


def move_lesson(tutor_id: int, lesson_id: int, *, start: str, end: str, now: datetime) -> None:
    """Move/resize a future lesson (wall-time strings of the tutor's calendar).

    Checked under the tutor's lock against every other lesson and busy block, like
    publishing; refused -> SlotUnavailable and nothing changes. Its students are told.
    """
    try:
        with session_scope(write=True) as session:
            tz = _tutor_tz(session, tutor_id)
            new_start, new_end = parse_wall(start, tz), parse_wall(end, tz, "end")
            _span(new_start, new_end, now)
            schedules_repo.lock_tutor(session=session, tutor_id=tutor_id)
            lesson = repo.lesson_for_tutor(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
            if lesson is None or lesson.status is LessonStatus.cancelled:
                raise NotFound(LESSON_NOT_FOUND)
            if lesson.starts_at <= now:
                raise LessonStarted("This lesson has already started.")
            _check_move(session, tutor_id, lesson_id, new_start, new_end)
            lesson.starts_at, lesson.ends_at, lesson.updated_at = new_start, new_end, now
            session.flush()
            students = lessons_repo.seat_student_ids(session=session, lesson_id=lesson_id)
            for booking_id in lessons_repo.seat_booking_ids(session=session, lesson_id=lesson_id):
                notifications.booking_changed(session, booking_id, "moved", now=now, by_tutor=True)
            realtime.publish_on_commit(session, (tutor_id, *students))
    except IntegrityError as exc:
        if EXCLUSION_NAME in str(exc.orig):
            raise SlotUnavailable(Reason.OVERLAPS.value, OVERLAPS_DETAIL) from None
        raise


def move_busy_block(tutor_id: int, block_id: int, *, start: str, end: str, now: datetime) -> None:
    """Move/resize a busy block; like adding one, it never disturbs booked lessons."""
    with session_scope(write=True) as session:
        tz = _tutor_tz(session, tutor_id)
        new_start, new_end = parse_wall(start, tz), parse_wall(end, tz, "end")
        if new_end <= new_start:
            raise ValidationFailed({"end": "The end must be after the start."})
        if new_end <= now:
            raise ValidationFailed({"end": "A busy time must end in the future."})
        block = repo.busy_for_tutor(session=session, tutor_id=tutor_id, block_id=block_id)
        if block is None:
            raise NotFound(BUSY_NOT_FOUND)
        block.starts_at, block.ends_at = new_start, new_end
        session.flush()
        realtime.publish_on_commit(session, (tutor_id,))


def selection_minutes(start: str, end: str, viewer_tz: str) -> int:
    """Length in minutes of a range selected on the calendar (wall times of the viewer)."""
    tz = timefmt.zone_or_utc(viewer_tz)
    return int((parse_wall(end, tz, "end") - parse_wall(start, tz)).total_seconds() // 60)


def local_input(raw: str, viewer_tz: str) -> str:
    """A widget time as "YYYY-MM-DDTHH:MM" in the same zone (what the create forms take)."""
    tz = timefmt.zone_or_utc(viewer_tz)
    return timefmt.local_input(parse_wall(raw, tz), tz)


def student_booking_token(student_id: int, booking_id: int) -> str:
    """The private-link token of the student's own booking (clicked on their calendar);
    anyone else's booking is NotFound, like everywhere else."""
    with read_scope() as session:
        booking = bookings_repo.for_student(
            session=session, student_id=student_id, booking_id=booking_id
        )
        if booking is None:
            raise NotFound("This booking does not exist.")
        return booking.booking_token


def lesson_detail(tutor_id: int, lesson_id: int) -> LessonDetail:
    """The lesson with every booking (name, status, payment) for the details dialog."""
    with read_scope() as session:
        tz = _tutor_tz(session, tutor_id)
        lesson = repo.lesson_for_tutor(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
        if lesson is None:
            raise NotFound(LESSON_NOT_FOUND)
        bookings = repo.bookings_of_lessons(session=session, lesson_ids=[lesson_id])
    return LessonDetail(
        id=lesson_id,
        title=lesson.title or "Lesson",
        label=timefmt.span_label(lesson.starts_at, lesson.ends_at, tz),
        lesson_type=lesson.lesson_type.value,
        capacity=lesson.capacity,
        status=lesson.status.value,
        notes=lesson.notes or "",
        seats=[
            SeatView(
                booking_id=b.id or 0,
                name=b.client_name,
                status=b.status.value,
                price=f.format_price(b.price),
                payment=b.payment_status.value,
                paid_amount=f.format_price(b.paid_amount) if b.paid_amount is not None else "",
            )
            for b in bookings
        ],
    )


def set_payment(tutor_id: int, booking_id: int, *, paid: bool, amount: str, now: datetime) -> None:
    """Mark a booking paid (with the amount received; blank = its price) or unpaid."""
    with session_scope(write=True) as session:
        booking = repo.booking_for_tutor(session=session, tutor_id=tutor_id, booking_id=booking_id)
        if booking is None:
            raise NotFound(BOOKING_NOT_FOUND)
        if paid:
            try:
                value = f.clean_price(amount) if str(amount or "").strip() else booking.price
            except FieldError as exc:
                raise ValidationFailed({"amount": str(exc)}) from None
            booking.payment_status, booking.paid_amount, booking.paid_at = (
                PaymentStatus.paid,
                value,
                now,
            )
        else:
            booking.payment_status, booking.paid_amount, booking.paid_at = (
                PaymentStatus.unpaid,
                None,
                None,
            )
        booking.updated_at = now
        session.flush()
        realtime.publish_on_commit(session, (tutor_id, booking.student_id))


def set_lesson_notes(tutor_id: int, lesson_id: int, notes: str, *, now: datetime) -> None:
    """The tutor's private notes on a lesson (up to 2000 characters)."""
    text = str(notes or "").strip()
    if len(text) > MAX_NOTES:
        raise ValidationFailed({"notes": f"Notes are limited to {MAX_NOTES} characters."})
    with session_scope(write=True) as session:
        lesson = repo.lesson_for_tutor(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
        if lesson is None:
            raise NotFound(LESSON_NOT_FOUND)
        lesson.notes, lesson.updated_at = text, now
        session.flush()
        realtime.publish_on_commit(session, (tutor_id,))
