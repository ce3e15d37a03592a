"""Issue 17 in a real browser (production build, demo data).

(a) "Add to calendar" on the private booking page downloads the .ics (it used to do
nothing or navigate inside the SPA to "Booking not found"); Google and Outlook links open
prefilled events in a new tab. (b) A tutor makes their feed address on the profile page,
it answers text/calendar; after "Make a new address" the old one is 404.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
TUTOR_EMAIL = "olena.tutor@example.com"


def _confirmed_token(database_url: str) -> str:
    """An upcoming confirmed booking of the demo data (it offers the calendar links)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT b.booking_token FROM booking b JOIN lesson l ON l.id = b.lesson_id "
                    "WHERE b.status = 'confirmed' AND l.ends_at > CURRENT_TIMESTAMP "
                    "ORDER BY l.starts_at LIMIT 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()


def test_add_to_calendar_downloads_and_the_feed_rotates(live_app: Any, new_page: Any) -> None:
    live_app.seed_demo()
    token = _confirmed_token(live_app.database_url)

    # (a) the private page: a real download, and the two prefilled-event links
    guest: Page = new_page(accept_downloads=True)
    guest.goto(f"{live_app.url}/booking/{token}")
    expect(guest.locator("#booking-status")).to_be_visible(timeout=TIMEOUT)
    with guest.expect_download(timeout=TIMEOUT) as info:
        guest.locator("#ics-link").click()
    download = info.value
    body = Path(download.path()).read_text(encoding="utf-8")
    assert download.suggested_filename == f"booking-{token[:8]}.ics"
    assert "BEGIN:VCALENDAR" in body and f"UID:{token}@tutorbook" in body
    expect(guest).to_have_url(re.compile(f"/booking/{token}$"))  # still on the page
    google = guest.locator("#google-calendar-link")
    expect(google).to_have_attribute("href", re.compile(r"^https://calendar\.google\.com/.*dates="))
    expect(google).to_have_attribute("target", "_blank")
    expect(guest.locator("#outlook-calendar-link")).to_have_attribute(
        "href", re.compile(r"^https://outlook\.live\.com/.*startdt=")
    )

    # (b) the tutor's feed: made, fetched, rotated
    tutor: Page = new_page()
    tutor.goto(f"{live_app.url}/login")
    tutor.fill("#email", TUTOR_EMAIL)
    tutor.fill("#password", DEMO_PASSWORD)
    tutor.click("#login-submit")
    expect(tutor).to_have_url(re.compile(r"/home/?$"), timeout=TIMEOUT)
    tutor.goto(f"{live_app.url}/tutor/profile")
    tutor.locator("#calendar-feed-rotate").click()
    url_box = tutor.locator("#calendar-feed-url")
    expect(url_box).to_have_value(re.compile(r"/api/feeds/[\w-]{43}\.ics$"), timeout=TIMEOUT)
    first = url_box.input_value()
    expect(tutor.locator("#calendar-feed-webcal")).to_have_attribute(
        "href", "webcal://" + first.split("://", 1)[1]
    )
    feed = tutor.request.get(first)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "X-WR-CALNAME:TutorBook lessons" in feed.text()
    tutor.locator("#calendar-feed-rotate").click()
    expect(url_box).not_to_have_value(first, timeout=TIMEOUT)
    assert tutor.request.get(first).status == 404
    assert tutor.request.get(url_box.input_value()).status == 200
