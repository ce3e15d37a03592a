"""Loading a tutor-week: at most 3 SQL statements, and exactly what the engine needs.

A statement counter (``before_cursor_execute`` on the app's engine) proves the query
budget with windows, overrides, busy blocks, lessons and bookings all present; comparing
``week_slots`` with ``free_slots`` called directly on hand-built inputs proves the
service adds nothing and loses nothing on the way from the rows to the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from booking_app.db import get_engine, read_scope, session_scope
from booking_app.models import (
    AvailabilityOverride,
    AvailabilityWindow,
    Booking,
    BookingStatus,
    Lesson,
    LessonStatus,
    LessonType,
    Service,
)
from booking_app.models import BusyBlock as BusyRow
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import (
    BusyBlock,
    DateOverride,
    ExistingLesson,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    free_slots,
    joinable_lessons,
)
from booking_app.services import tutor_public
from tests.support import builders

NOW = datetime(2026, 10, 20, 6, 0, tzinfo=UTC)
WEEK = date(2026, 10, 19)  # Monday; Kyiv falls back on Sunday the 25th
TZ = "Europe/Kyiv"
RULES = Rules(
    buffer_before_min=10,
    buffer_after_min=15,
    max_lessons_per_day=3,
    min_notice_min=120,
    horizon_days=30,
    slot_step_min=15,
)
WEEKLY = (
    WeeklyWindow(0, time(0), time(3)),  # from Monday midnight: sees Sunday's late lesson
    WeeklyWindow(0, time(9), time(13)),
    WeeklyWindow(0, time(14), time(18)),
    WeeklyWindow(1, time(9), time(17)),
    WeeklyWindow(2, time(9), time(17)),
    WeeklyWindow(3, time(9), time(17)),
    WeeklyWindow(4, time(9), time(17)),
    WeeklyWindow(5, time(10), time(14)),
    WeeklyWindow(6, time(20), time(0)),  # until midnight
)
OVERRIDES = (
    DateOverride(date(2026, 10, 21), ()),  # closed Wednesday
    DateOverride(date(2026, 10, 22), ((time(7), time(9)), (time(18), time(21)))),
    DateOverride(date(2026, 12, 24), ()),  # far away: not loaded, no effect
)


def kyiv(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    """A wall time in Kyiv (October 2026 by default) as UTC."""
    local = datetime(2026, month, day, hour, minute)
    return local.replace(tzinfo=ZoneInfo(TZ)).astimezone(UTC)


BUSY = (
    BusyBlock(kyiv(19, 11), kyiv(19, 12)),
    BusyBlock(kyiv(23, 8), kyiv(24, 11)),  # Friday morning to Saturday
    BusyBlock(kyiv(1, 9, month=12), kyiv(1, 10, month=12)),  # far away
)
# (start, minutes, lesson type, capacity, status, booking statuses)
LESSON_PLAN = [
    (kyiv(18, 23, 30), 60, "individual", 1, "scheduled", ["confirmed"]),  # Sunday before
    (kyiv(19, 9), 60, "individual", 1, "tentative", []),
    (kyiv(19, 14), 60, "individual", 1, "scheduled", ["pending"]),
    (kyiv(19, 16), 60, "group", 4, "scheduled", ["confirmed", "pending", "cancelled"]),
    (kyiv(20, 9), 45, "individual", 1, "scheduled", ["confirmed"]),
    (kyiv(20, 10), 45, "individual", 1, "scheduled", ["late_cancel"]),
    (kyiv(20, 11), 45, "individual", 1, "scheduled", ["pending"]),  # 3rd: Tuesday full
    (kyiv(20, 15), 60, "individual", 1, "cancelled", ["cancelled"]),  # frees its time
    (kyiv(22, 19), 90, "group", 6, "scheduled", ["confirmed"] * 6),  # full group
    (kyiv(25, 20), 60, "group", 3, "tentative", ["confirmed"]),  # after the DST change
    (kyiv(10, 10, month=12), 60, "individual", 1, "scheduled", ["confirmed"]),  # far away
]
SEAT_HOLDING = {"pending", "confirmed"}


def add_tutor() -> int:
    return builders.add_tutor(
        tz=TZ,
        name="Olena",
        hours=(),
        buffer_before_min=RULES.buffer_before_min,
        buffer_after_min=RULES.buffer_after_min,
        max_lessons_per_day=RULES.max_lessons_per_day,
        min_notice_min=RULES.min_notice_min,
        horizon_days=RULES.horizon_days,
        slot_step_min=RULES.slot_step_min,
    )


def seed(tutor: int) -> tuple[TutorSchedule, dict[int, str]]:
    """Write the plan above as rows; return the same data as hand-built engine inputs."""
    lessons: list[ExistingLesson] = []
    titles: dict[int, str] = {}
    with session_scope(write=True) as session:
        for w in WEEKLY:
            session.add(
                AvailabilityWindow(
                    tutor_id=tutor, weekday=w.weekday, start_time=w.start, end_time=w.end
                )
            )
        for o in OVERRIDES:
            rows = o.windows or ((None, None),)
            for start, end in rows:
                session.add(
                    AvailabilityOverride(tutor_id=tutor, day=o.day, start_time=start, end_time=end)
                )
        for b in BUSY:
            session.add(BusyRow(tutor_id=tutor, starts_at=b.start, ends_at=b.end))
        for n, (start, minutes, kind, capacity, status, seats) in enumerate(LESSON_PLAN):
            lesson = Lesson(
                tutor_id=tutor,
                title=f"Lesson {n}",
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
                lesson_type=LessonType(kind),
                capacity=capacity,
                status=LessonStatus(status),
            )
            session.add(lesson)
            session.flush()
            for i, seat in enumerate(seats):
                session.add(
                    Booking(
                        lesson_id=lesson.id,
                        tutor_id=tutor,
                        client_name=f"Student {i}",
                        client_phone="+380671234501",
                        status=BookingStatus(seat),
                    )
                )
            lessons.append(
                ExistingLesson(
                    lesson.id or 0,
                    lesson.starts_at,
                    lesson.ends_at,
                    capacity,
                    sum(seat in SEAT_HOLDING for seat in seats),
                    kind == "group",
                    status,
                )
            )
            titles[lesson.id or 0] = lesson.title
    return TutorSchedule(TZ, WEEKLY, OVERRIDES, BUSY, tuple(lessons), RULES), titles


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Every SQL statement sent to the database while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def week_range(viewer_tz: str = TZ) -> tuple[datetime, datetime]:
    zone = ZoneInfo(viewer_tz)
    lo = datetime.combine(WEEK, time(0), tzinfo=zone).astimezone(UTC)
    hi = datetime.combine(WEEK + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    return lo, hi


def test_one_tutor_week_loads_in_at_most_three_statements(db: str) -> None:
    tutor = add_tutor()
    seed(tutor)
    lo, hi = week_range()
    with read_scope() as session:
        session.connection()  # open the transaction first (SQLite's BEGIN is not a query)
        with count_statements() as statements:
            loaded = schedules_repo.load_schedule(
                session=session, tutor_id=tutor, range_start=lo, range_end=hi
            )
    assert loaded is not None
    assert len(statements) <= 3, statements
    schedule = loaded.schedule
    assert schedule.weekly and schedule.overrides and schedule.busy and schedule.lessons
    assert any(lesson.seats_taken for lesson in schedule.lessons)


def test_loaded_rows_are_the_near_ones_converted_exactly(db: str) -> None:
    tutor = add_tutor()
    expected, titles = seed(tutor)
    lo, hi = week_range()
    with read_scope() as session:
        loaded = schedules_repo.load_schedule(
            session=session, tutor_id=tutor, range_start=lo, range_end=hi
        )
    assert loaded is not None and loaded.service is None
    got = loaded.schedule
    assert (got.tz, got.rules, got.weekly) == (TZ, RULES, expected.weekly)
    assert got.overrides == expected.overrides[:2]  # December's is too far to matter
    assert got.busy == expected.busy[:2]
    near = [x for x in expected.lessons if x.status != "cancelled" and x.start.month == 10]
    assert sorted(got.lessons, key=lambda x: x.id) == near
    assert loaded.lesson_titles == {x.id: titles[x.id] for x in near}
    with read_scope() as session:
        assert (
            schedules_repo.load_schedule(
                session=session, tutor_id=tutor + 1, range_start=lo, range_end=hi
            )
            is None
        )


def service_row(tutor: int, minutes: int, capacity: int = 1, active: bool = True) -> int:
    with session_scope(write=True) as session:
        service = Service(
            tutor_id=tutor,
            name=f"{minutes} min",
            duration_min=minutes,
            lesson_type=LessonType.group if capacity > 1 else LessonType.individual,
            capacity=capacity,
            is_active=active,
        )
        session.add(service)
        session.flush()
        return service.id or 0


@pytest.mark.parametrize("viewer_tz", [TZ, "America/New_York", "Asia/Kolkata"])
def test_week_slots_equals_the_engine_on_hand_built_inputs(db: str, viewer_tz: str) -> None:
    tutor = add_tutor()
    expected, titles = seed(tutor)
    service_row(tutor, 90, active=False)
    first_active = service_row(tutor, 45)
    group = service_row(tutor, 60, capacity=5)
    lo, hi = week_range(viewer_tz)
    for service_id, spec in ((None, ServiceSpec(45)), (group, ServiceSpec(60, True, 5))):
        with count_statements() as statements:
            week = tutor_public.week_slots(
                tutor, service_id=service_id, week_start=WEEK, viewer_tz=viewer_tz, now=NOW
            )
        queries = [s for s in statements if not s.startswith("BEGIN")]
        # the schedule version (services/tutor_public.py's week cache; off in this
        # process), then the load: 3 statements, the service riding along with the first
        assert "schedule_version" in queries[0] and len(queries) == 4, queries
        engine_slots = free_slots(expected, spec, lo, hi, NOW, viewer_tz)
        assert engine_slots, "the fixture should leave something to offer"
        got = [(s.start, s.label) for d in week.days for s in d.slots]
        assert got == [(s.start.isoformat(), s.label) for s in engine_slots]
        assert week.slot_count == len(engine_slots)
        engine_joinable = joinable_lessons(expected, lo, hi, NOW, viewer_tz)
        assert [(j.lesson_id, j.free_spots, j.label, j.title) for j in week.joinable] == [
            (j.lesson_id, j.free_spots, j.label, titles[j.lesson_id]) for j in engine_joinable
        ]
    assert first_active  # the oldest ACTIVE service was used for service_id=None above


def test_lock_tutor_is_free_on_sqlite_and_for_update_on_postgres(db: str) -> None:
    tutor = add_tutor()
    with session_scope(write=True) as session:
        session.connection()
        with count_statements() as statements:
            schedules_repo.lock_tutor(session=session, tutor_id=tutor)
    if db.startswith("sqlite"):
        assert statements == []
    else:
        assert len(statements) == 1 and "FOR UPDATE" in statements[0]
