"""What the calendar widget needs besides events: shaded working hours and event tooltips.

Pure (no I/O), so ``tests/unit/test_calendar_week.py`` checks them without a database.

Working hours: FullCalendar's ``businessHours`` are weekly ranges in the calendar's zone.
The widget runs in "UTC" holding the viewer's wall time (see ``services/calendar``), and the
page shows one week (or one day of it) at a time, so the visible week's real working
intervals (weekly hours with date overrides, from the engine) are written as wall-time
ranges of their weekday. A range that crosses the viewer's midnight is split in two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from booking_app.models.enums import SEAT_HOLDING_STATUSES, BookingStatus
from booking_app.services.offer_fields import format_price

_MIDNIGHT = time(0)

# Whose lesson an event names: the seats holding a place and, once the lesson is over, the
# seats that were held through it (a completed lesson still shows its student's name).
SHOWN_SEATS = frozenset(
    s.value
    for s in (
        *SEAT_HOLDING_STATUSES,
        BookingStatus.completed,
        BookingStatus.no_show,
        BookingStatus.tutor_no_show,
    )
)


def _hhmm(value: time, *, end: bool = False) -> str:
    """ "HH:MM"; a range ending at midnight ends at "24:00" (FullCalendar accepts it)."""
    if end and value == _MIDNIGHT:
        return "24:00"
    return f"{value.hour:02d}:{value.minute:02d}"


def business_hours(
    working: Iterable[tuple[datetime, datetime]], tz: ZoneInfo
) -> list[dict[str, Any]]:
    """``[{"daysOfWeek": [d], "startTime": "09:00", "endTime": "18:00"}, ...]`` in the
    viewer's wall time (``d``: 0 = Sunday, FullCalendar's numbering), sorted, one per range."""
    ranges: list[tuple[int, str, str]] = []
    for start, end in working:
        local, stop = start.astimezone(tz), end.astimezone(tz)
        while local < stop:
            next_midnight = datetime.combine(local.date() + timedelta(days=1), _MIDNIGHT, tz)
            piece_end = min(stop, next_midnight)
            day = (local.weekday() + 1) % 7
            end_text = "24:00" if piece_end == next_midnight else _hhmm(piece_end.timetz())
            ranges.append((day, _hhmm(local.timetz()), end_text))
            local = piece_end
    return [
        {"daysOfWeek": [day], "startTime": start, "endTime": end}
        for day, start, end in sorted(set(ranges))
    ]


def snap_duration(step_min: int) -> str:
    """The slot step as FullCalendar's duration ("00:30:00"): drags and selections land on
    the same grid the booking engine offers."""
    step = max(5, min(int(step_min or 30), 24 * 60))
    return f"{step // 60:02d}:{step % 60:02d}:00"


def tooltip(lines: Sequence[str]) -> str:
    """The event's title attribute: every detail, one per line, empty parts dropped."""
    return "\n".join(line for line in lines if line)


def amounts(revenue: Decimal, paid: Decimal, currency: str) -> dict[str, str]:
    """The week's sums as numbers for programs: decimal strings and the currency code
    (the labels next to them are for people, in the viewer's locale)."""
    unpaid = max(revenue - paid, Decimal("0"))
    return {
        "revenue": format_price(revenue),
        "paid": format_price(paid),
        "unpaid": format_price(unpaid),
        "currency": currency,
    }
