"""Classroom queries: rooms (ClassroomSession + Lesson), who is in a lesson, memberships.

Keyword-only session; never commits. Lookups are plain: the services decide who may see
what (the ACL lives in services/classroom.py so it is written once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import (
    Booking,
    BookingStatus,
    Classroom,
    ClassroomMembership,
    ClassroomSession,
    Lesson,
    LessonStatus,
    MembershipStatus,
    Role,
    TutorProfile,
    User,
)
from booking_app.repositories.text_search import contains

# Students who hold (or held, for finished lessons) a place in the lesson: they may enter.
IN_LESSON = (
    BookingStatus.confirmed,
    BookingStatus.completed,
    BookingStatus.no_show,
    BookingStatus.tutor_no_show,
)


def room_by_uuid(*, session: Session, session_uuid: str) -> tuple[ClassroomSession, Lesson] | None:
    query = (
        select(ClassroomSession, Lesson)
        .join(Lesson, Lesson.id == ClassroomSession.lesson_id)
        .where(ClassroomSession.session_uuid == session_uuid)
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def lock_room(*, session: Session, room_id: int) -> ClassroomSession | None:
    """The room row, locked on PostgreSQL until commit (SQLite: BEGIN IMMEDIATE already).

    ``populate_existing``: the row may already sit in the session's identity map from the
    ACL read; without it the locked SELECT would hand back those stale attributes.
    """
    query = (
        select(ClassroomSession)
        .where(ClassroomSession.id == room_id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    return session.exec(query).first()


def room_of_lesson(*, session: Session, lesson_id: int) -> ClassroomSession | None:
    query = select(ClassroomSession).where(ClassroomSession.lesson_id == lesson_id)
    return session.exec(query).first()


def ensure_room(*, session: Session, lesson_id: int, at: datetime) -> ClassroomSession:
    """The lesson's room (1:1 with the lesson, unique lesson_id), created the first time:
    the one place a room is made (confirming, a lesson for a student, the backfill)."""
    room = room_of_lesson(session=session, lesson_id=lesson_id)
    if room is None:
        room = ClassroomSession(lesson_id=lesson_id, created_at=at)
        session.add(room)
        session.flush()
    return room


class SeatRow(NamedTuple):
    booking: Booking
    name: str  # the student's, or the guest's as typed


def lesson_students(*, session: Session, lesson_id: int) -> list[SeatRow]:
    """The seats in the lesson (confirmed, or completed/no-show once it happened)."""
    query = (
        sa.select(Booking, sa.func.coalesce(User.name, Booking.client_name).label("name"))
        .outerjoin(User, User.id == Booking.student_id)
        .where(Booking.lesson_id == lesson_id, Booking.status.in_(IN_LESSON))
        .order_by(Booking.id)
    )
    return [SeatRow(*row) for row in session.execute(query)]


def is_booked_student(*, session: Session, lesson_id: int, student_id: int) -> bool:
    query = sa.select(Booking.id).where(
        Booking.lesson_id == lesson_id,
        Booking.student_id == student_id,
        Booking.status.in_(IN_LESSON),
    )
    return session.execute(query.limit(1)).first() is not None


def booking_in_lesson(*, session: Session, lesson_id: int, booking_id: int) -> Booking | None:
    query = select(Booking).where(Booking.id == booking_id, Booking.lesson_id == lesson_id)
    return session.exec(query).first()


def user_name(*, session: Session, user_id: int) -> str:
    return (
        session.execute(sa.select(User.name).where(User.id == user_id)).scalar_one_or_none() or ""
    )


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def membership(*, session: Session, tutor_id: int, student_id: int) -> ClassroomMembership | None:
    query = (
        select(ClassroomMembership)
        .join(Classroom, Classroom.id == ClassroomMembership.classroom_id)
        .where(Classroom.tutor_id == tutor_id, ClassroomMembership.student_id == student_id)
    )
    return session.exec(query).first()


def lock_membership(
    *, session: Session, tutor_id: int, student_id: int
) -> ClassroomMembership | None:
    """``membership`` locked on PostgreSQL until commit (SQLite: BEGIN IMMEDIATE already):
    a removal and an invite redemption of the same student run one after the other, so
    an accept that read the membership before a removal cannot undo it."""
    query = (
        select(ClassroomMembership)
        .join(Classroom, Classroom.id == ClassroomMembership.classroom_id)
        .where(Classroom.tutor_id == tutor_id, ClassroomMembership.student_id == student_id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(of=ClassroomMembership)
    return session.exec(query).first()


def activate_membership(*, session: Session, tutor_id: int, student_id: int, at: datetime) -> None:
    """The tutor's classroom (created if missing) gets the student as an ACTIVE member."""
    classroom = session.exec(select(Classroom).where(Classroom.tutor_id == tutor_id)).first()
    if classroom is None:
        classroom = Classroom(tutor_id=tutor_id, created_at=at)
        session.add(classroom)
        session.flush()
    found = session.exec(
        select(ClassroomMembership).where(
            ClassroomMembership.classroom_id == classroom.id,
            ClassroomMembership.student_id == student_id,
        )
    ).first()
    if found is None:
        found = ClassroomMembership(
            classroom_id=classroom.id or 0, student_id=student_id, created_at=at
        )
        session.add(found)
    if found.status is not MembershipStatus.active:
        found.status = MembershipStatus.active
        found.activated_at = at
    session.flush()


