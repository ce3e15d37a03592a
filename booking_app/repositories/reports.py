"""Report numbers (teacher-load, subject-load) computed by the database. Keyword-only
session; never commits.

Why three grouped statements and no loop over bookings: a month of a busy school is tens
of thousands of seats; the database counts them with GROUP BY and FILTER (WHERE ...)
(both SQLite >= 3.30 and PostgreSQL), and Python only reads one row per tutor or subject
(and per status). The same statements serve both reports: only the grouping key differs
(``TUTOR_KEY`` or ``SUBJECT_KEY``). Every statement is scoped to lessons STARTING in
``[lo, hi)``; the definitions are in README "Running the school" and services/reports.py.

Lesson length in minutes needs date arithmetic, which SQL spells differently per database:
``minutes_between`` compiles to julianday() on SQLite and EXTRACT(EPOCH ...) on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from booking_app.models import (
    Booking,
    BookingKind,
    BookingSource,
    BookingStatus,
    Lesson,
    LessonStatus,
    PaymentStatus,
    Role,
    Service,
    Subject,
    TutorProfile,
    User,
)

# A seat the lesson was given to (the student came, or was expected and did not).
IN_LESSON = (BookingStatus.confirmed, BookingStatus.completed, BookingStatus.no_show)
# Seats that make a lesson "booked" for utilization (a request holds its seat too).
BOOKED = (BookingStatus.pending, *IN_LESSON)
# What the tutor expects to be paid for (as the calendar's BILLABLE).
BILLABLE = IN_LESSON
ENDED = (BookingStatus.cancelled, BookingStatus.late_cancel)

TUTOR_KEY = "tutor"
SUBJECT_KEY = "subject"


class minutes_between(FunctionElement[float]):  # noqa: N801 - used like an SQL function
    """Whole minutes from the first argument to the second (see the module docstring)."""

    type = sa.Float()
    inherit_cache = True
    name = "minutes_between"


@compiles(minutes_between)
def _minutes_pg(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"ROUND(EXTRACT(EPOCH FROM ({end} - {start})) / 60.0)"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"ROUND((julianday({end}) - julianday({start})) * 1440.0)"


def _keys(kind: str) -> tuple[list[Any], list[Any]]:
    """(columns k1 and k2, what to GROUP BY): the tutor, or the subject and the tutor's
    currency (money of different currencies is never added up)."""
    if kind == TUTOR_KEY:
        return [Lesson.tutor_id.label("k1"), sa.literal_column("''").label("k2")], [Lesson.tutor_id]
    subject = sa.func.coalesce(Service.subject_id, 0)
    currency = sa.func.coalesce(TutorProfile.currency, "")
    return [subject.label("k1"), currency.label("k2")], [subject, currency]


def _from(query: sa.Select[Any], lo: datetime, hi: datetime, tutor_id: int | None) -> Any:
    query = (
        query.outerjoin(Service, Service.id == Lesson.service_id)  # type: ignore[arg-type]
        .outerjoin(TutorProfile, TutorProfile.user_id == Lesson.tutor_id)  # type: ignore[arg-type]
        .where(Lesson.starts_at >= lo, Lesson.starts_at < hi)
    )
    return query if tutor_id is None else query.where(Lesson.tutor_id == tutor_id)


class LessonLoad(NamedTuple):
    k1: int
    k2: str
    held: int  # lessons that ended with a seat given (IN_LESSON)
    taught_min: int  # their minutes
    booked_min: int  # minutes of lessons with a seat booked (BOOKED), ended or not
    cancelled_lessons: int


def lesson_load(
    *, session: Session, kind: str, lo: datetime, hi: datetime, now: datetime, tutor_id: int | None
) -> list[LessonLoad]:
    """Per key: lessons held, minutes taught, minutes booked, lessons cancelled."""
    minutes = minutes_between(Lesson.starts_at, Lesson.ends_at)
    keys, group = _keys(kind)
    off = sa.case((Lesson.status == LessonStatus.cancelled, 1), else_=0)
    per_lesson = (
        _from(
            sa.select(
                *keys,
                Lesson.ends_at.label("ends_at"),
                off.label("off"),
                minutes.label("minutes"),
                sa.func.count(Booking.id).filter(Booking.status.in_(IN_LESSON)).label("given"),  # type: ignore[attr-defined]
                sa.func.count(Booking.id).filter(Booking.status.in_(BOOKED)).label("booked"),  # type: ignore[attr-defined]
            )
            .select_from(Lesson)
            .outerjoin(Booking, Booking.lesson_id == Lesson.id),  # type: ignore[arg-type]
            lo,
            hi,
            tutor_id,
        )
        .group_by(Lesson.id, *group)
        .subquery()
    )
    c = per_lesson.c
    live = c.off == 0
    held = sa.and_(live, c.given > 0, c.ends_at <= now)
    query = sa.select(
        c.k1,
        c.k2,
        sa.func.count().filter(held),
        sa.func.coalesce(sa.func.sum(c.minutes).filter(held), 0),
        sa.func.coalesce(sa.func.sum(c.minutes).filter(sa.and_(live, c.booked > 0)), 0),
        sa.func.count().filter(sa.not_(live)),
    ).group_by(c.k1, c.k2)
    return [
        LessonLoad(int(a), str(b), *(int(v) for v in rest))
        for a, b, *rest in session.execute(query)
    ]


class SeatLoad(NamedTuple):
    k1: int
    k2: str
    students: int  # distinct people given a seat (accounts by id, guests by phone)
    expected: Any  # Decimal: prices of BILLABLE seats
    paid: Any  # Decimal: amounts received (paid_amount, else price) of paid seats
    requests: int  # bookings made by students or guests (not added by the tutor)
    trials: int  # distinct students (or guests) with a trial booking
    converted: int  # of those, with a later live regular booking with the same tutor


def seat_load(
    *, session: Session, kind: str, lo: datetime, hi: datetime, tutor_id: int | None
) -> list[SeatLoad]:
    """Per key: the seat-level numbers (one grouped statement; see SeatLoad)."""
    person = sa.case(
        (Booking.student_id.is_not(None), sa.literal("u") + sa.cast(Booking.student_id, sa.String)),  # type: ignore[union-attr]
        else_=sa.literal("g") + Booking.client_phone,
    )
    later = aliased(Booking, name="later")
    regular_after = (
        sa.select(later.id)
        .where(
            later.tutor_id == Booking.tutor_id,
            later.student_id == Booking.student_id,
            later.kind == BookingKind.regular,
            later.status.not_in(ENDED),  # type: ignore[attr-defined]
            later.created_at >= Booking.created_at,
        )
        .exists()
    )
    trial = Booking.kind == BookingKind.trial
    paid_amount = sa.func.coalesce(Booking.paid_amount, Booking.price)
    keys, group = _keys(kind)
    query = _from(
        sa.select(
            *keys,
            sa.func.count(sa.distinct(person)).filter(Booking.status.in_(IN_LESSON)),  # type: ignore[attr-defined]
            sa.func.coalesce(sa.func.sum(Booking.price).filter(Booking.status.in_(BILLABLE)), 0),  # type: ignore[attr-defined]
            sa.func.coalesce(
                sa.func.sum(paid_amount).filter(Booking.payment_status == PaymentStatus.paid), 0
            ),
            sa.func.count(Booking.id).filter(Booking.source != BookingSource.tutor),
            sa.func.count(sa.distinct(person)).filter(trial),
            sa.func.count(sa.distinct(person)).filter(sa.and_(trial, regular_after)),
        )
        .select_from(Booking)
        .join(Lesson, Lesson.id == Booking.lesson_id),  # type: ignore[arg-type]
        lo,
        hi,
        tutor_id,
    ).group_by(*group)
    return [
        SeatLoad(int(a), str(b), int(s), e, p, int(r), int(t), int(c))
        for a, b, s, e, p, r, t, c in session.execute(query)
    ]


def status_counts(
    *, session: Session, kind: str, lo: datetime, hi: datetime, tutor_id: int | None
) -> list[tuple[int, str, str, int]]:
    """(k1, k2, booking status, count) for every status that occurs: a status added later
    (say a tutor's no-show) becomes a report column without a change here."""
    keys, group = _keys(kind)
    query = _from(
        sa.select(*keys, Booking.status, sa.func.count(Booking.id))
        .select_from(Booking)
        .join(Lesson, Lesson.id == Booking.lesson_id),  # type: ignore[arg-type]
        lo,
        hi,
        tutor_id,
    ).group_by(*group, Booking.status)
    return [
        (int(a), str(b), getattr(s, "value", str(s)), int(n))
        for a, b, s, n in session.execute(query)
    ]


class TutorName(NamedTuple):
    id: int
    name: str
    timezone: str
    currency: str


def tutors(*, session: Session, tutor_id: int | None) -> list[TutorName]:
    """Every active tutor (or the one), by name: the rows of teacher-load."""
    query = (
        sa.select(User.id, User.name, User.timezone, sa.func.coalesce(TutorProfile.currency, ""))
        .outerjoin(TutorProfile, TutorProfile.user_id == User.id)  # type: ignore[arg-type]
        .where(User.role == Role.tutor)
        .order_by(User.name, User.id)
    )
    if tutor_id is not None:
        query = query.where(User.id == tutor_id)
    else:
        query = query.where(User.is_active.is_(True))
    return [TutorName(*row) for row in session.execute(query)]


def subject_names(*, session: Session) -> dict[int, str]:
    return {int(i): str(n) for i, n in session.execute(sa.select(Subject.id, Subject.name))}
