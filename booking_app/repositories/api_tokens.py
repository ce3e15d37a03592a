"""Personal access tokens and refresh tokens (hashes only). Keyword-only session; never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import (
    DataVersion,
    PersonalAccessToken,
    RefreshToken,
    Role,
    User,
    UserSession,
)


class TokenUserRow(NamedTuple):
    """The token's user as plain columns (no ORM loading on every API request)."""

    token_id: int
    scope: str
    last_used_at: datetime | None
    user_id: int
    name: str
    email: str
    role: str
    timezone: str


_PAT = PersonalAccessToken
# Built once: every PAT request runs it (see repositories/user_sessions.py for why).
_ACTIVE_PAT_USER = (
    sa.select(
        _PAT.id,
        _PAT.scope,
        _PAT.last_used_at,
        User.id,
        User.name,
        User.email,
        User.role,
        User.timezone,
    )  # fmt: skip
    .join(User, User.id == _PAT.user_id)  # type: ignore[arg-type]
    .where(
        _PAT.token_hash == sa.bindparam("token_hash"),
        _PAT.revoked_at.is_(None),  # type: ignore[union-attr]
        sa.or_(_PAT.expires_at.is_(None), _PAT.expires_at > sa.bindparam("now")),  # type: ignore[union-attr,operator]
        User.is_active.is_(True),  # type: ignore[attr-defined]
    )
)


# With the user's data version (0 before their first write): see user_sessions.py.
_ACTIVE_PAT_USER_VERSION = _ACTIVE_PAT_USER.add_columns(
    sa.func.coalesce(DataVersion.version, 0)
).outerjoin(DataVersion, DataVersion.user_id == User.id)  # type: ignore[arg-type]


def _pat_row(row: sa.Row[Any]) -> TokenUserRow:
    return TokenUserRow(row[0], row[1], row[2], row[3], row[4], row[5], Role(row[6]).value, row[7])


def active_pat_user(*, session: Session, token_hash: str, now: datetime) -> TokenUserRow | None:
    row = (
        session.connection()
        .execute(_ACTIVE_PAT_USER, {"token_hash": token_hash, "now": now})
        .first()
    )
    return _pat_row(row) if row is not None else None


def active_pat_user_version(
    *, connection: sa.Connection, token_hash: str, now: datetime
) -> tuple[TokenUserRow, int] | None:
    """`active_pat_user` and the user's data version, one statement on a connection."""
    row = connection.execute(
        _ACTIVE_PAT_USER_VERSION, {"token_hash": token_hash, "now": now}
    ).first()
    return (_pat_row(row), int(row[8])) if row is not None else None


def touch_pat(*, session: Session, token_id: int, now: datetime, before: datetime) -> None:
    """Last use, at most once per period: one indexed UPDATE that skips fresh rows."""
    session.execute(
        sa.update(_PAT)
        .where(
            _PAT.id == token_id,  # type: ignore[arg-type]
            sa.or_(_PAT.last_used_at.is_(None), _PAT.last_used_at < before),  # type: ignore[union-attr,operator]
        )
        .values(last_used_at=now)
    )


def add_pat(*, session: Session, row: PersonalAccessToken) -> PersonalAccessToken:
    session.add(row)
    session.flush()
    return row


def count_live_pats(*, session: Session, user_id: int, now: datetime) -> int:
    return int(
        session.execute(
            sa.select(sa.func.count())
            .select_from(_PAT)
            .where(
                _PAT.user_id == user_id,  # type: ignore[arg-type]
                _PAT.revoked_at.is_(None),  # type: ignore[union-attr]
                sa.or_(_PAT.expires_at.is_(None), _PAT.expires_at > now),  # type: ignore[union-attr,operator]
            )
        ).scalar_one()
    )


def list_pats(*, session: Session, user_id: int) -> list[PersonalAccessToken]:
    """The user's tokens not revoked (expired ones too: the list says so), newest first."""
    return list(
        session.exec(
            select(_PAT)
            .where(_PAT.user_id == user_id, _PAT.revoked_at.is_(None))  # type: ignore[union-attr]
            .order_by(_PAT.id.desc())  # type: ignore[union-attr]
        )
    )


def revoke_pat(*, session: Session, user_id: int, token_id: int, now: datetime) -> int:
    result = session.execute(
        sa.update(_PAT)
        .where(_PAT.id == token_id, _PAT.user_id == user_id, _PAT.revoked_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


def revoke_all_pats(*, session: Session, user_id: int, now: datetime) -> int:
    result = session.execute(
        sa.update(_PAT)
        .where(_PAT.user_id == user_id, _PAT.revoked_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


# --- refresh tokens ----------------------------------------------------------------------


def add_refresh(*, session: Session, row: RefreshToken) -> None:
    session.add(row)
    session.flush()


class RefreshRow(NamedTuple):
    session_id: str
    user_id: int
    used_at: datetime | None
    role: str


def live_refresh(*, session: Session, token_hash: str, now: datetime) -> RefreshRow | None:
    """The refresh token's row if its session is alive and its user active (used or not:
    the caller tells a first use from a replay)."""
    row = session.execute(
        sa.select(RefreshToken.session_id, RefreshToken.user_id, RefreshToken.used_at, User.role)
        .join(UserSession, UserSession.id == RefreshToken.session_id)  # type: ignore[arg-type]
        .join(User, User.id == RefreshToken.user_id)  # type: ignore[arg-type]
        .where(
            RefreshToken.token_hash == token_hash,  # type: ignore[arg-type]
            UserSession.user_id == RefreshToken.user_id,  # type: ignore[arg-type]
            UserSession.expires_at > now,  # type: ignore[arg-type]
            User.is_active.is_(True),  # type: ignore[attr-defined]
        )
    ).first()
    return RefreshRow(row[0], row[1], row[2], Role(row[3]).value) if row is not None else None


def mark_refresh_used(*, session: Session, token_hash: str, now: datetime) -> bool:
    """True for the one caller that uses this token first (a conditional UPDATE: two
    concurrent refreshes with one token cannot both win)."""
    result = session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.token_hash == token_hash, RefreshToken.used_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(used_at=now)
    )
    return bool(result.rowcount)


def delete_family(*, session: Session, session_id: str) -> None:
    """The whole chain and its session: the access JWT naming it is refused at once."""
    session.execute(sa.delete(RefreshToken).where(RefreshToken.session_id == session_id))  # type: ignore[arg-type]
    session.execute(sa.delete(UserSession).where(UserSession.id == session_id))  # type: ignore[arg-type]


def extend_session(*, session: Session, session_id: str, expires_at: datetime) -> None:
    session.execute(
        sa.update(UserSession).where(UserSession.id == session_id).values(expires_at=expires_at)  # type: ignore[arg-type]
    )
