"""Notification: one row per message to send; the beat job scans due rows.

Unique per (booking, kind, channel), so rescheduling updates a row instead of adding one.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import NotificationChannel, NotificationStatus


class Notification(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("booking_id", "kind", "channel"),
        sa.Index("ix_notification_status_send_at", "status", "send_at"),
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
    created_at: datetime = utc_field(default_now=True)
