"""Notification: one row per message to send (the outbox); the beat job scans due rows.

Unique per (booking, kind, channel), so rescheduling updates a row instead of adding one.
Messages that belong to no booking (a tutor's morning digest) are unique per (user, kind)
through a partial index. `lease_until` is how a send survives a killed worker: a row that
is `claimed`/`sending` (or queued) past its lease is picked up again by the next scan.

RateSlot: the shared send budget of every worker process (Telegram allows about 30
messages/s per bot and 1/s per chat). Each row is "the next free instant" of one budget
(global, per chat, or a flood-control pause), as epoch seconds so that reserving a slot is
one `INSERT .. ON CONFLICT DO UPDATE .. RETURNING` statement on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import NotificationChannel, NotificationStatus

NO_BOOKING = "booking_id IS NULL"


class Notification(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("booking_id", "kind", "channel"),
        sa.Index("ix_notification_status_send_at", "status", "send_at"),
        sa.Index(
            "uq_notification_user_kind_no_booking",
            "user_id",
            "kind",
            unique=True,
            sqlite_where=sa.text(NO_BOOKING),
            postgresql_where=sa.text(NO_BOOKING),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int | None = Field(default=None, foreign_key="booking.id")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    kind: str = Field(max_length=40)
    channel: NotificationChannel = enum_column(NotificationChannel, NotificationChannel.telegram)
    chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    body: str = Field(default="", sa_type=sa.Text)
    send_at: datetime = utc_field()
    sent_at: datetime | None = utc_field(nullable=True)
    status: NotificationStatus = enum_column(NotificationStatus, NotificationStatus.pending)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    provider_message_id: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)


class RateSlot(SQLModel, table=True):
    __tablename__ = "rate_slot"

    key: str = Field(primary_key=True, max_length=64)
    next_at: float = Field(default=0.0, sa_type=sa.Float)
