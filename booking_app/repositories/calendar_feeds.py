"""Calendar feed queries: the feed secret's hash on the user, and the rows of a feed.

Keyword-only session; never commits. Every feed is a couple of set-based statements
whatever its size (a tutor with 2,000 lessons: one lesson query, one names query), and
its fingerprint (ETag / Last-Modified) is aggregates only, so a client polling an
unchanged feed costs one or two index scans and no building.

Which rows a feed holds (`FeedWindow`): everything ending after `since` (the past is kept
for a while so last month's lessons stay visible), except cancelled ones older than
`cancelled_since` (kept 30 days as STATUS:CANCELLED so clients remove them, then dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    ClassroomSession,
    Lesson,
    LessonStatus,
    Role,
    Service,
    User,
)

Tutor = aliased(User, name="feed_tutor")
ENDED = (BookingStatus.cancelled, BookingStatus.late_cancel)


@dataclass(frozen=True)
class FeedWindow:
    since: datetime  # rows ending before this are left out
    cancelled_since: datetime  # cancelled rows ended (cancelled) before this are left out


class FeedOwner(NamedTuple):
    user_id: int
    role: Role
    name: str


class LessonFeedRow(NamedTuple):
    """One lesson of the tutor's feed, with its seat counts and room."""

    lesson_id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    status: LessonStatus
    location: str | None
    meeting_url: str | None
    sequence: int
    updated_at: datetime
    service_name: str | None
    service_location: str | None
    service_meeting_url: str | None
    room_uuid: str | None
    confirmed: int | None
    pending: int | None


class BookingFeedRow(NamedTuple):
    """One booking of the student's feed."""

    token: str
    status: BookingStatus
    sequence: int
    updated_at: datetime
    starts_at: datetime
    ends_at: datetime
    title: str
    location: str | None
    meeting_url: str | None
    service_name: str | None
    service_location: str | None
    service_meeting_url: str | None
    tutor_name: str
    room_uuid: str | None


class Fingerprint(NamedTuple):
    """What changes whenever the feed's content does (see the module docstring)."""

    count: int
    sequences: int
    rooms: int
    last_modified: datetime | None


# --- the secret ---------------------------------------------------------------------------


def owner_by_token_hash(*, session: Session, token_hash: str) -> FeedOwner | None:
    row = session.execute(
        sa.select(User.id, User.role, User.name).where(
            User.calendar_token == token_hash, User.is_active.is_(True)
        )
    ).first()
    return FeedOwner(int(row[0]), row[1], row[2]) if row else None


def token_created_at(*, session: Session, user_id: int) -> datetime | None:
    """When the user's current feed URL was made (None: no feed)."""
    return session.execute(
        sa.select(User.calendar_token_created_at).where(
            User.id == user_id, User.calendar_token.is_not(None)
        )
    ).scalar_one_or_none()


def set_token_hash(
    *, session: Session, user_id: int, token_hash: str | None, at: datetime | None
) -> None:
    session.execute(
        sa.update(User)
        .where(User.id == user_id)
        .values(calendar_token=token_hash, calendar_token_created_at=at)
    )


# --- the tutor's feed: one event per lesson -------------------------------------------------


def _lesson_filter(tutor_id: int, window: FeedWindow) -> list[Any]:
    return [
        Lesson.tutor_id == tutor_id,
        Lesson.ends_at >= window.since,
        sa.or_(
            Lesson.status != LessonStatus.cancelled, Lesson.updated_at >= window.cancelled_since
        ),
    ]


def tutor_lessons(*, session: Session, tutor_id: int, window: FeedWindow) -> list[LessonFeedRow]:
    seats = (
        sa.select(
            Booking.lesson_id.label("lesson_id"),
            sa.func.sum(sa.case((Booking.status == BookingStatus.confirmed, 1), else_=0)).label(
                "confirmed"
            ),
            sa.func.sum(sa.case((Booking.status == BookingStatus.pending, 1), else_=0)).label(
                "pending"
            ),
        )
        .where(Booking.tutor_id == tutor_id, Booking.status.in_(SEAT_HOLDING_STATUSES))
        .group_by(Booking.lesson_id)
        .subquery()
    )
    query = (
        sa.select(
            Lesson.id,
            Lesson.starts_at,
            Lesson.ends_at,
            Lesson.title,
            Lesson.status,
            Lesson.location,
            Lesson.meeting_url,
            Lesson.calendar_sequence,
            Lesson.updated_at,
            Service.name,
            Service.location,
            Service.meeting_url,
            ClassroomSession.session_uuid,
            seats.c.confirmed,
            seats.c.pending,
        )
        .outerjoin(Service, Service.id == Lesson.service_id)
        .outerjoin(ClassroomSession, ClassroomSession.lesson_id == Lesson.id)
        .outerjoin(seats, seats.c.lesson_id == Lesson.id)
        .where(*_lesson_filter(tutor_id, window))
        .order_by(Lesson.starts_at, Lesson.id)
    )
    return [LessonFeedRow(*row) for row in session.execute(query)]


