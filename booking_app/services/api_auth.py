"""Programs signing in: access JWT + rotating refresh token, and who a Bearer token is.

`issue_tokens` checks the password through `accounts.authenticate` (the sign-in page's
throttle and attempt log, so the API is no unthrottled password oracle) and opens a
server-side session (`services.sessions`) for the program: the access JWT names it and
lives `API_ACCESS_TTL_MINUTES`; the refresh token hangs off it and the session lives as
long as the refresh chain (`API_REFRESH_TTL_DAYS`, renewed on each refresh). So sign-out
(POST /api/auth/logout with the access token), "sign out everywhere", a password change
and deactivation end a program's tokens exactly like a browser's: the access JWT is
refused at once and the refresh token no longer works.

Rotation: a refresh token is good once. The first use (a conditional UPDATE, so two
concurrent uses cannot both win) gets a new pair; a second use means a copy leaked, and
the whole family (the session and every refresh token in it) ends.

`bearer_user` resolves any credential the API accepts: a personal access token
(`services.api_tokens`, with its scope) or a session JWT (browser cookie or program).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from booking_app.config import get_settings
from booking_app.db import session_scope
from booking_app.models import RefreshToken
from booking_app.repositories import api_tokens as tokens_repo
from booking_app.services import accounts, api_tokens, sessions
from booking_app.services.errors import InvalidRefreshToken, RefreshTokenReused
from booking_app.services.session_tokens import issue_session_token

REFRESH_PREFIX = "tbk_rt_"
FULL_SCOPE = "write"


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    expires_in: int  # seconds
    refresh_token: str
    refresh_expires_in: int  # seconds


def _ttls() -> tuple[timedelta, timedelta]:
    settings = get_settings()
    return (
        timedelta(minutes=settings.api_access_ttl_minutes),
        timedelta(days=settings.api_refresh_ttl_days),
    )


def _new_refresh(session, *, sid: str, user_id: int, now: datetime) -> str:  # type: ignore[no-untyped-def]
    secret = REFRESH_PREFIX + secrets.token_urlsafe(32)
    tokens_repo.add_refresh(
        session=session,
        row=RefreshToken(
            token_hash=api_tokens.secret_hash(secret),
            session_id=sid,
            user_id=user_id,
            created_at=now,
        ),  # fmt: skip
    )
    return secret


def _pair(*, sid: str, user_id: int, role: str, refresh: str, now: datetime) -> TokenPair:
    access_ttl, refresh_ttl = _ttls()
    access = issue_session_token(user_id=user_id, role=role, sid=sid, now=now, ttl=access_ttl)
    return TokenPair(
        access, int(access_ttl.total_seconds()), refresh, int(refresh_ttl.total_seconds())
    )


def issue_tokens(email: str, password: str, *, ip: str, now: datetime) -> TokenPair:
    """A new program session for these credentials (InvalidCredentials/TooManyAttempts)."""
    user = accounts.authenticate(email, password, ip=ip, now=now)
    _, refresh_ttl = _ttls()
    with session_scope(write=True) as session:
        sid = sessions.add_session_in(session, user_id=user.id, now=now, lifetime=refresh_ttl)
        refresh = _new_refresh(session, sid=sid, user_id=user.id, now=now)
    return _pair(sid=sid, user_id=user.id, role=user.role, refresh=refresh, now=now)


def refresh_tokens(refresh_token: str, *, now: datetime) -> TokenPair:
    """Rotate: a new pair for a live, unused refresh token (see module docstring)."""
    if not (refresh_token or "").startswith(REFRESH_PREFIX):
        raise InvalidRefreshToken()
    digest = api_tokens.secret_hash(refresh_token)
    _, refresh_ttl = _ttls()
    with session_scope(write=True) as session:
        row = tokens_repo.live_refresh(session=session, token_hash=digest, now=now)
        if row is None:
            raise InvalidRefreshToken()
        first_use = row.used_at is None and tokens_repo.mark_refresh_used(
            session=session, token_hash=digest, now=now
        )
        if first_use:
            tokens_repo.extend_session(
                session=session, session_id=row.session_id, expires_at=now + refresh_ttl
            )
            refresh = _new_refresh(session, sid=row.session_id, user_id=row.user_id, now=now)
        else:
            tokens_repo.delete_family(session=session, session_id=row.session_id)
    if not first_use:  # raised after the commit: the family stays revoked
        raise RefreshTokenReused()
    return _pair(sid=row.session_id, user_id=row.user_id, role=row.role, refresh=refresh, now=now)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who presented a credential, and what it allows ("read" or "write")."""

    user: accounts.SessionUser
    scope: str


def bearer_user(token: str | None, *, now: datetime) -> Caller | None:
    """A personal access token (its scope) or a session JWT (full scope), else None."""
    if not token:
        return None
    if api_tokens.looks_like_pat(token):
        found = api_tokens.token_user(token, now=now)
        return Caller(found.user, found.scope) if found else None
    user = sessions.session_user(token, now=now)
    return Caller(user, FULL_SCOPE) if user else None


def bearer_user_version(token: str | None, *, now: datetime) -> tuple[Caller, int] | None:
    """`bearer_user` and the caller's data version (services/data_versions.py) from ONE
    indexed read: the week calendar's 304 answer (api/calendar.py) needs nothing else, and
    programs poll it. The version is read with the credential, before any body is built."""
    if not token:
        return None
    if api_tokens.looks_like_pat(token):
        pat = api_tokens.token_user_version(token, now=now)
        return (Caller(pat[0].user, pat[0].scope), pat[1]) if pat else None
    found = sessions.session_user_version(token, now=now)
    return (Caller(found[0], FULL_SCOPE), found[1]) if found else None
