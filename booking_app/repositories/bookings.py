"""Booking queries: the private link (by token), the tutor's requests, the student's list.

Keyword-only session; never commits. Every lookup is scoped by what the caller proved:
the token, the tutor's id or the student's id. A booking outside that scope is simply not
found, which the services turn into NotFound (never a 403 that confirms it exists).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    Booking,
    BookingKind,
    BookingStatus,
    Classroom,
    ClassroomMembership,
    ClassroomSession,
    Lesson,
    MembershipStatus,
    Role,
    Service,
    TutorProfile,
    User,
)

Tutor = aliased(User, name="tutor")


def _detail_query() -> Any:
    """(Booking, Lesson, service_name, tutor_name, slug, currency, notice hours, tz,
    service location/url) rows: everything a booking page shows, one statement."""
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


def detail_by_token(*, session: Session, token: str) -> Any | None:
    return session.execute(_detail_query().where(Booking.booking_token == token)).first()


def detail_by_id(*, session: Session, booking_id: int) -> Any | None:
    return session.execute(_detail_query().where(Booking.id == booking_id)).first()


def student_details(*, session: Session, student_id: int) -> list[Any]:
    query = _detail_query().where(Booking.student_id == student_id).order_by(Lesson.starts_at)
    return list(session.execute(query))


def pending_details(*, session: Session, tutor_id: int) -> list[Any]:
    query = (
        _detail_query()
        .where(Booking.tutor_id == tutor_id, Booking.status == BookingStatus.pending)
        .order_by(Lesson.starts_at, Booking.id)
    )
    return list(session.execute(query))


def pending_count(*, session: Session, tutor_id: int) -> int:
    query = sa.select(sa.func.count(Booking.id)).where(
        Booking.tutor_id == tutor_id, Booking.status == BookingStatus.pending
    )
    return int(session.execute(query).scalar_one())


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


def get_lesson(*, session: Session, lesson_id: int) -> Lesson | None:
    return session.get(Lesson, lesson_id)


def tutor_lesson(*, session: Session, tutor_id: int, lesson_id: int) -> Lesson | None:
    query = select(Lesson).where(Lesson.id == lesson_id, Lesson.tutor_id == tutor_id)
    return session.exec(query).first()


def seats_taken(*, session: Session, lesson_id: int) -> int:
    """Pending + confirmed bookings of a lesson, counted now (call it under the lock)."""
    query = sa.select(sa.func.count(Booking.id)).where(
        Booking.lesson_id == lesson_id, Booking.status.in_(SEAT_HOLDING_STATUSES)
    )
    return int(session.execute(query).scalar_one())


def booking_context(*, session: Session, tutor_id: int, service_id: int) -> Any | None:
    """(Service, TutorProfile, tutor User) of an ACTIVE service of a published tutor."""
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
    return session.execute(query).first()


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


def add(*, session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def activate_membership(*, session: Session, tutor_id: int, student_id: int, at: datetime) -> None:
    """The tutor's classroom (created if missing) gets the student as an ACTIVE member."""
    classroom = session.exec(select(Classroom).where(Classroom.tutor_id == tutor_id)).first()
    if classroom is None:
        classroom = add(session=session, row=Classroom(tutor_id=tutor_id, created_at=at))
    membership = session.exec(
        select(ClassroomMembership).where(
            ClassroomMembership.classroom_id == classroom.id,
            ClassroomMembership.student_id == student_id,
        )
    ).first()
    if membership is None:
        membership = ClassroomMembership(
            classroom_id=classroom.id or 0, student_id=student_id, created_at=at
        )
        session.add(membership)
    if membership.status is not MembershipStatus.active:
        membership.status = MembershipStatus.active
        membership.activated_at = at
    session.flush()


def ensure_classroom_session(*, session: Session, lesson_id: int, at: datetime) -> None:
    """The lesson's room (1:1 with the lesson), created once."""
    query = select(ClassroomSession.id).where(ClassroomSession.lesson_id == lesson_id)
    if session.exec(query).first() is None:
        add(session=session, row=ClassroomSession(lesson_id=lesson_id, created_at=at))
