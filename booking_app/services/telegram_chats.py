"""What the bot may do for a chat: link it to bookings, list them, and prove ownership.

Why here and not in the bot: the bot is a thin transport (like a page's state). Who owns
a chat is decided by data the user proved: the private link's token (`/start <token>`,
the deep link from the booking page), or the Telegram username Telegram itself reports
for the sender, matched case-insensitively against what the guest typed at booking or
the account's username. Linking also hands the chat to messages waiting for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.db import read_scope, session_scope
from booking_app.models import SEAT_HOLDING_STATUSES, Booking, Lesson, Role, Service, User
from booking_app.repositories import notifications as repo
from booking_app.services import notify_texts as texts
from booking_app.services import timefmt


@dataclass(frozen=True)
class LinkResult:
    bookings: int  # bookings linked to this chat by this call
    tutor: bool  # the chat belongs to a tutor account


@dataclass(frozen=True)
class UpcomingItem:
    token: str
    label: str  # "Algebra with Olena, Mon 30 Nov 2026, 10:00–11:00 (Europe/Kyiv)"
    can_cancel: bool


def _clean_username(username: str | None) -> str | None:
    value = (username or "").strip().lstrip("@").lower()
    return value or None


def _attach(session: Session, chat_id: int, bookings: list[Booking], users: list[User]) -> None:
    for booking in bookings:
        booking.telegram_chat_id = chat_id
    for user in users:
        user.telegram_chat_id = chat_id
    session.flush()
    repo.attach_chat(
        session=session, chat_id=chat_id,
        booking_ids=[b.id for b in bookings if b.id], user_ids=[u.id for u in users if u.id],
    )  # fmt: skip


def link_by_token(token: str, chat_id: int) -> bool:
    """`/start <token>`: this chat receives that booking's messages from now on."""
    try:
        token = str(uuid.UUID(str(token).strip()))
    except ValueError:
        return False
    with session_scope(write=True) as session:
        booking = session.exec(select(Booking).where(Booking.booking_token == token)).first()
        if booking is None:
            return False
        _attach(session, chat_id, [booking], [])
        return True


def link_by_username(username: str | None, chat_id: int) -> LinkResult:
    """Bookings and accounts with this Telegram username and no chat yet get this chat."""
    name = _clean_username(username)
    if name is None:
        return LinkResult(0, False)
    with session_scope(write=True) as session:
        bookings = list(
            session.exec(
                select(Booking).where(
                    sa.func.lower(Booking.telegram_username) == name,
                    Booking.telegram_chat_id.is_(None),  # type: ignore[union-attr]
                )
            )
        )
        users = list(
            session.exec(select(User).where(sa.func.lower(User.telegram_username) == name))
        )
        users = [u for u in users if u.telegram_chat_id in (None, chat_id)]
        _attach(session, chat_id, bookings, users)
        tutor = any(u.role is Role.tutor for u in users)
        return LinkResult(len(bookings), tutor)


def tutor_for_chat(chat_id: int) -> int | None:
    """The tutor account this chat was linked to (by username), if any."""
    with read_scope() as session:
        return session.exec(
            select(User.id).where(User.telegram_chat_id == chat_id, User.role == Role.tutor)
        ).first()


def _chat_bookings(session: Session, chat_id: int) -> sa.Select:
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


def owns_booking(chat_id: int, token: str) -> bool:
    """The chat may act on this booking (linked to it, or its student's chat)."""
    with read_scope() as session:
        query = _chat_bookings(session, chat_id).where(Booking.booking_token == token)
        return session.execute(query).first() is not None


def upcoming(chat_id: int, *, now: datetime, limit: int = 10) -> list[UpcomingItem]:
    """This chat's bookings that still hold a seat and have not started, soonest first."""
    with read_scope() as session:
        query = (
            _chat_bookings(session, chat_id)
            .where(
                Booking.status.in_(SEAT_HOLDING_STATUSES),  # type: ignore[attr-defined]
                Lesson.starts_at > now,
            )
            .order_by(Lesson.starts_at)
            .limit(limit)
        )
        rows = session.execute(query).all()
        student_tz = session.exec(
            select(User.timezone).where(User.telegram_chat_id == chat_id)
        ).first()
    items = []
    for booking, lesson, service, tutor_name, tutor_tz in rows:
        tz = timefmt.zone(student_tz or tutor_tz or "") or ZoneInfo("UTC")
        start, end = lesson.starts_at.astimezone(tz), lesson.ends_at.astimezone(tz)
        hours = f"{start:%H:%M}{timefmt.DASH}{end:%H:%M}"
        label = f"{service or lesson.title} with {tutor_name}, "
        label += f"{timefmt.date_label(start.date())}, {hours} ({tz.key})"
        if booking.status.value == "pending":
            label += " (waiting for the tutor)"
        items.append(UpcomingItem(booking.booking_token, label, True))
    return items


def booking_link(token: str) -> str:
    return texts.private_link(token)
