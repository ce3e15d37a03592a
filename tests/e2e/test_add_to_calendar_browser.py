"""Issue 17: "Add to calendar" on the private booking page downloads the .ics in a real
browser (it used to navigate inside the SPA and show "Booking not found")."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000


def _confirmed_token(database_url: str) -> str:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT booking_token FROM booking WHERE status = 'confirmed' "
                    "ORDER BY id LIMIT 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()


def test_add_to_calendar_downloads_the_ics(live_app: Any, new_page: Any) -> None:
    live_app.seed_demo()
    token = _confirmed_token(live_app.database_url)
    page: Page = new_page(accept_downloads=True)
    page.goto(f"{live_app.url}/booking/{token}")
    expect(page.locator("#booking-status")).to_be_visible(timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as info:
        page.locator("#ics-link").click()
    download = info.value
    body = open(download.path(), encoding="utf-8").read()  # noqa: PTH123
    assert download.suggested_filename == f"booking-{token[:8]}.ics"
    assert "BEGIN:VCALENDAR" in body and f"UID:{token}@tutorbook" in body
    expect(page.locator("#booking-not-found")).to_have_count(0)
