"""User: everyone who signs in (students, tutors, admins)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import Role


class User(SQLModel, table=True):
    """Email is stored lower-cased (unique), phone in E.164, timezone as an IANA name."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    phone: str = Field(max_length=20)
    name: str = Field(max_length=120)
    role: Role = enum_column(Role, Role.student, index=True)
    timezone: str = Field(default="UTC", max_length=64)
    telegram_username: str | None = Field(default=None, max_length=33, index=True)
    telegram_chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    # The calendar feed's secret, stored as its SHA-256 (hex): the URL itself is shown once
    # (services/calendar_feeds.py). NULL = no feed. Rotating replaces it, so the old URL
    # stops at once.
    calendar_token: str | None = Field(default=None, max_length=64, unique=True)
    calendar_token_created_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)
