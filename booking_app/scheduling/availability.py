"""Turn weekly windows and date overrides into UTC working intervals.

Why iterate over the tutor's *local* dates: working hours are promises in
wall time ("09:00-17:00 in Kyiv"), so each local date is converted on its own
and a 09:00 start stays 09:00 on both sides of a DST change.

Conversion rule (PEP 495, ``fold=0`` everywhere, chosen for consistency):

* ambiguous wall times (fall-back overlap) mean their *first* occurrence;
* nonexistent wall times (spring-forward gap) are read with the offset in
  force *before* the jump, so 02:30 on the New York spring-forward day becomes
  03:30 EDT. A window whose converted end is not after its converted start is
  dropped.

Windows of one local date are converted and then merged (overlapping or
touching). Intervals of different dates are never merged, so each interval
belongs to exactly one local date and its start anchors the slot grid no
matter which range was queried.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .intervals import Interval, normalize
from .types import DateOverride, TutorSchedule, WeeklyWindow

MIDNIGHT = time(0, 0)
ONE_DAY = timedelta(days=1)
WallWindow = tuple[time, time]


def window_to_utc(day: date, start: time, end: time, tz: ZoneInfo) -> Interval | None:
    """Convert one wall-time window of ``day`` to UTC, or None if it is empty.

    An end of 00:00 means 24:00 (midnight at the end of ``day``); any other
    end not after the start is an invalid window and is skipped.
    """
    if end == MIDNIGHT:
        end_day = day + ONE_DAY
    elif end > start:
        end_day = day
    else:
        return None
    utc_start = datetime.combine(day, start, tzinfo=tz).astimezone(UTC)
    utc_end = datetime.combine(end_day, end, tzinfo=tz).astimezone(UTC)
    return (utc_start, utc_end) if utc_start < utc_end else None


def windows_for_day(
    day: date,
    weekly_by_weekday: dict[int, list[WallWindow]],
    overrides_by_day: dict[date, list[WallWindow]],
) -> list[WallWindow]:
    """Wall-time windows of one date: its override if any, else the weekly ones."""
    if day in overrides_by_day:
        return overrides_by_day[day]
    return weekly_by_weekday.get(day.weekday(), [])


def index_weekly(weekly: tuple[WeeklyWindow, ...]) -> dict[int, list[WallWindow]]:
    """Group weekly windows by weekday so each date looks them up in O(1)."""
    by_weekday: dict[int, list[WallWindow]] = defaultdict(list)
    for window in weekly:
        by_weekday[window.weekday].append((window.start, window.end))
    return by_weekday


def index_overrides(
    overrides: tuple[DateOverride, ...],
) -> dict[date, list[WallWindow]]:
    """Group overrides by date; several overrides of one date are combined.

    Combining (instead of "last one wins") keeps the result independent of
    the order the database returned the rows in.
    """
    by_day: dict[date, list[WallWindow]] = {}
    for override in overrides:
        by_day.setdefault(override.day, []).extend(override.windows)
    return by_day


@lru_cache(maxsize=8192)
def day_intervals(day: date, windows: tuple[WallWindow, ...], tz: ZoneInfo) -> tuple[Interval, ...]:
    """UTC intervals of one local date, merged among themselves only.

    Cached: the result depends only on its arguments, and every page view of
    a tutor's week converts the same few dates again.
    """
    converted = (window_to_utc(day, start, end, tz) for start, end in windows)
    return tuple(normalize(iv for iv in converted if iv is not None))


def local_date_span(lo: datetime, hi: datetime, tz: ZoneInfo) -> list[date]:
    """Local dates whose windows can touch ``[lo, hi]``, with a day of margin.

    Normally an instant's windows belong to its own local date, but with
    ``fold=0`` a wall time inside a spring-forward gap just before midnight
    lands on the next date. The two extra dates are cheap and make a query
    for a single start see the same intervals as a query for a whole week.
    """
    first = lo.astimezone(tz).date() - ONE_DAY
    last = hi.astimezone(tz).date() + ONE_DAY
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def working_intervals(
    schedule: TutorSchedule, tz: ZoneInfo, lo: datetime, hi: datetime
) -> list[Interval]:
    """Per-date merged UTC working intervals near ``[lo, hi]``, sorted by start."""
    weekly = index_weekly(schedule.weekly)
    overrides = index_overrides(schedule.overrides)
    result: list[Interval] = []
    for day in local_date_span(lo, hi, tz):
        windows = tuple(windows_for_day(day, weekly, overrides))
        result.extend(day_intervals(day, windows, tz))
    result.sort()
    return result
