"""Tables sign-in needs: the attempt log (throttling), redeemed login tickets, sessions.

All live in the database so the throttle survives a restart and is shared by every
worker process, a login ticket can be redeemed once only, and a session ended in one
worker (sign-out, "sign out everywhere", password change) is ended in all of them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import utc_field


class SignInAttempt(SQLModel, table=True):
    """One password check: failures feed the throttle, successes mark an IP as known."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_key", "email", "ip", "attempted_at"),
        sa.Index("ix_sign_in_attempt_ip", "ip", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    ip: str = Field(max_length=64)
    succeeded: bool = False
    attempted_at: datetime = utc_field(default_now=True)


class UsedLoginTicket(SQLModel, table=True):
    __tablename__ = "used_login_ticket"

    jti: str = Field(primary_key=True, max_length=64)
    used_at: datetime = utc_field(default_now=True)


class UserSession(SQLModel, table=True):
    """A signed-in browser or integration; the session JWT carries its id (`sid`).

    The JWT alone is not enough: a token is valid only while its row exists, so deleting
    rows ends sessions server-side before the JWT expires. Rows of deleted users go with
    them (CASCADE); expired rows are purged by housekeeping.
    """

    __tablename__ = "user_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    created_at: datetime = utc_field(default_now=True)
    expires_at: datetime = utc_field(index=True)
