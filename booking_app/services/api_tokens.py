"""Personal access tokens: made on the profile page (or POST /api/v1/tokens), shown once.

The secret is `tbk_pat_` + 256 random bits (url-safe base64): the prefix lets secret
scanners and people recognise it. Only its sha256 is stored; looking a token up is one
indexed equality on that hash (no per-user scan, no timing oracle on the secret). The
scope is "read" (GET routes) or "write"; `api/access.py:caller` enforces it. Last use
is written by one UPDATE at most once a minute per token (`LAST_USED_EVERY`), so a busy
script does not turn every read into a write.

Deactivating a user revokes their tokens (`revoke_all_for_user`); a token of an inactive
user is refused anyway. A password change leaves tokens alone (like GitHub's): they are
separate credentials, listed and revocable one by one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from booking_app.db import read_connection, read_scope, session_scope
from booking_app.models import PersonalAccessToken
from booking_app.repositories import api_tokens as tokens_repo
from booking_app.services import validation as v
from booking_app.services.accounts import SessionUser
from booking_app.services.errors import NotFound, ValidationFailed

PAT_PREFIX = "tbk_pat_"
SCOPES = ("read", "write")
MAX_NAME = 80
MAX_DAYS = 366
MAX_LIVE_TOKENS = 50  # per user: a leaked session cannot mint tokens without bound
LAST_USED_EVERY = timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_pat(token: str | None) -> bool:
    return bool(token) and str(token).startswith(PAT_PREFIX)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What the owner sees about a token (never the secret or its hash)."""

    id: int
    name: str
    scope: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    expired: bool


@dataclass(frozen=True, slots=True)
class NewToken:
    info: TokenInfo
    secret: str  # shown once, never stored


def _info(row: PersonalAccessToken, now: datetime) -> TokenInfo:
    expired = row.expires_at is not None and row.expires_at <= now
    return TokenInfo(
        row.id or 0, row.name, row.scope, row.prefix, row.created_at, row.expires_at,
        row.last_used_at, expired,
    )  # fmt: skip


def _clean(name: str, scope: str, expires_in_days: int | None) -> tuple[str, str]:
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = "Name the token (what uses it), e.g. “accounting export”."
    elif len(name) > MAX_NAME:
        errors["name"] = f"At most {MAX_NAME} characters."
    elif v.has_control_characters(name):
        errors["name"] = "Use letters, digits and punctuation only."
    if scope not in SCOPES:
        errors["scope"] = "Choose read or write."
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_DAYS:
        errors["expires_in_days"] = f"Between 1 and {MAX_DAYS} days, or never."
    if errors:
        raise ValidationFailed(errors)
    return name, scope


def create_token(
    user_id: int, *, name: str, scope: str, expires_in_days: int | None, now: datetime
) -> NewToken:
    """A new token for the user; `secret` is the only copy (ValidationFailed on bad input)."""
    name, scope = _clean(name, scope, expires_in_days)
    secret = PAT_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=expires_in_days) if expires_in_days else None
    with session_scope(write=True) as session:
        if (
            tokens_repo.count_live_pats(session=session, user_id=user_id, now=now)
            >= MAX_LIVE_TOKENS
        ):
            raise ValidationFailed(
                {"name": f"You have {MAX_LIVE_TOKENS} tokens; revoke one you no longer use."}
            )
        row = tokens_repo.add_pat(
            session=session,
            row=PersonalAccessToken(
                user_id=user_id,
                name=name,
                scope=scope,
                token_hash=secret_hash(secret),
                prefix=secret[: len(PAT_PREFIX) + 4],
                created_at=now,
                expires_at=expires_at,
            ),  # fmt: skip
        )
        info = _info(row, now)
    return NewToken(info, secret)


def list_tokens(user_id: int, *, now: datetime) -> list[TokenInfo]:
    with read_scope() as session:
        return [_info(row, now) for row in tokens_repo.list_pats(session=session, user_id=user_id)]


def revoke_token(user_id: int, token_id: int, *, now: datetime) -> None:
    """NotFound for someone else's token or one already revoked (no existence leak)."""
    with session_scope(write=True) as session:
        if not tokens_repo.revoke_pat(session=session, user_id=user_id, token_id=token_id, now=now):
            raise NotFound("No such token.")


def revoke_all_in(session, user_id: int, *, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Inside a caller's transaction (deactivation)."""
    return tokens_repo.revoke_all_pats(session=session, user_id=user_id, now=now)


@dataclass(frozen=True, slots=True)
class TokenUser:
    user: SessionUser
    scope: str


def token_user(secret: str, *, now: datetime) -> TokenUser | None:
    """The active user and scope of a live token, else None; notes the last use."""
    digest = secret_hash(secret)
    with read_scope() as session:
        row = tokens_repo.active_pat_user(session=session, token_hash=digest, now=now)
    return _used(row, now) if row is not None else None


def token_user_version(secret: str, *, now: datetime) -> tuple[TokenUser, int] | None:
    """`token_user` and the user's data version from one read (the 304 path)."""
    with read_connection() as connection:
        found = tokens_repo.active_pat_user_version(
            connection=connection, token_hash=secret_hash(secret), now=now
        )
    return (_used(found[0], now), found[1]) if found is not None else None


def _used(row: tokens_repo.TokenUserRow, now: datetime) -> TokenUser:
    """The token's user; its last use noted at most once per LAST_USED_EVERY."""
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_EVERY:
        with session_scope(write=True) as session:
            tokens_repo.touch_pat(
                session=session, token_id=row.token_id, now=now, before=now - LAST_USED_EVERY
            )
    user = SessionUser(row.user_id, row.name, row.email, row.role, row.timezone)
    return TokenUser(user, row.scope)