def tutor_seat_names(
    *, session: Session, tutor_id: int, window: FeedWindow
) -> list[tuple[int, str]]:
    """(lesson id, client name) of every seat-holding booking of the feed's lessons, in
    booking order: one statement for the whole feed."""
    query = (
        sa.select(Booking.lesson_id, Booking.client_name)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .where(*_lesson_filter(tutor_id, window), Booking.status.in_(SEAT_HOLDING_STATUSES))
        .order_by(Booking.lesson_id, Booking.id)
    )
    return [(int(lesson_id), name) for lesson_id, name in session.execute(query)]


def tutor_fingerprint(*, session: Session, tutor_id: int, window: FeedWindow) -> Fingerprint:
    """One statement. Bookings change a lesson's event (the names) without touching the
    lesson's row: their latest change is a scalar subquery of the same statement."""
    booking_changed = (
        sa.select(sa.func.max(Booking.updated_at))
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .where(*_lesson_filter(tutor_id, window))
        .scalar_subquery()
    )
    count, sequences, rooms, lesson_changed, seat_changed = session.execute(
        sa.select(
            sa.func.count(Lesson.id),
            sa.func.coalesce(sa.func.sum(Lesson.calendar_sequence), 0),
            sa.func.count(ClassroomSession.id),
            sa.func.max(Lesson.updated_at),
            booking_changed,
        )
        .outerjoin(ClassroomSession, ClassroomSession.lesson_id == Lesson.id)
        .where(*_lesson_filter(tutor_id, window))
    ).one()
    return Fingerprint(
        int(count), int(sequences), int(rooms), _latest(lesson_changed, seat_changed)
    )


def _latest(*moments: Any) -> datetime | None:
    """The latest of max() results (typed UTCDateTime, so aware; text is parsed in case)."""
    parsed = [m if isinstance(m, datetime) else datetime.fromisoformat(m) for m in moments if m]
    return max((m if m.tzinfo else m.replace(tzinfo=UTC) for m in parsed), default=None)


# --- the student's feed: one event per booking ----------------------------------------------


def _booking_filter(student_id: int, window: FeedWindow) -> list[Any]:
    return [
        Booking.student_id == student_id,
        Lesson.ends_at >= window.since,
        sa.or_(
            Booking.status.not_in(ENDED),
            sa.func.coalesce(Booking.cancelled_at, Booking.updated_at) >= window.cancelled_since,
        ),
    ]


def student_bookings(
    *, session: Session, student_id: int, window: FeedWindow
) -> list[BookingFeedRow]:
    query = (
        sa.select(
            Booking.booking_token,
            Booking.status,
            Booking.calendar_sequence,
            Booking.updated_at,
            Lesson.starts_at,
            Lesson.ends_at,
            Lesson.title,
            Lesson.location,
            Lesson.meeting_url,
            Service.name,
            Service.location,
            Service.meeting_url,
            Tutor.name,
            ClassroomSession.session_uuid,
        )
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(Tutor, Tutor.id == Booking.tutor_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .outerjoin(ClassroomSession, ClassroomSession.lesson_id == Lesson.id)
        .where(*_booking_filter(student_id, window))
        .order_by(Lesson.starts_at, Booking.id)
    )
    return [BookingFeedRow(*row) for row in session.execute(query)]


def student_fingerprint(*, session: Session, student_id: int, window: FeedWindow) -> Fingerprint:
    count, sequences, rooms, changed = session.execute(
        sa.select(
            sa.func.count(Booking.id),
            sa.func.coalesce(sa.func.sum(Booking.calendar_sequence), 0),
            sa.func.count(ClassroomSession.id),
            sa.func.max(Booking.updated_at),
        )
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .outerjoin(ClassroomSession, ClassroomSession.lesson_id == Lesson.id)
        .where(*_booking_filter(student_id, window))
    ).one()
    return Fingerprint(int(count), int(sequences), int(rooms), _latest(changed))
