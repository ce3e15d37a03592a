"""Tables for programs using the API: personal access tokens, refresh tokens, rate counters.

Only hashes are stored (sha256 of a 256-bit random secret): a copy of the database does
not hand out working tokens. A refresh token belongs to a server-side session
(`user_session`, the same row an access JWT names), so everything that ends sessions
(sign-out, sign out everywhere, password change, deactivation) ends the token family too.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import utc_field


class PersonalAccessToken(SQLModel, table=True):
    """A long-lived token a user makes on their profile page for a script or an integration.

    `scope` is "read" (GET routes only) or "write" (everything the user may do). The
    secret is shown once; `prefix` (its first characters) lets the owner tell tokens apart.
    """

    __tablename__ = "personal_access_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=80)
    scope: str = Field(max_length=8)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = utc_field(default_now=True)
    expires_at: datetime | None = utc_field(nullable=True)
    last_used_at: datetime | None = utc_field(nullable=True)
    revoked_at: datetime | None = utc_field(nullable=True)


class RefreshToken(SQLModel, table=True):
    """One link of a refresh-token chain; the chain (family) is its `user_session`.

    A token is good once: refreshing marks it used and issues the next one. Presenting a
    used token again means a copy leaked, so the whole family (the session) ends.
    """

    __tablename__ = "refresh_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    session_id: str = Field(
        max_length=64, foreign_key="user_session.id", ondelete="CASCADE", index=True
    )
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    created_at: datetime = utc_field(default_now=True)
    used_at: datetime | None = utc_field(nullable=True)


class ApiRateCounter(SQLModel, table=True):
    """Requests of one key (a token's hash or an IP) in one fixed window: the rate limit's
    shared state when no Redis is configured (every worker sees the same counts)."""

    __tablename__ = "api_rate_counter"
    __table_args__ = (sa.Index("ix_api_rate_counter_window", "window_start"),)

    key: str = Field(primary_key=True, max_length=80)
    window_start: int = Field(primary_key=True, sa_type=sa.BigInteger)
    hits: int = Field(default=0)
