"""1,000 reminders through a real Celery worker to the fake Telegram API, limits on.

Why: the outbox must keep up with a burst (every reminder of a busy hour falls due at
once) without tripping Telegram's limits. Measures messages/s sustained (first to last
reminder delivered) and delivery lateness (arrival - send_at), p50/p95. The fake API
refuses (429) anything faster than 1/s per chat or 30/s overall, so a fast but rude
sender would show up as refusals and retries, not as a good number.

Setup (SQLite file, embedded SQLite broker, like the one-command default): one tutor,
one group lesson with 1,000 guests (booked through `create_booking`, chats linked by
token); their "Booked" messages are marked sent up front so only reminders are measured.
The reminders fall due together ~15 s after the worker (`--concurrency 2`, beat every
1 s) has started.

Run: ``.venv/bin/python bench/bench_notifications.py [--count 1000]``.
Target: >= 25 messages/s sustained, 0 limit violations. Exit status 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
_DATA_DIR = tempfile.mkdtemp(prefix="bench-notifications-")
os.environ["DATA_DIR"] = _DATA_DIR  # before booking_app reads its settings
for _name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "TELEGRAM_BOT_TOKEN"):
    os.environ[_name] = ""
# Nothing here watches live updates: without this, every booking the setup writes (and the
# worker's changes) would POST to REALTIME_URL's default, whatever runs on port 3000.
os.environ["REALTIME_URL"] = "off"

import sqlalchemy as sa  # noqa: E402
from _app import exit_status  # noqa: E402

from booking_app.config import get_settings  # noqa: E402
from booking_app.db import read_scope, reset_engine, session_scope  # noqa: E402
from booking_app.models import Notification  # noqa: E402
from booking_app.services import booking as svc  # noqa: E402
from booking_app.services import telegram_chats  # noqa: E402
from tests.integration.notify_helpers import set_offsets  # noqa: E402
from tests.integration.notify_worker_support import (  # noqa: E402
    group_lesson,
    open_tutor,
    start_worker,
    stop_worker,
    worker_env,
)
from tests.support import databases  # noqa: E402
from tests.support.builders import add_service, form  # noqa: E402
from tests.support.fake_telegram import FakeTelegram  # noqa: E402

TARGET_RATE = 25.0


def _setup(count: int, due: datetime) -> None:
    tutor = open_tutor("bench@example.com")
    set_offsets(tutor, [1])
    service = add_service(tutor, group=count)
    lesson = group_lesson(tutor, service, due + timedelta(hours=1), count)
    now = datetime.now(UTC)
    for i in range(count):
        view = svc.create_booking(
            form(tutor, service, start="", lesson_id=lesson, telegram_username=f"@bench_{i:05d}"),
            student_id=None,
            now=now,
        )
        telegram_chats.link_by_token(view.token, 50_000 + i)
    with session_scope(write=True) as session:
        session.execute(
            sa.update(Notification).where(Notification.kind == "created").values(status="sent")
        )


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    url = databases.sqlite_url(Path(_DATA_DIR) / "booking.db")
    databases.upgrade(url)
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine()
    fake = FakeTelegram(enforce_limits=True).start()
    work = Path(_DATA_DIR) / "worker"
    work.mkdir()
    try:
        started = clock.monotonic()
        due = datetime.now(UTC) + timedelta(seconds=60 + args.count * 0.04)
        _setup(args.count, due)
        print(f"setup: {args.count} bookings in {clock.monotonic() - started:.1f} s")
        worker = start_worker(worker_env(url, fake, work), work)
        try:
            deadline = clock.time() + (due - datetime.now(UTC)).total_seconds() + 300
            while len(fake.messages) < args.count and clock.time() < deadline:
                clock.sleep(0.5)
        finally:
            stop_worker(worker)
        return _report(fake, due, args.count)
    finally:
        fake.stop()
        reset_engine()
        shutil.rmtree(_DATA_DIR, ignore_errors=True)


def _report(fake: FakeTelegram, due: datetime, count: int) -> int:
    reminders = sorted(m.at for m in fake.messages if m.text.startswith("Reminder:"))
    with read_scope() as session:
        sent = session.execute(
            sa.select(sa.func.count()).where(
                Notification.kind == "reminder:1h", Notification.status == "sent"
            )
        ).scalar_one()
    late = [at - due.timestamp() for at in reminders]
    span = reminders[-1] - reminders[0] if len(reminders) > 1 else float("inf")
    rate = (len(reminders) - 1) / span if span else 0.0
    print(f"delivered: {len(reminders)}/{count} (rows marked sent: {sent})")
    print(f"sustained: {rate:.1f} messages/s   (target >= {TARGET_RATE:.0f}/s)")
    print(
        f"lateness: p50 {_pct(late, 50):.1f} s, p95 {_pct(late, 95):.1f} s, max {max(late):.1f} s"
    )
    print(f"limit violations: {len(fake.violations)}, 429 answers: {fake.refused_429}")
    print(f"earliest delivery vs due: {min(late):+.2f} s (never negative: nothing early)")
    correct = len(reminders) == count and not fake.violations and min(late) >= 0
    print("PASS" if correct and rate >= TARGET_RATE else "FAIL" if not correct else "MISSED rate")
    return exit_status(missed=rate < TARGET_RATE, broken=not correct)


if __name__ == "__main__":
    raise SystemExit(main())
