"""Connected calendars, their imported busy rows and the CalDAV push outbox.

Keyword-only session; never commits. Source queries are scoped by ``tutor_id`` where a
tutor asks, so another tutor's source is simply not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    Booking,
    BusyBlock,
    BusySource,
    CalendarKind,
    CalendarPush,
    CalendarPushedEvent,
    CalendarSource,
    Lesson,
    LessonStatus,
    User,
)

PENDING = "pending"
SENT = "sent"


def list_for_tutor(*, session: Session, tutor_id: int) -> list[CalendarSource]:
    query = (
        select(CalendarSource)
        .where(CalendarSource.tutor_id == tutor_id)
        .order_by(CalendarSource.created_at, CalendarSource.id)
    )
    return list(session.exec(query))


def count_for_tutor(*, session: Session, tutor_id: int) -> int:
    query = sa.select(sa.func.count(CalendarSource.id)).where(CalendarSource.tutor_id == tutor_id)
    return int(session.execute(query).scalar_one())


def get(*, session: Session, source_id: int, tutor_id: int | None = None) -> CalendarSource | None:
    """The source; None when missing or (with ``tutor_id``) another tutor's."""
    source = session.get(CalendarSource, source_id)
    if source is None or (tutor_id is not None and source.tutor_id != tutor_id):
        return None
    return source


def add(*, session: Session, source: CalendarSource) -> CalendarSource:
    session.add(source)
    session.flush()
    return source


def delete(*, session: Session, source_id: int) -> None:
    """The source, its busy rows and its outbox rows (explicitly: SQLite keeps foreign
    keys off unless told, so ON DELETE CASCADE alone is not relied upon)."""
    session.execute(sa.delete(BusyBlock).where(BusyBlock.calendar_source_id == source_id))
    session.execute(sa.delete(CalendarPush).where(CalendarPush.source_id == source_id))
    session.execute(
        sa.delete(CalendarPushedEvent).where(CalendarPushedEvent.source_id == source_id)
    )
    session.execute(sa.delete(CalendarSource).where(CalendarSource.id == source_id))


def due(*, session: Session, now: datetime, limit: int) -> list[int]:
    """Sources whose next refresh time has come, most overdue first."""
    query = (
        sa.select(CalendarSource.id)
        .where(CalendarSource.next_refresh_at <= now)
        .order_by(CalendarSource.next_refresh_at, CalendarSource.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def replace_busy(
    *,
    session: Session,
    source: CalendarSource,
    intervals: Sequence[tuple[datetime, datetime]],
    title: str,
) -> None:
    """Swap the source's imported busy rows for ``intervals`` (one delete, one bulk insert)."""
    session.execute(sa.delete(BusyBlock).where(BusyBlock.calendar_source_id == source.id))
    if intervals:
        session.execute(
            sa.insert(BusyBlock),
            [
                {
                    "tutor_id": source.tutor_id,
                    "starts_at": start,
                    "ends_at": end,
                    "title": title,
                    "source": BusySource.external,
                    "calendar_source_id": source.id,
                }
                for start, end in intervals
            ],
        )


def busy_counts(*, session: Session, source_ids: Sequence[int]) -> dict[int, int]:
    """Stored busy rows per source, counted in SQL."""
    if not source_ids:
        return {}
    query = (
        sa.select(BusyBlock.calendar_source_id, sa.func.count(BusyBlock.id))
        .where(BusyBlock.calendar_source_id.in_(source_ids))  # type: ignore[union-attr]
        .group_by(BusyBlock.calendar_source_id)
    )
    return {int(sid): int(n) for sid, n in session.execute(query)}


def health(*, session: Session, limit: int = 500) -> list[tuple[CalendarSource, str, str]]:
    """Every source with its tutor's name and email, broken ones first (admin list)."""
    query = (
        sa.select(CalendarSource, User.name, User.email)
        .join(User, User.id == CalendarSource.tutor_id)
        .order_by(CalendarSource.failures.desc(), CalendarSource.id)  # type: ignore[attr-defined]
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


# --- CalDAV push -----------------------------------------------------------------------------


def push_targets(*, session: Session, tutor_id: int) -> list[int]:
    """The tutor's CalDAV accounts that lessons are pushed to."""
    query = sa.select(CalendarSource.id).where(
        CalendarSource.tutor_id == tutor_id,
        CalendarSource.kind == CalendarKind.caldav,
        CalendarSource.push_calendar.is_not(None),  # type: ignore[union-attr]
    )
    return list(session.execute(query).scalars())


def ensure_push(*, session: Session, source_id: int, send_after: datetime) -> None:
    """One pending push row for the account (none added if one is pending already)."""
    if pending_push(session=session, source_id=source_id) is None:
        session.add(CalendarPush(source_id=source_id, send_after=send_after))
        session.flush()


def pending_push(*, session: Session, source_id: int) -> CalendarPush | None:
    query = select(CalendarPush).where(
        CalendarPush.source_id == source_id, CalendarPush.status == PENDING
    )
    return session.exec(query).first()


def due_pushes(*, session: Session, now: datetime, limit: int) -> list[int]:
    query = (
        sa.select(CalendarPush.id)
        .where(CalendarPush.status == PENDING, CalendarPush.send_after <= now)
        .order_by(CalendarPush.send_after, CalendarPush.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


class PushLesson(NamedTuple):
    id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    seats: int


def lessons_to_push(
    *, session: Session, tutor_id: int, after: datetime, before: datetime
) -> list[PushLesson]:
    """The tutor's lessons someone holds a seat in (what they must attend), not
    cancelled, overlapping ``[after, before)``, seats counted in SQL, by start."""
    seats = sa.func.count(Booking.id)
    query = (
        sa.select(Lesson.id, Lesson.starts_at, Lesson.ends_at, Lesson.title, seats)
        .join(Booking, Booking.lesson_id == Lesson.id)
        .where(
            Lesson.tutor_id == tutor_id,
            Lesson.status != LessonStatus.cancelled,
            Lesson.ends_at > after,
            Lesson.starts_at < before,
            Booking.status.in_(SEAT_HOLDING_STATUSES),
        )
        .group_by(Lesson.id, Lesson.starts_at, Lesson.ends_at, Lesson.title)
        .order_by(Lesson.starts_at, Lesson.id)
    )
    return [PushLesson(*row) for row in session.execute(query)]


def pushed_events(*, session: Session, source_id: int) -> list[CalendarPushedEvent]:
    query = select(CalendarPushedEvent).where(CalendarPushedEvent.source_id == source_id)
    return list(session.exec(query))
