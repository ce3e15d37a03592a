"""Benchmark of connected calendars (issue 17, item 3): importing a big feed, and slots
with thousands of imported busy intervals.

Why: every tutor's feeds are re-read every 15 minutes, so one import of a heavy personal
calendar (5,000 events, 500 of them recurring series with exceptions) must stay a few
seconds of one worker and a bounded amount of memory; and imported busy time is plain
busy rows the engine subtracts on every week view, so 2,000 of them must keep the
public page's week inside its 20 ms budget (bench_schedule_service.py's target).

1. Import: a loopback HTTP server serves the feed; ``calendar_sources.refresh`` fetches,
   parses, expands (180-day horizon) and swaps the rows in SQLite, as the Celery task
   does. Wall time p50/p95 over a few runs, then peak Python memory (tracemalloc) of one.
2. Slots: ``tutor_public.week_slots`` for one week of a tutor with 2,000 imported busy
   intervals (20 of them in the measured week), p50/p95 over 200 calls.

Run: ``.venv/bin/python bench/bench_calendar_import.py`` (exit 1 when a target is missed).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time as clock
import tracemalloc
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_DATA_DIR = tempfile.mkdtemp(prefix="bench-calendar-import-")
os.environ["DATA_DIR"] = _DATA_DIR  # before booking_app reads its settings
os.environ["CALENDAR_ALLOW_PRIVATE_URLS"] = "1"  # the feed is served on loopback
os.environ["CALENDAR_FETCH_TIMEOUT_SECONDS"] = "60"
os.environ["REALTIME_URL"] = "off"

import sqlalchemy as sa  # noqa: E402
from _databases import migrate, use_database  # noqa: E402

from booking_app.db import session_scope  # noqa: E402
from booking_app.models import (  # noqa: E402
    AvailabilityWindow,
    BusyBlock,
    BusySource,
    CalendarSource,
    Role,
    Service,
    TutorProfile,
    User,
)
from booking_app.services import calendar_sources  # noqa: E402
from booking_app.services.tutor_public import week_slots  # noqa: E402
from tests.support.calendar_feeds import calendar, event  # noqa: E402
from tests.support.feed_server import Feed, feed_server  # noqa: E402

NOW = datetime(2026, 11, 20, 9, 17, tzinfo=UTC)
WEEK = date(2026, 11, 23)
SINGLE_EVENTS, SERIES = 4_500, 500
IMPORT_RUNS = 5
TARGET_IMPORT_P95_S = 15.0
TARGET_PEAK_MB = 400.0
BUSY_INTERVALS = 2_000
SLOT_REPETITIONS = 200
TARGET_SLOTS_P95_MS = 20.0


def heavy_feed() -> bytes:
    """4,500 one-off events over the next 6 months + 500 weekly series (each with an
    EXDATE and a moved occurrence), all in Europe/Kyiv like a Google export."""
    events = []
    for i in range(SINGLE_EVENTS):
        day = date(2026, 11, 21) + timedelta(days=i % 180)
        hour = 7 + i % 13
        stamp = f"{day:%Y%m%d}T{hour:02d}{(i % 4) * 15:02d}00"
        end = f"{day:%Y%m%d}T{hour:02d}{(i % 4) * 15 + 10:02d}00"
        events.append(event(f"single-{i}@google.com", stamp, end))
    for i in range(SERIES):
        first = date(2026, 11, 2) + timedelta(days=i % 7)
        hour = 6 + i % 15
        start = f"{first:%Y%m%d}T{hour:02d}0000"
        skipped = first + timedelta(weeks=5)
        moved = first + timedelta(weeks=6)
        events.append(
            event(
                f"series-{i}@google.com", start, f"{first:%Y%m%d}T{hour:02d}4500",
                extra="RRULE:FREQ=WEEKLY;COUNT=30\n"
                f"EXDATE;TZID=Europe/Kyiv:{skipped:%Y%m%d}T{hour:02d}0000",
            )
        )  # fmt: skip
        events.append(
            event(
                f"series-{i}@google.com", f"{moved:%Y%m%d}T{(hour + 1) % 24:02d}0000",
                f"{moved:%Y%m%d}T{(hour + 1) % 24:02d}4500",
                extra=f"RECURRENCE-ID;TZID=Europe/Kyiv:{moved:%Y%m%d}T{hour:02d}0000",
            )
        )  # fmt: skip
    return calendar(*events)


def add_tutor() -> tuple[int, int]:
    with session_scope(write=True) as session:
        user = User(email="bench@example.com", phone="+380671234567", name="Bench Tutor")
        user.role, user.timezone, user.password_hash = Role.tutor, "Europe/Kyiv", "-"
        session.add(user)
        session.flush()
        session.add(TutorProfile(user_id=user.id, slug="bench", min_notice_min=0, slot_step_min=30))
        for weekday in range(6):
            session.add(
                AvailabilityWindow(
                    tutor_id=user.id, weekday=weekday, start_time=time(8), end_time=time(20)
                )
            )
        service = Service(tutor_id=user.id, name="Algebra", duration_min=60, price=450)
        session.add(service)
        session.flush()
        return user.id or 0, service.id or 0


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def bench_import(tutor: int) -> bool:
    body = heavy_feed()
    with feed_server() as server:
        server.feeds["/heavy.ics"] = Feed(body=body)
        source = calendar_sources.add_ical(tutor, server.url("/heavy.ics"), "Heavy", now=NOW).id
        times = []
        for run in range(IMPORT_RUNS):
            started = clock.perf_counter()
            outcome = calendar_sources.refresh(source, now=NOW + timedelta(days=2 * run))
            times.append(clock.perf_counter() - started)
            assert outcome == "imported", calendar_sources.list_sources(tutor)[0].last_error
        tracemalloc.start()
        calendar_sources.refresh(source, now=NOW + timedelta(days=20))
        peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        view = calendar_sources.list_sources(tutor)[0]
        with session_scope() as session:
            rows = session.execute(sa.select(sa.func.count(BusyBlock.id))).scalar_one()
        calendar_sources.remove(tutor, source, now=NOW)
    p50, p95 = statistics.median(times), pct(times, 95)
    ok = p95 <= TARGET_IMPORT_P95_S and peak_mb <= TARGET_PEAK_MB
    print(
        f"import: {len(body) / 1e6:.1f} MB feed, {SINGLE_EVENTS} events + {SERIES} series "
        f"-> {view.event_count} occurrences, {rows} busy rows; p50 {p50:.2f} s, p95 {p95:.2f} s "
        f"(target <= {TARGET_IMPORT_P95_S:g} s); peak {peak_mb:.0f} MB (target <= "
        f"{TARGET_PEAK_MB:g} MB) {'OK' if ok else 'MISSED'}"
    )
    return ok


def bench_slots(tutor: int, service: int) -> bool:
    with session_scope(write=True) as session:
        source = CalendarSource(tutor_id=tutor, name="Bench", url="https://example.com/x.ics")
        session.add(source)
        session.flush()
        rows = []
        for i in range(BUSY_INTERVALS):
            if i < 20:  # 20 in the measured week, the rest over the year around it
                start = datetime(2026, 11, 23, 7, tzinfo=UTC) + timedelta(hours=5 * i + (i % 3))
            else:
                start = NOW + timedelta(days=(i * 7919) % 360 - 100, hours=i % 11)
            rows.append(
                {"tutor_id": tutor, "starts_at": start, "ends_at": start + timedelta(minutes=45),
                 "title": "Busy", "source": BusySource.external, "calendar_source_id": source.id}
            )  # fmt: skip
        session.execute(sa.insert(BusyBlock), rows)
    args = {"service_id": service, "week_start": WEEK, "viewer_tz": "Europe/Kyiv", "now": NOW}
    free = week_slots(tutor, **args).slot_count
    times = []
    for _ in range(SLOT_REPETITIONS):
        started = clock.perf_counter()
        week_slots(tutor, **args)
        times.append((clock.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(times), pct(times, 95)
    ok = p95 <= TARGET_SLOTS_P95_MS
    print(
        f"slots: week_slots with {BUSY_INTERVALS} imported busy intervals ({free} free slots): "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms (target <= {TARGET_SLOTS_P95_MS:g} ms) "
        f"{'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    url = f"sqlite:///{Path(_DATA_DIR) / 'bench.db'}"
    migrate(url)
    with use_database(url):
        tutor, service = add_tutor()
        ok = bench_import(tutor)
        ok = bench_slots(tutor, service) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
