"""Notification (outbox) and RateSlot queries. Keyword-only session; never commits.

The state changes that make delivery "once" are single conditional UPDATEs: a row is
claimed only while it is `pending` (two workers holding the same id: one wins), launched
(`claimed` -> `sending`, right before its HTTP call) only by the claim that still holds
it, and marked sent only while it is still `sending`. A cancel's UPDATE of the same row
and the launch's take the same row lock (PostgreSQL) or the one write lock (SQLite), so
one of them sees the other's result: a cancelled row never launches, a launched row is
left to finish. Lock order everywhere: notification rows, then rate_slot rows by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import (
    Booking,
    BookingStatus,
    ClassroomSession,
    Lesson,
    Notification,
    NotificationChannel,
    NotificationStatus,
    RateSlot,
    Service,
    TutorProfile,
    User,
)
from booking_app.models.enums import TUTOR_KIND_PREFIX

PENDING = NotificationStatus.pending
CLAIMED = NotificationStatus.claimed
SENDING = NotificationStatus.sending
NOT_LEFT = (PENDING, CLAIMED)  # what a cancel can still stop
HELD = (CLAIMED, SENDING)  # what a worker holds under a lease
TELEGRAM = NotificationChannel.telegram


@dataclass(frozen=True)
class BookingContext:
    """Everything a message about one booking needs, read in the writer's transaction."""

    booking: Booking
    lesson: Lesson
    tutor: User
    student: User | None
    service_name: str
    reminder_offsets: list[int]
    room_uuid: str | None


