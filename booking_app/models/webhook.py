"""Webhooks: endpoints that tutors (their own bookings and lessons) and admins (everyone's)
register, and one delivery row per (endpoint, event): the outbox of outgoing HTTP calls.

Why rows and not queue messages: a delivery is written in the transaction of the change
(a rolled-back booking never calls anyone), survives a killed worker (`lease_until`, as
for notifications) and is the log the page shows. `subject` ("booking:12", "lesson:7")
keeps one booking's or lesson's events in order: a delivery is sent only when no earlier
delivery of the same endpoint and subject is still pending or in flight.

The endpoint's secret is stored encrypted with a key derived from SECRET_KEY
(services/webhooks/secrets.py): HMAC needs the secret itself, so it can't be hashed.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import WebhookDeliveryStatus


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)  # who manages it
    # Whose events it receives: the owning tutor's; None = every tutor's (an admin's).
    tutor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    url: str = Field(max_length=500)
    events: str = Field(default="", max_length=500)  # space-separated event types
    secret_encrypted: str = Field(max_length=500)
    active: bool = Field(default=True)
    consecutive_failures: int = 0
    disabled_reason: str | None = Field(default=None, max_length=500)
    disabled_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_delivery_subject", "endpoint_id", "subject", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), nullable=False
        )
    )
    event_id: str = Field(max_length=40)  # X-Webhook-Id: the same on every retry
    event_type: str = Field(max_length=40)
    subject: str = Field(max_length=40)  # "booking:12" / "lesson:7": the order key
    payload: str = Field(sa_type=sa.Text)  # the exact body sent (and signed)
    status: WebhookDeliveryStatus = enum_column(
        WebhookDeliveryStatus, WebhookDeliveryStatus.pending
    )
    attempts: int = 0
    next_attempt_at: datetime = utc_field()
    lease_until: datetime | None = utc_field(nullable=True)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    last_attempt_at: datetime | None = utc_field(nullable=True)
    delivered_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)
