"""The 20-way booking race, repeated: exactly one winner every time, and how long losers wait.

Why: the race tests prove the guard once per run of the suite; repeating the race 50
times per backend shows it holds every time (not by luck of scheduling), and measures
what a loser pays: its "slot just taken" answer comes after the winner's transaction,
so the p95 of the losers' answer time is the user-visible cost of serializing writers.

For SQLite (a migrated temp file) and PostgreSQL (a throwaway database, created and
dropped here; skipped with a note if unreachable): each run makes a fresh tutor with one
60-minute service, releases 20 threads (own sessions) with a barrier at the same slot,
with a 20 ms pause injected between the in-transaction check and the insert. Each
winner's commit announces the change to REALTIME_URL; the bench points it at a loopback
listener of its own (never at whatever runs on port 3000) and expects one per run.

Run: ``.venv/bin/python bench/bench_booking_race.py [--runs 50]``
(``BENCH_PG_ADMIN_URL`` overrides the PostgreSQL server). Exit status 1 if any run had a
winner count other than 1, an error other than SlotUnavailable, or announcements other
than one per run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time as clock
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_DATA_DIR = tempfile.mkdtemp(prefix="bench-booking-race-")
os.environ["DATA_DIR"] = _DATA_DIR  # before booking_app reads its settings


from _databases import migrate, throwaway_pg, use_database  # noqa: E402

from booking_app.config import get_settings  # noqa: E402
from booking_app.db import session_scope  # noqa: E402
from booking_app.models import (  # noqa: E402
    AvailabilityWindow,
    Role,
    Service,
    TutorProfile,
    User,
)
from booking_app.services import booking as booking_service  # noqa: E402
from booking_app.services import schedule_write  # noqa: E402
from booking_app.services.booking import BookingDetailView, BookingForm  # noqa: E402
from booking_app.services.errors import SlotUnavailable  # noqa: E402

RACERS = 20
PAUSE_S = 0.02
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
SLOT = "2026-11-30T08:00:00+00:00"  # Monday 10:00 in Kyiv


class Announcements(BaseHTTPRequestHandler):
    """The live-update endpoint this bench owns: counts what the winners announce.

    Why: a booking's commit POSTs ``/internal/realtime/publish`` to REALTIME_URL (default
    http://127.0.0.1:3000), i.e. to whatever a developer runs on port 3000. The bench
    points REALTIME_URL at this loopback listener on a free port instead, and checks
    that each run announced exactly once (the losers wrote nothing, so announce nothing).
    """

    posts: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        type(self).posts.append(self.rfile.read(length))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def own_realtime_endpoint() -> ThreadingHTTPServer:
    """Listen on a free loopback port and point this process's REALTIME_URL at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Announcements)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["REALTIME_URL"] = f"http://127.0.0.1:{server.server_address[1]}"
    get_settings.cache_clear()
    return server


@dataclass
class RunResult:
    winners: int
    refused: int
    errors: list[str]
    loser_ms: list[float]


def add_tutor_with_service() -> tuple[int, int]:
    """A fresh published tutor (Kyiv, weekdays 09-18, no notice) with one 60-minute
    service (an unpublished tutor is not bookable: "This service is not offered.")."""
    tag = uuid.uuid4().hex[:10]
    with session_scope(write=True) as session:
        user = User(email=f"race-{tag}@example.com", phone="+380671234567", name="Race")
        user.role, user.timezone, user.password_hash = Role.tutor, "Europe/Kyiv", "-"
        session.add(user)
        session.flush()
        session.add(
            TutorProfile(user_id=user.id, slug=f"race-{tag}", min_notice_min=0, is_published=True)
        )
        for weekday in range(5):
            session.add(
                AvailabilityWindow(
                    tutor_id=user.id, weekday=weekday, start_time=time(9), end_time=time(18)
                )
            )
        service = Service(tutor_id=user.id, name="Race", duration_min=60, price=Decimal("1"))
        session.add(service)
        session.flush()
        return user.id or 0, service.id or 0


def race_once() -> RunResult:
    tutor, service = add_tutor_with_service()
    barrier = threading.Barrier(RACERS)
    outcomes: list[tuple[object, float]] = [(None, 0.0)] * RACERS

    def client(index: int) -> None:
        form = BookingForm(
            tutor_id=tutor,
            service_id=service,
            start=SLOT,
            name=f"Client {index:02d}",
            phone="+380671112233",
            telegram_username=f"@client_{index:02d}",
        )
        barrier.wait(timeout=30)
        began = clock.perf_counter()
        try:
            result: object = booking_service.create_booking(form, student_id=None, now=NOW)
        except Exception as exc:  # every outcome is counted
            result = exc
        outcomes[index] = (result, (clock.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    won = [ms for r, ms in outcomes if isinstance(r, BookingDetailView)]
    lost = [ms for r, ms in outcomes if isinstance(r, SlotUnavailable)]
    errors = [
        repr(r) for r, _ in outcomes if not isinstance(r, BookingDetailView | SlotUnavailable)
    ]
    return RunResult(len(won), len(lost), errors, lost)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94] if len(values) > 1 else (values or [0.0])[0]


def bench_backend(label: str, url: str, runs: int) -> bool:
    """Run the race ``runs`` times on ``url``; True when every run had exactly one winner."""
    migrate(url)
    results: list[RunResult] = []
    Announcements.posts.clear()
    with use_database(url):
        for _ in range(runs):
            results.append(race_once())
    deadline = clock.monotonic() + 5  # announcements are posted after the commit
    while len(Announcements.posts) < runs and clock.monotonic() < deadline:
        clock.sleep(0.05)
    winners = [r.winners for r in results]
    losers = [ms for r in results for ms in r.loser_ms]
    errors = [e for r in results for e in r.errors]
    print(
        f"\n{label}: {runs} runs x {RACERS} clients, {PAUSE_S * 1000:.0f} ms check-to-write pause"
    )
    print(f"  winners per run: {' '.join(str(w) for w in winners)}")
    print(f"  runs with exactly 1 winner: {winners.count(1)}/{runs}")
    print(
        f"  refused (SlotUnavailable): {sum(r.refused for r in results)}, other errors: {len(errors)}"
    )
    if losers:
        print(
            f"  losers' answer time: p50 {statistics.median(losers):.1f} ms, "
            f"p95 {p95(losers):.1f} ms, max {max(losers):.1f} ms"
        )
    announced = len(Announcements.posts)
    print(
        f"  live-update announcements to the bench's own endpoint "
        f"({get_settings().realtime_url}): {announced} (one per winner: {runs})"
    )
    for error in errors[:5]:
        print(f"  error: {error}")
    return winners.count(1) == runs and not errors and announced == runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    schedule_write._between_check_and_write = lambda: clock.sleep(PAUSE_S)
    server = own_realtime_endpoint()
    ok = True
    try:
        sqlite_file = Path(_DATA_DIR) / "race.db"
        ok &= bench_backend("SQLite file", f"sqlite:///{sqlite_file}", args.runs)
        with throwaway_pg("bench_race") as pg_url:
            if pg_url is not None:
                ok &= bench_backend("PostgreSQL", pg_url, args.runs)
    finally:
        server.shutdown()
        shutil.rmtree(_DATA_DIR, ignore_errors=True)
    print("\nOK: exactly one winner in every run" if ok else "\nFAILED: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