def booking_context(*, session: Session, booking_id: int) -> BookingContext | None:
    row = session.execute(
        sa.select(Booking, Lesson, User, TutorProfile.reminder_offsets_hours, Service.name)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(User, User.id == Booking.tutor_id)
        .join(TutorProfile, TutorProfile.user_id == Booking.tutor_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(Booking.id == booking_id)
    ).first()
    if row is None:
        return None
    booking, lesson, tutor, offsets, service_name = row
    student = session.get(User, booking.student_id) if booking.student_id else None
    room = session.exec(
        select(ClassroomSession.session_uuid).where(ClassroomSession.lesson_id == lesson.id)
    ).first()
    return BookingContext(
        booking, lesson, tutor, student, service_name or lesson.title, list(offsets or []), room
    )


class PendingToday(NamedTuple):
    booking: Booking
    lesson: Lesson
    service_name: str | None


def pending_requests_between(
    *, session: Session, tutor_id: int, start: datetime, end: datetime
) -> list[PendingToday]:
    """The tutor's pending bookings whose lesson starts in ``[start, end)``, by start."""
    rows = session.execute(
        sa.select(Booking, Lesson, Service.name)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(
            Booking.tutor_id == tutor_id,
            Booking.status == BookingStatus.pending,
            Lesson.starts_at >= start,
            Lesson.starts_at < end,
        )
        .order_by(Lesson.starts_at)
    )
    return [PendingToday(*row) for row in rows]


def users_with_chat(*, session: Session) -> list[User]:
    """Accounts with a linked Telegram chat (who a morning digest may go to)."""
    return list(session.exec(select(User).where(User.telegram_chat_id.is_not(None))))  # type: ignore[union-attr]


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def has_user_notification(*, session: Session, user_id: int, kind: str) -> bool:
    """Whether a message of this kind, about no booking, was written for the user."""
    query = select(Notification.id).where(
        Notification.user_id == user_id, Notification.kind == kind
    )
    return session.exec(query).first() is not None


def get(*, session: Session, notification_id: int) -> Notification | None:
    return session.get(Notification, notification_id)


def find(*, session: Session, booking_id: int, kind: str) -> Notification | None:
    return session.exec(
        select(Notification).where(
            Notification.booking_id == booking_id,
            Notification.kind == kind,
            Notification.channel == TELEGRAM,
        )
    ).first()


def upsert(
    *,
    session: Session,
    booking_id: int | None,
    kind: str,
    user_id: int | None,
    chat_id: int | None,
    body: str,
    send_at: datetime,
    now: datetime,
) -> Notification:
    """Insert, or re-arm the one row of (booking, kind): moving a lesson updates, never adds."""
    if booking_id is not None:
        row = find(session=session, booking_id=booking_id, kind=kind)
    else:
        row = session.exec(
            select(Notification).where(
                Notification.booking_id.is_(None),  # type: ignore[union-attr]
                Notification.user_id == user_id,
                Notification.kind == kind,
            )
        ).first()
    if row is None:
        row = Notification(booking_id=booking_id, kind=kind, created_at=now, send_at=send_at)
        session.add(row)
    row.user_id, row.chat_id, row.body, row.send_at = user_id, chat_id, body, send_at
    row.status, row.attempts, row.last_error = PENDING, 0, None
    row.sent_at = row.lease_until = row.provider_message_id = None
    session.flush()
    return row


def cancel_unsent(*, session: Session, booking_id: int, kinds: list[str], reason: str) -> int:
    """Rows of these kinds of this booking that have not left (pending, queued, or claimed
    by a worker waiting for its slot) will never be sent. A row already `sending` is on
    its way and keeps its status (it ends `sent` or fails, truthfully)."""
    if not kinds:
        return 0
    result = session.execute(
        sa.update(Notification)
        .where(
            Notification.booking_id == booking_id,
            Notification.kind.in_(kinds),  # type: ignore[attr-defined]
            Notification.status.in_(NOT_LEFT),  # type: ignore[attr-defined]
        )
        .values(status=NotificationStatus.cancelled, last_error=reason, lease_until=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def kinds_of(*, session: Session, booking_id: int, prefix: str) -> list[str]:
    query = select(Notification.kind).where(
        Notification.booking_id == booking_id,
        Notification.kind.startswith(prefix),  # type: ignore[attr-defined]
    )
    return list(session.exec(query))


# --- the scan and the send ---------------------------------------------------------------------


def recover_expired(*, session: Session, now: datetime) -> int:
    """Claimed or sending rows past their lease belong to a worker that died: pending again."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.status.in_(HELD), Notification.lease_until < now)  # type: ignore[attr-defined]
        .values(status=PENDING, lease_until=None, sent_at=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _due(now: datetime, *, with_chat: bool) -> Any:
    clause = sa.and_(
        Notification.status == PENDING,
        Notification.send_at <= now,
        sa.or_(Notification.lease_until.is_(None), Notification.lease_until < now),  # type: ignore[union-attr]
    )
    if with_chat:
        clause = sa.and_(clause, Notification.chat_id.is_not(None))  # type: ignore[union-attr]
    return clause


def lease_due(*, session: Session, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Ids of due rows with a known chat, leased so the next scan doesn't queue them again."""
    ids = list(
        session.exec(
            select(Notification.id)
            .where(_due(now, with_chat=True))
            .order_by(Notification.send_at, Notification.id)
            .limit(limit)
        )
    )
    if ids:
        session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(ids))  # type: ignore[union-attr]
            .values(lease_until=now + lease)
        )
    return [i for i in ids if i is not None]


def skip_due(*, session: Session, now: datetime, reason: str) -> list[Notification]:
    """No bot token: due rows become `skipped` (kept, visible in the admin outbox)."""
    rows = list(session.exec(select(Notification).where(_due(now, with_chat=False))))
    for row in rows:
        row.status, row.last_error, row.lease_until = NotificationStatus.skipped, reason, None
    session.flush()
    return rows


def claim(*, session: Session, notification_id: int, now: datetime, lease: timedelta) -> bool:
    """pending -> claimed, atomically; False when another worker (or a cancel) got there
    first, or the row was re-armed for later (a lesson moved after this message was queued).
    The claim counts an attempt: `attempts` is the claim's token from here on."""
    result = session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status == PENDING,
            Notification.send_at <= now + timedelta(seconds=1),
        )
        .values(status=CLAIMED, lease_until=now + lease, attempts=Notification.attempts + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _held_by(notification_id: int, attempt: int, statuses: tuple[NotificationStatus, ...]) -> Any:
    """This row, still in one of `statuses`, still under the claim that counted `attempt`
    (not cancelled, not re-armed by a move, not taken back and claimed again)."""
    return sa.and_(
        Notification.id == notification_id,
        Notification.status.in_(statuses),  # type: ignore[attr-defined]
        Notification.attempts == attempt,
    )


def launch(
    *, session: Session, notification_id: int, attempt: int, now: datetime, lease: timedelta
) -> bool:
    """claimed -> sending, right before the HTTP call (`sent_at`: when it left); False if a
    cancel or a move got there first (the caller must then not send). Takes the row's
    lock until commit."""
    result = session.execute(
        sa.update(Notification)
        .where(
            _held_by(notification_id, attempt, (CLAIMED,)),
            Notification.send_at <= now + timedelta(seconds=1),
        )
        .values(status=SENDING, sent_at=now, lease_until=now + lease)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(
    *,
    session: Session,
    notification_id: int,
    attempt: int,
    statuses: tuple[NotificationStatus, ...] = (SENDING,),
    **values: Any,
) -> bool:
    """Leave `statuses` for a final or retry state; False if the row left them meanwhile
    or belongs to another claim now."""
    result = session.execute(
        sa.update(Notification).where(_held_by(notification_id, attempt, statuses)).values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def attach_chat(
    *, session: Session, chat_id: int, booking_ids: list[int], user_ids: list[int]
) -> int:
    """Give pending rows of newly linked bookings (student side) or users their chat."""
    conditions = []
    if booking_ids:
        conditions.append(
            sa.and_(
                Notification.booking_id.in_(booking_ids),  # type: ignore[union-attr]
                sa.not_(Notification.kind.startswith(TUTOR_KIND_PREFIX)),  # type: ignore[attr-defined]
            )
        )
    if user_ids:
        conditions.append(Notification.user_id.in_(user_ids))  # type: ignore[union-attr]
    if not conditions:
        return 0
    result = session.execute(
        sa.update(Notification)
        .where(
            Notification.status == PENDING,
            Notification.chat_id.is_(None),  # type: ignore[union-attr]
            sa.or_(*conditions),
        )
        .values(chat_id=chat_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- shared send budget -------------------------------------------------------------------------


def _ensure_slots(session: Session, keys: list[str]) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    for key in keys:
        session.execute(insert(RateSlot).values(key=key, next_at=0.0).on_conflict_do_nothing())


def reserve_slot(
    *, session: Session, chat_key: str, spacing: dict[str, float], now: float
) -> float:
    """The earliest instant (epoch s) at which this message may go, reserved for it.

    `spacing` maps budget keys ("global", chat_key) to their minimum gap; "pause" is a
    flood-control pause set after a 429. Rows are locked global-first (one order, so
    PostgreSQL never deadlocks); on SQLite the write transaction already serializes.
    """
    keys = sorted({"global", "pause", chat_key})
    _ensure_slots(session, keys)
    slots = {
        slot.key: slot
        for slot in session.exec(
            select(RateSlot).where(RateSlot.key.in_(keys)).order_by(RateSlot.key).with_for_update()  # type: ignore[attr-defined]
        )
    }
    at = max([now, *(slot.next_at for slot in slots.values())])
    for key, gap in spacing.items():
        slots[key].next_at = at + gap
    session.flush()
    return at


def take_slot(*, session: Session, key: str, now: float, until: float) -> float:
    """If budget `key` is free at `now`, hold it until `until` and return 0; else return
    the seconds until it frees. A row lock (PostgreSQL) / the write lock (SQLite) makes
    two processes' check-and-take one step."""
    _ensure_slots(session, [key])
    slot = session.get(RateSlot, key, with_for_update=True, populate_existing=True)
    assert slot is not None
    if slot.next_at > now:
        return slot.next_at - now
    slot.next_at = until
    session.flush()
    return 0.0


def move_slot(*, session: Session, key: str, held: float, to: float) -> bool:
    """Move budget `key` from `held` (what this process set) to `to`; False, changing
    nothing, if someone else has set it since."""
    result = session.execute(
        sa.update(RateSlot).where(RateSlot.key == key, RateSlot.next_at == held).values(next_at=to)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def pause_all(*, session: Session, until: float) -> None:
    """Telegram said "retry after": nobody sends before `until` (epoch s)."""
    _ensure_slots(session, ["pause"])
    slot = session.get(RateSlot, "pause", with_for_update=True)
    assert slot is not None
    slot.next_at = max(slot.next_at, until)
    session.flush()


def paused_until(*, session: Session) -> float:
    """When a flood-control pause ends (epoch s; 0 if none was ever set)."""
    slot = session.get(RateSlot, "pause")
    return slot.next_at if slot is not None else 0.0


RESENDABLE = (NotificationStatus.failed, NotificationStatus.skipped)


def rearm(*, session: Session, notification_id: int, now: datetime) -> bool:
    """failed/skipped -> pending, due now, attempts from zero; False when the row is in
    any other state (sent, still on its way, cancelled). One conditional UPDATE, so a
    second click or a racing worker cannot send it twice."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.status.in_(RESENDABLE))  # type: ignore[attr-defined]
        .values(status=PENDING, send_at=now, attempts=0, last_error=None, lease_until=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
