"""The availability page's guards in a real browser (issue 14), as the demo tutor:

- the time boxes are 24-hour text ("HH:MM"), not chromium's AM/PM time input;
- unsaved weekly hours: an in-app link asks first (Cancel stays, with the edits), and the
  page refuses an unload silently (beforeunload);
- closing a date that has a booked lesson lists it in a confirmation: "Keep editing"
  saves nothing and gives focus back to the Save button; "Save anyway" saves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD, demo_logins

TIMEOUT = 20_000


def _first_booked_lesson(live_app: Any, email: str) -> tuple[str, str]:
    """(local date, "HH:MM") of the tutor's next lesson someone holds a seat in."""
    engine = sa.create_engine(live_app.database_url)
    try:
        with engine.connect() as conn:
            tutor = conn.execute(
                sa.text('SELECT id, timezone FROM "user" WHERE email = :e'), {"e": email}
            ).one()
            starts = conn.execute(
                sa.text(
                    "SELECT l.starts_at FROM lesson l JOIN booking b ON b.lesson_id = l.id "
                    "WHERE l.tutor_id = :t AND l.status != 'cancelled' "
                    "AND b.status IN ('pending', 'confirmed') AND l.starts_at > :now "
                    "ORDER BY l.starts_at LIMIT 1"
                ),
                {"t": tutor.id, "now": datetime.now(UTC).replace(tzinfo=None).isoformat(" ")},
            ).scalar_one()
    finally:
        engine.dispose()
    start = datetime.fromisoformat(str(starts)).replace(tzinfo=UTC)
    local = start.astimezone(ZoneInfo(tutor.timezone))
    return local.date().isoformat(), f"{local:%H:%M}"


def _sign_in_tutor(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"/home/?$"), timeout=TIMEOUT)


def test_availability_guards(live_app: Any, new_page: Callable[..., Page]) -> None:
    live_app.seed_demo()
    email = next(row.email for row in demo_logins() if row.role == "tutor")
    day, hhmm = _first_booked_lesson(live_app, email)
    page = new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    _sign_in_tutor(page, email)
    page.goto("/tutor/availability")
    expect(page.locator("#weekly-section")).to_be_visible(timeout=TIMEOUT)

    # 24 h: text boxes showing "HH:MM", even in an en-US browser.
    monday = page.locator("#weekday-0 input[placeholder='HH:MM']")
    expect(monday.first).to_have_attribute("type", "text")
    expect(page.locator("#weekly-section input[type=time]")).to_have_count(0)

    # Unsaved hours: an in-app link asks; Cancel keeps the page and the edits.
    page.click("#add-window-0")
    expect(page.locator("#windows-dirty")).to_be_visible()
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("#nav-tutor-services:visible").click()
    expect(page.locator("#windows-dirty")).to_be_visible()
    assert asked and "weekly hours are not saved" in asked[0], asked
    assert page.url.rstrip("/").endswith("/tutor/availability")
    refused = page.evaluate(
        """() => { const e = new Event('beforeunload', {cancelable: true});
                   window.dispatchEvent(e); return e.defaultPrevented; }"""
    )
    assert refused is True
    page.once("dialog", lambda d: d.accept())  # OK: leave without saving
    page.locator("#nav-tutor-services:visible").click()
    expect(page).to_have_url(re.compile(r"/tutor/services/?$"), timeout=TIMEOUT)

    # Closing a day with a booked lesson: listed first, saved only when confirmed.
    page.goto("/tutor/availability")
    expect(page.locator("#overrides-section")).to_be_visible(timeout=TIMEOUT)
    page.fill("#ov-day", day)
    expect(page.locator("#ov-closed")).to_have_attribute("data-state", "checked")
    page.click("#save-override")
    dialog = page.locator("#override-clash-dialog")
    expect(dialog).to_be_visible(timeout=TIMEOUT)
    # Every lesson with students that day is listed (in time order); the booked one too.
    expect(dialog.locator("li.clash").filter(has_text=hhmm).first).to_be_visible()
    page.click("#clash-keep")
    expect(dialog).to_have_count(0)
    expect(page.locator("#save-override")).to_be_focused()  # focus back where it was
    expect(page.locator(f"#override-{day}")).to_have_count(0)

    page.click("#save-override")
    expect(dialog).to_be_visible(timeout=TIMEOUT)
    dialog.locator("#confirm-cancel").click()  # "Save anyway"
    expect(page.locator(f"#override-{day}")).to_be_visible(timeout=TIMEOUT)
    page.click(f"#remove-override-{day}")  # the demo week stays as other tests expect it
    expect(page.locator(f"#override-{day}")).to_have_count(0, timeout=TIMEOUT)
