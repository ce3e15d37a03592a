"""Rows of the lessons and students CSV exports, aggregated by the database and streamed.
Keyword-only session; never commits.

Why here and not in the list repositories: an export is every row at once, so each query
is one grouped SELECT (seats and money counted with FILTER, per lesson or per person)
read with ``yield_per`` (a server-side cursor on PostgreSQL): constant memory however
many rows. Scope (``tutor_id`` None = every tutor) is decided by the service.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from booking_app.models import Booking, Lesson, PaymentStatus, Service, User
from booking_app.repositories.reports import BILLABLE, BOOKED, IN_LESSON

Tutor = aliased(User, name="export_tutor")
BATCH = 1000


def _stream(session: Session, query: Any) -> Iterator[tuple[Any, ...]]:
    for row in session.execute(query, execution_options={"yield_per": BATCH}):
        yield tuple(getattr(v, "value", v) for v in row)


def lessons(
    *, session: Session, tutor_id: int | None, lo: datetime, hi: datetime
) -> Iterator[tuple[Any, ...]]:
    """Lessons starting in ``[lo, hi)``, by start: id, start, end, title, service, tutor,
    type, mode, capacity, seats held, seats given, status, price, revenue expected."""
    query = (
        sa.select(
            Lesson.id,
            Lesson.starts_at,
            Lesson.ends_at,
            Lesson.title,
            Service.name,
            Tutor.name,
            Lesson.lesson_type,
            Lesson.mode,
            Lesson.capacity,
            sa.func.count(Booking.id).filter(Booking.status.in_(BOOKED)),  # type: ignore[attr-defined]
            sa.func.count(Booking.id).filter(Booking.status.in_(IN_LESSON)),  # type: ignore[attr-defined]
            Lesson.status,
            Lesson.price,
            sa.func.coalesce(sa.func.sum(Booking.price).filter(Booking.status.in_(BILLABLE)), 0),  # type: ignore[attr-defined]
        )
        .select_from(Lesson)
        .join(Tutor, Tutor.id == Lesson.tutor_id)
        .outerjoin(Service, Service.id == Lesson.service_id)  # type: ignore[arg-type]
        .outerjoin(Booking, Booking.lesson_id == Lesson.id)  # type: ignore[arg-type]
        .where(Lesson.starts_at >= lo, Lesson.starts_at < hi)
        .group_by(Lesson.id, Service.id, Service.name, Tutor.id, Tutor.name)
        .order_by(Lesson.starts_at, Lesson.id)
    )
    if tutor_id is not None:
        query = query.where(Lesson.tutor_id == tutor_id)
    return _stream(session, query)


def students(*, session: Session, tutor_id: int | None) -> Iterator[tuple[Any, ...]]:
    """One row per person who booked (per tutor): tutor, name, email, phone, has an
    account, bookings, seats given, paid total, first and last lesson start. Accounts
    are one person by id; guests by phone."""
    guest_phone = sa.case((Booking.student_id.is_(None), Booking.client_phone), else_="")  # type: ignore[union-attr]
    paid = sa.func.coalesce(Booking.paid_amount, Booking.price)
    query = (
        sa.select(
            Tutor.name,
            sa.func.coalesce(User.name, sa.func.max(Booking.client_name)),
            sa.func.coalesce(User.email, sa.func.max(Booking.client_email)),
            sa.func.coalesce(User.phone, sa.func.max(Booking.client_phone)),
            User.id.is_not(None),  # type: ignore[union-attr]
            sa.func.count(Booking.id),
            sa.func.count(Booking.id).filter(Booking.status.in_(IN_LESSON)),  # type: ignore[attr-defined]
            sa.func.coalesce(
                sa.func.sum(paid).filter(Booking.payment_status == PaymentStatus.paid), 0
            ),
            sa.func.min(Lesson.starts_at),
            sa.func.max(Lesson.starts_at),
        )
        .select_from(Booking)
        .join(Lesson, Lesson.id == Booking.lesson_id)  # type: ignore[arg-type]
        .join(Tutor, Tutor.id == Booking.tutor_id)
        .outerjoin(User, User.id == Booking.student_id)  # type: ignore[arg-type]
        .group_by(Tutor.id, Tutor.name, User.id, User.name, User.email, User.phone, guest_phone)
        .order_by(
            Tutor.name,
            Tutor.id,
            sa.func.lower(sa.func.coalesce(User.name, sa.func.max(Booking.client_name))),
        )
    )
    if tutor_id is not None:
        query = query.where(Booking.tutor_id == tutor_id)
    return _stream(session, query)
