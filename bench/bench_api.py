"""API resources bench (issue 16 part B): the week calendar (200 and 304), slots, one booking.

Why: programs poll the week calendar; with ``If-None-Match`` an unchanged week must cost
next to nothing (the ETag comes from one primary-key read of the caller's data version,
api/calendar.py), so a poller at a few requests per second per tutor never loads the
server. The slots and booking-by-id routes are what an integration calls per visitor.

Serves ONLY the FastAPI app (``booking_app.api.app:api``, the routes under test, without
the Reflex frontend build) with Granian, ONE worker, on a free loopback port over the
demo data (own DATA_DIR, SQLite, ``cli migrate`` + ``cli seed-demo`` as bench/_app.py
does), signs the demo tutor in, and drives each route with C keep-alive connections for
a few seconds (bench_http.py's minimal client: httpx would cost more CPU than the server).

Targets: 304 path >= 1,000 req/s at c=10 on one worker; slots p95 <= 100 ms and booking
by id p95 <= 50 ms at c=10. (The bookings LIST p95 is bench_reports', not here.)

Run: ``.venv/bin/python bench/bench_api.py [--seconds 5] [--only 304]``. Exit 1 if a response has
another status than expected; a missed wall-clock target only with BENCH_STRICT=1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _app import app_env, exit_status, load_line, prepare, running_api  # noqa: E402
from bench_http import TUTOR_EMAIL, pct  # noqa: E402

from tests.support.processes import free_port  # noqa: E402

TARGET_304_RPS = 1000.0
TARGET_SLOTS_P95_MS = 100.0
TARGET_BOOKING_P95_MS = 50.0


def sign_in(env: dict[str, str]) -> tuple[str, int, str]:
    """(Bearer session token of the demo tutor, one of their booking ids, their slug)."""
    os.environ.update(env)
    from sqlmodel import select

    from booking_app import clock
    from booking_app.config import get_settings
    from booking_app.db import read_scope, reset_engine
    from booking_app.models import Booking, TutorProfile, User
    from booking_app.services import sessions

    get_settings.cache_clear()
    reset_engine()
    with read_scope() as session:
        tutor = session.exec(select(User).where(User.email == TUTOR_EMAIL)).one()
        booking = session.exec(select(Booking.id).where(Booking.tutor_id == tutor.id)).first()
        slug = session.exec(select(TutorProfile.slug).where(TutorProfile.user_id == tutor.id)).one()
    token = sessions.open_session(user_id=tutor.id or 0, role="tutor", now=clock.now())
    return token, int(booking or 0), slug


async def _connection(port: int, request: bytes, stop: float, expect: int,
                      latencies: list[float], bad: list[int]) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop:
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length, tag = 0, b""
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"etag":
                    tag = value.strip()
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - began) * 1000)
            status = int(head[9:12])
            if status == 200 and expect == 304 and tag:
                # The tag holds the minute: at a minute boundary the week is sent again
                # with a new tag, which a polling client keeps (so does this one).
                request = re.sub(rb"If-None-Match: [^\r]*", b"If-None-Match: " + tag, request)
            elif status != expect:
                bad.append(status)
    finally:
        writer.close()


async def drive(port: int, path: str, headers: dict[str, str], conc: int, seconds: float,
                expect: int = 200) -> tuple[float, float, float, list[int]]:  # fmt: skip
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{lines}\r\n".encode()
    await asyncio.gather(
        *(_connection(port, request, time.perf_counter() + 1, expect, [], []) for _ in range(2))
    )
    latencies: list[float] = []
    bad: list[int] = []
    began = time.perf_counter()
    stop = began + seconds
    await asyncio.gather(
        *(_connection(port, request, stop, expect, latencies, bad) for _ in range(conc))
    )
    elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, pct(latencies, 0.5), pct(latencies, 0.95), bad


def week_tag(port: int, path: str, headers: dict[str, str]) -> str:
    import httpx

    response = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=30)
    response.raise_for_status()
    return response.headers["ETag"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--only", default="", help="run only the rows whose label has this")
    args = parser.parse_args()
    print(f"API resources bench: {args.seconds:g} s per route, c={args.concurrency}, "
          f"Granian 1 worker, SQLite demo data; {load_line()}")  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    port = free_port()
    env = app_env(tmp / "app", tmp / ".web", port, {})
    (tmp / "app").mkdir(parents=True)
    prepare(env)
    broken = missed = False
    try:
        with running_api(env, port, tmp / "granian.log"):
            broken, missed = _rows(args, port, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return exit_status(missed=missed, broken=broken)


def _rows(args: argparse.Namespace, port: int, env: dict[str, str]) -> tuple[bool, bool]:
    """Drive every route of the table; (some answer was wrong, some target was missed)."""
    broken = missed = False
    token, booking_id, slug = sign_in(env)
    auth = {"Authorization": f"Bearer {token}"}
    week = "/api/v1/calendar/week?includePayments=true&includeStats=true"
    tag = week_tag(port, week, auth)
    c, s = args.concurrency, args.seconds
    rows = [
        ("/api/health (the server's ceiling)", "/api/health", {}, 200, None),
        ("week snapshot 200", week, auth, 200, None),
        ("week snapshot 304 (If-None-Match)", week, {**auth, "If-None-Match": tag}, 304,
         ("rps", TARGET_304_RPS)),
        ("slots (7 days)", f"/api/v1/tutors/{slug}/slots?tz=Europe/Kyiv", {}, 200,
         ("p95", TARGET_SLOTS_P95_MS)),
        ("booking by id", f"/api/v1/bookings/{booking_id}", auth, 200,
         ("p95", TARGET_BOOKING_P95_MS)),
    ]  # fmt: skip
    for label, path, headers, expect, target in rows:
        if args.only not in label:
            continue
        rps, p50, p95, bad = asyncio.run(drive(port, path, headers, c, s, expect))
        verdict = ""
        if target is not None:
            kind, value = target
            ok = rps >= value if kind == "rps" else p95 <= value
            missed = missed or not ok
            unit = f">= {value:.0f} req/s" if kind == "rps" else f"p95 <= {value:.0f} ms"
            verdict = f"  target {unit} {'OK' if ok else 'MISSED'}"
        broken = broken or bool(bad)
        print(f"{label:<36} {rps:7.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
              f"{verdict}" + (f"  UNEXPECTED: {sorted(set(bad))}" if bad else ""))  # fmt: skip
    print(load_line())
    return broken, missed


if __name__ == "__main__":
    raise SystemExit(main())
