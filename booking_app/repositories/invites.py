"""Invite records and their redemptions. Keyword-only session; never commits.

The services decide what a record means (revoked, used up, taken back); these are the
plain reads and writes, plus the row lock that serializes redemptions of one invite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import (
    Invite,
    InviteKind,
    InviteRedemption,
    Lesson,
)


def add_invite(*, session: Session, invite: Invite) -> Invite:
    session.add(invite)
    session.flush()
    return invite


def get_invite(*, session: Session, invite_id: str) -> Invite | None:
    return session.get(Invite, invite_id)


def lock_invite(*, session: Session, invite_id: str) -> Invite | None:
    """The invite row, locked on PostgreSQL until commit (SQLite: BEGIN IMMEDIATE already),
    so concurrent redemptions of one invite count its uses one after the other.

    ``populate_existing``: a second transaction that waited for the lock must see the
    first one's ``uses``, not a copy from its identity map.
    """
    query = select(Invite).where(Invite.id == invite_id).execution_options(populate_existing=True)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    return session.exec(query).first()


def redemption(*, session: Session, invite_id: str, user_id: int) -> InviteRedemption | None:
    query = select(InviteRedemption).where(
        InviteRedemption.invite_id == invite_id, InviteRedemption.user_id == user_id
    )
    return session.exec(query).first()


def add_redemption(*, session: Session, row: InviteRedemption) -> InviteRedemption:
    session.add(row)
    session.flush()
    return row


def revoke_redemptions(*, session: Session, tutor_id: int, user_id: int, at: datetime) -> int:
    """Every still-valid redemption by ``user_id`` of ``tutor_id``'s invites -> revoked."""
    of_tutor = sa.select(Invite.id).where(Invite.tutor_id == tutor_id)
    result = session.execute(
        sa.update(InviteRedemption)
        .where(
            InviteRedemption.user_id == user_id,
            InviteRedemption.revoked_at.is_(None),
            InviteRedemption.invite_id.in_(of_tutor),
        )
        .values(revoked_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _live(tutor_id: int, now: datetime) -> list[Any]:
    return [Invite.tutor_id == tutor_id, Invite.revoked_at.is_(None), Invite.expires_at > now]


class LiveInvite(NamedTuple):
    invite: Invite
    lesson_title: str | None  # the lesson columns are None for classroom invites
    starts_at: datetime | None
    ends_at: datetime | None


def live_invites(*, session: Session, tutor_id: int, now: datetime, limit: int) -> list[LiveInvite]:
    """The tutor's unrevoked, unexpired invites, newest first."""
    query = (
        sa.select(Invite, Lesson.title, Lesson.starts_at, Lesson.ends_at)
        .outerjoin(
            Lesson, sa.and_(Invite.kind == InviteKind.lesson, Lesson.id == Invite.subject_id)
        )
        .where(*_live(tutor_id, now))
        .order_by(Invite.created_at.desc(), Invite.id)
        .limit(limit)
    )
    return [LiveInvite(*row) for row in session.execute(query)]


def live_invite_count(*, session: Session, tutor_id: int, now: datetime) -> int:
    query = sa.select(sa.func.count(Invite.id)).where(*_live(tutor_id, now))
    return int(session.execute(query).scalar_one())


def revoke_all(*, session: Session, tutor_id: int, now: datetime) -> int:
    """Every unrevoked, unexpired invite of the tutor -> revoked at ``now``; how many."""
    result = session.execute(
        sa.update(Invite)
        .where(*_live(tutor_id, now))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
