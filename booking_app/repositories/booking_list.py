"""The filtered bookings list: one query shape for the tutor's page, GET /api/v1/bookings
and the bookings CSV. Keyword-only session; never commits.

Why one module: three callers that filter "the same" bookings must agree on what a filter
means (a date range is the lesson's start, "paid" is the payment status); written once,
the page, the API and the export cannot drift. The total is a COUNT in SQL over the same
WHERE; a page is LIMIT/OFFSET; the export streams the same SELECT in batches
(``yield_per``: a server-side cursor on PostgreSQL), so 100,000 rows never sit in memory.
Scope (whose bookings) is part of the filter and is set by the service from the caller,
never from user input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from booking_app.models import Booking, Lesson, PaymentStatus, Role, Service, TutorProfile, User

Tutor = aliased(User, name="list_tutor")

SORTS: dict[str, Any] = {
    "start": Lesson.starts_at,
    "created": Booking.created_at,
    "status": Booking.status,
    "price": Booking.price,
    "name": Booking.client_name,
}
"""Sort keys a caller may name (anything else is refused by the service)."""

STREAM_BATCH = 1000


@dataclass(frozen=True)
class BookingFilter:
    """What to list. ``tutor_id`` / ``student_id`` are the scope the service derived from
    the caller (an admin may pass them as filters); the rest comes from the user."""

    tutor_id: int | None = None
    student_id: int | None = None
    starts_from: datetime | None = None  # lesson start >= (UTC)
    starts_before: datetime | None = None  # lesson start < (UTC)
    statuses: tuple[str, ...] = ()
    service_id: int | None = None
    paid: bool | None = None
    sort: str = "start"
    descending: bool = False


class BookingListRow(NamedTuple):
    """One listed booking: what the page, the API and the CSV show (never the token)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    lesson_id: int
    lesson_title: str
    service_id: int | None
    service_name: str | None
    tutor_id: int
    tutor_name: str
    student_id: int | None
    client_name: str
    client_phone: str
    client_email: str | None
    status: str
    kind: str
    source: str
    price: Decimal
    currency: str
    payment_status: str
    paid_amount: Decimal | None
    paid_at: datetime | None
    created_at: datetime


def _columns() -> list[Any]:
    return [
        Booking.id,
        Lesson.starts_at,
        Lesson.ends_at,
        Lesson.id,
        Lesson.title,
        Service.id,
        Service.name,
        Booking.tutor_id,
        Tutor.name,
        Booking.student_id,
        Booking.client_name,
        Booking.client_phone,
        Booking.client_email,
        Booking.status,
        Booking.kind,
        Booking.source,
        Booking.price,
        TutorProfile.currency,
        Booking.payment_status,
        Booking.paid_amount,
        Booking.paid_at,
        Booking.created_at,
    ]


def _where(f: BookingFilter) -> list[Any]:
    conditions: list[Any] = []
    if f.tutor_id is not None:
        # Booking's side only: also naming the lesson's tutor (the same value) made SQLite's
        # planner walk lessons by (tutor_id, starts_at) and scan bookings per lesson: a date
        # filter over 10,000 bookings took seconds.
        conditions.append(Booking.tutor_id == f.tutor_id)
    if f.student_id is not None:
        conditions.append(Booking.student_id == f.student_id)
    if f.starts_from is not None:
        conditions.append(Lesson.starts_at >= f.starts_from)
    if f.starts_before is not None:
        conditions.append(Lesson.starts_at < f.starts_before)
    if f.statuses:
        conditions.append(Booking.status.in_(f.statuses))
    if f.service_id is not None:
        conditions.append(Lesson.service_id == f.service_id)
    if f.paid is not None:
        wanted = PaymentStatus.paid if f.paid else PaymentStatus.unpaid
        conditions.append(Booking.payment_status == wanted)
    return conditions


def _order(f: BookingFilter) -> list[Any]:
    key = SORTS[f.sort]
    if f.descending:
        return [key.desc(), Booking.id.desc()]  # type: ignore[union-attr]
    return [key.asc(), Booking.id.asc()]  # type: ignore[union-attr]


def _matching() -> sa.Select[Any]:
    """Booking ids joined to their lesson: all the filters and sorts need."""
    return (
        sa.select(Booking.id).select_from(Booking).join(Lesson, Lesson.id == Booking.lesson_id)  # type: ignore[arg-type]
    )


def matching(f: BookingFilter) -> sa.ColumnElement[bool]:
    """``Booking.id IN (the bookings f matches)``, for a caller that builds its own query
    around it (the admin's Bookings list, whose query starlette-admin writes)."""
    return Booking.id.in_(_matching().where(*_where(f)))  # type: ignore[union-attr]


