"""Demo seeding against a real database (SQLite and PostgreSQL through the `db` fixture).

Why integration: the seed must satisfy the real constraints (CHECKs, unique indexes, the
PostgreSQL no-overlap exclusion) and the app's own scheduling rules, not just look right.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import SQLModel, func, select

from booking_app import scheduling as sch
from booking_app.db import read_scope
from booking_app.demo import DEMO_PASSWORD, has_any_user, seed_demo_data
from booking_app.models import (
    AvailabilityOverride,
    AvailabilityWindow,
    Booking,
    BookingKind,
    BookingSource,
    BookingStatus,
    BusyBlock,
    Classroom,
    ClassroomMembership,
    ClassroomSession,
    Lesson,
    LessonStatus,
    LessonType,
    MembershipStatus,
    Notification,
    PaymentStatus,
    Role,
    Service,
    Subject,
    TutorProfile,
    TutorSubject,
    User,
)
from booking_app.services.passwords import verify_password
from booking_app.services.validation import clean_phone, clean_telegram_username

# Wednesday 10:30 UTC: Kyiv 12:30 and Warsaw 11:30 (winter time), New York 06:30 (already
# on summer time since 8 March), so the three tutors split past/future differently.
NOW = datetime(2026, 3, 11, 10, 30, tzinfo=UTC)
# Sunday of the European DST change: the whole working week is past, so the pending trial
# and the tentative lesson move to next week and must avoid the closed days there.
SUNDAY_DST = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
# Monday before any lesson of the week.
MONDAY_EARLY = datetime(2026, 6, 1, 0, 5, tzinfo=UTC)

ALL_TABLES = (
    User,
    Subject,
    TutorProfile,
    TutorSubject,
    Classroom,
    Service,
    AvailabilityWindow,
    AvailabilityOverride,
    BusyBlock,
    Lesson,
    Booking,
    ClassroomMembership,
    ClassroomSession,
)


def _all(model: type[SQLModel]) -> list:
    with read_scope() as session:
        return list(session.exec(select(model)).all())


def _count(model: type[SQLModel]) -> int:
    with read_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _table_counts() -> dict[str, int]:
    return {model.__name__: _count(model) for model in ALL_TABLES}


def _tutors() -> dict[int, User]:
    return {u.id: u for u in _all(User) if u.role is Role.tutor}


def _current_week(user: User, now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 .. next Monday 00:00 of `now`'s week in the tutor's timezone, as UTC."""
    tz = ZoneInfo(user.timezone)
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), datetime.min.time(), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Counts at a fixed `now`
# ---------------------------------------------------------------------------------------------


def test_has_any_user_is_false_before_and_true_after_seeding(db: str) -> None:
    assert has_any_user() is False
    seed_demo_data(now=NOW)
    assert has_any_user() is True


def test_seed_creates_people_and_their_offer(db: str) -> None:
    logins = seed_demo_data(now=NOW)

    users = _all(User)
    assert Counter(u.role for u in users) == {Role.tutor: 3, Role.student: 4}
    assert [lg.role for lg in logins] == ["tutor"] * 3 + ["student"] * 4
    assert {lg.email for lg in logins} == {u.email for u in users}
    assert {lg.password for lg in logins} == {DEMO_PASSWORD} and len(DEMO_PASSWORD) >= 8
    assert all(clean_phone(u.phone) == u.phone for u in users)  # valid, stored as E.164
    assert all(clean_telegram_username(u.telegram_username) == u.telegram_username for u in users)
    assert sum(1 for u in users if u.role is Role.student and u.telegram_username) == 1
    assert {u.timezone for u in users if u.role is Role.tutor} == {
        "Europe/Kyiv",
        "Europe/Warsaw",
        "America/New_York",
    }

    assert {s.slug for s in _all(Subject)} == {
        "mathematics",
        "english",
        "physics",
        "chemistry",
        "ukrainian",
        "programming",
    }
    profiles = _all(TutorProfile)
    assert len(profiles) == 3 and len({p.slug for p in profiles}) == 3
    assert sum(p.requires_confirmation for p in profiles) == 1
    assert all(p.currency == "UAH" and p.reminder_offsets_hours == [24, 2] for p in profiles)
    assert all(p.buffer_after_min == 10 and p.max_lessons_per_day == 6 for p in profiles)
    assert _count(TutorSubject) == 7
    assert _count(Classroom) == 3

    services = _all(Service)
    assert len(services) == 8
    assert sum(s.is_trial and s.price == 0 and s.duration_min == 30 for s in services) == 3
    groups = [s for s in services if s.lesson_type is LessonType.group]
    assert len(groups) == 1 and groups[0].capacity == 4
    assert all((s.meeting_url is None) != (s.location is None) for s in services)

    assert _count(AvailabilityWindow) == 3 * 10 + 1  # Mon-Fri x 2 windows, one Saturday
    overrides = _all(AvailabilityOverride)
    assert len(overrides) == 3 and all(o.start_time is None for o in overrides)
    assert _count(BusyBlock) == 3


