"""/calendar in a real browser: a tutor creates by selecting a range, a drag onto another
lesson is refused with the reason and the event snaps back, a drag into free time moves
it, the details dialog opens and deletes; stats and payments toggles; students see it too."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD
from tests.e2e.test_live_updates_browser import _sign_in

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
TUTOR_EMAIL = "olena.tutor@example.com"


def _point(page: Page, day: str, hhmm: str) -> tuple[float, float]:
    col = page.locator(f'td.fc-timegrid-col[data-date="{day}"]').bounding_box()
    row = page.locator(f'td.fc-timegrid-slot-lane[data-time="{hhmm}:00"]').bounding_box()
    assert col is not None and row is not None
    return col["x"] + col["width"] / 2, row["y"] + row["height"] / 2


def _drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 4, start[1] + 6, steps=3)
    page.mouse.move(*end, steps=10)
    page.mouse.up()


def _select(page: Page, day: str, start: str, end: str, title: str) -> Any:
    _drag(page, _point(page, day, start), _point(page, day, end))
    expect(page.locator("#create-dialog")).to_be_visible(timeout=TIMEOUT)
    page.fill("#create-title", title)
    page.click("#create-submit")
    event = page.locator(".fc-event").filter(has_text=title)
    expect(event).to_have_count(1, timeout=TIMEOUT)
    _dialog_gone(page)
    return event


def _dialog_gone(page: Page) -> None:
    """Radix keeps `pointer-events: none` on <body> until its close animation ends."""
    expect(page.locator("#create-dialog")).to_have_count(0, timeout=TIMEOUT)
    page.wait_for_function(
        "() => getComputedStyle(document.body).pointerEvents !== 'none'", timeout=TIMEOUT
    )
    page.wait_for_timeout(200)


def _grab(event: Any) -> tuple[float, float]:
    box = event.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + 6


def test_tutor_creates_moves_is_refused_and_deletes(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv", viewport={"width": 1300, "height": 1000})
    _sign_in(page, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    page.click("#nav-calendar")
    expect(page.locator("#calendar-heading")).to_be_visible(timeout=TIMEOUT)
    monday = date.today() - timedelta(days=date.today().weekday()) + timedelta(weeks=5)
    tue, thu = (monday + timedelta(days=1)).isoformat(), (monday + timedelta(days=3)).isoformat()
    page.fill("#cal-jump", tue)
    expect(page.locator(f'td.fc-timegrid-col[data-date="{tue}"]')).to_be_visible(timeout=TIMEOUT)
    # the grid scrolls to 08:00 after it mounts: measure positions only once it has
    page.wait_for_function(
        "() => [...document.querySelectorAll('.fc-scroller')].some(e => e.scrollTop > 0)",
        timeout=TIMEOUT,
    )
    page.wait_for_timeout(300)

    first = _select(page, tue, "10:00", "10:30", "Calendar first")
    second = _select(page, tue, "13:00", "13:30", "Calendar second")
    before = second.locator(".fc-event-time").inner_text()

    # onto the first lesson: refused with the reason, and it stays where it was
    target = first.bounding_box()
    assert target is not None
    _drag(page, _grab(second), (target["x"] + target["width"] / 2, target["y"] + 8))
    try:
        expect(page.get_by_text("overlaps another lesson")).to_be_visible(timeout=TIMEOUT)
    finally:
        page.screenshot(path=str(live_app.data_dir.parent / "calendar-refused.png"))
    expect(second.locator(".fc-event-time")).to_have_text(before)
    assert second.evaluate("e => e.closest('td').getAttribute('data-date')") == tue

    # into free time: moved (same length)
    _drag(page, _grab(second), _point(page, thu, "11:00"))
    expect(page.get_by_text("Moved.")).to_be_visible(timeout=TIMEOUT)
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('.fc-event')].some(
            e => e.innerText.includes('Calendar second')
              && e.closest('td').getAttribute('data-date') === '{thu}')""",
        timeout=TIMEOUT,
    )

    # stats
    page.click("#cal-toggle-stats")
    expect(page.locator("#stat-lessons")).to_have_text("2", timeout=TIMEOUT)

    # details, then delete
    first.click()
    expect(page.locator("#detail-dialog")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#detail-title")).to_have_text("Calendar first")
    page.click("#detail-delete")
    expect(first).to_have_count(0, timeout=TIMEOUT)
    expect(page.locator("#stat-lessons")).to_have_text("1", timeout=TIMEOUT)


def test_calendar_is_read_only_for_students(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(page, live_app.url, "taras.student@example.com", DEMO_PASSWORD, "student")
    page.click("#nav-calendar")
    expect(page.locator("#calendar-heading")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#cal-toggle-stats")).to_have_count(0)
    expect(page.locator(".fc-timegrid")).to_be_visible(timeout=TIMEOUT)
    # a click on one of their bookings opens its private page (cancel, move, .ics there)
    events = page.locator(".fc-event")
    if events.count() == 0:  # the demo week may lie ahead (e.g. on a Sunday)
        page.click("#cal-next")
    events.first.wait_for(timeout=TIMEOUT)
    events.first.click()
    expect(page).to_have_url(re.compile(r"/booking/[0-9a-f-]{36}/?$"), timeout=TIMEOUT)


def test_tutor_marks_a_student_paid_and_sees_it_on_the_event(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv", viewport={"width": 1300, "height": 1000})
    _sign_in(page, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    page.goto(f"{live_app.url}/calendar")
    expect(page.locator(".fc-timegrid")).to_be_visible(timeout=TIMEOUT)
    booked = page.locator(".fc-event.cal-status-confirmed")
    if not booked.count():  # late in the week: the demo's next lessons are next week
        label = page.locator("#cal-week-label").inner_text()
        page.click("#cal-next")
        expect(page.locator("#cal-week-label")).not_to_have_text(label, timeout=TIMEOUT)
    expect(booked.first).to_be_visible(timeout=TIMEOUT)
    page.click("#cal-toggle-payments")
    expect(booked.first).to_contain_text("unpaid", timeout=TIMEOUT)
    booked.first.click()
    seat = page.locator("#detail-dialog .cal-seat").first
    expect(seat).to_be_visible(timeout=TIMEOUT)
    seat.get_by_label("Amount received").fill("12,5x")
    seat.locator(".mark-paid").click()
    expect(page.locator("#detail-error")).to_be_visible(timeout=TIMEOUT)  # bad amount
    seat.get_by_label("Amount received").fill("123.45")
    seat.locator(".mark-paid").click()
    expect(seat.get_by_role("button", name="Mark unpaid")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#detail-error")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(
        page.locator(".fc-event.cal-status-confirmed").filter(has_text="paid")
    ).not_to_have_count(0, timeout=TIMEOUT)
