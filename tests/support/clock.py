"""What time it is in a test (see tests/README.md, "Time").

One rule, two cases:

- In-process code (the scheduling core, services, page states, HTTP routes run by a
  TestClient, Celery tasks called with `.run()`): the test chooses `now`. Services take
  it as an argument; everything that reads the clock itself goes through
  `booking_app.clock.now()`, which `freeze()` pins for the test.
- Separate processes the test starts (Celery worker, bot, the app, chromium) read the
  operating system's clock through the same `booking_app.clock.now()`. A test that drives
  one derives its dates from that real clock with the helpers below, never from a
  literal date. Nothing pins their clock; libfaketime moves the whole process tree at
  once (`make test-faketime`, and `.ci/run` does it at a date a year ahead).

So a test never depends on today's date: either its `now` is injected everywhere, or
every date it uses is computed from the clock that all its processes share.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_app import clock

KYIV = "Europe/Kyiv"


def now() -> datetime:
    """The app's clock, aware UTC: the real one (which worker, bot and app processes
    read), or the instant `freeze()` pinned in this process."""
    return clock.now()


def freeze(monkeypatch: pytest.MonkeyPatch, at: datetime) -> datetime:
    """Pin `booking_app.clock` (hence every in-process reader) to `at` for this test."""
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    monkeypatch.setattr(clock, "now", lambda: at)
    return at


def upcoming(
    weekday: int,
    at: time,
    tz: str = KYIV,
    *,
    after: datetime | None = None,
    min_ahead: timedelta = timedelta(days=2),
) -> datetime:
    """The first `weekday` (0 = Monday) at wall time `at` in `tz` that is at least
    `min_ahead` after `after` (default: the real clock), as aware UTC.

    "Next Monday 10:00 in Kyiv, two days ahead at least": always in the future, always a
    working day of the test tutors, whatever today is."""
    zone = ZoneInfo(tz)
    earliest = (after or now()) + min_ahead
    day = earliest.astimezone(zone).date()
    while True:
        if day.weekday() == weekday:
            candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
            if candidate >= earliest:
                return candidate
        day += timedelta(days=1)


def local_day(instant: datetime, tz: str = KYIV) -> date:
    """The calendar date of `instant` in `tz`."""
    return instant.astimezone(ZoneInfo(tz)).date()


def local_iso(instant: datetime, tz: str = KYIV) -> str:
    """ "2026-11-30T10:00" in `tz`: what the forms send."""
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def daytime_zone(instant: datetime, *, hour: int = 12) -> str:
    """A fixed-offset IANA zone ("Etc/GMT-3") in which `instant` reads `hour`:00 give or
    take 30 minutes. For tests whose lessons must start within minutes of the real clock:
    a tutor in this zone has them at midday, never across local midnight (where working
    hours of two dates never merge), whatever the time of day the suite runs."""
    local_hour = instant.astimezone(UTC).hour + instant.astimezone(UTC).minute / 60
    offset = round(hour - local_hour)
    offset = (offset + 12) % 24 - 12  # -12..+11; Etc/GMT zones reach -12..+14
    if offset == 0:
        return "Etc/UTC"
    # POSIX-style names: Etc/GMT-3 is UTC+3.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