def test_seed_creates_a_week_of_lessons_bookings_and_rooms(db: str) -> None:
    seed_demo_data(now=NOW)
    tutors = _tutors()
    lessons = _all(Lesson)
    bookings = _all(Booking)

    assert len(lessons) == 32  # 3 tutors x 5 weekdays x 2, a trial request, a tentative
    for lesson in lessons:
        week_start, week_end = _current_week(tutors[lesson.tutor_id], NOW)
        assert week_start <= lesson.starts_at < week_end
    assert Counter(le.status for le in lessons) == {
        LessonStatus.completed: 14,
        LessonStatus.scheduled: 17,
        LessonStatus.tentative: 1,
    }

    assert Counter(b.status for b in bookings) == {
        BookingStatus.completed: 14,
        BookingStatus.confirmed: 17,
        BookingStatus.pending: 1,
    }
    (trial,) = [b for b in bookings if b.kind is BookingKind.trial]
    assert trial.status is BookingStatus.pending and trial.price == 0
    assert {b.source for b in bookings} == {BookingSource.marketplace}
    assert sum(b.payment_status is PaymentStatus.paid for b in bookings) == 8

    (group,) = [le for le in lessons if le.lesson_type is LessonType.group]
    assert group.capacity == 4
    assert sum(b.lesson_id == group.id for b in bookings) == 2

    memberships = _all(ClassroomMembership)
    assert len(memberships) == 7
    assert {m.status for m in memberships} == {MembershipStatus.active}

    room_lessons = {s.lesson_id for s in _all(ClassroomSession)}
    held = {BookingStatus.confirmed, BookingStatus.completed}
    assert room_lessons == {b.lesson_id for b in bookings if b.status in held}
    assert len(room_lessons) == 30


# ---------------------------------------------------------------------------------------------
# Invariants for any `now`
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("now", [NOW, SUNDAY_DST, MONDAY_EARLY], ids=["wed", "dst", "mon"])
def test_seeded_data_is_consistent_for_any_now(db: str, now: datetime) -> None:
    seed_demo_data(now=now)
    lessons = _all(Lesson)
    bookings = _all(Booking)
    assert len(lessons) == 32 and len(bookings) == 32
    assert _count(ClassroomMembership) == 7
    _assert_statuses_follow_now(lessons, bookings, now)
    _assert_prices_and_clients(lessons, bookings)
    _assert_members_hold_the_bookings(bookings)


