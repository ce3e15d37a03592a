"""Invite links: to a lesson's room, and to a tutor's classroom.

Lesson invite (`/invite/lesson/<token>`): the tutor makes it from the room. Opening it
signed in as the lesson's tutor or student leads to the room; an ACTIVE member of the
tutor's classroom who holds no seat gets one when the lesson has a free spot (then the
room). Anyone else: "not a member" (the invite is not a way in for strangers).

Classroom invite (`/invite/classroom/<token>`): accepting it as a student makes their
membership of that tutor's classroom ACTIVE (again, after a removal, but only through a
link they have not used before: see below).

Records (models/invite.py). The signature is checked first, without the database
(tampered -> invite_invalid, expired -> invite_expired). Then the `invite` row named by
the token's jti must exist and match the token (else invite_invalid: this is also what
links from before records existed get), and for the account opening it:
- the tutor has not revoked it, one link or all of them (-> 410 invite_revoked);
- it has a use left if this account has not used it yet (max_uses; -> invite_revoked);
- this account's own earlier use was not taken back when the tutor removed the student
  (-> invite_revoked), even while the link still works for everyone else.
An account's first successful use writes a redemption row and counts one use, in the
same transaction as what the link grants (membership, seat) and under the invite's row
lock, so N concurrent accepts of a link with max_uses=1 admit exactly one account, and a
refused accept (full lesson, not a member) uses nothing. The lesson's own tutor following
their link uses nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import (
    Invite,
    InviteKind,
    InviteRedemption,
    Lesson,
    LessonStatus,
    MembershipStatus,
    Role,
)
from booking_app.repositories import classroom as repo
from booking_app.repositories import invites as invites_repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.scheduling import Reason
from booking_app.services import timefmt
from booking_app.services.booking.seats import add_tutor_seat
from booking_app.services.classroom import open_room
from booking_app.services.errors import (
    Forbidden,
    InviteInvalid,
    InviteRevoked,
    LessonFull,
    LessonNotFound,
    NotAMember,
    ValidationFailed,
)
from booking_app.services.invites import tokens
from booking_app.services.schedule_write import ScheduleWrite, locked_schedule

LESSON_PATH = "/invite/lesson/"
CLASSROOM_PATH = "/invite/classroom/"
MAX_USES_LIMIT = 1000
MAX_USES_MESSAGE = f"Max uses must be a whole number from 1 to {MAX_USES_LIMIT}, or empty."
USED_UP = "This invite link has already been used as many times as your tutor allowed."
TAKEN_BACK = "This invite link no longer works for your account. Ask your tutor for a new one."
NOT_A_MEMBER = "This invite is for the tutor's students. Ask your tutor to add you."


@dataclass(frozen=True)
class InviteLink:
    url: str
    token: str
    invite_id: str
    expires_at: str  # UTC ISO
    expires_label: str  # in the tutor's zone
    max_uses: int | None


def clean_max_uses(value: int | str | None) -> int | None:
    """None or "" -> no limit; otherwise 1..MAX_USES_LIMIT (ValidationFailed on max_uses)."""
    text = "" if value is None else str(value).strip()
    if text == "":
        return None
    try:
        number = int(text)
    except ValueError:
        raise ValidationFailed({"max_uses": MAX_USES_MESSAGE}) from None
    if not 1 <= number <= MAX_USES_LIMIT:
        raise ValidationFailed({"max_uses": MAX_USES_MESSAGE})
    return number


def _link(path: str, token: str, invite: Invite, tz_name: str) -> InviteLink:
    return InviteLink(
        url=f"{get_settings().public_url}{path}{token}",
        token=token,
        invite_id=invite.id,
        expires_at=timefmt.iso_utc(invite.expires_at),
        expires_label=timefmt.instant_label(invite.expires_at, timefmt.zone_or_utc(tz_name)),
        max_uses=invite.max_uses,
    )


def _new_invite(
    session: Session,
    kind: InviteKind,
    subject_id: int,
    *,
    tutor_id: int,
    now: datetime,
    ttl_hours: int | None,
    max_uses: int | None,
) -> tuple[str, Invite]:
    """A new record and the signed token naming it (jti), in the caller's transaction."""
    invite_id = tokens.new_invite_id()
    lesson = kind is InviteKind.lesson
    issue = tokens.issue_lesson_invite if lesson else tokens.issue_classroom_invite
    token, expires = issue(subject_id, invite_id=invite_id, now=now, ttl_hours=ttl_hours)
    invite = Invite(id=invite_id, kind=kind, subject_id=subject_id, tutor_id=tutor_id,
                    created_at=now, expires_at=expires, max_uses=max_uses)  # fmt: skip
    return token, invites_repo.add_invite(session=session, invite=invite)


