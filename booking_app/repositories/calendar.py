"""Queries behind the week calendar. Keyword-only session; never commits.

Three statements for a tutor-week (lessons, their bookings, busy blocks), one for a
student-week; everything is filtered by the owner's id, so another user's rows are
never loaded.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from booking_app.models import Booking, BusyBlock, Lesson, LessonStatus, Service, User


class CalendarLessonRow(NamedTuple):
    lesson: Lesson
    service_name: str | None


class StudentBookingRow(NamedTuple):
    booking: Booking
    lesson: Lesson
    service_name: str | None
    tutor_name: str


def tutor_lessons(
    *, session: Session, tutor_id: int, start: datetime, end: datetime
) -> list[CalendarLessonRow]:
    """Lessons overlapping ``[start, end)``, not cancelled, by start."""
    query = (
        sa.select(Lesson, Service.name.label("service_name"))
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(
            Lesson.tutor_id == tutor_id,
            Lesson.starts_at < end,
            Lesson.ends_at > start,
            Lesson.status != LessonStatus.cancelled,
        )
        .order_by(Lesson.starts_at, Lesson.id)
    )
    return [CalendarLessonRow(*row) for row in session.execute(query)]


def bookings_of_lessons(*, session: Session, lesson_ids: list[int]) -> list[Booking]:
    """Every booking of these lessons (all statuses), oldest first."""
    if not lesson_ids:
        return []
    query = sa.select(Booking).where(Booking.lesson_id.in_(lesson_ids)).order_by(Booking.id)
    return list(session.scalars(query))


def busy_blocks(
    *, session: Session, tutor_id: int, start: datetime, end: datetime
) -> list[BusyBlock]:
    query = (
        sa.select(BusyBlock)
        .where(BusyBlock.tutor_id == tutor_id, BusyBlock.starts_at < end, BusyBlock.ends_at > start)
        .order_by(BusyBlock.starts_at, BusyBlock.id)
    )
    return list(session.scalars(query))


def student_bookings(
    *, session: Session, student_id: int, start: datetime, end: datetime
) -> list[StudentBookingRow]:
    """The student's bookings of lessons in the range."""
    query = (
        sa.select(
            Booking,
            Lesson,
            Service.name.label("service_name"),
            User.name.label("tutor_name"),
        )
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .join(User, User.id == Lesson.tutor_id)
        .where(
            Booking.student_id == student_id,
            Lesson.starts_at < end,
            Lesson.ends_at > start,
        )
        .order_by(Lesson.starts_at, Booking.id)
    )
    return [StudentBookingRow(*row) for row in session.execute(query)]


def booking_for_tutor(*, session: Session, tutor_id: int, booking_id: int) -> Booking | None:
    booking = session.get(Booking, booking_id)
    return booking if booking is not None and booking.tutor_id == tutor_id else None
