"""Shared setup for the booking tests (not a test module): a tutor in Kyiv with weekday
hours 09:00-18:00, services, students, and a guest form for an offered slot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from booking_app.db import read_scope, session_scope
from booking_app.models import (
    AvailabilityWindow,
    Booking,
    Lesson,
    LessonType,
    Role,
    Service,
    Subject,
    TutorProfile,
    User,
)
from booking_app.services.booking import BookingForm

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # Wednesday, 10:00 in Kyiv
MONDAY_10 = "2026-11-30T08:00:00+00:00"  # Mon 30 Nov, 10:00 Kyiv


def add_tutor(
    email: str = "olena@example.com",
    *,
    requires_confirmation: bool = False,
    tz: str = "Europe/Kyiv",
    **rules: object,
) -> int:
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380671234567", name=f"Tutor {email.split('@')[0]}")
        user.role, user.timezone, user.password_hash = Role.tutor, tz, "-"
        session.add(user)
        session.flush()
        rules = {"min_notice_min": 0, "slot_step_min": 30, **rules}
        session.add(
            TutorProfile(
                user_id=user.id,
                slug=email.split("@")[0],
                requires_confirmation=requires_confirmation,
                **rules,
            )
        )
        for weekday in range(5):
            session.add(
                AvailabilityWindow(
                    tutor_id=user.id, weekday=weekday, start_time=time(9), end_time=time(18)
                )
            )
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


def add_student(email: str = "taras@example.com", tz: str = "Europe/Berlin") -> int:
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380501234567", name="Taras Student", timezone=tz)
        user.role, user.password_hash = Role.student, "-"
        session.add(user)
        session.flush()
        return user.id or 0


def utc(local_iso: str) -> str:
    """ "2026-11-30T10:00" Kyiv (UTC+2 in winter) -> UTC ISO."""
    moment = datetime.fromisoformat(local_iso).replace(tzinfo=None)
    return moment.replace(tzinfo=ZoneInfo("Europe/Kyiv")).astimezone(UTC).isoformat()


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


def add_subject(name: str) -> int:
    with session_scope(write=True) as session:
        subject = Subject(name=name, slug=name.lower())
        session.add(subject)
        session.flush()
        return subject.id or 0
