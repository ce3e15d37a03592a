"""A tutor's invite links: which still work, revoke one, revoke all.

Why separate from links.py: that module is about making and redeeming a link; this one
is the tutor's housekeeping over the records (My Students and the API). Every
function takes the tutor's id from the session, never from the request, and acts only on
that tutor's own invites: someone else's invite id is "not found" (no 403 leak).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking_app.db import read_scope, session_scope
from booking_app.models import InviteKind
from booking_app.models.invite import INVITE_ID_LENGTH
from booking_app.repositories import classroom as repo
from booking_app.repositories import invites as invites_repo
from booking_app.services import timefmt
from booking_app.services.errors import NotFound

LIST_LIMIT = 50
NOT_YOURS = "This invite does not exist or is not yours."


@dataclass(frozen=True)
class InviteRow:
    invite_id: str
    kind: str  # lesson | classroom
    what: str  # "Classroom" or the lesson's title and time, in the tutor's zone
    created_label: str
    expires_label: str
    uses: int
    max_uses: int  # 0 = no limit
    used_up: bool


@dataclass(frozen=True)
class InviteList:
    rows: tuple[InviteRow, ...]  # newest first, at most LIST_LIMIT
    total: int


def live_invites(tutor_id: int, *, now: datetime) -> InviteList:
    """The tutor's invites that are neither revoked nor expired (used-up ones included,
    marked: the tutor may still want to revoke them for the students who used them)."""
    with read_scope() as session:
        tutor = repo.get_user(session=session, user_id=tutor_id)
        tz = timefmt.zone_or_utc(tutor.timezone if tutor else "UTC")
        found = invites_repo.live_invites(
            session=session, tutor_id=tutor_id, now=now, limit=LIST_LIMIT
        )
        total = invites_repo.live_invite_count(session=session, tutor_id=tutor_id, now=now)
    rows = []
    for invite, title, starts_at, ends_at in found:
        if invite.kind is InviteKind.classroom:
            what = "Classroom"
        elif starts_at is None:
            what = "Lesson (no longer exists)"
        else:
            what = f"Lesson: {title or 'Lesson'}, {timefmt.span_label(starts_at, ends_at, tz)}"
        cap = invite.max_uses or 0
        rows.append(
            InviteRow(
                invite_id=invite.id,
                kind=invite.kind.value,
                what=what,
                created_label=timefmt.instant_label(invite.created_at, tz),
                expires_label=timefmt.instant_label(invite.expires_at, tz),
                uses=invite.uses,
                max_uses=cap,
                used_up=bool(cap) and invite.uses >= cap,
            )
        )
    return InviteList(tuple(rows), total)


def revoke_invite(tutor_id: int, invite_id: str, *, now: datetime) -> None:
    """The link stops working for everyone (410 invite_revoked). Revoking twice is fine."""
    invite_id = str(invite_id or "")
    if not 0 < len(invite_id) <= INVITE_ID_LENGTH:
        raise NotFound(NOT_YOURS)
    with session_scope(write=True) as session:
        invite = invites_repo.lock_invite(session=session, invite_id=invite_id)
        if invite is None or invite.tutor_id != tutor_id:
            raise NotFound(NOT_YOURS)
        if invite.revoked_at is None:
            invite.revoked_at = now
            session.flush()


def revoke_all(tutor_id: int, *, now: datetime) -> int:
    """Every link of the tutor that still works (classroom and lesson invites) is revoked;
    returns how many."""
    with session_scope(write=True) as session:
        return invites_repo.revoke_all(session=session, tutor_id=tutor_id, now=now)
