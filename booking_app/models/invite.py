"""Invite: the server-side record of a signed invite link, and who redeemed it.

Why a record when the token is signed: a signature proves that we issued the link, not
that it should still work. The record (its id is the token's ``jti``) is what a tutor
revokes (one link, or all of them), what caps how many accounts a link admits
(``max_uses``), and, through `InviteRedemption`, what removing a student takes back: the
links that student already used stop working for them, while they keep working for
everyone else. The signature is still checked first, without the database, so a
tampered link costs no query.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import InviteKind

INVITE_ID_LENGTH = 32  # secrets.token_hex(16)


class Invite(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("max_uses IS NULL OR max_uses >= 1", name="max_uses_positive"),
        sa.CheckConstraint("uses >= 0", name="uses_not_negative"),
    )

    id: str = Field(primary_key=True, max_length=INVITE_ID_LENGTH)  # the token's jti
    kind: InviteKind = enum_column(InviteKind)
    subject_id: int  # the lesson (lesson invite) or the tutor (classroom invite)
    tutor_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = utc_field(default_now=True)
    expires_at: datetime = utc_field()
    max_uses: int | None = None  # None = any number of accounts
    uses: int = 0  # accounts that redeemed it (one redemption row each)
    revoked_at: datetime | None = utc_field(nullable=True)


class InviteRedemption(SQLModel, table=True):
    """One account's use of one invite; revoked when the tutor removes that student."""

    __tablename__ = "invite_redemption"
    __table_args__ = (sa.UniqueConstraint("invite_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    invite_id: str = Field(foreign_key="invite.id", max_length=INVITE_ID_LENGTH, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    redeemed_at: datetime = utc_field(default_now=True)
    revoked_at: datetime | None = utc_field(nullable=True)