def is_active_member(*, session: Session, tutor_id: int, student_id: int) -> bool:
    row = membership(session=session, tutor_id=tutor_id, student_id=student_id)
    return row is not None and row.status is MembershipStatus.active


def _member_filter(tutor_id: int, text: str) -> list[Any]:
    conditions: list[Any] = [Classroom.tutor_id == tutor_id, User.role == Role.student]
    for word in text.split()[:5]:
        conditions.append(sa.or_(contains(User.name, word), contains(User.email, word)))
    return conditions


def _members_from() -> Any:
    return (
        sa.select(ClassroomMembership, User)
        .join(Classroom, Classroom.id == ClassroomMembership.classroom_id)
        .join(User, User.id == ClassroomMembership.student_id)
    )


class MemberRow(NamedTuple):
    membership: ClassroomMembership
    student: User


def member_rows(
    *, session: Session, tutor_id: int, text: str, limit: int, offset: int
) -> list[MemberRow]:
    """A page of the tutor's classroom members, by name then id."""
    query = (
        _members_from()
        .where(*_member_filter(tutor_id, text))
        .order_by(sa.func.lower(User.name), User.id)
        .limit(limit)
        .offset(offset)
    )
    return [MemberRow(*row) for row in session.execute(query)]


def member_count(*, session: Session, tutor_id: int, text: str) -> int:
    query = (
        sa.select(sa.func.count(ClassroomMembership.id))
        .join(Classroom, Classroom.id == ClassroomMembership.classroom_id)
        .join(User, User.id == ClassroomMembership.student_id)
        .where(*_member_filter(tutor_id, text))
    )
    return int(session.execute(query).scalar_one())


def next_lessons(
    *, session: Session, tutor_id: int, student_ids: list[int], after: Any
) -> dict[int, Lesson]:
    """For each student, the tutor's soonest non-cancelled lesson they hold a seat in."""
    if not student_ids:
        return {}
    query = (
        sa.select(Booking.student_id, Lesson)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .where(
            Booking.tutor_id == tutor_id,
            Booking.student_id.in_(student_ids),
            Booking.status.in_((BookingStatus.confirmed, BookingStatus.pending)),
            Lesson.ends_at > after,
            Lesson.status != LessonStatus.cancelled,
        )
        .order_by(Lesson.starts_at)
    )
    found: dict[int, Lesson] = {}
    for student_id, lesson in session.execute(query):
        found.setdefault(student_id, lesson)
    return found


# Dashboards ---------------------------------------------------------------------------

DELIVERED = (BookingStatus.confirmed, BookingStatus.completed)


class DashboardLessonRow(NamedTuple):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: LessonStatus
    seats: int  # seats held (confirmed, completed, no-show)
    revenue: Any  # prices of confirmed/completed seats (Decimal or a driver number)


