"""The booking journey in a real browser (production build, demo tutor Olena Kovalenko).

(a) A guest books a regular lesson from /t/<slug>, lands on the private page, and its .ics
link answers 200 text/calendar. (b) A new student registers and requests a trial: pending.
(c) The tutor, in another browser context, sees the request on /tutor/requests and confirms
it; the student's private page (after a reload) says Confirmed.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
TUTOR_SLUG = "olena-kovalenko"
TUTOR_EMAIL = "olena.tutor@example.com"
PRIVATE_PAGE = re.compile(r"/booking/[0-9a-f-]{36}\?new=1$")


def _next_week_first_slot(page: Page, service_name: str) -> None:
    """Choose the service, go to next week (past the tutor's notice), open the first slot."""
    card = page.locator(".public-service").filter(has_text=service_name)
    card.get_by_role("button").click()
    expect(card.get_by_role("button")).to_have_text("Selected", timeout=TIMEOUT)
    label = page.locator("#week-label")
    expect(label).not_to_have_text("", timeout=TIMEOUT)
    this_week = label.inner_text()
    page.click("#week-next")
    expect(label).not_to_have_text(this_week, timeout=TIMEOUT)
    page.locator("#slots-days .slot-button").first.click()
    expect(page.locator("#booking-dialog")).to_be_visible(timeout=TIMEOUT)


def _private_token(page: Page) -> str:
    expect(page).to_have_url(PRIVATE_PAGE, timeout=TIMEOUT)
    expect(page.locator("#booked-banner")).to_be_visible(timeout=TIMEOUT)
    return page.url.split("/booking/")[1].split("?")[0]


def test_guest_books_then_student_trial_is_confirmed_by_the_tutor(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()

    # (a) a guest books a regular lesson
    guest: Page = new_page(timezone_id="Europe/Kyiv")
    guest.goto(f"{live_app.url}/t/{TUTOR_SLUG}")
    expect(guest.locator("#tutor-name")).to_have_text("Olena Kovalenko", timeout=TIMEOUT)
    expect(guest.locator("#viewer-timezone")).to_have_value("Europe/Kyiv", timeout=TIMEOUT)
    _next_week_first_slot(guest, "Individual lesson")
    guest.fill("#book-name", "Ivan Guest")
    guest.fill("#book-phone", "+380 67 111 2233")
    guest.fill("#book-telegram_username", "ivan")  # no "@"
    guest.click("#book-submit")
    expect(guest.locator("#book-telegram_username-error")).to_be_visible(timeout=TIMEOUT)
    guest.fill("#book-telegram_username", "@ivan_guest")
    guest.click("#book-submit")
    token = _private_token(guest)
    expect(guest.locator("#booking-status")).to_have_text("Confirmed")
    expect(guest.locator("#telegram-link")).to_have_attribute("href", re.compile(token))
    href = guest.locator("#ics-link").get_attribute("href")
    assert href and href.endswith(f"/api/v1/bookings/{token}/calendar.ics")
    ics = guest.request.get(f"{live_app.url}{href[href.index('/api/') :]}")
    assert ics.status == 200, ics.text()
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in ics.text()

    # ... moves it to another free time, then cancels it
    when = guest.locator("#booking-when")
    booked_at = when.inner_text()
    guest.click("#reschedule-booking")
    expect(guest.locator("#reschedule-panel")).to_be_visible(timeout=TIMEOUT)
    r_label = guest.locator("#rweek-label")
    expect(r_label).not_to_have_text("", timeout=TIMEOUT)
    this_week = r_label.inner_text()
    guest.click("#rweek-next")  # the booking's own week (its first slot is the booked one)
    expect(r_label).not_to_have_text(this_week, timeout=TIMEOUT)
    guest.locator("#rslots-days .slot-button").last.click()
    expect(guest.locator("#move-question")).to_contain_text("Move from", timeout=TIMEOUT)
    expect(when).to_have_text(booked_at)  # nothing moves before the confirm (issue 14)
    guest.click("#confirm-move")
    expect(guest.locator("#reschedule-panel")).to_have_count(0, timeout=TIMEOUT)
    expect(when).not_to_have_text(booked_at, timeout=TIMEOUT)
    guest.click("#cancel-booking")
    guest.click("#confirm-cancel")
    expect(guest.locator("#booking-status")).to_have_text(re.compile("^Cancelled"), timeout=TIMEOUT)

    # (b) a new student registers and requests a trial
    email = f"student-{uuid.uuid4().hex[:8]}@example.com"
    student: Page = new_page(timezone_id="Europe/Kyiv")
    student.goto(f"{live_app.url}/register?role=student")
    student.fill("#name", "Petro Trial")
    student.fill("#email", email)
    student.fill("#phone", "+380 50 765 4321")
    student.fill("#password", "student-pass-1")
    student.click("#register-submit")
    expect(student.locator("#user-role")).to_have_text("student", timeout=TIMEOUT)
    student.goto(f"{live_app.url}/t/{TUTOR_SLUG}")
    expect(student.locator("#tutor-name")).to_have_text("Olena Kovalenko", timeout=TIMEOUT)
    _next_week_first_slot(student, "Trial lesson")
    expect(student.locator("#book-name")).to_have_value("Petro Trial")
    student.click("#book-submit")
    trial_token = _private_token(student)
    expect(student.locator("#booking-status")).to_have_text("Waiting for the tutor")

    # (c) the tutor confirms it
    tutor: Page = new_page(timezone_id="Europe/Kyiv")
    tutor.goto(f"{live_app.url}/login")
    tutor.fill("#email", TUTOR_EMAIL)
    tutor.fill("#password", DEMO_PASSWORD)
    tutor.click("#login-submit")
    expect(tutor.locator("#user-role")).to_have_text("tutor", timeout=TIMEOUT)
    tutor.goto(f"{live_app.url}/tutor/requests")
    request = tutor.locator(".request-item").filter(has_text="Petro Trial")
    expect(request).to_be_visible(timeout=TIMEOUT)
    expect(tutor.locator(".requests-badge").first).not_to_have_text("", timeout=TIMEOUT)
    request.get_by_role("button", name="Confirm").click()
    expect(request).to_have_count(0, timeout=TIMEOUT)

    student.goto(f"{live_app.url}/booking/{trial_token}")
    expect(student.locator("#booking-status")).to_have_text("Confirmed", timeout=TIMEOUT)
    student.goto(f"{live_app.url}/my/bookings")
    expect(student.locator("#upcoming-list .my-booking")).to_have_count(1, timeout=TIMEOUT)