def _select(f: BookingFilter) -> sa.Select[Any]:
    return (
        sa.select(*_columns())
        .select_from(Booking)
        .join(Lesson, Lesson.id == Booking.lesson_id)  # type: ignore[arg-type]
        .join(Tutor, Tutor.id == Booking.tutor_id)
        .outerjoin(TutorProfile, TutorProfile.user_id == Booking.tutor_id)  # type: ignore[arg-type]
        .outerjoin(Service, Service.id == Lesson.service_id)  # type: ignore[arg-type]
        .where(*_where(f))
        .order_by(*_order(f))
    )


def _row(raw: Any) -> BookingListRow:
    values = list(raw)
    values[17] = values[17] or ""  # currency (a tutor always has a profile; be safe)
    for i in (13, 14, 15, 18):  # enums -> their plain values
        values[i] = getattr(values[i], "value", values[i])
    return BookingListRow(*values)


def count(*, session: Session, f: BookingFilter) -> int:
    """How many bookings match (COUNT in SQL over the same joins and WHERE)."""
    query = _matching().with_only_columns(sa.func.count(Booking.id)).where(*_where(f))
    return int(session.execute(query).scalar_one())


def page(*, session: Session, f: BookingFilter, limit: int, offset: int) -> list[BookingListRow]:
    """One page of the matching bookings, in the filter's order (id breaks ties).

    Two steps: the page's ids (Booking and Lesson only, sorted, LIMIT/OFFSET), then the
    full rows of those ids. In one statement the database joined the tutor, profile and
    service to every row it skipped (offset 5,000 on PostgreSQL: 60 ms -> a few ms)."""
    ids_query = _matching().where(*_where(f)).order_by(*_order(f)).limit(limit).offset(offset)
    ids = [int(i) for i in session.execute(ids_query).scalars()]
    if not ids:
        return []
    rows = {
        r[0]: _row(r) for r in session.execute(_select(BookingFilter()).where(Booking.id.in_(ids)))
    }  # type: ignore[union-attr]
    return [rows[i] for i in ids if i in rows]


def stream(*, session: Session, f: BookingFilter) -> Iterator[BookingListRow]:
    """Every matching booking, fetched ``STREAM_BATCH`` rows at a time (a server-side
    cursor on PostgreSQL): the export's source, in constant memory."""
    result = session.execute(_select(f), execution_options={"yield_per": STREAM_BATCH})
    for raw in result:
        yield _row(raw)


class OwnedBooking(NamedTuple):
    id: int
    student_id: int | None
    payment_status: str


def owned(*, session: Session, tutor_id: int, booking_ids: list[int]) -> list[OwnedBooking]:
    """Those of ``booking_ids`` that belong to the tutor, locked for update (PostgreSQL)."""
    query = (
        sa.select(Booking.id, Booking.student_id, Booking.payment_status)
        .where(Booking.id.in_(booking_ids), Booking.tutor_id == tutor_id)  # type: ignore[union-attr]
        .with_for_update()
    )
    return [OwnedBooking(i, s, getattr(p, "value", p)) for i, s, p in session.execute(query)]


def mark_paid(*, session: Session, booking_ids: list[int], now: datetime) -> int:
    """Unpaid ones of ``booking_ids`` -> paid with their price as the amount received
    (the rule of a blank amount in ``lessons.admin.set_payment``); paid ones stay as they
    are (their amount and date were recorded already). Returns how many changed."""
    query = (
        sa.update(Booking)
        .where(
            Booking.id.in_(booking_ids),  # type: ignore[union-attr]
            Booking.payment_status == PaymentStatus.unpaid,
        )
        .values(
            payment_status=PaymentStatus.paid,
            paid_amount=Booking.price,
            paid_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def student_options(*, session: Session, tutor_id: int, limit: int = 500) -> list[tuple[int, str]]:
    """(id, name) of the accounts that booked the tutor, by name: the student filter."""
    query = (
        sa.select(User.id, User.name)
        .where(
            User.id.in_(sa.select(Booking.student_id).where(Booking.tutor_id == tutor_id))  # type: ignore[union-attr]
        )
        .order_by(sa.func.lower(User.name), User.id)
        .limit(limit)
    )
    return [(int(i), str(n)) for i, n in session.execute(query)]


def tutor_options(*, session: Session, limit: int) -> list[tuple[int, str]]:
    """(id, name) of tutor accounts, by name: the admin list's tutor filter."""
    query = (
        sa.select(User.id, User.name)
        .where(User.role == Role.tutor)
        .order_by(sa.func.lower(User.name), User.id)
        .limit(limit)
    )
    return [(int(i), str(n)) for i, n in session.execute(query)]


def service_options(*, session: Session, limit: int) -> list[tuple[int, str]]:
    """(id, "Algebra (Olena Tutor)") of every service, by name then tutor: the admin
    list's service filter (names repeat across tutors, so the tutor is named)."""
    query = (
        sa.select(Service.id, Service.name, User.name)
        .join(User, User.id == Service.tutor_id)  # type: ignore[arg-type]
        .order_by(sa.func.lower(Service.name), sa.func.lower(User.name), Service.id)
        .limit(limit)
    )
    return [(int(i), f"{name} ({tutor})") for i, name, tutor in session.execute(query)]
