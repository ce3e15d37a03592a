"""Seats a tutor gives a classroom member directly (a new lesson for them, a lesson invite).

Why one function: these bookings skip the public journey (no request, born confirmed),
but they are bookings like any other, so they must announce themselves the same way:
outbox rows (the student's confirmation and reminders at the tutor's offsets) in the same
transaction, and a live update to the tutor's and the student's open pages after commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from booking_app.models import Booking, BookingSource, BookingStatus, Lesson, User
from booking_app.services.booking import announce


def add_tutor_seat(session: Session, lesson: Lesson, student: User, now: datetime) -> Booking:
    """Write a confirmed seat for ``student`` in ``lesson`` inside the caller's transaction."""
    booking = Booking(
        lesson_id=lesson.id or 0,
        tutor_id=lesson.tutor_id,
        student_id=student.id,
        client_name=student.name,
        client_phone=student.phone,
        client_email=student.email,
        telegram_username=student.telegram_username,
        telegram_chat_id=student.telegram_chat_id,
        status=BookingStatus.confirmed,
        source=BookingSource.tutor,
        price=lesson.price,
        created_at=now,
        updated_at=now,
        confirmed_at=now,
    )
    session.add(booking)
    session.flush()
    announce(session, booking, "created", now=now)
    return booking