def _issue_link(
    session: Session,
    kind: InviteKind,
    subject_id: int,
    *,
    tutor_id: int,
    tutor_tz: str,
    now: datetime,
    ttl_hours: int | None,
    max_uses: int | None,
) -> InviteLink:
    token, invite = _new_invite(session, kind, subject_id, tutor_id=tutor_id, now=now,
                                ttl_hours=ttl_hours, max_uses=max_uses)  # fmt: skip
    path = LESSON_PATH if kind is InviteKind.lesson else CLASSROOM_PATH
    return _link(path, token, invite, tutor_tz)


def create_lesson_invite(
    lesson_id: int,
    *,
    tutor_id: int,
    now: datetime,
    ttl_hours: int | None = None,
    max_uses: int | str | None = None,
) -> InviteLink:
    cap = clean_max_uses(max_uses)
    with session_scope(write=True) as session:
        lesson = lessons_repo.get_lesson(session=session, lesson_id=lesson_id)
        if lesson is None or lesson.tutor_id != tutor_id:
            raise LessonNotFound()
        if lesson.status is LessonStatus.cancelled:
            raise LessonNotFound("This lesson was cancelled.")
        tutor = repo.get_user(session=session, user_id=tutor_id)
        return _issue_link(session, InviteKind.lesson, lesson_id, tutor_id=tutor_id,
                           tutor_tz=tutor.timezone if tutor else "UTC", now=now,
                           ttl_hours=ttl_hours, max_uses=cap)  # fmt: skip


def create_classroom_invite(
    *,
    tutor_id: int,
    now: datetime,
    ttl_hours: int | None = None,
    max_uses: int | str | None = None,
) -> InviteLink:
    cap = clean_max_uses(max_uses)
    with session_scope(write=True) as session:
        tutor = repo.get_user(session=session, user_id=tutor_id)
        if tutor is None or tutor.role is not Role.tutor:
            raise Forbidden("Only tutors invite students.")
        return _issue_link(session, InviteKind.classroom, tutor_id, tutor_id=tutor_id,
                           tutor_tz=tutor.timezone, now=now, ttl_hours=ttl_hours,
                           max_uses=cap)  # fmt: skip


def _valid_record(
    session: Session, claims: tokens.InviteClaims, kind: InviteKind, *, lock: bool
) -> Invite:
    """The token's record, if it exists, matches the token and is not revoked."""
    find = invites_repo.lock_invite if lock else invites_repo.get_invite
    invite = find(session=session, invite_id=claims.invite_id)
    if invite is None or invite.kind is not kind or invite.subject_id != claims.subject_id:
        raise InviteInvalid()
    if kind is InviteKind.classroom and invite.tutor_id != invite.subject_id:
        raise InviteInvalid()
    if invite.revoked_at is not None:
        raise InviteRevoked()
    return invite


def _use_allowed(session: Session, invite: Invite, user_id: int) -> InviteRedemption | None:
    """This account's earlier use of the invite (None: first use), if it may use it now."""
    used = invites_repo.redemption(session=session, invite_id=invite.id, user_id=user_id)
    if used is not None and used.revoked_at is not None:
        raise InviteRevoked(TAKEN_BACK)
    if used is None and invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise InviteRevoked(USED_UP)
    return used


def _redeem(
    session: Session, invite: Invite, used: InviteRedemption | None, user_id: int, now: datetime
) -> None:
    """The account's first use: a redemption row and one use more (same transaction)."""
    if used is not None:
        return
    row = InviteRedemption(invite_id=invite.id, user_id=user_id, redeemed_at=now)
    invites_repo.add_redemption(session=session, row=row)
    invite.uses += 1
    session.flush()


