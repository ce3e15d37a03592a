"""Queries of the school's daily routine: tentative lessons to confirm, lessons whose
outcome is still to be marked. Keyword-only session; never commits."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import Booking, BookingStatus, Lesson, LessonStatus, Service, User
from booking_app.repositories.schedules import seats_taken_column

# Seats that took place in some way: an outcome can be set (and changed) on these.
OUTCOME_STATUSES = (
    BookingStatus.confirmed,
    BookingStatus.completed,
    BookingStatus.no_show,
    BookingStatus.tutor_no_show,
)


class LessonLine(NamedTuple):
    lesson: Lesson
    service_name: str | None
    seats: int  # seat-holding bookings (tentative list) / seats without an outcome (outcomes)


def tentative_between(
    *, session: Session, tutor_id: int, start: datetime, end: datetime
) -> list[LessonLine]:
    """The tutor's tentative lessons starting in ``[start, end)``, by start."""
    query = (
        sa.select(Lesson, Service.name, seats_taken_column())
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(
            Lesson.tutor_id == tutor_id,
            Lesson.status == LessonStatus.tentative,
            Lesson.starts_at >= start,
            Lesson.starts_at < end,
        )
        .order_by(Lesson.starts_at, Lesson.id)
    )
    return [LessonLine(*row) for row in session.execute(query)]


def tentative_due(
    *, session: Session, now: datetime, starting_before: datetime, limit: int
) -> list[Lesson]:
    """Tentative lessons (any tutor) not started yet and starting at or before
    ``starting_before``: at or past their confirmation deadline. One that has started
    is left alone (it may be under way; its outcome says what happened)."""
    query = (
        select(Lesson)
        .where(
            Lesson.status == LessonStatus.tentative,
            Lesson.starts_at > now,
            Lesson.starts_at <= starting_before,
        )
        .order_by(Lesson.starts_at, Lesson.id)
        .limit(limit)
    )
    return list(session.exec(query))


def unmarked_seats_column() -> sa.ScalarSelect[int]:
    """Confirmed seats of the lesson (``Lesson`` in the outer query): no outcome yet."""
    return (
        sa.select(sa.func.count(Booking.id))
        .where(Booking.lesson_id == Lesson.id, Booking.status == BookingStatus.confirmed)
        .correlate(Lesson)
        .scalar_subquery()
    )


def needing_outcome(
    *, session: Session, tutor_id: int, ended_after: datetime, now: datetime, limit: int
) -> list[LessonLine]:
    """The tutor's lessons that ended in ``(ended_after, now]``, not cancelled, with at
    least one confirmed seat whose outcome is not marked; latest first."""
    unmarked = unmarked_seats_column()
    query = (
        sa.select(Lesson, Service.name, unmarked)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(
            Lesson.tutor_id == tutor_id,
            Lesson.status != LessonStatus.cancelled,
            Lesson.ends_at <= now,
            Lesson.ends_at > ended_after,
            unmarked > 0,
        )
        .order_by(Lesson.ends_at.desc(), Lesson.id)  # type: ignore[attr-defined]
        .limit(limit)
    )
    return [LessonLine(*row) for row in session.execute(query)]


def outcome_seats(*, session: Session, lesson_id: int, booking_id: int | None) -> list[Booking]:
    """The lesson's seats an outcome applies to (one of them when ``booking_id``)."""
    query = select(Booking).where(
        Booking.lesson_id == lesson_id,
        Booking.status.in_(OUTCOME_STATUSES),  # type: ignore[attr-defined]
    )
    if booking_id:
        query = query.where(Booking.id == booking_id)
    return list(session.exec(query.order_by(Booking.id)))


def seats_of(*, session: Session, lesson_ids: list[int]) -> list[Booking]:
    """Every seat with an outcome status in these lessons (the outcome list's rows)."""
    if not lesson_ids:
        return []
    query = select(Booking).where(
        Booking.lesson_id.in_(lesson_ids),  # type: ignore[attr-defined]
        Booking.status.in_(OUTCOME_STATUSES),  # type: ignore[attr-defined]
    )
    return list(session.exec(query.order_by(Booking.id)))


class AdminBookingLine(NamedTuple):
    booking_id: int
    tutor_name: str
    service_name: str | None
    lesson_title: str
    starts_at: datetime


def admin_booking_lines(*, session: Session, booking_ids: list[int]) -> list[AdminBookingLine]:
    """Tutor, service and lesson start of these bookings, in one query (a list page)."""
    if not booking_ids:
        return []
    query = (
        sa.select(Booking.id, User.name, Service.name, Lesson.title, Lesson.starts_at)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(User, User.id == Booking.tutor_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(Booking.id.in_(booking_ids))  # type: ignore[union-attr]
    )
    return [AdminBookingLine(*row) for row in session.execute(query)]
