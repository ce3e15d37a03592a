"""A real `celery -A tasks.celery_app worker` runs a task that another process sent.

Why: the embedded default uses kombu's SQLAlchemy transport on a SQLite file, shared by
separate processes (worker + beat, the app as producer); Redis is the scaled-out broker.
Both must deliver `.delay()` from one process to a worker in another.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import func, select

from booking_app.config import PROJECT_ROOT
from booking_app.db import read_scope, session_scope
from booking_app.models import SignInAttempt
from tests.support import services
from tests.support.processes import log_tail, project_env, wait_until

pytestmark = pytest.mark.processes

SEND_PURGE = (
    "from tasks.celery_app import prepare_broker\n"
    "from tasks.housekeeping import purge_sign_in_attempts\n"
    "prepare_broker()\n"
    "purge_sign_in_attempts.delay()\n"
)


@pytest.fixture(params=["sqlite-broker", "redis-broker"])
def broker_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """ "" = the embedded default (sqla+sqlite in DATA_DIR); else a flushed Redis database."""
    if request.param == "sqlite-broker":
        yield ""
        return
    url = services.require_redis(services.REDIS_DB_BROKER)
    yield url
    services.flush_redis(url)


def _add_attempts(now: datetime) -> None:
    """Two attempts older than any throttle window, one from just now."""
    with session_scope(write=True) as session:
        for age in (timedelta(days=2), timedelta(days=3), timedelta(0)):
            session.add(SignInAttempt(email="a@example.com", ip="1.2.3.4", attempted_at=now - age))


def _attempts_left() -> int:
    with read_scope() as session:
        return int(session.exec(select(func.count()).select_from(SignInAttempt)).one())


def _start_worker(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    """The production command (worker + embedded beat), in its own process group."""
    command = [sys.executable, "-m", "celery", "-A", "tasks.celery_app", "worker", "--beat"]
    command += ["-s", str(tmp_path / "celerybeat-schedule"), "--loglevel=INFO", "-c", "1"]
    with (tmp_path / "worker.log").open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, process_group=0,
        )  # fmt: skip


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """SIGTERM the worker's group (warm shutdown), SIGKILL after 10 s."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(worker.pid, sig)
        except ProcessLookupError:
            break
        try:
            worker.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue


def test_worker_runs_a_task_sent_from_another_process(
    sqlite_db: str, broker_url: str, tmp_path: Path
) -> None:
    now = datetime.now(timezone.utc)
    _add_attempts(now)
    env = project_env(DATA_DIR=str(tmp_path), DATABASE_URL=sqlite_db, CELERY_BROKER_URL=broker_url)
    # Sent before any worker exists: the message must wait in the broker.
    subprocess.run(
        [sys.executable, "-c", SEND_PURGE], cwd=PROJECT_ROOT, env=env, check=True, timeout=60
    )
    worker = _start_worker(env, tmp_path)
    try:
        purged = wait_until(lambda: _attempts_left() == 1, timeout=30, interval=0.3)
        assert purged, f"old attempts still there; worker log:\n{log_tail(tmp_path / 'worker.log')}"
    finally:
        _stop(worker)
    assert worker.returncode is not None
