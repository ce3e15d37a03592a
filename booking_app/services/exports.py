"""CSV exports of lessons and students (the bookings one is services/booking_list.py, the
reports' in services/reports.py): who may export what, and the columns.

Admins export every tutor's rows, tutors their own, nobody else anything. Every file is
the Excel dialect of integrations/csv_export.py (BOM, ";", instants with the viewer's
offset, decimal commas, formula-safe cells) and streams: the scope is checked before the
first byte, the rows are read while the response is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from booking_app.db import read_scope
from booking_app.integrations.csv_export import excel_csv_stream
from booking_app.repositories import exports as repo
from booking_app.services.errors import Forbidden
from booking_app.services.periods import Period

LESSONS_HEADER = (
    "Lesson",
    "Start",
    "End",
    "Title",
    "Service",
    "Tutor",
    "Type",
    "Mode",
    "Seats",
    "Seats booked",
    "Seats given",
    "Status",
    "Price",
    "Revenue expected",
)
STUDENTS_HEADER = (
    "Tutor",
    "Student",
    "Email",
    "Phone",
    "Has an account",
    "Bookings",
    "Lessons given",
    "Paid total",
    "First lesson",
    "Last lesson",
)


def scope(role: str, user_id: int) -> int | None:
    """The tutor whose rows this caller may export (None: every tutor, for an admin)."""
    if role == "admin":
        return None
    if role == "tutor":
        return user_id
    raise Forbidden("Only tutors and admins can export this.")


def _csv(header: tuple[str, ...], rows: Any, period_tz: Any) -> Iterator[bytes]:
    with read_scope() as session:
        yield from excel_csv_stream(header, rows(session), tz=period_tz)


def lessons_csv(role: str, user_id: int, period: Period) -> Iterator[bytes]:
    """Lessons starting in the period (times in the period's zone)."""
    tutor_id = scope(role, user_id)
    return _csv(
        LESSONS_HEADER,
        lambda s: repo.lessons(session=s, tutor_id=tutor_id, lo=period.lo, hi=period.hi),
        period.tz,
    )


def students_csv(role: str, user_id: int, tz: Any) -> Iterator[bytes]:
    """Everyone who booked the tutor (an admin: every tutor), one row per person."""
    tutor_id = scope(role, user_id)
    return _csv(STUDENTS_HEADER, lambda s: repo.students(session=s, tutor_id=tutor_id), tz)
