"""A student's own lessons (with any tutor) against a time they are about to book.

The rule is the STUDENT_OVERLAP setting (booking_app/config.py): "warn" (default) refuses
with ``OverlapNeedsConfirm`` until the form says ``confirm_overlap`` (the page asks "You
have X at 16:00 - book anyway?"), "block" refuses with ``StudentOverlap``, "allow" says
nothing. It is checked in the booking service, inside the write, whatever the page showed:
the browser may skip the question, never the check. A student moving their own booking
(services/booking/manage.py) meets the same rule and codes, the booking left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from booking_app.config import get_settings
from booking_app.db import read_scope
from booking_app.repositories import bookings as repo
from booking_app.services import timefmt
from booking_app.services.errors import OverlapNeedsConfirm, StudentOverlap


@dataclass(frozen=True)
class BusyView:
    """One of the student's lessons, as the tutor page marks it on a slot."""

    start: datetime
    end: datetime
    label: str  # "Algebra with Olena K, 16:00-17:00" in the student's zone


def overlap_mode() -> str:
    return get_settings().student_overlap


def _describe(row: repo.StudentBusy, tz_name: str | None) -> str:
    tz = timefmt.zone_or_utc(tz_name)
    span = timefmt.span_label(row.starts_at, row.ends_at, tz)
    return f"{row.title} with {row.tutor_name} ({span})"


def student_busy(
    student_id: int, range_start: datetime, range_end: datetime, tz_name: str | None
) -> list[BusyView]:
    """The student's lessons overlapping the range (empty when the rule is "allow")."""
    if overlap_mode() == "allow":
        return []
    with read_scope() as session:
        rows = repo.student_busy(
            session=session, student_id=student_id, range_start=range_start, range_end=range_end
        )
    return [BusyView(r.starts_at, r.ends_at, _describe(r, tz_name)) for r in rows]


def check_overlap(
    session: Session,
    *,
    student_id: int | None,
    start: datetime,
    end: datetime,
    confirmed: bool,
    tz_name: str | None,
    exclude_booking_id: int | None = None,
    question: str = "Book anyway?",
) -> None:
    """Refuse per STUDENT_OVERLAP when the student has a lesson overlapping [start, end)
    (other than `exclude_booking_id`, the booking being moved). `question` ends the warn
    message ("Book anyway?", "Move anyway?")."""
    mode = overlap_mode()
    if student_id is None or mode == "allow":
        return
    rows = repo.student_busy(
        session=session,
        student_id=student_id,
        range_start=start,
        range_end=end,
        exclude_booking_id=exclude_booking_id,
    )
    if not rows:
        return
    what = _describe(rows[0], tz_name)
    if mode == "block":
        raise StudentOverlap(f"You already have {what} then.")
    if not confirmed:
        raise OverlapNeedsConfirm(f"You have {what} then. {question}")


def busy_slots(
    student_id: int, starts: list[str], minutes: int, tz_name: str | None
) -> dict[str, str]:
    """Which offered slot starts (UTC ISO, as the page has them) would overlap one of the
    student's lessons, each with the lesson it would clash with: the tutor page marks them
    "You have a lesson then". One query for the whole week."""
    instants: dict[str, datetime] = {}
    for raw in starts:
        try:
            instants[raw] = datetime.fromisoformat(raw)
        except (TypeError, ValueError):
            continue
    if not instants or minutes <= 0:
        return {}
    length = timedelta(minutes=minutes)
    busy = student_busy(
        student_id, min(instants.values()), max(instants.values()) + length, tz_name
    )
    marked: dict[str, str] = {}
    for raw, start in instants.items():
        clash = next((b for b in busy if b.start < start + length and b.end > start), None)
        if clash is not None:
            marked[raw] = clash.label
    return marked
