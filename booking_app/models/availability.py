"""Availability: weekly windows, date overrides and busy blocks of a tutor.

Windows and overrides are local wall times in the tutor's timezone (a 09:00 window stays
09:00 across DST); busy blocks are UTC instants (manual or imported from a feed).
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import BusySource


class AvailabilityWindow(SQLModel, table=True):
    __tablename__ = "availability_window"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.Index("ix_availability_window_tutor_weekday", "tutor_id", "weekday"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tutor_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    weekday: int  # 0 = Monday
    start_time: time
    end_time: time  # 00:00 means midnight at the end of the day


class AvailabilityOverride(SQLModel, table=True):
    """Rows for one date replace that weekday's windows; a row with no times = closed day."""

    __tablename__ = "availability_override"
    __table_args__ = (sa.Index("ix_availability_override_tutor_day", "tutor_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    tutor_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    day: date
    start_time: time | None = None
    end_time: time | None = None


class BusyBlock(SQLModel, table=True):
    __tablename__ = "busy_block"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="positive_length"),
        sa.Index("ix_busy_block_tutor_start", "tutor_id", "starts_at"),
        sa.UniqueConstraint("tutor_id", "external_uid", name="uq_busy_block_tutor_external_uid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tutor_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    title: str = Field(default="Busy", max_length=200)
    source: BusySource = enum_column(BusySource, BusySource.manual)
    external_uid: str | None = Field(default=None, max_length=255)
    # Imported rows (issue 17) belong to their connected calendar and go with it.
    calendar_source_id: int | None = Field(
        default=None, foreign_key="calendar_source.id", ondelete="CASCADE", index=True
    )
