"""Fixture builders for the classroom tests (not a test module)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from booking_app.db import session_scope
from booking_app.models import Booking, BookingStatus, Lesson, LessonStatus, LessonType
from booking_app.repositories import classroom as classroom_repo


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
    """A lesson with seats for ``students`` (and their ACTIVE membership), like a confirm."""
    with session_scope(write=True) as session:
        group = capacity > 1
        lesson = Lesson(
            tutor_id=tutor,
            title="Algebra",
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            lesson_type=LessonType.group if group else LessonType.individual,
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
            classroom_repo.ensure_room(session=session, lesson_id=lesson.id, at=start)
        session.flush()
        return lesson.id or 0
