"""Calendar feed queries: the feed secret's hash on the user, and the rows of a feed.

Keyword-only session; never commits. Every feed is a couple of set-based statements
whatever its size (a tutor with 2,000 lessons: one lesson query, one names query), and
its version (ETag / Last-Modified) comes with the owner in one indexed read (the owner's
data version), so a client polling an unchanged feed costs that read and no building.

Which rows a feed holds (`FeedWindow`): everything ending after `since` (the past is kept
for a while so last month's lessons stay visible), except cancelled ones older than
`cancelled_since` (kept 30 days as STATUS:CANCELLED so clients remove them, then dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    ClassroomSession,
    DataVersion,
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
    version: int  # the owner's data version (0: nothing changed yet)
    changed_at: datetime | None  # when it last moved


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


# --- the secret ---------------------------------------------------------------------------


# Built once: the whole conditional GET of a feed is this one indexed read.
_OWNER = (
    sa.select(User.id, User.role, User.name, DataVersion.version, DataVersion.changed_at)
    .outerjoin(DataVersion, DataVersion.user_id == User.id)
    .where(User.calendar_token == sa.bindparam("token_hash"), User.is_active.is_(True))
)


def owner_by_token_hash(*, session: Session, token_hash: str) -> FeedOwner | None:
    """The feed's owner and their data version (services/data_versions.py), which moves
    with every change of their feed's rows: enough for ETag and Last-Modified."""
    row = session.execute(_OWNER, {"token_hash": token_hash}).first()
    if row is None:
        return None
    return FeedOwner(int(row[0]), row[1], row[2], int(row[3] or 0), row[4])


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
