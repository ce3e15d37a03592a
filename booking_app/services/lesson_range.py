"""Lessons of a date range for whoever asks (seed 003: ``GET /api/v1/lessons?from&to``,
the role read from the account, never from a parameter).

A tutor gets their lessons as the Lessons page shows them (``lessons.lessons_between``);
a student gets the lessons they hold or held a booking in, with that booking's status.
Both ranges are whole days in the viewer's zone, at most MAX_DAYS long.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from booking_app.db import read_scope
from booking_app.repositories import calendar as calendar_repo
from booking_app.services import timefmt
from booking_app.services.errors import Forbidden, ValidationFailed
from booking_app.services.lessons import lessons_between

MAX_DAYS = 92


@dataclass(frozen=True)
class StudentLesson:
    id: int
    booking_id: int
    booking_status: str
    title: str
    tutor_name: str
    start: str  # UTC ISO
    end: str
    label: str  # viewer's zone
    lesson_type: str
    mode: str
    status: str  # the lesson's status


def day_bounds(first: date, last: date, viewer_tz: str) -> tuple[datetime, datetime]:
    """``[first 00:00, last+1 00:00)`` of the viewer's zone in UTC; a field error for a
    reversed or too long range."""
    if last < first:
        raise ValidationFailed({"to": "The range ends before it starts."})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed({"to": f"Ask for at most {MAX_DAYS} days at a time."})
    tz = timefmt.viewer_zone(viewer_tz)
    lo = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return lo, hi


def lessons_in_range(
    user_id: int, role: str, *, first: date, last: date, viewer_tz: str
) -> list[dict[str, Any]]:
    """The caller's lessons in the range as plain dicts (the two roles' shapes differ)."""
    lo, hi = day_bounds(first, last, viewer_tz)
    if role == "tutor":
        return [asdict(v) for v in lessons_between(user_id, lo, hi)]
    if role != "student":
        raise Forbidden("Only tutors and students have lessons.")
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        rows = calendar_repo.student_bookings(session=session, student_id=user_id, start=lo, end=hi)
    return [
        asdict(
            StudentLesson(
                id=r.lesson.id or 0,
                booking_id=r.booking.id or 0,
                booking_status=r.booking.status.value,
                title=r.service_name or r.lesson.title,
                tutor_name=r.tutor_name,
                start=timefmt.iso_utc(r.lesson.starts_at),
                end=timefmt.iso_utc(r.lesson.ends_at),
                label=timefmt.span_label(r.lesson.starts_at, r.lesson.ends_at, tz),
                lesson_type=r.lesson.lesson_type.value,
                mode=r.lesson.mode.value,
                status=r.lesson.status.value,
            )
        )
        for r in rows
    ]
