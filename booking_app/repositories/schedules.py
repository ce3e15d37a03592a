"""Everything the scheduling engine needs for one tutor and a time range, in 3 statements.

Why so few: the tutor's week is computed on every page view (availability preview, public
page, marketplace) and again inside every booking transaction, so the load must not grow
with the number of tables. The three statements:

1. the tutor's profile JOIN user (time zone + rules), LEFT JOIN the service asked for
   (or the first active one), so the caller needs no separate service query;
2. weekly windows UNION ALL the overrides of the dates in range (a ``kind`` column tells
   them apart);
3. busy blocks UNION ALL non-cancelled lessons in range, each lesson with its seat count
   (pending + confirmed bookings, a correlated subquery on ``ix_booking_lesson_status``).

Rows are turned into the engine's frozen dataclasses right here, so services never see
ORM rows and the engine never sees a session. ``lock_tutor`` serializes writers per tutor.

Speed: the statements are built once with bind parameters (``functools.cache``) and run
on the session's Core connection, and rows are unpacked as plain tuples; building the
SQL expression and the ORM result machinery cost more than the queries themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session

from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    AvailabilityOverride,
    AvailabilityWindow,
    Booking,
    BusyBlock,
    Lesson,
    LessonStatus,
    LessonType,
    Service,
    TutorProfile,
    User,
)
from booking_app.scheduling import (
    BusyBlock as EngineBusy,
)
from booking_app.scheduling import (
    DateOverride,
    ExistingLesson,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
)

LOAD_MARGIN = timedelta(days=3)
"""Rows this far outside the range are loaded too. The engine looks up to two days around
a range (same local date, daily limit) plus the buffer gap (<= 4 h) and the lesson length
(<= 8 h); three days cover all of it."""

OVERRIDE_MARGIN = timedelta(days=2)
"""Overrides are selected by UTC date: a local date is at most one day from the UTC date
(offsets are within +-14 h) and the engine reads one more date on each side."""

LESSON_LOOKBACK = timedelta(days=7)
"""Lessons are found through the (tutor_id, starts_at) index, so a lesson must start at
most this long before the range to be seen. Lessons last 15 minutes to 8 hours."""

_LESSON, _BUSY, _WEEKLY, _OVERRIDE = "lesson", "busy", "weekly", "override"


@dataclass(frozen=True, slots=True)
class ServiceRow:
    """The service a week is computed for (what the engine and the page need of it)."""

    id: int
    name: str
    duration_min: int
    is_group: bool
    capacity: int
    is_active: bool

    @property
    def spec(self) -> ServiceSpec:
        """What the engine needs to know of it."""
        return ServiceSpec(self.duration_min, self.is_group, self.capacity)


@dataclass(frozen=True, slots=True)
class LoadedSchedule:
    """A tutor's schedule around a range, ready for the engine.

    ``lesson_titles`` maps the loaded lessons' ids to their titles (joinable group
    lessons are listed by title); ``service`` is None when none was asked for or found.
    """

    schedule: TutorSchedule
    lesson_titles: dict[int, str]
    service: ServiceRow | None


def lock_tutor(*, session: Session, tutor_id: int) -> None:
    """Serialize writes to one tutor's calendar until the transaction ends.

    PostgreSQL: ``SELECT ... FOR UPDATE`` on the tutor's profile row, so two
    transactions publishing or booking for the same tutor run one after the other and
    the second re-reads what the first wrote (READ COMMITTED takes a fresh snapshot per
    statement). SQLite: nothing to do, ``session_scope(write=True)`` already began with
    ``BEGIN IMMEDIATE``, which holds the database's single write lock.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    session.execute(
        sa.select(TutorProfile.id).where(TutorProfile.user_id == tutor_id).with_for_update()
    )


def load_schedule(
    *,
    session: Session,
    tutor_id: int,
    range_start: datetime,
    range_end: datetime,
    service_id: int | None = None,
    first_active_service: bool = False,
) -> LoadedSchedule | None:
    """The tutor's schedule for ``[range_start, range_end)``, or None for a non-tutor.

    ``service_id`` loads that service if it is the tutor's (``service`` None otherwise);
    without it, ``first_active_service`` loads the tutor's oldest active service.
    """
    conn = session.connection()
    mode = "id" if service_id is not None else "first" if first_active_service else "none"
    head = conn.execute(_head_query(mode), {"tutor_id": tutor_id, "service_id": service_id}).first()
    if head is None:
        return None
    weekly, overrides = _load_hours(conn, tutor_id, range_start, range_end)
    busy, lessons, titles = _load_calendar(conn, tutor_id, range_start, range_end)
    schedule = TutorSchedule(head.timezone, weekly, overrides, busy, lessons, _rules(head))
    return LoadedSchedule(schedule, titles, _service(head))


