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

from sqlmodel import Session

from booking_app.db import read_scope, session_scope
from booking_app.models import Booking, Role, User
from booking_app.repositories import notifications as repo
from booking_app.repositories import telegram_chats as chats_repo
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
        booking = chats_repo.booking_by_token(session=session, token=token)
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
        bookings = chats_repo.unlinked_bookings_of(session=session, username=name)
        users = chats_repo.users_named(session=session, username=name)
        users = [u for u in users if u.telegram_chat_id in (None, chat_id)]
        _attach(session, chat_id, bookings, users)
        tutor = any(u.role is Role.tutor for u in users)
        return LinkResult(len(bookings), tutor)


def tutor_for_chat(chat_id: int) -> int | None:
    """The tutor account this chat was linked to (by username), if any."""
    with read_scope() as session:
        return chats_repo.tutor_of_chat(session=session, chat_id=chat_id)


def owns_booking(chat_id: int, token: str) -> bool:
    """The chat may act on this booking (linked to it, or its student's chat)."""
    with read_scope() as session:
        return chats_repo.chat_owns(session=session, chat_id=chat_id, token=token)


def upcoming(chat_id: int, *, now: datetime, limit: int = 10) -> list[UpcomingItem]:
    """This chat's bookings that still hold a seat and have not started, soonest first."""
    with read_scope() as session:
        rows = chats_repo.upcoming_of_chat(session=session, chat_id=chat_id, after=now, limit=limit)
        student_tz = chats_repo.timezone_of_chat(session=session, chat_id=chat_id)
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