def _assert_statuses_follow_now(lessons: list, bookings: list, now: datetime) -> None:
    by_lesson = {le.id: le for le in lessons}
    for lesson in lessons:
        if lesson.status is LessonStatus.completed:
            assert lesson.ends_at <= now
        else:
            assert lesson.ends_at > now
    for booking in bookings:
        lesson = by_lesson[booking.lesson_id]
        if booking.status is BookingStatus.pending:
            assert lesson.starts_at >= now + timedelta(hours=12)  # the tutor's minimum notice
        elif lesson.status is LessonStatus.completed:
            assert booking.status is BookingStatus.completed
        else:
            assert booking.status is BookingStatus.confirmed
        if booking.payment_status is PaymentStatus.paid:
            assert booking.status is BookingStatus.completed
            assert booking.paid_amount == booking.price and booking.paid_at is not None
    (tentative,) = [le for le in lessons if le.status is LessonStatus.tentative]
    assert tentative.starts_at > now
    assert not [b for b in bookings if b.lesson_id == tentative.id]


def _assert_prices_and_clients(lessons: list, bookings: list) -> None:
    services = {s.id: s for s in _all(Service)}
    students = {u.id: u for u in _all(User)}
    by_lesson = {le.id: le for le in lessons}
    for lesson in lessons:
        service = services[lesson.service_id]
        assert lesson.price == service.price
        assert (lesson.lesson_type, lesson.capacity) == (service.lesson_type, service.capacity)
    for booking in bookings:
        student = students[booking.student_id]
        assert booking.price == by_lesson[booking.lesson_id].price
        assert (booking.client_name, booking.client_phone, booking.client_email) == (
            student.name,
            student.phone,
            student.email,
        )
        assert booking.telegram_username == student.telegram_username


def _assert_members_hold_the_bookings(bookings: list) -> None:
    classroom_of = {c.tutor_id: c.id for c in _all(Classroom)}
    members = {(m.classroom_id, m.student_id) for m in _all(ClassroomMembership)}
    held = {BookingStatus.confirmed, BookingStatus.completed}
    assert members == {
        (classroom_of[b.tutor_id], b.student_id) for b in bookings if b.status in held
    }
    (trial,) = [b for b in bookings if b.kind is BookingKind.trial]
    assert (classroom_of[trial.tutor_id], trial.student_id) not in members


@pytest.mark.parametrize("now", [NOW, SUNDAY_DST, MONDAY_EARLY], ids=["wed", "dst", "mon"])
def test_lessons_fit_working_hours_without_overlaps(db: str, now: datetime) -> None:
    seed_demo_data(now=now)
    tutors = _tutors()
    windows = _all(AvailabilityWindow)
    closed = {(o.tutor_id, o.day) for o in _all(AvailabilityOverride)}
    by_tutor: dict[int, list] = {}
    for lesson in _all(Lesson):
        by_tutor.setdefault(lesson.tutor_id, []).append(lesson)
    for tutor_id, lessons in by_tutor.items():
        tz = ZoneInfo(tutors[tutor_id].timezone)
        own = [w for w in windows if w.tutor_id == tutor_id]
        for lesson in lessons:
            start, end = lesson.starts_at.astimezone(tz), lesson.ends_at.astimezone(tz)
            assert start.minute == 0 and start.date() == end.date()
            assert (tutor_id, start.date()) not in closed
            assert any(
                w.weekday == start.weekday()
                and w.start_time <= start.time()
                and end.time() <= w.end_time
                for w in own
            ), f"{lesson.title} at {start} is outside working hours"
        _assert_no_overlaps_with_buffer(lessons, buffer=timedelta(minutes=10))


def _assert_no_overlaps_with_buffer(lessons: list, *, buffer: timedelta) -> None:
    live = sorted(
        (le for le in lessons if le.status is not LessonStatus.cancelled),
        key=lambda le: le.starts_at,
    )
    for earlier, later in zip(live, live[1:], strict=False):
        assert earlier.ends_at + buffer <= later.starts_at


