"""Signed, URL-safe invite tokens with an expiry and the id of their server-side record.

Why JWT (HS256 with the app's SECRET_KEY): the token carries what it grants (the lesson or
the tutor's classroom), until when, and which `invite` row (``jti``) stands behind it;
any change to it breaks the signature, so a tampered link is refused without a database
lookup, and links survive restarts as long as the secret stays. The audience separates
the two kinds, so a classroom invite can never be replayed as a lesson invite (or as a
session cookie) and vice versa. Whether the link may still be used (revoked, used up,
taken back from a removed student) is the record's business: see invites/links.py.

Tokens issued before invites had records carry no ``jti``: they are refused as invalid
(with a message asking for a new link), never honoured without a record.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from booking_app.config import get_settings
from booking_app.models.invite import INVITE_ID_LENGTH
from booking_app.services.errors import InviteExpired, InviteInvalid

ALGORITHM = "HS256"
LESSON_AUDIENCE = "lesson-invite"
CLASSROOM_AUDIENCE = "classroom-invite"
MAX_TTL = timedelta(days=30)
LEGACY_DETAIL = "This invite link is from an older version of the site. Ask for a new one."


@dataclass(frozen=True)
class InviteClaims:
    subject_id: int  # the lesson id (lesson invite) or the tutor id (classroom invite)
    expires_at: datetime
    invite_id: str  # the `invite` row (jti)


def new_invite_id() -> str:
    """Unguessable, so ids listed to a tutor say nothing about other tutors' invites."""
    return secrets.token_hex(INVITE_ID_LENGTH // 2)


def _ttl(hours: int | None) -> timedelta:
    """Checked as a number first: timedelta(hours=10**14) raises OverflowError, not ours."""
    hours = hours if hours is not None else get_settings().invite_ttl_hours
    if not 0 < hours <= MAX_TTL / timedelta(hours=1):
        raise InviteInvalid("An invite must be valid for between 1 hour and 30 days.")
    return timedelta(hours=hours)


def _issue(
    audience: str, subject_id: int, invite_id: str, now: datetime, hours: int | None
) -> tuple[str, datetime]:
    """The token and its expiry, in whole seconds as the token's ``exp`` holds it (the
    record stores the same instant)."""
    expires = (now + _ttl(hours)).replace(microsecond=0)
    claims = {"sub": str(subject_id), "aud": audience, "jti": invite_id, "iat": now, "exp": expires}
    return jwt.encode(claims, get_settings().secret_key, algorithm=ALGORITHM), expires


def _verify(token: str, audience: str, now: datetime) -> InviteClaims:
    """Signature and audience first (tampered -> invalid), then the record id (none ->
    invalid: a link from before records existed), then the expiry against ``now``."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token or "",
            get_settings().secret_key,
            [ALGORITHM],
            audience=audience,
            options={"require": ["exp", "sub", "aud"], "verify_exp": False, "verify_iat": False},
        )
        subject_id = int(claims["sub"])
        expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, OverflowError, OSError):
        raise InviteInvalid() from None
    invite_id = claims.get("jti")
    if not isinstance(invite_id, str) or not 0 < len(invite_id) <= INVITE_ID_LENGTH:
        raise InviteInvalid(LEGACY_DETAIL)
    if now.timestamp() >= int(claims["exp"]):
        raise InviteExpired()
    return InviteClaims(subject_id, expires_at, invite_id)


def issue_lesson_invite(
    lesson_id: int, *, invite_id: str, now: datetime, ttl_hours: int | None = None
) -> tuple[str, datetime]:
    return _issue(LESSON_AUDIENCE, lesson_id, invite_id, now, ttl_hours)


def verify_lesson_invite(
    token: str, *, now: datetime, lesson_id: int | None = None
) -> InviteClaims:
    """The lesson the token grants; with ``lesson_id`` also that it is THAT lesson's."""
    claims = _verify(token, LESSON_AUDIENCE, now)
    if lesson_id is not None and claims.subject_id != lesson_id:
        raise InviteInvalid("This invite is for another lesson.")
    return claims


def issue_classroom_invite(
    tutor_id: int, *, invite_id: str, now: datetime, ttl_hours: int | None = None
) -> tuple[str, datetime]:
    return _issue(CLASSROOM_AUDIENCE, tutor_id, invite_id, now, ttl_hours)


def verify_classroom_invite(token: str, *, now: datetime) -> InviteClaims:
    return _verify(token, CLASSROOM_AUDIENCE, now)
