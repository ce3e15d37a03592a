"""Server-side sessions: open one per sign-in, check it on every use, end it on demand.

Why a table and not only the JWT: a signed JWT stays valid until it expires (8 h), so
sign-out could only forget the cookie in one browser. Each JWT names a `user_session`
row (`sid`); a token is accepted only while that row exists, is unexpired and its user is
active. Ending sessions deletes rows, which every worker process sees at once, and tells
the user's open tabs (realtime SESSIONS_ENDED) to re-check theirs and leave if ended.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from booking_app import clock, realtime
from booking_app.db import read_connection, session_scope
from booking_app.models import Role, UserSession
from booking_app.repositories import user_sessions as sessions_repo
from booking_app.services.accounts import SessionUser
from booking_app.services.session_tokens import (
    decode_session_token,
    issue_session_token,
    session_ttl,
)


def open_session(*, user_id: int, role: str, now: datetime) -> str:
    """Write a new session row and return its signed JWT (the cookie or Bearer value)."""
    with session_scope(write=True) as session:
        sid = add_session_in(session, user_id=user_id, now=now, lifetime=session_ttl())
    return issue_session_token(user_id=user_id, role=role, sid=sid, now=now)


def add_session_in(session, *, user_id: int, now: datetime, lifetime: timedelta) -> str:  # type: ignore[no-untyped-def]
    """Inside a caller's transaction: a new session row living `lifetime`; returns its id.
    (A program's session, services/api_auth.py, lives as long as its refresh tokens.)"""
    sid = secrets.token_urlsafe(32)
    sessions_repo.add(
        session=session,
        row=UserSession(id=sid, user_id=user_id, created_at=now, expires_at=now + lifetime),
    )
    return sid


def _claims(token: str | None, now: datetime | None) -> tuple[int, str] | None:
    claims = decode_session_token(token, now=now)
    return (int(claims["sub"]), str(claims["sid"])) if claims else None


def session_user(token: str | None, *, now: datetime | None = None) -> SessionUser | None:
    """The signed-in user of this token, or None: bad signature, expired, ended session
    (signed out, signed out everywhere, password changed) or deactivated user."""
    found = _claims(token, now)
    if found is None:
        return None
    user_id, sid = found
    with read_connection() as connection:
        row = sessions_repo.active_session_user(
            connection=connection, sid=sid, user_id=user_id, now=now or clock.now()
        )
    if row is None:
        return None
    return SessionUser(row.id, row.name, row.email, Role(row.role).value, row.timezone)


def session_user_version(
    token: str | None, *, now: datetime | None = None
) -> tuple[SessionUser, int] | None:
    """`session_user` and the user's data version (services/data_versions.py) from one
    indexed read on a bare connection: the week calendar's 304 answer needs no more."""
    found = _claims(token, now)
    if found is None:
        return None
    user_id, sid = found
    with read_connection() as connection:
        row = sessions_repo.active_session_user_version(
            connection=connection, sid=sid, user_id=user_id, now=now or clock.now()
        )
    if row is None:
        return None
    user, version = row
    return SessionUser(
        user.id, user.name, user.email, Role(user.role).value, user.timezone
    ), version


def end_session(token: str | None, *, now: datetime | None = None) -> int | None:
    """Sign out: end the session this token names. Returns its user id (None: nothing to
    end). The user's tabs are told, so other tabs of the same browser follow."""
    found = _claims(token, now)
    if found is None:
        return None
    user_id, sid = found
    with session_scope(write=True) as session:
        if not sessions_repo.delete_one(session=session, sid=sid, user_id=user_id):
            return None
        realtime.publish_on_commit(session, [user_id], kind=realtime.SESSIONS_ENDED)
    return user_id


def end_all_sessions_in(session, user_id: int) -> int:  # type: ignore[no-untyped-def]
    """Inside a caller's transaction (password change): end every session of the user;
    the open tabs are told only if that transaction commits."""
    ended = sessions_repo.delete_for_user(session=session, user_id=user_id)
    realtime.publish_on_commit(session, [user_id], kind=realtime.SESSIONS_ENDED)
    return ended


def end_all_sessions(user_id: int) -> int:
    """Sign out everywhere, and deactivation: every session of the user ends now."""
    with session_scope(write=True) as session:
        return end_all_sessions_in(session, user_id)


def purge_expired_sessions(*, now: datetime) -> int:
    """Housekeeping: expired rows can never be used again."""
    with session_scope(write=True) as session:
        return sessions_repo.delete_expired(session=session, now=now)