@pytest.mark.parametrize("now", [NOW, SUNDAY_DST], ids=["wed", "dst"])
def test_scheduling_engine_accepts_every_seeded_lesson(db: str, now: datetime) -> None:
    """The rules that guard real bookings (hours, grid, busy blocks, buffers, daily limit)."""
    seed_demo_data(now=now)
    for tutor_id, user in _tutors().items():
        schedule = _schedule(tutor_id, user)
        for lesson in [le for le in _all(Lesson) if le.tutor_id == tutor_id]:
            spec = sch.ServiceSpec(
                duration_min=int((lesson.ends_at - lesson.starts_at).total_seconds() // 60),
                is_group=lesson.lesson_type is LessonType.group,
                capacity=lesson.capacity,
            )
            verdict = sch.check_booking(
                schedule,
                spec,
                lesson.starts_at,
                lesson.starts_at - timedelta(days=1),
                ignore_lesson_id=lesson.id,
            )
            assert verdict.ok, (lesson.title, lesson.starts_at, verdict)


def _schedule(tutor_id: int, user: User) -> sch.TutorSchedule:
    (profile,) = [p for p in _all(TutorProfile) if p.user_id == tutor_id]
    return sch.TutorSchedule(
        tz=user.timezone,
        weekly=tuple(
            sch.WeeklyWindow(w.weekday, w.start_time, w.end_time)
            for w in _all(AvailabilityWindow)
            if w.tutor_id == tutor_id
        ),
        overrides=tuple(
            sch.DateOverride(o.day) for o in _all(AvailabilityOverride) if o.tutor_id == tutor_id
        ),
        busy=tuple(
            sch.BusyBlock(b.starts_at, b.ends_at) for b in _all(BusyBlock) if b.tutor_id == tutor_id
        ),
        lessons=tuple(
            sch.ExistingLesson(
                id=le.id,
                start=le.starts_at,
                end=le.ends_at,
                capacity=le.capacity,
                seats_taken=0,
                is_group=le.lesson_type is LessonType.group,
                status=le.status.value,
            )
            for le in _all(Lesson)
            if le.tutor_id == tutor_id
        ),
        rules=sch.Rules(
            buffer_before_min=profile.buffer_before_min,
            buffer_after_min=profile.buffer_after_min,
            max_lessons_per_day=profile.max_lessons_per_day,
            min_notice_min=profile.min_notice_min,
            horizon_days=profile.horizon_days,
            slot_step_min=profile.slot_step_min,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Accounts and idempotence
# ---------------------------------------------------------------------------------------------


def test_demo_password_signs_a_tutor_in(db: str) -> None:
    logins = seed_demo_data(now=NOW)
    tutor_login = next(lg for lg in logins if lg.role == "tutor")
    (tutor,) = [u for u in _all(User) if u.email == tutor_login.email]
    assert tutor.name == tutor_login.name
    assert verify_password(DEMO_PASSWORD, tutor.password_hash)
    assert not verify_password("wrong-password", tutor.password_hash)


def test_seeding_twice_creates_nothing_new(db: str) -> None:
    first = seed_demo_data(now=NOW)
    counts = _table_counts()
    second = seed_demo_data(now=NOW + timedelta(days=3))
    assert second == first
    assert _table_counts() == counts


def test_a_failure_half_way_leaves_no_partial_demo(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One unit of work: the third tutor's lessons fail after two tutors were written."""
    from booking_app.demo import seed

    real = seed._add_lesson

    def failing(spec, *args, **kwargs):  # type: ignore[no-untyped-def]
        if spec.email.startswith("dmytro"):
            raise RuntimeError("disk full")
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(seed, "_add_lesson", failing)
    with pytest.raises(RuntimeError):
        seed_demo_data(now=NOW)
    assert all(count == 0 for count in _table_counts().values()), _table_counts()
    assert has_any_user() is False


def test_the_seeded_bookings_have_their_messages_like_real_ones(db: str) -> None:
    """Written through the booking services, each seat has its outbox rows: the student's
    confirmation and reminders, and the tutor's request for the pending trial."""
    seed_demo_data(now=NOW)
    kinds = Counter(n.kind.split(":")[0] for n in _all(Notification))
    assert kinds["created"] == 32 and kinds["reminder"] == 2 * 32
    assert kinds["tutor_request"] == 1
