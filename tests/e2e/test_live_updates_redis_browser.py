"""Live updates with several backend workers on Redis, as production runs them.

The app runs with REDIS_URL (Reflex's Redis state manager) and GRANIAN_WORKERS=3. The
tutor keeps four tabs of /tutor/requests open; their websockets are spread over the
workers by the kernel, so most of them are owned by a worker other than the one that
handles the change. (a) A student requests a trial in another browser: the write and
the push happen on the student's worker, Reflex relays the shared channel's delta through
Redis, and every tutor tab shows the request. (b) The booking is cancelled by another
process (a script calling the service, like a Celery task): its publish goes over HTTP to
whichever worker answers, and every tab drops the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD
from tests.e2e.conftest import LiveApp, run_live_app
from tests.e2e.test_booking_browser import (
    TUTOR_EMAIL,
    TUTOR_SLUG,
    _next_week_first_slot,
    _private_token,
)
from tests.e2e.test_bot_live_browser import _booking, _in_app
from tests.e2e.test_live_updates_browser import LIVE, TIMEOUT, _register_student, _sign_in

pytestmark = pytest.mark.e2e
WORKERS = 3
TUTOR_TABS = 4


@pytest.fixture(scope="module")
def redis_app(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[LiveApp]:
    yield from run_live_app(
        tmp_path_factory.mktemp("live_app_redis"), REDIS_URL=redis_url,
        GRANIAN_WORKERS=str(WORKERS),
    )  # fmt: skip


def _page(browser: Any, app: LiveApp) -> Page:
    context = browser.new_context(base_url=app.url, timezone_id="Europe/Kyiv")
    context.set_default_timeout(15_000)
    return context.new_page()


def test_changes_reach_tabs_owned_by_other_workers(redis_app: LiveApp, browser: Any) -> None:
    redis_app.seed_demo()
    banner = redis_app.log_path.read_text(errors="replace")
    assert "(Reflex state, several app workers)" in banner, banner[:2000]
    tutor = _page(browser, redis_app)
    _sign_in(tutor, redis_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    tabs = [tutor] + [tutor.context.new_page() for _ in range(TUTOR_TABS - 1)]
    for tab in tabs:
        tab.goto(f"{redis_app.url}/tutor/requests")
        expect(tab.locator("#requests-heading")).to_be_visible(timeout=TIMEOUT)

    student = _page(browser, redis_app)
    name = f"Redis Student {uuid.uuid4().hex[:4]}"
    _register_student(student, redis_app.url, name)
    student.goto(f"{redis_app.url}/t/{TUTOR_SLUG}")
    _next_week_first_slot(student, "Trial lesson")
    student.click("#book-submit")
    token = _private_token(student)
    for tab in tabs:
        expect(tab.locator(".request-item").filter(has_text=name)).to_be_visible(timeout=LIVE)

    _in_app(
        redis_app,
        "from booking_app import clock\n"
        "from booking_app.services import booking\n"
        f"booking.cancel_booking({token!r}, now=clock.now(), reason='By a script')\n",
        REALTIME_URL=f"http://127.0.0.1:{redis_app.port}",
    )
    assert _booking(redis_app, token)[1] in ("cancelled", "late_cancel")
    for tab in tabs:
        expect(tab.locator(".request-item").filter(has_text=name)).to_have_count(0, timeout=LIVE)
    student.context.close()
    tutor.context.close()
