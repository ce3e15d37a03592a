"""Signed session tokens: the session JWT (httpOnly cookie) and the 30-second login ticket.

(Invite links have their own tokens: services/invites/tokens.py.)

Why a ticket: Reflex event handlers cannot set httpOnly cookies, so a handler that
checked the password hands the browser a short-lived, single-use ticket, and an HTTP
route swaps it for the cookie. The session JWT never enters Reflex state.

A session JWT names its server-side session (`sid`); a good signature is necessary but
not sufficient: `services.sessions` also checks that the session still exists.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

import jwt

from booking_app import clock
from booking_app.config import get_settings

SESSION_COOKIE = "session"
SESSION_AUDIENCE = "session"
TICKET_AUDIENCE = "login-ticket"
TICKET_TTL = timedelta(seconds=30)
ALGORITHM = "HS256"


def _encode(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, get_settings().secret_key, algorithm=ALGORITHM)


def _decode(
    token: str, audience: str, now: datetime | None, require: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """Claims of a well-signed token whose time window holds `now` (default: the app's
    clock; PyJWT's own check would read the wall clock behind `booking_app.clock`)."""
    options: dict[str, Any] = {
        "require": ["exp", "sub", "aud", *require],
        "verify_exp": False,
        "verify_iat": False,
        "verify_nbf": False,
    }
    try:
        claims = jwt.decode(
            token, get_settings().secret_key, [ALGORITHM], audience=audience, options=options
        )
        moment = (now or clock.now()).timestamp()
        if not float(claims.get("iat", 0)) - 5 <= moment < float(claims["exp"]):
            return None
    except (jwt.PyJWTError, TypeError, ValueError):
        return None
    return claims


def session_ttl() -> timedelta:
    return timedelta(hours=get_settings().session_ttl_hours)


def issue_session_token(
    *, user_id: int, role: str, sid: str, now: datetime, ttl: timedelta | None = None
) -> str:
    """Only `services.sessions` should call this (it writes the `sid` row). `ttl`: a
    program's access token lives minutes (services/api_auth.py), a browser's the session."""
    return _encode(
        {
            "sub": str(user_id),
            "sid": sid,
            "role": role,
            "aud": SESSION_AUDIENCE,
            "iat": now,
            "exp": now + (ttl or session_ttl()),
        }
    )


def decode_session_token(
    token: str | None, *, now: datetime | None = None
) -> dict[str, Any] | None:
    """Claims of a well-signed, unexpired session token that names a session, else None
    (never raises). Whether that session still exists is `services.sessions`' question."""
    claims = _decode(token, SESSION_AUDIENCE, now, ("sid",)) if token else None
    if claims is None or not isinstance(claims.get("sid"), str) or not claims["sid"]:
        return None
    try:
        int(claims["sub"])
    except (TypeError, ValueError):
        return None
    return claims


def issue_login_ticket(*, user_id: int, now: datetime) -> str:
    return _encode(
        {
            "sub": str(user_id),
            "aud": TICKET_AUDIENCE,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + TICKET_TTL,
        }
    )


def decode_login_ticket(ticket: str, *, now: datetime | None = None) -> tuple[int, str] | None:
    """(user_id, jti) of a valid ticket, else None. Single use is enforced by accounts."""
    claims = _decode(ticket, TICKET_AUDIENCE, now) if ticket else None
    if claims is None or not claims.get("jti"):
        return None
    return int(claims["sub"]), str(claims["jti"])


def session_token_from_cookie_header(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # malformed header from a client: treat as signed out
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None
