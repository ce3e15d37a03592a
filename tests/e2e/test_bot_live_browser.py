"""The tutor confirms a request from Telegram; the tutor's open calendar follows, no reload.

Joins the two halves of the live path: the real bot process (python-telegram-bot polling
the fake Bot API on loopback) calls ``confirm_booking`` in its own process, the service
publishes after commit over HTTP to the running app, and the tutor's open /tutor/requests
and /calendar tabs (a real browser) change. Negative control first: a button press from a
chat that is not the tutor's changes nothing, in the database or on the page. (Run with
the bot's REALTIME_URL=off, this test fails at the tutor's page: the page moves only
because of the push, not because of anything else the test does.)
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from booking_app.config import PROJECT_ROOT
from booking_app.demo import DEMO_PASSWORD
from tests.e2e.test_booking_browser import (
    TUTOR_EMAIL,
    TUTOR_SLUG,
    _next_week_first_slot,
    _private_token,
)
from tests.e2e.test_live_updates_browser import LIVE, TIMEOUT, _register_student, _sign_in
from tests.integration.notify_worker_support import kill_group
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import wait_until

pytestmark = pytest.mark.e2e
TUTOR_CHAT = 4242
TUTOR_TELEGRAM = "Olena_Maths"  # the demo tutor's username, in another case


def _in_app(live_app, code: str, **env: str) -> str:  # type: ignore[no-untyped-def]
    """Run Python in another process against the live app's database and settings."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env={**live_app.env, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def _booking(live_app, token: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    out = _in_app(
        live_app,
        "from sqlmodel import select\n"
        "from booking_app.db import read_scope\n"
        "from booking_app.models import Booking\n"
        "with read_scope() as s:\n"
        f"    b = s.exec(select(Booking).where(Booking.booking_token == {token!r})).one()\n"
        "    print(b.id, b.status.value)\n",
    )
    raw_id, status = out.split()
    return int(raw_id), status


@contextmanager
def bot_process(live_app, tmp: Path) -> Iterator[FakeTelegram]:  # type: ignore[no-untyped-def]
    fake = FakeTelegram().start()
    env = {
        **live_app.env, "TELEGRAM_BOT_TOKEN": "123:TEST", "TELEGRAM_API_BASE_URL": fake.base_url,
        "REALTIME_URL": f"http://127.0.0.1:{live_app.port}",
    }  # fmt: skip
    with (tmp / "bot.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "booking_app.integrations.telegram_bot"], cwd=PROJECT_ROOT,
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            process_group=0,
        )  # fmt: skip
    try:
        yield fake
    finally:
        kill_group(process, signal.SIGTERM)
        fake.stop()


def test_confirm_from_the_bot_reaches_the_tutors_open_calendar(  # type: ignore[no-untyped-def]
    live_app, new_page, tmp_path: Path
) -> None:
    live_app.seed_demo()
    tutor: Page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(tutor, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    tutor.goto(f"{live_app.url}/tutor/requests")
    expect(tutor.locator("#requests-heading")).to_be_visible(timeout=TIMEOUT)
    calendar = tutor.context.new_page()
    calendar.goto(f"{live_app.url}/calendar")
    expect(calendar.locator("#cal-week-label")).not_to_have_text("", timeout=TIMEOUT)
    this_week = calendar.locator("#cal-week-label").inner_text()
    calendar.click("#cal-next")
    expect(calendar.locator("#cal-week-label")).not_to_have_text(this_week, timeout=TIMEOUT)

    student: Page = new_page(timezone_id="Europe/Kyiv")
    _register_student(student, live_app.url, "Bohdan Botcase")
    student.goto(f"{live_app.url}/t/{TUTOR_SLUG}")
    _next_week_first_slot(student, "Trial lesson")
    student.click("#book-submit")
    booking_id, status = _booking(live_app, _private_token(student))
    assert status == "pending"
    request = tutor.locator(".request-item").filter(has_text="Bohdan Botcase")
    event = calendar.locator(".fc-event").filter(has_text="Bohdan Botcase")
    expect(request).to_be_visible(timeout=LIVE)
    expect(event).to_have_class(re.compile("cal-status-pending"), timeout=LIVE)

    with bot_process(live_app, tmp_path) as bot:
        bot.push_message(TUTOR_CHAT, "/start", username=TUTOR_TELEGRAM)  # links the tutor
        assert wait_until(lambda: bool(bot.texts(TUTOR_CHAT)), timeout=30, interval=0.1)
        bot.push_callback(TUTOR_CHAT + 1, f"tc:{booking_id}")  # not the tutor's chat
        assert wait_until(lambda: bool(bot.edits), timeout=30, interval=0.1)
        assert _booking(live_app, _private_token(student))[1] == "pending"
        expect(request).to_be_visible()

        bot.push_callback(TUTOR_CHAT, f"tc:{booking_id}")
        expect(request).to_have_count(0, timeout=TIMEOUT)
        expect(event).to_have_class(re.compile("cal-status-confirmed"), timeout=LIVE)
    assert _booking(live_app, _private_token(student))[1] == "confirmed"