# Built once and run on the session's connection (no ORM execution): every "next week"
# click of every visitor reads it, and the ORM path cost 3x the query (issue 15).
_SCHEDULE_VERSION = sa.select(TutorProfile.schedule_version).where(
    TutorProfile.user_id == sa.bindparam("tutor_id")
)


def schedule_version(*, connection: Connection, tutor_id: int) -> int | None:
    """The tutor's schedule version (grows with every schedule change), None for a
    non-tutor: one indexed read on a bare ``db.read_connection``, so a cached week can be
    checked cheaply."""
    result = connection.execute(_SCHEDULE_VERSION, {"tutor_id": tutor_id})
    return result.scalar_one_or_none()


@cache
def _head_query(mode: str) -> sa.Select[Any]:
    """Statement 1: profile + user, LEFT JOIN the service by id ("id"), the oldest active
    one ("first") or none ("none"); one row, or none for a non-tutor."""
    join_on = Service.tutor_id == TutorProfile.user_id
    if mode == "id":
        join_on = sa.and_(join_on, Service.id == sa.bindparam("service_id"))
    elif mode == "first":
        oldest = (
            sa.select(sa.func.min(Service.id))
            .where(Service.tutor_id == sa.bindparam("tutor_id"), Service.is_active.is_(True))
            .scalar_subquery()
        )
        join_on = sa.and_(join_on, Service.id == oldest)
    else:
        join_on = sa.false()
    return (
        sa.select(
            User.timezone,
            TutorProfile.buffer_before_min,
            TutorProfile.buffer_after_min,
            TutorProfile.max_lessons_per_day,
            TutorProfile.min_notice_min,
            TutorProfile.horizon_days,
            TutorProfile.slot_step_min,
            Service.id.label("service_id"),
            Service.name.label("service_name"),
            Service.duration_min,
            Service.lesson_type,
            Service.capacity,
            Service.is_active,
        )
        .select_from(TutorProfile)
        .join(User, User.id == TutorProfile.user_id)
        .outerjoin(Service, join_on)
        .where(TutorProfile.user_id == sa.bindparam("tutor_id"))
    )


def _rules(head: Any) -> Rules:
    return Rules(
        buffer_before_min=head.buffer_before_min,
        buffer_after_min=head.buffer_after_min,
        max_lessons_per_day=head.max_lessons_per_day,
        min_notice_min=head.min_notice_min,
        horizon_days=head.horizon_days,
        slot_step_min=head.slot_step_min,
    )


def _service(head: Any) -> ServiceRow | None:
    if head.service_id is None:
        return None
    return ServiceRow(
        id=head.service_id,
        name=head.service_name,
        duration_min=head.duration_min,
        is_group=head.lesson_type == LessonType.group,
        capacity=head.capacity,
        is_active=bool(head.is_active),
    )


@cache
def _hours_query() -> sa.CompoundSelect:
    """Statement 2: weekly windows UNION ALL the overrides of a date range."""
    weekly_rows = sa.select(
        sa.literal_column(f"'{_WEEKLY}'", sa.String).label("kind"),
        AvailabilityWindow.weekday.label("weekday"),
        sa.cast(sa.null(), sa.Date).label("day"),
        AvailabilityWindow.start_time.label("start_time"),
        AvailabilityWindow.end_time.label("end_time"),
    ).where(AvailabilityWindow.tutor_id == sa.bindparam("tutor_id"))
    override_rows = sa.select(
        sa.literal_column(f"'{_OVERRIDE}'", sa.String),
        sa.cast(sa.null(), sa.Integer),
        AvailabilityOverride.day,
        AvailabilityOverride.start_time,
        AvailabilityOverride.end_time,
    ).where(
        AvailabilityOverride.tutor_id == sa.bindparam("tutor_id"),
        AvailabilityOverride.day.between(sa.bindparam("first_day"), sa.bindparam("last_day")),
    )
    return sa.union_all(weekly_rows, override_rows)


