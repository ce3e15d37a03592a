"""TutorProfile (public page + scheduling rules), Subject, and the tutor<->subject link."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import utc_field
from booking_app.models.user import User


class Subject(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    slug: str = Field(max_length=80, unique=True, index=True)


class TutorProfile(SQLModel, table=True):
    """One per tutor user; holds the rules the scheduling engine applies."""

    __tablename__ = "tutor_profile"
    __table_args__ = (
        sa.CheckConstraint("buffer_before_min >= 0 AND buffer_after_min >= 0", name="buffers"),
        sa.CheckConstraint("slot_step_min > 0", name="slot_step"),
        sa.CheckConstraint("horizon_days > 0", name="horizon"),
        sa.CheckConstraint("min_notice_min >= 0", name="notice"),
        sa.CheckConstraint(
            "max_lessons_per_day IS NULL OR max_lessons_per_day > 0", name="daily_limit"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    slug: str = Field(max_length=80, unique=True, index=True)
    headline: str = Field(default="", max_length=160)
    bio: str = Field(default="", sa_type=sa.Text)
    default_price: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(10, 2))
    currency: str = Field(default="UAH", max_length=3)
    buffer_before_min: int = 0
    buffer_after_min: int = 0
    max_lessons_per_day: int | None = None
    min_notice_min: int = 12 * 60
    horizon_days: int = 60
    slot_step_min: int = 30
    cancellation_notice_hours: int = 24
    reminder_offsets_hours: list[int] = Field(default_factory=lambda: [24, 2], sa_type=sa.JSON)
    requires_confirmation: bool = False
    # A new tutor starts hidden: publishing checks that the page can be booked (services/profile.py).
    is_published: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    external_calendar_url: str | None = Field(default=None, max_length=1000)
    external_calendar_synced_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)
    # The marketplace card's "next free" (services/next_free.py): the first slot the engine
    # offers in the next 14 days for the tutor's first active service, rewritten in the
    # transaction of every schedule change and by a periodic refresh as time passes, so a
    # search reads one column instead of running the engine per tutor (issue 15).
    # stale_at: when it must be recomputed (the slot enters the minimum notice, or, with no
    # slot found, an hour later as the window moves on); None = never computed.
    next_free_at: datetime | None = utc_field(nullable=True, index=True)
    next_free_service_id: int | None = Field(default=None)
    next_free_stale_at: datetime | None = utc_field(nullable=True, index=True)
    # Kept with it, so a search reads one row per tutor and no per-row subquery: whether
    # the tutor has an active service (listed at all) and the card's "from" price (the
    # cheapest active non-trial service, else the default price).
    listed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    list_price: Decimal | None = Field(default=None, sa_type=sa.Numeric(10, 2))
    # Grows by one in the transaction of every schedule change (with next_free_at, above):
    # the tutor page's week of slots is cached per version (services/tutor_public.py).
    schedule_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class TutorSubject(SQLModel, table=True):
    """Which subjects a tutor teaches (marketplace search by subject)."""

    __tablename__ = "tutor_subject"

    tutor_profile_id: int = Field(
        foreign_key="tutor_profile.id", primary_key=True, ondelete="CASCADE"
    )
    subject_id: int = Field(foreign_key="subject.id", primary_key=True, index=True)


def _trigram_index(name: str, column: Any) -> sa.Index:
    """PostgreSQL only: a trigram index on ``lower(column)``, which serves the marketplace's
    case-insensitive "contains" filter (``lower(x) LIKE '%...%'``, repositories/
    text_search.py) without a scan. SQLite has none (it scans; fine at its scale)."""
    expression = sa.func.lower(column).label(f"{column.key}_lower")
    return sa.Index(
        name,
        expression,
        postgresql_using="gin",
        postgresql_ops={f"{column.key}_lower": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


TRIGRAM_INDEXES = (
    _trigram_index("ix_user_name_trgm", User.name),  # type: ignore[arg-type]
    _trigram_index("ix_tutor_profile_headline_trgm", TutorProfile.headline),  # type: ignore[arg-type]
)
sa.event.listen(
    SQLModel.metadata,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
