"""Live updates in real browsers: changes by one user appear in another user's open page.

Two browser contexts (tutor and student) on the production build. Nobody reloads:
(a) the tutor keeps /tutor/requests and /calendar open while a student requests a trial:
the request, the navigation badge and the calendar event appear; (b) the tutor confirms
and the student's open /my/bookings turns "Confirmed"; (c) another process (what a Celery
worker, the bot or a script is) cancels the booking through the service, and both open
pages follow (the process POSTs to the app's internal realtime endpoint).
Negative control: a third user's open page never changes (its channel is its own).
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid

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

pytestmark = pytest.mark.e2e
LIVE = 5_000  # "within a second" plus slack for a loaded 2-core machine
TIMEOUT = 20_000


def _sign_in(page: Page, url: str, email: str, password: str, role: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-submit")
    expect(page.locator("#user-role")).to_have_text(role, timeout=TIMEOUT)


def _register_student(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/register?role=student")
    page.fill("#name", name)
    page.fill("#email", f"live-{uuid.uuid4().hex[:8]}@example.com")
    page.fill("#phone", "+380 50 765 4321")
    page.fill("#password", "student-pass-1")
    page.click("#register-submit")
    expect(page.locator("#user-role")).to_have_text("student", timeout=TIMEOUT)


def test_request_confirm_and_celery_cancel_reach_open_pages(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    tutor: Page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(tutor, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    tutor.goto(f"{live_app.url}/tutor/requests")
    expect(tutor.locator("#requests-heading")).to_be_visible(timeout=TIMEOUT)
    badge = tutor.locator(".requests-badge").first
    before = badge.inner_text() if badge.count() else "0"
    calendar = tutor.context.new_page()  # a second tab of the tutor: next week's calendar
    calendar.goto(f"{live_app.url}/calendar")
    expect(calendar.locator("#cal-week-label")).not_to_have_text("", timeout=TIMEOUT)
    this_week = calendar.locator("#cal-week-label").inner_text()
    calendar.click("#cal-next")
    expect(calendar.locator("#cal-week-label")).not_to_have_text(this_week, timeout=TIMEOUT)
    on_calendar = calendar.locator(".fc-event").filter(has_text="Maks Live")

    other: Page = new_page(timezone_id="Europe/Kyiv")  # negative control: another student
    _register_student(other, live_app.url, "Olha Bystander")
    other.goto(f"{live_app.url}/my/bookings")
    expect(other.locator("#my-bookings-heading")).to_be_visible(timeout=TIMEOUT)
    other_version = other.locator(".live-refresh").first.get_attribute("data-version")

    # (a) a student requests a trial; the tutor's open page shows it without reload
    student: Page = new_page(timezone_id="Europe/Kyiv")
    _register_student(student, live_app.url, "Maks Live")
    student.goto(f"{live_app.url}/t/{TUTOR_SLUG}")
    _next_week_first_slot(student, "Trial lesson")
    student.click("#book-submit")
    token = _private_token(student)
    request = tutor.locator(".request-item").filter(has_text="Maks Live")
    expect(request).to_be_visible(timeout=LIVE)
    expect(badge).to_have_text(str(int(before) + 1), timeout=LIVE)
    expect(on_calendar).to_have_count(1, timeout=LIVE)
    expect(on_calendar).to_have_class(re.compile("cal-status-pending"), timeout=LIVE)

    # (b) the tutor confirms; the student's open list follows
    student.goto(f"{live_app.url}/my/bookings")
    status = student.locator(".my-booking-status").first
    expect(status).to_have_text("Waiting for the tutor", timeout=TIMEOUT)
    request.get_by_role("button", name="Confirm").click()
    expect(status).to_have_text("Confirmed", timeout=LIVE)
    expect(request).to_have_count(0, timeout=LIVE)
    expect(on_calendar).to_have_class(re.compile("cal-status-confirmed"), timeout=LIVE)

    # (c) another process (a worker, the bot, a script) cancels it; both open pages follow
    env = {**live_app.env, "REALTIME_URL": f"http://127.0.0.1:{live_app.port}"}
    cancel = (
        "from booking_app import clock\n"
        "from booking_app.services import booking\n"
        f"booking.cancel_booking({token!r}, now=clock.now(), reason='Cancelled elsewhere')\n"
    )
    subprocess.run([sys.executable, "-c", cancel], cwd=PROJECT_ROOT, env=env, check=True,
                   timeout=60)  # fmt: skip
    expect(student.locator("#upcoming-list .my-booking")).to_have_count(0, timeout=TIMEOUT)
    expect(on_calendar).to_have_count(0, timeout=LIVE)

    # the bystander's channel never moved
    assert other.locator(".live-refresh").first.get_attribute("data-version") == other_version
