"""Running the school in a real browser (issue 18): an admin opens last month's teacher
load with its chart and downloads it as CSV; a tutor filters their bookings and exports
the filter. The downloads go through the session cookie, as a user's click does (the
integration tests use Bearer tokens). Dates come from the real clock (tests/README.md).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD, demo_logins
from tests.support import clock

TIMEOUT = 20_000
PASSWORD = "admin-pass-2026"


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"/home/?$"), timeout=TIMEOUT)


def _download(page: Page, selector: str) -> list[list[str]]:
    with page.expect_download(timeout=TIMEOUT) as info:
        page.click(selector)
    body = open(info.value.path(), "rb").read()  # noqa: SIM115 - a temp file playwright owns
    assert body.startswith(b"\xef\xbb\xbf"), body[:40]  # UTF-8 with BOM, ";"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_admin_reports_and_tutor_bookings(live_app: Any, new_page: Callable[..., Page]) -> None:
    live_app.seed_demo()
    email = f"reports-{uuid.uuid4().hex[:8]}@example.com"
    made = live_app.cli(
        "create-admin", "--email", email, "--name", "Ada Reports", "--phone", "+380501234567",
        "--password", PASSWORD,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    first_of_month = clock.now().date().replace(day=1)  # the admin's zone is UTC
    last_month = (first_of_month - timedelta(days=1)).replace(day=1).isoformat()

    page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(page, email, PASSWORD)
    page.goto("/reports")
    expect(page.locator("#rp-period-label")).to_be_visible(timeout=TIMEOUT)
    page.select_option("#rp-period", "last_month")
    page.click("#rp-show")
    expect(page.locator("#rp-period-label")).to_contain_text(last_month, timeout=TIMEOUT)
    expect(page.locator("#rp-chart .recharts-wrapper")).to_be_visible()
    tutor_name = next(d.name for d in demo_logins() if d.role == "tutor")
    expect(page.locator("#rp-table")).to_contain_text(tutor_name)
    rows = _download(page, "#rp-csv")
    assert rows[0][:3] == ["Tutor", "Currency", "Lessons held"]
    assert any(r[0] == tutor_name for r in rows[1:]) and rows[1][-2] == last_month

    tutor = new_page(timezone_id="Europe/Kyiv")
    _sign_in(tutor, next(d.email for d in demo_logins() if d.role == "tutor"), DEMO_PASSWORD)
    tutor.goto("/tutor/requests")
    tutor.click("#requests-all-bookings")
    expect(tutor).to_have_url(re.compile(r"/tutor/bookings/?$"), timeout=TIMEOUT)
    expect(tutor.locator("#bk-showing")).to_contain_text("of", timeout=TIMEOUT)
    tutor.select_option("#bk-status", "confirmed")
    tutor.click("#bk-apply")
    expect(tutor.locator("#bk-list .bk-row").first).to_contain_text("Confirmed", timeout=TIMEOUT)
    rows = _download(tutor, "#bk-export")
    status = rows[0].index("Status")
    assert len(rows) > 1 and {r[status] for r in rows[1:]} == {"confirmed"}
