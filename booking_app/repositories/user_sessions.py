"""Server-side session rows (`UserSession`). Keyword-only session; never commits."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy import delete
from sqlmodel import Session, select

from booking_app.models import DataVersion, Role, User, UserSession


def add(*, session: Session, row: UserSession) -> None:
    session.add(row)
    session.flush()


def active_user(*, session: Session, sid: str, user_id: int, now: datetime) -> User | None:
    """The active user of an unexpired session `sid` belonging to `user_id`, else None."""
    return session.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)  # type: ignore[arg-type]
        .where(
            UserSession.id == sid,
            UserSession.user_id == user_id,
            UserSession.expires_at > now,
            User.is_active.is_(True),  # type: ignore[attr-defined]
        )
    ).first()


def delete_one(*, session: Session, sid: str, user_id: int) -> int:
    result = session.execute(
        delete(UserSession).where(UserSession.id == sid, UserSession.user_id == user_id)  # type: ignore[arg-type]
    )
    return int(result.rowcount or 0)


def delete_for_user(*, session: Session, user_id: int) -> int:
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))  # type: ignore[arg-type]
    return int(result.rowcount or 0)


def delete_expired(*, session: Session, now: datetime) -> int:
    result = session.execute(delete(UserSession).where(UserSession.expires_at <= now))  # type: ignore[arg-type]
    return int(result.rowcount or 0)


class SessionUserRow(NamedTuple):
    id: int
    name: str
    email: str
    role: Role
    timezone: str


# Built once: every API request and every page load checks its session, and building the
# expression costs more CPU than SQLite takes to answer it (issue 15: /api/v1/me).
_ACTIVE_SESSION_USER = (
    sa.select(User.id, User.name, User.email, User.role, User.timezone)
    .join(UserSession, UserSession.user_id == User.id)  # type: ignore[arg-type]
    .where(
        UserSession.id == sa.bindparam("sid"),
        UserSession.user_id == sa.bindparam("user_id"),
        UserSession.expires_at > sa.bindparam("now"),
        User.is_active.is_(True),  # type: ignore[attr-defined]
    )
)


# The same check plus the user's data version (0 before their first write) in ONE indexed
# read: all the week calendar's 304 answer needs (services/api_auth.bearer_user_version).
_ACTIVE_SESSION_USER_VERSION = _ACTIVE_SESSION_USER.add_columns(
    sa.func.coalesce(DataVersion.version, 0)
).outerjoin(DataVersion, DataVersion.user_id == User.id)  # type: ignore[arg-type]


def active_session_user_version(
    *, connection: sa.Connection, sid: str, user_id: int, now: datetime
) -> tuple[SessionUserRow, int] | None:
    """`active_session_user` and the user's data version, one statement on a connection."""
    row = connection.execute(
        _ACTIVE_SESSION_USER_VERSION, {"sid": sid, "user_id": user_id, "now": now}
    ).first()
    return (SessionUserRow(*row[:5]), int(row[5])) if row is not None else None


def active_session_user(
    *, connection: sa.Connection, sid: str, user_id: int, now: datetime
) -> SessionUserRow | None:
    """`active_user` as five plain columns, one statement on a connection (no ORM)."""
    row = connection.execute(
        _ACTIVE_SESSION_USER, {"sid": sid, "user_id": user_id, "now": now}
    ).first()
    return SessionUserRow(*row) if row is not None else None
