"""Connected calendars (issue 17): external iCal feeds and CalDAV accounts of a tutor.

- ``CalendarSource``: one feed URL (kind ``ical``) or one CalDAV account (kind ``caldav``:
  server, user, app password encrypted with a key derived from SECRET_KEY, the calendar
  lessons are pushed to and the calendars pulled as busy time). Its health (last sync,
  event count, last error, consecutive failures) is what the tutor's page and the admin
  list show. The feed URL is itself a secret (Google's "secret address"), so views only
  ever show its host.
- Imported busy time is ordinary ``busy_block`` rows (source ``external``) pointing at
  their source, so the one scheduling engine sees them; a refresh replaces them at once.
- ``CalendarPush``: the outbox of the CalDAV push, one pending row per account ("the
  tutor's lessons changed"), written in the transaction of the lesson change; Celery
  sends the difference between the lessons and ``CalendarPushedEvent`` (what the server
  holds), re-read right before sending, so a row is idempotent and coalesces bursts.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field

PENDING_PUSH = "status = 'pending'"


class CalendarKind(str, Enum):
    ical = "ical"
    caldav = "caldav"


class CalendarSource(SQLModel, table=True):
    __tablename__ = "calendar_source"

    id: int | None = Field(default=None, primary_key=True)
    tutor_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    kind: CalendarKind = enum_column(CalendarKind, CalendarKind.ical)
    name: str = Field(default="", max_length=100)
    url: str = Field(max_length=2000)  # feed URL (a secret) or CalDAV server URL
    username: str | None = Field(default=None, max_length=200)
    secret_enc: str | None = Field(default=None, sa_type=sa.Text)  # Fernet token
    push_calendar: str | None = Field(default=None, max_length=2000)
    pull_calendars: str = Field(default="", sa_type=sa.Text)  # one calendar URL a line
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    last_attempt_at: datetime | None = utc_field(nullable=True)
    last_success_at: datetime | None = utc_field(nullable=True)
    next_refresh_at: datetime | None = utc_field(nullable=True, index=True)
    event_count: int = 0
    failures: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    broken_notified: bool = False
    push_error: str | None = Field(default=None, max_length=1000)
    pushed_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)


class CalendarPush(SQLModel, table=True):
    __tablename__ = "calendar_push"
    __table_args__ = (
        sa.Index(
            "uq_calendar_push_pending_source",
            "source_id",
            unique=True,
            sqlite_where=sa.text(PENDING_PUSH),
            postgresql_where=sa.text(PENDING_PUSH),
        ),
        sa.Index("ix_calendar_push_status_send_after", "status", "send_after"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="calendar_source.id", ondelete="CASCADE")
    status: str = Field(default="pending", max_length=10)  # pending | sent
    send_after: datetime = utc_field()
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = utc_field(default_now=True)
    sent_at: datetime | None = utc_field(nullable=True)


class CalendarPushedEvent(SQLModel, table=True):
    """One lesson as the CalDAV server holds it (its href and what we last sent)."""

    __tablename__ = "calendar_pushed_event"
    __table_args__ = (sa.UniqueConstraint("source_id", "lesson_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="calendar_source.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE", index=True)
    uid: str = Field(max_length=255)
    href: str = Field(max_length=2000)
    fingerprint: str = Field(max_length=64)