def take_seat(write: ScheduleWrite, lesson: Lesson, student_id: int, now: datetime) -> None:
    """An ACTIVE member without a seat gets one if the engine gives it (``check_seat``:
    the lesson is live and a seat is free, counted by the same schedule load the
    booking path uses; notice and horizon do not apply to a seat the tutor gives)."""
    session = write.session
    membership = repo.lock_membership(
        session=session, tutor_id=lesson.tutor_id, student_id=student_id
    )
    if membership is None or membership.status is not MembershipStatus.active:
        raise NotAMember(NOT_A_MEMBER)
    verdict = write.seat_verdict(lesson, now)
    if verdict.reason is Reason.FULL:
        raise LessonFull(verdict.detail)
    if not verdict.ok:
        raise LessonNotFound(verdict.detail)
    student = repo.get_user(session=session, user_id=student_id)
    assert student is not None
    add_tutor_seat(write, lesson, student, now)


def accept_lesson_invite(token: str, *, user_id: int, now: datetime) -> str:
    """The room's session_uuid; InviteInvalid / InviteExpired / InviteRevoked /
    NotAMember / LessonNotFound / LessonFull otherwise."""
    claims = tokens.verify_lesson_invite(token, now=now)
    with locked_schedule() as write:
        session = write.session
        invite = _valid_record(session, claims, InviteKind.lesson, lock=True)
        lesson = lessons_repo.get_lesson(session=session, lesson_id=claims.subject_id)
        if (
            lesson is None
            or lesson.status is LessonStatus.cancelled
            or lesson.tutor_id != invite.tutor_id
        ):
            raise LessonNotFound("This lesson no longer exists.")
        if lesson.ends_at <= now:
            raise LessonNotFound("This lesson has already ended.")
        if lesson.tutor_id != user_id:
            used = _use_allowed(session, invite, user_id)
            write.lock(lesson.tutor_id)
            seated = repo.is_booked_student(
                session=session, lesson_id=lesson.id or 0, student_id=user_id
            )
            if not seated:
                take_seat(write, lesson, user_id, now)
            _redeem(session, invite, used, user_id, now)
    return open_room(claims.subject_id, user_id=user_id, now=now)


def _inviting_tutor(session: Session, invite: Invite) -> str:
    tutor = repo.get_user(session=session, user_id=invite.tutor_id)
    if tutor is None or tutor.role is not Role.tutor or not tutor.is_active:
        raise LessonNotFound("This classroom no longer exists.")
    return tutor.name


def preview_classroom_invite(token: str, *, now: datetime, user_id: int | None = None) -> str:
    """The inviting tutor's name (the page asks before joining: no side effect on GET).

    With ``user_id``, also refuses what accepting would refuse that account for (revoked
    for them, used up), so the page says so before the "Join" click."""
    claims = tokens.verify_classroom_invite(token, now=now)
    with read_scope() as session:
        invite = _valid_record(session, claims, InviteKind.classroom, lock=False)
        name = _inviting_tutor(session, invite)
        if user_id is not None and user_id != invite.tutor_id:
            _use_allowed(session, invite, user_id)
        return name


def accept_classroom_invite(token: str, *, user_id: int, now: datetime) -> str:
    """Make the student an ACTIVE member of the inviting tutor's classroom; the tutor's name."""
    claims = tokens.verify_classroom_invite(token, now=now)
    with session_scope(write=True) as session:
        invite = _valid_record(session, claims, InviteKind.classroom, lock=True)
        name = _inviting_tutor(session, invite)
        user = repo.get_user(session=session, user_id=user_id)
        if user is None or user.role is not Role.student:
            raise Forbidden("Only students can join a classroom. Sign in with a student account.")
        repo.lock_membership(session=session, tutor_id=invite.tutor_id, student_id=user_id)
        used = _use_allowed(session, invite, user_id)
        repo.activate_membership(
            session=session, tutor_id=invite.tutor_id, student_id=user_id, at=now
        )
        _redeem(session, invite, used, user_id, now)
        return name


def resolve_lesson_invite(token: str, *, user_id: int, now: datetime) -> tuple[int, str]:
    """(lesson_id, session_uuid): the API's seed-003 answer; the rules are
    `accept_lesson_invite`'s (the token was verified there; reading its lesson is free)."""
    session_uuid = accept_lesson_invite(token, user_id=user_id, now=now)
    return tokens.verify_lesson_invite(token, now=now).subject_id, session_uuid
