"""Booking queries: the private link (by token), the tutor's requests, the student's list.

Keyword-only session; never commits. Every lookup is scoped by what the caller proved:
the token, the tutor's id or the student's id. A booking outside that scope is simply not
found, which the services turn into NotFound (never a 403 that confirms it exists).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    Booking,
    BookingKind,
    BookingStatus,
    DataVersion,
    Lesson,
    LessonStatus,
    Role,
    Service,
    TutorProfile,
    User,
)

Tutor = aliased(User, name="tutor")


class BookingDetail(NamedTuple):
    """A booking with everything its page shows (one statement)."""

    booking: Booking
    lesson: Lesson
    service_name: str | None
    service_location: str | None
    service_meeting_url: str | None
    tutor_name: str
    tutor_timezone: str
    tutor_slug: str
    currency: str
    notice_hours: int


def _detail_query() -> Any:
    """BookingDetail columns, in order."""
    return (
        sa.select(
            Booking,
            Lesson,
            Service.name.label("service_name"),
            Service.location.label("service_location"),
            Service.meeting_url.label("service_meeting_url"),
            Tutor.name.label("tutor_name"),
            Tutor.timezone.label("tutor_timezone"),
            TutorProfile.slug.label("tutor_slug"),
            TutorProfile.currency.label("currency"),
            TutorProfile.cancellation_notice_hours.label("notice_hours"),
        )
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(Tutor, Tutor.id == Booking.tutor_id)
        .join(TutorProfile, TutorProfile.user_id == Booking.tutor_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
    )


def _details(session: Session, query: Any) -> list[BookingDetail]:
    return [BookingDetail(*row) for row in session.execute(query)]


def detail_by_token(*, session: Session, token: str) -> BookingDetail | None:
    found = _details(session, _detail_query().where(Booking.booking_token == token))
    return found[0] if found else None


def detail_by_id(*, session: Session, booking_id: int) -> BookingDetail | None:
    found = _details(session, _detail_query().where(Booking.id == booking_id))
    return found[0] if found else None


def student_details(*, session: Session, student_id: int) -> list[BookingDetail]:
    query = _detail_query().where(Booking.student_id == student_id).order_by(Lesson.starts_at)
    return _details(session, query)


def pending_details(*, session: Session, tutor_id: int) -> list[BookingDetail]:
    query = (
        _detail_query()
        .where(Booking.tutor_id == tutor_id, Booking.status == BookingStatus.pending)
        .order_by(Lesson.starts_at, Booking.id)
    )
    return _details(session, query)


def pending_count(*, session: Session, tutor_id: int) -> int:
    query = sa.select(sa.func.count(Booking.id)).where(
        Booking.tutor_id == tutor_id, Booking.status == BookingStatus.pending
    )
    return int(session.execute(query).scalar_one())


_TUTOR_V, _STUDENT_V = aliased(DataVersion, name="tutor_v"), aliased(DataVersion, name="student_v")
# Built once (building it costs about as much as SQLite's answer).
_VERSIONS_BY_TOKEN = (
    sa.select(
        Booking.id,
        sa.func.coalesce(_TUTOR_V.version, 0),
        sa.func.coalesce(_STUDENT_V.version, 0),
    )
    .outerjoin(_TUTOR_V, _TUTOR_V.user_id == Booking.tutor_id)
    .outerjoin(_STUDENT_V, _STUDENT_V.user_id == Booking.student_id)
    .where(Booking.booking_token == sa.bindparam("token"))
)


def versions_by_token(*, connection: sa.Connection, token: str) -> tuple[int, int] | None:
    """(the tutor's, the student's data version) of the booking behind a private link,
    None for no such booking: one indexed read (Core)."""
    row = connection.execute(_VERSIONS_BY_TOKEN, {"token": token}).first()
    return (int(row[1]), int(row[2])) if row else None


def by_token(*, session: Session, token: str) -> Booking | None:
    return session.exec(select(Booking).where(Booking.booking_token == token)).first()


def for_tutor(*, session: Session, tutor_id: int, booking_id: int) -> Booking | None:
    """The tutor's booking, or None (also when it is another tutor's)."""
    query = select(Booking).where(Booking.id == booking_id, Booking.tutor_id == tutor_id)
    return session.exec(query).first()


def for_student(*, session: Session, student_id: int, booking_id: int) -> Booking | None:
    """The student's own booking, or None (also when it is someone else's)."""
    query = select(Booking).where(Booking.id == booking_id, Booking.student_id == student_id)
    return session.exec(query).first()


def seats_taken(*, session: Session, lesson_id: int) -> int:
    """Pending + confirmed bookings of a lesson, counted now (call it under the lock)."""
    query = sa.select(sa.func.count(Booking.id)).where(
        Booking.lesson_id == lesson_id, Booking.status.in_(SEAT_HOLDING_STATUSES)
    )
    return int(session.execute(query).scalar_one())


class BookableService(NamedTuple):
    service: Service
    profile: TutorProfile
    tutor: User


def bookable_service(*, session: Session, tutor_id: int, service_id: int) -> BookableService | None:
    """An ACTIVE service of an active tutor, with the profile (published or not: the
    caller decides) and the tutor."""
    query = (
        sa.select(Service, TutorProfile, User)
        .join(TutorProfile, TutorProfile.user_id == Service.tutor_id)
        .join(User, User.id == Service.tutor_id)
        .where(
            Service.id == service_id,
            Service.tutor_id == tutor_id,
            Service.is_active.is_(True),
            User.is_active.is_(True),
        )
    )
    row = session.execute(query).first()
    return BookableService(*row) if row is not None else None


def get_service(*, session: Session, service_id: int | None) -> Service | None:
    return session.get(Service, service_id) if service_id else None


def active_student(*, session: Session, student_id: int) -> User | None:
    query = select(User).where(
        User.id == student_id, User.role == Role.student, User.is_active.is_(True)
    )
    return session.exec(query).first()


def has_live_trial(*, session: Session, tutor_id: int, student_id: int) -> bool:
    """Same predicate as the partial unique index ``uq_booking_one_trial_per_student``."""
    query = select(Booking.id).where(
        Booking.tutor_id == tutor_id,
        Booking.student_id == student_id,
        Booking.kind == BookingKind.trial,
        Booking.status.in_(
            (
                BookingStatus.pending,
                BookingStatus.confirmed,
                BookingStatus.completed,
                BookingStatus.no_show,
            )
        ),
    )
    return session.exec(query).first() is not None


def add(*, session: Session, row: Booking) -> Booking:
    session.add(row)
    session.flush()
    return row


class StudentBusy(NamedTuple):
    """One of a student's own lessons (any tutor): when, with whom, what."""

    starts_at: Any
    ends_at: Any
    tutor_name: str
    title: str


def student_busy(
    *,
    session: Session,
    student_id: int,
    range_start: Any,
    range_end: Any,
    exclude_booking_id: int | None = None,
) -> list[StudentBusy]:
    """The student's seat-holding bookings whose live lesson overlaps the range, earliest
    first: what "you have a lesson then" warns about (one indexed statement, the range
    filtered in SQL). A move leaves out the booking being moved (`exclude_booking_id`):
    its own old time is not a clash."""
    query = (
        sa.select(
            Lesson.starts_at,
            Lesson.ends_at,
            Tutor.name,
            sa.func.coalesce(sa.func.nullif(Lesson.title, ""), Service.name, "a lesson"),
        )
        .select_from(Booking)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(Tutor, Tutor.id == Booking.tutor_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .where(
            Booking.student_id == student_id,
            Booking.status.in_(SEAT_HOLDING_STATUSES),
            Lesson.status.in_((LessonStatus.scheduled, LessonStatus.tentative)),
            Lesson.starts_at < range_end,
            Lesson.ends_at > range_start,
        )
        .order_by(Lesson.starts_at)
    )
    if exclude_booking_id is not None:
        query = query.where(Booking.id != exclude_booking_id)
    return [StudentBusy(*row) for row in session.execute(query).all()]
