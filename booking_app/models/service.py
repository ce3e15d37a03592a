"""Service: what a tutor offers (duration, price, individual/group, online/offline, trial)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import LessonMode, LessonType

# Shared by Service and Lesson: individual means exactly one seat, group at least two.
CAPACITY_RULE = (
    "(lesson_type = 'individual' AND capacity = 1) OR (lesson_type = 'group' AND capacity >= 2)"
)


class Service(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint(CAPACITY_RULE, name="capacity_matches_type"),
        sa.CheckConstraint("duration_min > 0", name="duration_positive"),
        sa.CheckConstraint("price >= 0", name="price_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tutor_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    subject_id: int | None = Field(default=None, foreign_key="subject.id")
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_type=sa.Text)
    duration_min: int = 60
    price: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(10, 2))
    lesson_type: LessonType = enum_column(LessonType, LessonType.individual)
    capacity: int = 1
    mode: LessonMode = enum_column(LessonMode, LessonMode.online)
    location: str | None = Field(default=None, max_length=255)
    meeting_url: str | None = Field(default=None, max_length=500)
    is_trial: bool = False
    is_active: bool = True
    created_at: datetime = utc_field(default_now=True)
