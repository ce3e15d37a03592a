"""Periods a viewer picks (this week, last month, from..to) as UTC instants.

Why one module: the bookings list's date range and the reports' period both mean "these
calendar days in the viewer's zone", and a report for "last month" must cover the same
instants as the bookings list filtered to the same days. Days are inclusive (from 1 Nov
to 30 Nov is the whole of November); the instants are [midnight of ``from``, midnight
after ``to``) in the viewer's zone, so DST days are 23 or 25 hours long as they should be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking_app.services import timefmt
from booking_app.services.errors import ValidationFailed
from booking_app.services.validation import FieldError

PRESETS = ("this_week", "last_week", "this_month", "last_month", "custom")
MAX_DAYS = 731  # two years: a bigger range is a typo, and the report would take long


@dataclass(frozen=True)
class Period:
    """Calendar days ``first``..``last`` (inclusive) in ``tz``, and their UTC instants."""

    first: date
    last: date
    tz: ZoneInfo
    lo: datetime
    hi: datetime

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()} \u2013 {self.last.isoformat()}"


def midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant the day starts in ``tz`` (never raises: zoneinfo resolves a gap)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def days(first: date, last: date, tz: ZoneInfo) -> Period:
    if last < first:
        raise ValidationFailed({"to": "The end date is before the start date."})
    if (last - first).days >= MAX_DAYS:
        raise ValidationFailed({"to": f"Pick at most {MAX_DAYS} days."})
    return Period(first, last, tz, midnight(first, tz), midnight(last + timedelta(days=1), tz))


def preset_days(preset: str, today: date) -> tuple[date, date]:
    """(first, last) of a named period around ``today`` (weeks start on Monday)."""
    monday = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    if preset == "this_week":
        return monday, monday + timedelta(days=6)
    if preset == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if preset == "this_month":
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        return month_start, next_month - timedelta(days=1)
    if preset == "last_month":
        last = month_start - timedelta(days=1)
        return last.replace(day=1), last
    raise ValidationFailed({"period": f"Pick one of: {', '.join(PRESETS)}."})


def parse_day(raw: str, field: str) -> date:
    try:
        return timefmt.parse_day(raw)
    except FieldError as exc:
        raise ValidationFailed({field: str(exc)}) from None


def resolve(
    *, tz_name: str, now: datetime, preset: str = "", first: str = "", last: str = ""
) -> Period:
    """The period the viewer asked for: explicit ``first``/``last`` days (YYYY-MM-DD) win,
    else ``preset`` (default this month) around today in ``tz_name``."""
    tz = timefmt.zone_or_utc(tz_name)
    if first or last:
        if not (first and last):
            raise ValidationFailed({"from" if not first else "to": "Give both dates."})
        return days(parse_day(first, "from"), parse_day(last, "to"), tz)
    preset = preset or "this_month"
    if preset == "custom":
        raise ValidationFailed({"from": "Give both dates for a custom period."})
    return days(*preset_days(preset, now.astimezone(tz).date()), tz)
