"""A real Celery worker (with its beat) for the notification tests, and booking setup
that makes reminders due within seconds of the real clock (not a test module)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

from booking_app.config import PROJECT_ROOT
from booking_app.db import session_scope
from booking_app.models import Lesson, LessonType
from booking_app.services import booking as svc
from booking_app.services import telegram_chats
from tests.integration.notify_helpers import set_offsets
from tests.support import clock
from tests.support.builders import add_service, add_tutor, form
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import project_env


def worker_env(db_url: str, fake: FakeTelegram, tmp_path: Path, broker: str = "") -> dict[str, str]:
    return project_env(
        DATA_DIR=str(tmp_path), DATABASE_URL=db_url, CELERY_BROKER_URL=broker,
        TELEGRAM_BOT_TOKEN="123:TEST", TELEGRAM_API_BASE_URL=fake.base_url,
        NOTIFY_SCAN_SECONDS="1", NOTIFY_LEASE_SECONDS="5",
    )  # fmt: skip


def start_worker(
    env: dict[str, str],
    tmp_path: Path,
    *,
    concurrency: int = 2,
    name: str = "worker",
    beat: bool = True,
) -> subprocess.Popen[bytes]:
    """`celery worker --beat` as `cli run` starts it, in its own process group; a second
    worker (`beat=False`) shares the broker file of the first (both use DATA_DIR)."""
    command = [sys.executable, "-m", "celery", "-A", "tasks.celery_app", "worker"]
    if beat:
        command += ["--beat", "-s", str(tmp_path / "celerybeat-schedule")]
    command += ["--loglevel=INFO"]
    command += [f"--concurrency={concurrency}", "-n", f"{name}@%h"]
    with (tmp_path / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, process_group=0,
        )  # fmt: skip


def kill_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    kill_group(process, signal.SIGTERM)


def open_tutor(email: str, **rules: object) -> int:
    """A tutor free every day, all day, bookable to the minute, in a zone where the real
    clock reads about noon: lessons a few minutes or hours from now (moved by whole days)
    never cross the tutor's local midnight, where two dates' hours don't join."""
    all_day = tuple((weekday, time(0), time(0)) for weekday in range(7))  # 00:00-24:00
    zone = clock.daytime_zone(clock.now())
    return add_tutor(email, slot_step_min=1, tz=zone, hours=all_day, **rules)


def next_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def group_lesson(tutor: int, service: int, start: datetime, capacity: int) -> int:
    with session_scope(write=True) as session:
        lesson = Lesson(
            tutor_id=tutor, service_id=service, title="Group", starts_at=start,
            ends_at=start + timedelta(hours=1), lesson_type=LessonType.group, capacity=capacity,
        )  # fmt: skip
        session.add(lesson)
        session.flush()
        return lesson.id or 0


def due_guests(count: int, *, first_chat: int = 10_000) -> dict[int, str]:
    """`count` guests in one group lesson half an hour from the real clock, booked 3 h ago
    with linked chats: each one's "Booked" confirmation and 1 h reminder are both due now
    (what a burst of due rows looks like). Returns {chat id: booking token}."""
    now = clock.now()
    tutor = open_tutor(f"group{first_chat}@example.com")
    set_offsets(tutor, [1])
    seats = max(count, 2)  # a group lesson has 2 seats at least
    service = add_service(tutor, group=seats)
    lesson = group_lesson(tutor, service, next_minute(now) + timedelta(minutes=30), seats)
    tokens = {}
    for i in range(count):
        chat = first_chat + i
        view = svc.create_booking(
            form(tutor, service, start="", lesson_id=lesson, telegram_username=f"@guest_{chat}"),
            student_id=None, now=now - timedelta(hours=3),
        )  # fmt: skip
        assert telegram_chats.link_by_token(view.token, chat)
        tokens[chat] = view.token
    return tokens
