"""Tables the HTTP API needs beyond the domain: data versions (cheap ETags) and
idempotency keys (safe retries of POST /api/v1/bookings).

- ``DataVersion``: one counter per user, bumped in the same transaction as every write
  that tells the user's open pages to re-read (``realtime.publish_on_commit``) or changes
  a lesson, booking, room, service or tutor name they see (services/data_versions.py),
  with ``changed_at``. The week calendar's and the calendar feeds' ETags are derived from
  it, so answering ``If-None-Match`` costs one indexed read instead of building anything.
- ``IdempotencyRecord``: a client's ``Idempotency-Key`` with a fingerprint of the request
  and the response it got, written in the same transaction as the booking it made, so a
  retry gets the same answer and never a second booking.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import utc_field


class DataVersion(SQLModel, table=True):
    """How many committed writes have touched this user's pages (no foreign key: a row
    for a deleted user is harmless and never read)."""

    __tablename__ = "data_version"

    user_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = Field(default=0, sa_type=sa.BigInteger)
    # When it last moved: a feed's Last-Modified (calendar_feeds) without an aggregate.
    changed_at: datetime | None = utc_field(nullable=True)


class IdempotencyRecord(SQLModel, table=True):
    """One ``Idempotency-Key`` of one caller (``scope``: "user:<id>" or "guest")."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=40)
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)  # sha256 of method, path and body
    status_code: int = 0  # 0 while the request that claimed the key is running
    body: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = utc_field(default_now=True, index=True)
