"""The bookings list (filters, sort, pages, total), its CSV export and bulk "mark paid".

Who sees what is decided here, from the caller the route or page proved, never from the
query: a student lists their own bookings, a tutor theirs, an admin everyone's (and may
filter by tutor or student). The tutor's page, GET /api/v1/bookings and
GET /api/v1/bookings/export.csv all call ``list_query`` -> repositories/booking_list, so a
filter means the same thing everywhere. Dates are calendar days in the viewer's zone
(services/periods.py), inclusive.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from booking_app.db import read_scope, session_scope
from booking_app.integrations.csv_export import excel_csv_stream
from booking_app.models import BookingStatus
from booking_app.realtime import publish_on_commit
from booking_app.repositories import booking_list as repo
from booking_app.repositories.booking_list import BookingFilter, BookingListRow
from booking_app.services import periods, timefmt
from booking_app.services.errors import Forbidden, NotFound, ValidationFailed

DEFAULT_LIMIT = 25
MAX_LIMIT = 200
MAX_BULK = 500
STATUSES = tuple(s.value for s in BookingStatus)
PAID_CHOICES = {"": None, "paid": True, "unpaid": False}
MAX_OPTIONS = 1000  # more tutors / services than this: the admin's filter takes an id
NOT_YOURS = "Some of these bookings are not yours (or no longer exist); nothing was changed."

CSV_HEADER = (
    "Booking",
    "Lesson start",
    "Lesson end",
    "Lesson",
    "Service",
    "Tutor",
    "Student",
    "Phone",
    "Email",
    "Status",
    "Kind",
    "Source",
    "Price",
    "Currency",
    "Payment",
    "Paid amount",
    "Paid at",
    "Booked at",
)


@dataclass(frozen=True)
class ListQuery:
    """What the user asked for, as typed (validated by ``to_filter``). ``date_from`` and
    ``date_to`` are YYYY-MM-DD in the viewer's zone; ``sort`` is a key of
    ``repositories.booking_list.SORTS``, "-" first for descending."""

    date_from: str = ""
    date_to: str = ""
    statuses: tuple[str, ...] = ()
    service_id: int | None = None
    tutor_id: int | None = None
    student_id: int | None = None
    paid: str = ""
    sort: str = "start"
    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class Viewer:
    """Who is asking (from the session, never from the request's parameters)."""

    user_id: int
    role: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class BookingPage:
    total: int
    limit: int
    offset: int
    rows: list[BookingListRow] = field(default_factory=list)


def _scope(viewer: Viewer, q: ListQuery) -> tuple[int | None, int | None]:
    """(tutor_id, student_id) the caller may see, narrowed by their own filters."""
    if viewer.role == "admin":
        return q.tutor_id, q.student_id
    if viewer.role == "tutor":
        return viewer.user_id, q.student_id
    if viewer.role == "student":
        return q.tutor_id, viewer.user_id
    raise Forbidden("Only signed-in students, tutors and admins can list bookings.")


def to_filter(viewer: Viewer, q: ListQuery) -> BookingFilter:
    """The repository's filter for this viewer, or ValidationFailed naming the field."""
    tutor_id, student_id = _scope(viewer, q)
    tz = timefmt.zone_or_utc(viewer.timezone)
    lo = hi = None
    if q.date_from:
        lo = periods.midnight(periods.parse_day(q.date_from, "from"), tz)
    if q.date_to:
        last = periods.parse_day(q.date_to, "to")
        hi = periods.days(last, last, tz).hi
    if lo is not None and hi is not None and hi <= lo:
        raise ValidationFailed({"to": "The end date is before the start date."})
    unknown = [s for s in q.statuses if s not in STATUSES]
    if unknown:
        raise ValidationFailed({"status": f"Unknown status; use {', '.join(STATUSES)}."})
    if q.paid not in PAID_CHOICES:
        raise ValidationFailed({"paid": "Use paid or unpaid (or leave it empty)."})
    descending = q.sort.startswith("-")
    sort = q.sort.removeprefix("-") or "start"
    if sort not in repo.SORTS:
        raise ValidationFailed({"sort": f"Sort by one of: {', '.join(repo.SORTS)}."})
    return BookingFilter(
        tutor_id=tutor_id,
        student_id=student_id,
        starts_from=lo,
        starts_before=hi,
        statuses=tuple(dict.fromkeys(q.statuses)),
        service_id=q.service_id,
        paid=PAID_CHOICES[q.paid],
        sort=sort,
        descending=descending,
    )


def where_clause(viewer: Viewer, q: ListQuery) -> Any:
    """The SQL condition "a booking this viewer's list shows for ``q``", for a list that
    writes its own query (the admin panel's Bookings list): built by ``to_filter`` and the
    same repository, so its filters mean what they mean on the tutor's page, the API and
    the export. ValidationFailed as ``to_filter``."""
    return repo.matching(to_filter(viewer, q))


@dataclass(frozen=True)
class FilterOptions:
    """Choices of the admin list's tutor and service filters; None when there are more
    than MAX_OPTIONS (a dropdown that long helps nobody: the filter takes an id then)."""

    tutors: list[tuple[int, str]] | None
    services: list[tuple[int, str]] | None


def filter_options() -> FilterOptions:
    """Every tutor and every service as (id, label), for the admin's filter builder."""
    with read_scope() as session:
        tutors = repo.tutor_options(session=session, limit=MAX_OPTIONS + 1)
        services = repo.service_options(session=session, limit=MAX_OPTIONS + 1)
    return FilterOptions(
        tutors if len(tutors) <= MAX_OPTIONS else None,
        services if len(services) <= MAX_OPTIONS else None,
    )


def list_bookings(viewer: Viewer, q: ListQuery) -> BookingPage:
    """One page of the viewer's bookings and how many match in all (two statements)."""
    if not 1 <= q.limit <= MAX_LIMIT:
        raise ValidationFailed({"limit": f"Show between 1 and {MAX_LIMIT} bookings a page."})
    if q.offset < 0:
        raise ValidationFailed({"offset": "The offset cannot be negative."})
    f = to_filter(viewer, q)
    with read_scope() as session:
        total = repo.count(session=session, f=f)
        rows = repo.page(session=session, f=f, limit=q.limit, offset=q.offset) if total else []
    return BookingPage(total=total, limit=q.limit, offset=q.offset, rows=rows)


def _csv_cells(row: BookingListRow) -> tuple[object, ...]:
    return (
        row.id,
        row.starts_at,
        row.ends_at,
        row.lesson_title,
        row.service_name,
        row.tutor_name,
        row.client_name,
        row.client_phone,
        row.client_email,
        row.status,
        row.kind,
        row.source,
        row.price,
        row.currency,
        row.payment_status,
        row.paid_amount,
        row.paid_at,
        row.created_at,
    )


def export_csv(viewer: Viewer, q: ListQuery) -> Iterator[bytes]:
    """The viewer's bookings matching ``q`` (every page, in its order) as Excel-dialect CSV
    chunks (integrations/csv_export.py). The filter is checked now, so a bad one is a 422
    before any byte is sent; the rows are read while the response streams, in batches."""
    f = to_filter(viewer, q)
    tz = timefmt.zone_or_utc(viewer.timezone)

    def chunks() -> Iterator[bytes]:
        with read_scope() as session:
            rows = (_csv_cells(r) for r in repo.stream(session=session, f=f))
            yield from excel_csv_stream(CSV_HEADER, rows, tz=tz)

    return chunks()


def mark_paid(tutor_id: int, booking_ids: Sequence[int], *, now: datetime) -> int:
    """Mark the tutor's bookings paid (amount = price; already paid ones unchanged): all
    or nothing. Every id must be the tutor's own, checked in the same transaction as the
    update; one that is not (another tutor's, a deleted one) refuses the whole request
    with NotFound, which does not tell whether the booking exists. Returns how many
    changed."""
    ids = sorted({int(i) for i in booking_ids})
    if not ids:
        raise ValidationFailed({"ids": "Select at least one booking."})
    if len(ids) > MAX_BULK:
        raise ValidationFailed({"ids": f"Select at most {MAX_BULK} bookings at once."})
    with session_scope(write=True) as session:
        mine = repo.owned(session=session, tutor_id=tutor_id, booking_ids=ids)
        if len(mine) != len(ids):
            raise NotFound(NOT_YOURS)
        changed = repo.mark_paid(session=session, booking_ids=ids, now=now)
        if changed:
            publish_on_commit(session, (tutor_id, *{b.student_id for b in mine if b.student_id}))
    return changed


def student_options(tutor_id: int) -> list[tuple[int, str]]:
    """(id, name) of the tutor's students with an account, for the list's student filter."""
    with read_scope() as session:
        return repo.student_options(session=session, tutor_id=tutor_id)
