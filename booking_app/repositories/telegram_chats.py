"""Which bookings and accounts a Telegram chat may act on. Keyword-only session; never
commits. The service decides what proves ownership; these are the lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import SEAT_HOLDING_STATUSES, Booking, Lesson, Role, Service, User


class ChatBooking(NamedTuple):
    """A booking of the chat with what its line in /upcoming shows."""

    booking: Booking
    lesson: Lesson
    service_name: str | None
    tutor_name: str
    tutor_timezone: str


def booking_by_token(*, session: Session, token: str) -> Booking | None:
    return session.exec(select(Booking).where(Booking.booking_token == token)).first()


def unlinked_bookings_of(*, session: Session, username: str) -> list[Booking]:
    """Bookings made with this Telegram username (any case) that have no chat yet."""
    query = select(Booking).where(
        sa.func.lower(Booking.telegram_username) == username,
        Booking.telegram_chat_id.is_(None),  # type: ignore[union-attr]
    )
    return list(session.exec(query))


def users_named(*, session: Session, username: str) -> list[User]:
    """Accounts with this Telegram username (any case)."""
    return list(session.exec(select(User).where(sa.func.lower(User.telegram_username) == username)))


def tutor_of_chat(*, session: Session, chat_id: int) -> int | None:
    query = select(User.id).where(User.telegram_chat_id == chat_id, User.role == Role.tutor)
    return session.exec(query).first()


def timezone_of_chat(*, session: Session, chat_id: int) -> str | None:
    """The zone of the account linked to the chat, if any."""
    return session.exec(select(User.timezone).where(User.telegram_chat_id == chat_id)).first()


def _chat_bookings(chat_id: int) -> Any:
    """Bookings linked to the chat, or held by a student whose account is linked to it."""
    student_ids = select(User.id).where(User.telegram_chat_id == chat_id)
    return (
        sa.select(Booking, Lesson, Service.name, User.name, User.timezone)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(User, User.id == Booking.tutor_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(
            sa.or_(
                Booking.telegram_chat_id == chat_id,
                Booking.student_id.in_(student_ids),  # type: ignore[union-attr]
            )
        )
    )


def chat_owns(*, session: Session, chat_id: int, token: str) -> bool:
    query = _chat_bookings(chat_id).where(Booking.booking_token == token)
    return session.execute(query).first() is not None


def upcoming_of_chat(
    *, session: Session, chat_id: int, after: datetime, limit: int
) -> list[ChatBooking]:
    """The chat's bookings that hold a seat and start after ``after``, soonest first."""
    query = (
        _chat_bookings(chat_id)
        .where(
            Booking.status.in_(SEAT_HOLDING_STATUSES),  # type: ignore[attr-defined]
            Lesson.starts_at > after,
        )
        .order_by(Lesson.starts_at)
        .limit(limit)
    )
    return [ChatBooking(*row) for row in session.execute(query)]
