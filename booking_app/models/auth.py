"""Tables sign-in needs: failed-attempt log (throttling) and redeemed login tickets.

Both live in the database so the throttle survives a restart and is shared by every
worker process, and a login ticket can be redeemed once only.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import utc_field


class SignInAttempt(SQLModel, table=True):
    __tablename__ = "sign_in_attempt"
    __table_args__ = (sa.Index("ix_sign_in_attempt_key", "email", "ip", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    ip: str = Field(max_length=64)
    succeeded: bool = False
    attempted_at: datetime = utc_field(default_now=True)


class UsedLoginTicket(SQLModel, table=True):
    __tablename__ = "used_login_ticket"

    jti: str = Field(primary_key=True, max_length=64)
    used_at: datetime = utc_field(default_now=True)
