"""Local-time parsing and labels for the tutor's workspace.

Why in services: pages must never do time-zone math (Reflex state travels to the browser
and every page would redo it differently), so services hand out ISO strings AND finished
labels, and parse what the forms send ("09:00", "2026-11-30T14:00") in the tutor's zone.

Labels use fixed English names (not ``strftime('%a')``) so they don't depend on the
server's locale, and match the engine's slot labels ("Mon 30 Nov, 09:00").
Wall times are read with PEP 495 ``fold=0`` like the engine: an ambiguous time (the hour
repeated when clocks fall back) means its first occurrence; a time skipped when clocks
spring forward is refused with a message instead of being silently moved.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from booking_app.services.errors import ValidationFailed
from booking_app.services.validation import FieldError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MIDNIGHT = time(0, 0)
UTC_ZONE = ZoneInfo("UTC")
DASH = "\u2013"  # en dash, as in "09:00–13:00"
MAX_ZONE_NAME = 64  # the longest IANA name is 32 characters

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_LOCAL = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::00)?\s*$")


def zone(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None if there is no such zone.

    Total on purpose (names come from URLs and forms): besides ZoneInfoNotFoundError,
    ZoneInfo raises IsADirectoryError for a region ("Europe"), OSError for a name too
    long for the file system and ValueError for "../x", a NUL or a non-TZif file.
    """
    if not isinstance(name, str) or not name or len(name) > MAX_ZONE_NAME:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def zone_or_utc(name: str | None) -> ZoneInfo:
    """A stored zone name (a user's or tutor's), UTC if it is empty or no longer known."""
    return zone(name or "") or UTC_ZONE


def viewer_zone(name: str) -> ZoneInfo:
    """The zone a viewer asked to see times in; an unknown one is a field error."""
    tz = zone(name)
    if tz is None:
        raise ValidationFailed({"viewer_tz": "Choose a timezone from the list."})
    return tz


def _text(raw: object) -> str:
    """Form values are strings; anything else (None, a number) reads as "not a time"."""
    return raw if isinstance(raw, str) else ""


def parse_hhmm(raw: str, *, end: bool = False) -> time:
    """ "HH:MM" as a wall time; as an ``end``, "24:00" (or "00:00") means midnight.

    Midnight is stored as 00:00 (the engine reads an end of 00:00 as 24:00).
    """
    match = _HHMM.match(_text(raw))
    if match is None:
        raise FieldError("Enter a time as HH:MM, e.g. 09:00.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if end and (hours, minutes) == (24, 0):
        return MIDNIGHT
    if hours > 23 or minutes > 59:
        raise FieldError("Enter a time between 00:00 and 23:59.")
    return time(hours, minutes)


def format_hhmm(value: time, *, end: bool = False) -> str:
    """ "09:00"; an ``end`` at midnight is "24:00" so the day reads 20:00–24:00."""
    if end and value == MIDNIGHT:
        return "24:00"
    return f"{value.hour:02d}:{value.minute:02d}"


def _bounded(day: date) -> date:
    """Years 1900-2999 only: at 9999-12-31 "the next midnight" or a zone's UTC offset
    overflows datetime (a 500 from the API, found by fuzzing), and no lesson is booked
    further out."""
    if not 1900 <= day.year <= 2999:
        raise ValueError(day)
    return day


def parse_day(raw: str) -> date:
    """ "YYYY-MM-DD" as a date."""
    match = _DAY.match(_text(raw))
    try:
        if match is None:
            raise ValueError(raw)
        return _bounded(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    except ValueError:
        raise FieldError("Enter a date as YYYY-MM-DD.") from None


def wall_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall time in ``tz``; refuses times skipped by a DST jump."""
    local = datetime.combine(day, wall, tzinfo=tz)
    instant = local.astimezone(UTC)
    back = instant.astimezone(tz)
    if (back.date(), back.time()) != (day, wall):
        raise FieldError(
            f"{format_hhmm(wall)} does not exist on {date_label(day)}: "
            "the clocks jump forward then. Pick another time."
        )
    return instant


def parse_local(raw: str, tz: ZoneInfo) -> datetime:
    """ "YYYY-MM-DDTHH:MM" (the browser's datetime-local) in ``tz``, as aware UTC."""
    match = _LOCAL.match(_text(raw))
    if match is None:
        raise FieldError("Enter a date and time as YYYY-MM-DD HH:MM.")
    year, month, day, hours, minutes = (int(g) for g in match.groups())
    try:
        local_day, wall = _bounded(date(year, month, day)), time(hours, minutes)
    except ValueError:
        raise FieldError("Enter a real date and a time between 00:00 and 23:59.") from None
    return wall_to_utc(local_day, wall, tz)


def iso_utc(instant: datetime) -> str:
    """ "2026-11-30T07:00:00+00:00": the form every view uses for instants."""
    return instant.astimezone(UTC).isoformat()


def local_input(instant: datetime, tz: ZoneInfo) -> str:
    """ "2026-11-30T14:00": what a datetime-local input shows for ``instant``."""
    local = instant.astimezone(tz)
    return f"{local.date().isoformat()}T{format_hhmm(local.time())}"


def day_label(day: date) -> str:
    """ "Mon 30 Nov"."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def date_label(day: date) -> str:
    """ "Mon 30 Nov 2026"."""
    return f"{day_label(day)} {day.year}"


def instant_label(instant: datetime, tz: ZoneInfo) -> str:
    """ "Mon 30 Nov, 09:00" in ``tz`` (the engine's slot label format)."""
    local = instant.astimezone(tz)
    return f"{day_label(local.date())}, {format_hhmm(local.time())}"


def span_label(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """ "Mon 30 Nov, 14:00–15:30"; a span ending on a later date names both dates.

    A span ending exactly at local midnight reads "…, 22:00–24:00", not "– Tue 1 Dec, 00:00".
    """
    first, last = start.astimezone(tz), end.astimezone(tz)
    head = instant_label(start, tz)
    if last.date() == first.date():
        return f"{head}{DASH}{format_hhmm(last.time())}"
    if last.time() == MIDNIGHT and (last.date() - first.date()).days == 1:
        return f"{head}{DASH}24:00"
    return f"{head} {DASH} {instant_label(end, tz)}"


def week_label(monday: date, sunday: date) -> str:
    """ "30 Nov – 6 Dec 2026"; the first year is shown only when the week spans two."""
    first = f"{monday.day} {MONTH_NAMES[monday.month - 1]}"
    if monday.year != sunday.year:
        first = f"{first} {monday.year}"
    return f"{first} {DASH} {sunday.day} {MONTH_NAMES[sunday.month - 1]} {sunday.year}"
