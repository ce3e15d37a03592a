"""Lesson: one occurrence in a tutor's calendar (the seeds' "TimeSlot").

`free_spots = capacity - seat-holding bookings`. Two non-cancelled lessons of one tutor
may not overlap: the services check it under a lock, and on PostgreSQL an exclusion
constraint (btree_gist) makes it impossible even for code that forgets to.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import (
    calendar_sequence_field,
    enum_column,
    utc_field,
)
from booking_app.models.enums import LessonMode, LessonStatus, LessonType
from booking_app.models.service import CAPACITY_RULE

EXCLUSION_NAME = "ex_lesson_tutor_no_overlap"
EXCLUSION_SQL = (
    f"ALTER TABLE lesson ADD CONSTRAINT {EXCLUSION_NAME} EXCLUDE USING gist "
    "(tutor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    "WHERE (status <> 'cancelled')"
)


class Lesson(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint(CAPACITY_RULE, name="capacity_matches_type"),
        sa.CheckConstraint("ends_at > starts_at", name="positive_length"),
        sa.Index("ix_lesson_tutor_start", "tutor_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tutor_id: int = Field(foreign_key="user.id")
    service_id: int | None = Field(default=None, foreign_key="service.id", index=True)
    title: str = Field(default="", max_length=200)
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    lesson_type: LessonType = enum_column(LessonType, LessonType.individual)
    capacity: int = 1
    mode: LessonMode = enum_column(LessonMode, LessonMode.online)
    location: str | None = Field(default=None, max_length=255)
    meeting_url: str | None = Field(default=None, max_length=500)
    price: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(10, 2))
    status: LessonStatus = enum_column(LessonStatus, LessonStatus.scheduled, index=True)
    notes: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)
    # iCalendar SEQUENCE of its event: only grows (models/calendar_sequence.py).
    calendar_sequence: int = calendar_sequence_field()


sa.event.listen(
    Lesson.__table__,  # type: ignore[attr-defined]
    "after_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
sa.event.listen(
    Lesson.__table__,  # type: ignore[attr-defined]
    "after_create",
    sa.DDL(EXCLUSION_SQL).execute_if(dialect="postgresql"),
)
