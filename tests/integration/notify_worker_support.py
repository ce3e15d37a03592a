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
from booking_app.models import AvailabilityWindow, Lesson, LessonType
from tests.integration.booking_helpers import add_tutor
from tests.support import clock
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import project_env


def worker_env(db_url: str, fake: FakeTelegram, tmp_path: Path, broker: str = "") -> dict[str, str]:
    return project_env(
        DATA_DIR=str(tmp_path), DATABASE_URL=db_url, CELERY_BROKER_URL=broker,
        TELEGRAM_BOT_TOKEN="123:TEST", TELEGRAM_API_BASE_URL=fake.base_url,
        NOTIFY_SCAN_SECONDS="1", NOTIFY_LEASE_SECONDS="5",
    )  # fmt: skip


def start_worker(
    env: dict[str, str], tmp_path: Path, *, concurrency: int = 2, name: str = "worker"
) -> subprocess.Popen[bytes]:
    """`celery worker --beat` as `cli run` starts it, in its own process group."""
    command = [sys.executable, "-m", "celery", "-A", "tasks.celery_app", "worker", "--beat"]
    command += ["-s", str(tmp_path / "celerybeat-schedule"), "--loglevel=INFO"]
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
    tutor = add_tutor(email, slot_step_min=1, tz=clock.daytime_zone(clock.now()), **rules)
    with session_scope(write=True) as session:
        for weekday in range(5, 7):
            session.add(
                AvailabilityWindow(
                    tutor_id=tutor, weekday=weekday, start_time=time(9), end_time=time(18)
                )
            )
        for weekday in range(7):
            session.add(
                AvailabilityWindow(
                    tutor_id=tutor, weekday=weekday, start_time=time(0), end_time=time(9)
                )
            )
            session.add(
                AvailabilityWindow(
                    tutor_id=tutor, weekday=weekday, start_time=time(18), end_time=time(0)
                )
            )
    return tutor


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