def tutor_lesson_rows(
    *, session: Session, tutor_id: int, lo: datetime, hi: datetime
) -> list[DashboardLessonRow]:
    """The tutor's non-cancelled lessons starting in ``[lo, hi)``, by start. Plain
    columns, not ORM objects: the dashboard reads hundreds of them and entity loading
    would dominate."""
    seats = sa.func.count(Booking.id).filter(Booking.status.in_(IN_LESSON))
    revenue = sa.func.coalesce(sa.func.sum(Booking.price).filter(Booking.status.in_(DELIVERED)), 0)
    query = (
        sa.select(
            Lesson.id,
            Lesson.title,
            Lesson.starts_at,
            Lesson.ends_at,
            Lesson.status,
            seats.label("seats"),
            revenue.label("revenue"),
        )
        .outerjoin(Booking, Booking.lesson_id == Lesson.id)
        .where(
            Lesson.tutor_id == tutor_id,
            Lesson.status != LessonStatus.cancelled,
            Lesson.starts_at >= lo,
            Lesson.starts_at < hi,
        )
        .group_by(Lesson.id)
        .order_by(Lesson.starts_at)
    )
    return [DashboardLessonRow(*row) for row in session.execute(query)]


class StudentLessonRow(NamedTuple):
    booking: Booking
    lesson: Lesson
    tutor_name: str


def student_lesson_rows(*, session: Session, student_id: int) -> list[StudentLessonRow]:
    """The student's seats in non-cancelled lessons, by start."""
    query = (
        sa.select(Booking, Lesson, User.name.label("tutor_name"))
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(User, User.id == Lesson.tutor_id)
        .where(
            Booking.student_id == student_id,
            Booking.status.in_(IN_LESSON),
            Lesson.status != LessonStatus.cancelled,
        )
        .order_by(Lesson.starts_at)
    )
    return [StudentLessonRow(*row) for row in session.execute(query)]


class TutorContact(NamedTuple):
    id: int
    name: str
    email: str


def active_tutor(*, session: Session, student_id: int) -> TutorContact | None:
    """The tutor of the student's most recently activated ACTIVE membership."""
    query = (
        sa.select(User.id, User.name, User.email)
        .select_from(ClassroomMembership)
        .join(Classroom, Classroom.id == ClassroomMembership.classroom_id)
        .join(User, User.id == Classroom.tutor_id)
        .where(
            ClassroomMembership.student_id == student_id,
            ClassroomMembership.status == MembershipStatus.active,
        )
        .order_by(ClassroomMembership.activated_at.desc(), ClassroomMembership.id.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return TutorContact(*row) if row is not None else None


def active_member_count(*, session: Session, tutor_id: int) -> int:
    query = (
        sa.select(sa.func.count(ClassroomMembership.id))
        .join(Classroom, Classroom.id == ClassroomMembership.classroom_id)
        .where(
            Classroom.tutor_id == tutor_id, ClassroomMembership.status == MembershipStatus.active
        )
    )
    return int(session.execute(query).scalar_one())


def tutor_currency(*, session: Session, tutor_id: int) -> str:
    query = sa.select(TutorProfile.currency).where(TutorProfile.user_id == tutor_id)
    return session.execute(query).scalar_one_or_none() or ""


def tutor_totals(*, session: Session, tutor_id: int, now: Any) -> tuple[int, Any, int]:
    """(lessons done, their revenue, upcoming lessons), aggregated in SQL over all time:
    a busy tutor's history is never loaded row by row for three numbers."""
    seats = sa.func.count(Booking.id).filter(Booking.status.in_(IN_LESSON))
    revenue = sa.func.coalesce(sa.func.sum(Booking.price).filter(Booking.status.in_(DELIVERED)), 0)
    per_lesson = (
        sa.select(seats.label("seats"), revenue.label("revenue"))
        .select_from(Lesson)
        .outerjoin(Booking, Booking.lesson_id == Lesson.id)
        .where(
            Lesson.tutor_id == tutor_id,
            Lesson.status != LessonStatus.cancelled,
            Lesson.ends_at <= now,
        )
        .group_by(Lesson.id)
        .subquery()
    )
    done = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(per_lesson.c.revenue), 0)).where(
            per_lesson.c.seats > 0
        )
    ).one()
    upcoming = session.execute(
        sa.select(sa.func.count(Lesson.id)).where(
            Lesson.tutor_id == tutor_id,
            Lesson.status != LessonStatus.cancelled,
            Lesson.starts_at > now,
        )
    ).scalar_one()
    return int(done[0]), done[1], int(upcoming)
