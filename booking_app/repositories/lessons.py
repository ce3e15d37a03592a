"""Lesson queries for the tutor's published lessons. Keyword-only session; never commits.

Lessons are always looked up together with ``tutor_id``: another tutor's lesson is not
found. Seat counts come from the same correlated subquery the schedule loader uses, so
"free spots" on the lesson list and in the engine are the same number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    Lesson,
    LessonStatus,
    Service,
    TutorProfile,
    User,
)
from booking_app.repositories.schedules import seats_taken_column


def tutor_timezone(*, session: Session, tutor_id: int) -> str | None:
    """The tutor's IANA zone, or None if ``tutor_id`` is not a tutor."""
    query = (
        select(User.timezone)
        .join(TutorProfile, TutorProfile.user_id == User.id)
        .where(User.id == tutor_id)
    )
    return session.exec(query).first()


def tutor_currency(*, session: Session, tutor_id: int) -> str | None:
    """The currency code on the tutor's profile (what their sums read in), None if none."""
    query = select(TutorProfile.currency).where(TutorProfile.user_id == tutor_id)
    return session.exec(query).first()


class LessonListRow(NamedTuple):
    """A lesson on the tutor's list: its service's name and the seats held in it."""

    lesson: Lesson
    service_name: str | None
    seats_taken: int


def _rows_query(tutor_id: int) -> Any:
    """(Lesson, service_name, seats_taken) of one tutor, by start."""
    return (
        sa.select(
            Lesson,
            Service.name.label("service_name"),
            seats_taken_column().label("seats_taken"),
        )
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(Lesson.tutor_id == tutor_id)
        .order_by(Lesson.starts_at, Lesson.id)
    )


def upcoming_lesson_rows(
    *, session: Session, tutor_id: int, after: datetime, limit: int
) -> list[LessonListRow]:
    """Non-cancelled lessons ending after ``after``, soonest first."""
    query = (
        _rows_query(tutor_id)
        .where(Lesson.ends_at > after, Lesson.status != LessonStatus.cancelled)
        .limit(limit)
    )
    return [LessonListRow(*row) for row in session.execute(query)]


def lesson_rows_between(
    *, session: Session, tutor_id: int, start: datetime, end: datetime
) -> list[LessonListRow]:
    """Every lesson overlapping ``[start, end)`` (cancelled ones too: a program syncing a
    calendar must see them go), by start."""
    query = _rows_query(tutor_id).where(Lesson.starts_at < end, Lesson.ends_at > start)
    return [LessonListRow(*row) for row in session.execute(query)]


def lesson_row(*, session: Session, tutor_id: int, lesson_id: int) -> LessonListRow | None:
    row = session.execute(_rows_query(tutor_id).where(Lesson.id == lesson_id)).first()
    return LessonListRow(*row) if row is not None else None


def get_lesson(*, session: Session, lesson_id: int) -> Lesson | None:
    """Any lesson by id: for callers that check who may see it themselves."""
    return session.get(Lesson, lesson_id)


def tutor_lesson(*, session: Session, tutor_id: int, lesson_id: int) -> Lesson | None:
    """The tutor's lesson, or None (also when it is another tutor's)."""
    query = select(Lesson).where(Lesson.id == lesson_id, Lesson.tutor_id == tutor_id)
    return session.exec(query).first()


def add_lesson(*, session: Session, lesson: Lesson) -> Lesson:
    session.add(lesson)
    session.flush()
    return lesson


def seat_student_ids(*, session: Session, lesson_id: int) -> list[int]:
    """Students (not guests) holding a seat in the lesson: who must hear it is cancelled."""
    rows = session.execute(
        sa.select(Booking.student_id).where(
            Booking.lesson_id == lesson_id,
            Booking.status.in_(SEAT_HOLDING_STATUSES),
            Booking.student_id.is_not(None),
        )
    )
    return [int(r[0]) for r in rows]


def seat_booking_ids(*, session: Session, lesson_id: int) -> list[int]:
    """Bookings (guests included) holding a seat in the lesson: who gets its notices."""
    rows = session.execute(
        sa.select(Booking.id).where(
            Booking.lesson_id == lesson_id, Booking.status.in_(SEAT_HOLDING_STATUSES)
        )
    )
    return [int(r[0]) for r in rows]


def cancel_seat_bookings(*, session: Session, lesson_id: int, reason: str, at: datetime) -> int:
    """Cancel the lesson's pending and confirmed bookings (the rows stay, with the reason)."""
    result = session.execute(
        sa.update(Booking)
        .where(Booking.lesson_id == lesson_id, Booking.status.in_(SEAT_HOLDING_STATUSES))
        .values(
            status=BookingStatus.cancelled,
            status_reason=reason,
            cancelled_at=at,
            updated_at=at,
            # A bulk UPDATE skips the ORM's bump (models/base.py): calendars must see it.
            calendar_sequence=Booking.calendar_sequence + 1,
        )
    )
    return result.rowcount or 0


def seat_holder_names(
    *, session: Session, tutor_id: int, lesson_ids: list[int]
) -> list[tuple[int, str]]:
    """(lesson id, client name) of every seat-holding booking in these lessons of the tutor,
    in booking order (a lesson id of another tutor yields nothing)."""
    if not lesson_ids:
        return []
    query = (
        sa.select(Booking.lesson_id, Booking.client_name)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .where(
            Lesson.tutor_id == tutor_id,
            Booking.lesson_id.in_(lesson_ids),  # type: ignore[attr-defined]
            Booking.status.in_(SEAT_HOLDING_STATUSES),  # type: ignore[attr-defined]
        )
        .order_by(Booking.id)
    )
    return [(int(lesson_id), str(name)) for lesson_id, name in session.execute(query)]