def _load_hours(
    conn: sa.Connection, tutor_id: int, range_start: datetime, range_end: datetime
) -> tuple[tuple[WeeklyWindow, ...], tuple[DateOverride, ...]]:
    params = {
        "tutor_id": tutor_id,
        "first_day": (range_start - OVERRIDE_MARGIN).date(),
        "last_day": (range_end + OVERRIDE_MARGIN).date(),
    }
    weekly: list[WeeklyWindow] = []
    by_day: dict[date, list[tuple[time, time]]] = defaultdict(list)
    for kind, weekday, day, start, end in conn.execute(_hours_query(), params):
        if kind == _WEEKLY:
            weekly.append(WeeklyWindow(weekday, start, end))
        elif start is None or end is None:
            by_day.setdefault(day, [])  # a row without times closes the day
        else:
            by_day[day].append((start, end))
    overrides = tuple(DateOverride(day, tuple(sorted(w))) for day, w in sorted(by_day.items()))
    return tuple(sorted(weekly, key=_window_key)), overrides


def _window_key(window: WeeklyWindow) -> tuple[int, time, time]:
    return window.weekday, window.start, window.end


def seats_taken_column() -> sa.ScalarSelect[int]:
    """Correlated count of the seat-holding (pending + confirmed) bookings of a lesson."""
    return (
        sa.select(sa.func.count(Booking.id))
        .where(Booking.lesson_id == Lesson.id, Booking.status.in_(SEAT_HOLDING_STATUSES))
        .correlate(Lesson)
        .scalar_subquery()
    )


@cache
def _calendar_query() -> sa.CompoundSelect:
    """Statement 3: non-cancelled lessons UNION ALL busy blocks overlapping [lo, hi)."""
    lesson_rows = sa.select(
        sa.literal_column(f"'{_LESSON}'", sa.String).label("kind"),
        Lesson.id.label("id"),
        Lesson.starts_at.label("starts_at"),
        Lesson.ends_at.label("ends_at"),
        Lesson.capacity.label("capacity"),
        seats_taken_column().label("seats_taken"),
        sa.cast(Lesson.lesson_type, sa.String).label("lesson_type"),
        sa.cast(Lesson.status, sa.String).label("status"),
        Lesson.title.label("title"),
    ).where(
        Lesson.tutor_id == sa.bindparam("tutor_id"),
        Lesson.starts_at >= sa.bindparam("lessons_from", type_=Lesson.starts_at.type),
        Lesson.starts_at < sa.bindparam("hi", type_=Lesson.starts_at.type),
        Lesson.ends_at > sa.bindparam("lo", type_=Lesson.ends_at.type),
        Lesson.status != LessonStatus.cancelled,
    )
    busy_rows = sa.select(
        sa.literal_column(f"'{_BUSY}'", sa.String),
        BusyBlock.id,
        BusyBlock.starts_at,
        BusyBlock.ends_at,
        sa.cast(sa.null(), sa.Integer),
        sa.cast(sa.null(), sa.Integer),
        sa.cast(sa.null(), sa.String),
        sa.cast(sa.null(), sa.String),
        BusyBlock.title,
    ).where(
        BusyBlock.tutor_id == sa.bindparam("tutor_id"),
        BusyBlock.starts_at < sa.bindparam("hi", type_=BusyBlock.starts_at.type),
        BusyBlock.ends_at > sa.bindparam("lo", type_=BusyBlock.ends_at.type),
    )
    return sa.union_all(lesson_rows, busy_rows)


def _load_calendar(
    conn: sa.Connection, tutor_id: int, range_start: datetime, range_end: datetime
) -> tuple[tuple[EngineBusy, ...], tuple[ExistingLesson, ...], dict[int, str]]:
    lo, hi = range_start - LOAD_MARGIN, range_end + LOAD_MARGIN
    params = {"tutor_id": tutor_id, "lo": lo, "hi": hi, "lessons_from": lo - LESSON_LOOKBACK}
    busy: list[EngineBusy] = []
    lessons: list[ExistingLesson] = []
    titles: dict[int, str] = {}
    group = LessonType.group.value
    for kind, row_id, start, end, capacity, seats, lesson_type, status, title in conn.execute(
        _calendar_query(), params
    ):
        if kind == _BUSY:
            busy.append(EngineBusy(start, end))
        else:  # positional: runs for every lesson of the range
            lessons.append(
                ExistingLesson(row_id, start, end, capacity, seats, lesson_type == group, status)
            )
            titles[row_id] = title
    return tuple(busy), tuple(lessons), titles
