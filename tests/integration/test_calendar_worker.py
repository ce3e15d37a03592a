"""The CalDAV push delivered by a real Celery worker (issue 17): the one test of the
calendar sync that starts processes (Redis broker, worker, Radicale).

A lesson is booked in this process (the outbox row is written with it); another process
sends the beat's ``push_calendars`` message, as beat would every minute; the worker
queues ``push_one`` and pushes to Radicale. Dates come from the real clock, which the
worker reads too (tests/README.md "Time").
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest

from booking_app.config import PROJECT_ROOT
from booking_app.services import calendar_caldav
from booking_app.services.booking import create_booking
from tests.integration.test_celery_worker import _start_worker, _stop
from tests.support import clock, services
from tests.support.builders import add_service, add_tutor, form
from tests.support.processes import log_tail, project_env, wait_until
from tests.support.radicale_server import PASSWORD, USER, radicale

pytestmark = pytest.mark.processes

SEND_BEAT_TICK = (
    "from tasks.celery_app import prepare_broker\n"
    "from tasks.calendars import push_calendars\n"
    "prepare_broker()\n"
    "push_calendars.delay()\n"
)


@pytest.fixture
def broker() -> Iterator[str]:
    url = services.require_redis(services.REDIS_DB_BROKER)
    yield url
    services.flush_redis(url)


def test_a_worker_pushes_a_new_booking_to_the_calendar(
    sqlite_db: str, broker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALENDAR_ALLOW_PRIVATE_URLS", "1")
    from booking_app.config import get_settings

    get_settings.cache_clear()
    (tmp_path / "dav").mkdir()
    with radicale(tmp_path / "dav") as dav:
        lessons = dav.calendar("lessons")
        tutor = add_tutor()
        service = add_service(tutor, minutes=60)
        now = clock.now()
        view = calendar_caldav.add_caldav(tutor, dav.url, USER, PASSWORD, "Radicale", now=now)
        calendar_caldav.choose_calendars(tutor, view.id, str(lessons.url), [], now=now)
        start = clock.upcoming(0, time(10))
        create_booking(form(tutor, service, start=start.isoformat()), student_id=None, now=now)

        env = project_env(
            DATA_DIR=str(tmp_path), DATABASE_URL=sqlite_db, CELERY_BROKER_URL=broker,
            CALENDAR_ALLOW_PRIVATE_URLS="1",
        )  # fmt: skip
        subprocess.run(
            [sys.executable, "-c", SEND_BEAT_TICK],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            timeout=60,
        )
        worker = _start_worker(env, tmp_path)
        try:
            pushed = wait_until(lambda: len(lessons.events()) == 1, timeout=60, interval=0.5)
            assert pushed, f"nothing pushed; worker log:\n{log_tail(tmp_path / 'worker.log')}"
        finally:
            _stop(worker)
        [event] = lessons.events()
        assert event.icalendar_component["DTSTART"].dt == start
    get_settings.cache_clear()
