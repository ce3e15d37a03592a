"""Time-zone helpers shared by the engine.

Why a separate module: every public entry point must reject naive datetimes
the same way, and labels must look the same wherever they are produced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))
_MONTH_NAMES = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """Resolve an IANA name once; raise ValueError for unknown zones.

    Cached because the engine converts many instants per call and a zone
    lookup by name is far slower than reusing the object.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "Europe" is a folder
        raise ValueError(f"Unknown time zone: {name!r}") from exc


def to_utc(value: datetime, name: str) -> datetime:
    """Return ``value`` as a UTC datetime; naive input is a caller bug.

    Naive datetimes are rejected rather than guessed, because guessing the
    zone is exactly how double bookings around DST happen.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value!r}")
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)


def label(instant: datetime, tz: ZoneInfo) -> str:
    """Format like "Mon 23 Nov, 09:00" in ``tz``.

    Built from fixed English names instead of ``strftime('%a')`` so the
    label does not depend on the server's locale (and from lookup tables,
    because labels are made for every offered slot).
    """
    local = instant.astimezone(tz)
    day = _DAY_NAMES[local.weekday()]
    month = _MONTH_NAMES[local.month - 1]
    return f"{day} {local.day} {month}, {_TWO_DIGITS[local.hour]}:{_TWO_DIGITS[local.minute]}"


def humanize_minutes(minutes: int) -> str:
    """Render a duration the way people say it: "1 day 2 hours 5 minutes"."""
    if minutes <= 0:
        return "0 minutes"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{count} {unit}{'' if count == 1 else 's'}"
        for count, unit in ((days, "day"), (hours, "hour"), (mins, "minute"))
        if count
    ]
    return " ".join(parts)
