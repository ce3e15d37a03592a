"""Invite links: to a lesson's room, and to a tutor's classroom (stateless tokens).

Lesson invite (`/invite/lesson/<token>`): the tutor makes it from the room. Opening it
signed in as the lesson's tutor or student leads to the room; an ACTIVE member of the
tutor's classroom who holds no seat gets one when the lesson has a free spot (then the
room). Anyone else: "not a member" (the invite is not a way in for strangers).

Classroom invite (`/invite/classroom/<token>`): accepting it as a student makes their
membership of that tutor's classroom ACTIVE (again, after a removal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import LessonStatus, Role
from booking_app.repositories import bookings as bookings_repo
from booking_app.repositories import classroom as repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.services import invite_tokens as tokens
from booking_app.services import timefmt
from booking_app.services.classroom import open_room
from booking_app.services.classroom_errors import LessonNotFound, NotAMember
from booking_app.services.errors import Forbidden
from booking_app.services.seats import add_tutor_seat

LESSON_PATH = "/invite/lesson/"
CLASSROOM_PATH = "/invite/classroom/"


@dataclass(frozen=True)
class InviteLink:
    url: str
    token: str
    expires_at: str  # UTC ISO
    expires_label: str  # in the tutor's zone


def _link(path: str, token: str, expires: datetime, tz_name: str) -> InviteLink:
    zone = timefmt.zone_or_utc(tz_name)
    return InviteLink(
        url=f"{get_settings().public_url}{path}{token}",
        token=token,
        expires_at=timefmt.iso_utc(expires),
        expires_label=timefmt.instant_label(expires, zone),
    )


def create_lesson_invite(
    lesson_id: int, *, tutor_id: int, now: datetime, ttl_hours: int | None = None
) -> InviteLink:
    with read_scope() as session:
        lesson = repo.get_lesson(session=session, lesson_id=lesson_id)
        if lesson is None or lesson.tutor_id != tutor_id:
            raise LessonNotFound()
        if lesson.status is LessonStatus.cancelled:
            raise LessonNotFound("This lesson was cancelled.")
        tutor = repo.get_user(session=session, user_id=tutor_id)
    token, expires = tokens.issue_lesson_invite(lesson_id, now=now, ttl_hours=ttl_hours)
    return _link(LESSON_PATH, token, expires, tutor.timezone if tutor else "UTC")


def create_classroom_invite(
    *, tutor_id: int, now: datetime, ttl_hours: int | None = None
) -> InviteLink:
    with read_scope() as session:
        tutor = repo.get_user(session=session, user_id=tutor_id)
        if tutor is None or tutor.role is not Role.tutor:
            raise Forbidden("Only tutors invite students.")
    token, expires = tokens.issue_classroom_invite(tutor_id, now=now, ttl_hours=ttl_hours)
    return _link(CLASSROOM_PATH, token, expires, tutor.timezone)


def _take_seat(lesson_id: int, student_id: int, now: datetime) -> None:
    """An ACTIVE member without a seat gets one if the lesson has room (under the lock)."""
    with session_scope(write=True) as session:
        lesson = repo.get_lesson(session=session, lesson_id=lesson_id)
        assert lesson is not None
        schedules_repo.lock_tutor(session=session, tutor_id=lesson.tutor_id)
        if repo.is_booked_student(session=session, lesson_id=lesson_id, student_id=student_id):
            return
        if bookings_repo.seats_taken(session=session, lesson_id=lesson_id) >= lesson.capacity:
            raise Forbidden("This lesson has no free spot left.")
        student = repo.get_user(session=session, user_id=student_id)
        assert student is not None
        add_tutor_seat(session, lesson, student, now)


def accept_lesson_invite(token: str, *, user_id: int, now: datetime) -> str:
    """The room's session_uuid; InviteInvalid / InviteExpired / NotAMember otherwise."""
    claims = tokens.verify_lesson_invite(token, now=now)
    with read_scope() as session:
        lesson = repo.get_lesson(session=session, lesson_id=claims.subject_id)
        if lesson is None or lesson.status is LessonStatus.cancelled:
            raise LessonNotFound("This lesson no longer exists.")
        if lesson.ends_at <= now:
            raise LessonNotFound("This lesson has already ended.")
        inside = lesson.tutor_id == user_id or repo.is_booked_student(
            session=session, lesson_id=lesson.id or 0, student_id=user_id
        )
        member = repo.is_active_member(
            session=session, tutor_id=lesson.tutor_id, student_id=user_id
        )
    if not inside:
        if not member:
            raise NotAMember("This invite is for the tutor's students. Ask your tutor to add you.")
        _take_seat(claims.subject_id, user_id, now)
    return open_room(claims.subject_id, user_id=user_id, now=now)


def preview_classroom_invite(token: str, *, now: datetime) -> str:
    """The inviting tutor's name (the page asks before joining: no side effect on GET)."""
    claims = tokens.verify_classroom_invite(token, now=now)
    with read_scope() as session:
        tutor = repo.get_user(session=session, user_id=claims.subject_id)
        if tutor is None or tutor.role is not Role.tutor or not tutor.is_active:
            raise LessonNotFound("This classroom no longer exists.")
        return tutor.name


def accept_classroom_invite(token: str, *, user_id: int, now: datetime) -> str:
    """Make the student an ACTIVE member of the inviting tutor's classroom; the tutor's name."""
    claims = tokens.verify_classroom_invite(token, now=now)
    with session_scope(write=True) as session:
        user = repo.get_user(session=session, user_id=user_id)
        tutor = repo.get_user(session=session, user_id=claims.subject_id)
        if tutor is None or tutor.role is not Role.tutor or not tutor.is_active:
            raise LessonNotFound("This classroom no longer exists.")
        if user is None or user.role is not Role.student:
            raise Forbidden("Only students can join a classroom. Sign in with a student account.")
        bookings_repo.activate_membership(
            session=session, tutor_id=tutor.id or 0, student_id=user_id, at=now
        )
        return tutor.name
