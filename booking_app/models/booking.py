"""Booking: one seat in a lesson, held by a student or a guest.

A trial request is a pending trial Booking. Pending and confirmed bookings both hold
their seat. `booking_token` (UUID4) is the capability behind the private link.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import (
    calendar_sequence_field,
    enum_column,
    utc_field,
)
from booking_app.models.enums import BookingKind, BookingSource, BookingStatus, PaymentStatus

TRIAL_INDEX = "uq_booking_one_trial_per_student"
"""One live trial per student per tutor; services translate its IntegrityError."""


def new_booking_token() -> str:
    return str(uuid.uuid4())


class Booking(SQLModel, table=True):
    __table_args__ = (
        sa.Index("ix_booking_tutor_created", "tutor_id", "created_at"),
        sa.Index("ix_booking_lesson_status", "lesson_id", "status"),
        # One live trial per student per tutor (declined/cancelled ones don't count).
        sa.Index(
            TRIAL_INDEX,
            "tutor_id",
            "student_id",
            unique=True,
            sqlite_where=sa.text(
                "kind = 'trial' AND student_id IS NOT NULL "
                "AND status IN ('pending', 'confirmed', 'completed', 'no_show')"
            ),
            postgresql_where=sa.text(
                "kind = 'trial' AND student_id IS NOT NULL "
                "AND status IN ('pending', 'confirmed', 'completed', 'no_show')"
            ),
        ),
        sa.CheckConstraint("price >= 0", name="price_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id")
    tutor_id: int = Field(foreign_key="user.id")
    student_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    client_name: str = Field(max_length=120)
    client_phone: str = Field(max_length=20)
    client_email: str | None = Field(default=None, max_length=254)
    telegram_username: str | None = Field(default=None, max_length=33, index=True)
    telegram_chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    status: BookingStatus = enum_column(BookingStatus, BookingStatus.pending, index=True)
    kind: BookingKind = enum_column(BookingKind, BookingKind.regular)
    source: BookingSource = enum_column(BookingSource, BookingSource.marketplace)
    price: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(10, 2))
    payment_status: PaymentStatus = enum_column(PaymentStatus, PaymentStatus.unpaid)
    paid_amount: Decimal | None = Field(default=None, sa_type=sa.Numeric(10, 2))
    paid_at: datetime | None = utc_field(nullable=True)
    booking_token: str = Field(
        default_factory=new_booking_token, max_length=36, unique=True, index=True
    )
    status_reason: str | None = Field(default=None, max_length=500)
    notes: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)
    confirmed_at: datetime | None = utc_field(nullable=True)
    cancelled_at: datetime | None = utc_field(nullable=True)
    # Who ended it: "tutor" (a declined request), "client" (the private link: a pending
    # request withdrawn, a lesson cancelled); None for older rows and other paths. Pages
    # say "Declined - pick another time" / "Withdrawn" instead of a bare "Cancelled".
    cancelled_by: str | None = Field(default=None, max_length=8)
    # iCalendar SEQUENCE of its event: only grows (models/calendar_sequence.py).
    calendar_sequence: int = calendar_sequence_field()
