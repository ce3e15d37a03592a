"""The one place tests build data: people, services, lessons, bookings, and the fixed `NOW`.

Rows are written straight into the database (fast, and independent of the services under
test); every test that needs a tutor, a student or a lesson takes it from here, so a new
column or rule is added once. The default tutor works in Kyiv on weekdays 09:00-18:00,
needs no notice and offers a 30-minute grid; pass `hours=()` for a tutor without hours.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from booking_app.db import read_scope, session_scope
from booking_app.models import (
    AvailabilityWindow,
    Booking,
    BookingStatus,
    Lesson,
    LessonStatus,
    LessonType,
    Role,
    Service,
    Subject,
    TutorProfile,
    User,
)
from booking_app.repositories import classroom as classroom_repo
from booking_app.services.booking import BookingForm

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # Wednesday, 10:00 in Kyiv
"""The `now` of in-process tests that inject it (never a date computed from today)."""

MONDAY_10 = "2026-11-30T08:00:00+00:00"  # Mon 30 Nov, 10:00 Kyiv
KYIV = "Europe/Kyiv"
WEEKDAYS_9_TO_18 = tuple((weekday, time(9), time(18)) for weekday in range(5))


def add_tutor(
    email: str = "olena@example.com",
    *,
    tz: str = KYIV,
    name: str | None = None,
    hours: Iterable[tuple[int, time, time]] = WEEKDAYS_9_TO_18,
    requires_confirmation: bool = False,
    **rules: object,
) -> int:
    """A tutor (user + profile, slug = the email's local part); `rules` are TutorProfile
    columns (min_notice_min defaults to 0, so every slot is visible; is_published to True,
    a tutor already past onboarding)."""
    local = email.split("@")[0]
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380671234567", name=name or f"Tutor {local}")
        user.role, user.timezone, user.password_hash = Role.tutor, tz, "-"
        session.add(user)
        session.flush()
        rules = {"min_notice_min": 0, "slot_step_min": 30, "is_published": True, **rules}
        session.add(
            TutorProfile(
                user_id=user.id, slug=local, requires_confirmation=requires_confirmation, **rules
            )
        )
        for weekday, start, end in hours:
            session.add(
                AvailabilityWindow(
                    tutor_id=user.id, weekday=weekday, start_time=start, end_time=end
                )
            )
        return user.id or 0


def add_bare_tutor(email: str = "olena@example.com", **kwargs: Any) -> int:
    """A tutor without working hours, for tests that set the hours they are about (or
    publish lessons, which a tutor may place outside them)."""
    return add_tutor(email, hours=(), **kwargs)


def add_student(
    email: str = "taras@example.com", tz: str = "Europe/Berlin", name: str = "Taras Student"
) -> int:
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380501234567", name=name, timezone=tz)
        user.role, user.password_hash = Role.student, "-"
        session.add(user)
        session.flush()
        return user.id or 0


def add_service(
    tutor: int,
    *,
    name: str = "Algebra",
    minutes: int = 60,
    price: str = "450",
    group: int = 0,
    trial: bool = False,
    active: bool = True,
) -> int:
    """An online service; `group` = its number of seats (0: individual)."""
    with session_scope(write=True) as session:
        service = Service(
            tutor_id=tutor,
            name=name,
            duration_min=minutes,
            price=Decimal(price),
            lesson_type=LessonType.group if group else LessonType.individual,
            capacity=group or 1,
            is_trial=trial,
            is_active=active,
            meeting_url="https://meet.example.com/x",
        )
        session.add(service)
        session.flush()
        return service.id or 0


def add_subject(name: str) -> int:
    with session_scope(write=True) as session:
        subject = Subject(name=name, slug=name.lower())
        session.add(subject)
        session.flush()
        return subject.id or 0


def add_lesson(
    tutor: int,
    start: datetime,
    *,
    minutes: int = 60,
    students: tuple[int, ...] = (),
    status: BookingStatus = BookingStatus.confirmed,
    price: str = "500",
    lesson_status: LessonStatus = LessonStatus.scheduled,
    room: bool = True,
    capacity: int = 1,
) -> int:
    """A lesson with seats for `students` (and their ACTIVE membership), like a confirm."""
    with session_scope(write=True) as session:
        lesson = Lesson(
            tutor_id=tutor,
            title="Algebra",
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            lesson_type=LessonType.group if capacity > 1 else LessonType.individual,
            capacity=capacity,
            price=Decimal(price),
            status=lesson_status,
        )
        session.add(lesson)
        session.flush()
        for student in students:
            session.add(
                Booking(
                    lesson_id=lesson.id,
                    tutor_id=tutor,
                    student_id=student,
                    client_name="S",
                    client_phone="+380501234567",
                    status=status,
                    price=Decimal(price),
                )
            )
            if status is not BookingStatus.pending:  # as confirming does
                classroom_repo.activate_membership(
                    session=session, tutor_id=tutor, student_id=student, at=start
                )
        if room:
            classroom_repo.ensure_room(session=session, lesson_id=lesson.id or 0, at=start)
        session.flush()
        return lesson.id or 0


def add_booking(tutor: int, lesson: int, status: BookingStatus, name: str = "Taras") -> int:
    """A guest's booking row in an existing lesson (no membership, no room)."""
    with session_scope(write=True) as session:
        booking = Booking(
            lesson_id=lesson, tutor_id=tutor, client_name=name, client_phone="+3806700",
            status=status,
        )  # fmt: skip
        session.add(booking)
        session.flush()
        return booking.id or 0


# --- the guest's booking form and what it wrote -------------------------------------------


def utc(local_iso: str) -> str:
    """ "2026-11-30T10:00" Kyiv (UTC+2 in winter) -> UTC ISO."""
    moment = datetime.fromisoformat(local_iso).replace(tzinfo=None)
    return moment.replace(tzinfo=ZoneInfo(KYIV)).astimezone(UTC).isoformat()


GUEST = BookingForm(
    tutor_id=0,
    service_id=0,
    start=MONDAY_10,
    name="Ivan Guest",
    phone="+380671112233",
    email="",
    telegram_username="@ivan_guest",
)


def form(tutor: int, service: int, **fields: object) -> BookingForm:
    """The guest's form for Monday 10:00 Kyiv; `fields` override any of it."""
    return replace(GUEST, tutor_id=tutor, service_id=service, **fields)


def counts() -> tuple[int, int]:
    """(bookings, lessons) stored."""
    with read_scope() as session:
        bookings = session.exec(select(func.count()).select_from(Booking)).one()
        lessons = session.exec(select(func.count()).select_from(Lesson)).one()
        return int(bookings), int(lessons)


def booking_row(token: str) -> Booking:
    with read_scope() as session:
        return session.exec(select(Booking).where(Booking.booking_token == token)).one()


def lesson_row(lesson_id: int) -> Lesson:
    with read_scope() as session:
        lesson = session.get(Lesson, lesson_id)
        assert lesson is not None
        return lesson


# --- races -------------------------------------------------------------------------------


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` in ``count`` threads released at once; each result or raised exception
    (every outcome is the test's to inspect)."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        start.wait(timeout=30)
        try:
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - the test inspects every outcome
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results
