"""The admin panel in a real browser against the production build (issue 12): the
"Admin panel" link and `/admin` open it, and its forms save (flatpickr, checkboxes and
all) without shifting times, in a browser whose zone is not UTC. Issue 18: a row action
(modal form, CSRF, the service behind it) cancels a booking and the tutor's open
calendar follows without a reload.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD
from tests.support import clock

TIMEOUT = 20_000
LIVE = 5_000  # a live update "within a second", with slack for a loaded 2-core machine
PASSWORD = "admin-pass-2026"


def _admin(live_app: Any, name: str) -> str:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    made = live_app.cli(
        "create-admin", "--email", email, "--name", name.title(), "--phone", "+380501234567",
        "--password", PASSWORD,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    return email


def _query(live_app: Any, sql: str, **params: Any) -> Any:
    engine = sa.create_engine(live_app.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).one()
    finally:
        engine.dispose()


def _save(page: Page) -> None:
    page.locator("button[type=submit].btn-primary").click()
    expect(page.locator(".alert-success")).to_contain_text("was changed successfully")


def test_admin_without_a_slash_redirects_to_the_panel(live_app: Any) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{live_app.port}", timeout=15) as client:
        moved = client.get("/admin")
    assert moved.status_code == 307 and moved.headers["location"] == "/admin/"


def test_admin_panel_link_opens_the_panel_and_its_forms_save(
    live_app: Any, new_page: Callable[..., Any]
) -> None:
    live_app.seed_demo()  # lessons with times to edit
    email, other = _admin(live_app, "ada"), _admin(live_app, "bob")
    page: Page = new_page(timezone_id="Europe/Kyiv")
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"/home/?$"), timeout=TIMEOUT)

    page.locator("#nav-admin:visible").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"), timeout=TIMEOUT)
    expect(page).to_have_title(re.compile("TutorBook admin"))

    # A user's form saves (activity is a row action now, not a checkbox of this form).
    bob = _query(live_app, 'SELECT id FROM "user" WHERE email = :e', e=other).id
    page.goto(f"/admin/user/edit?pk={bob}")
    expect(page.locator("#is_active")).to_have_count(0)
    _save(page)

    # A busy block saved untouched keeps its times; they are shown in UTC, not Kyiv time.
    block = _query(live_app, "SELECT id, starts_at, ends_at FROM busy_block ORDER BY id LIMIT 1")
    page.goto(f"/admin/busy-block/edit?pk={block.id}")
    shown = page.input_value("#starts_at")  # what flatpickr will submit
    assert shown == str(block.starts_at)[:19], (shown, block.starts_at)
    _save(page)
    after = _query(live_app, "SELECT starts_at, ends_at FROM busy_block WHERE id = :i", i=block.id)
    assert (after.starts_at, after.ends_at) == (block.starts_at, block.ends_at)


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"/home/?$"), timeout=TIMEOUT)


def test_admin_cancels_a_booking_and_the_tutors_open_calendar_updates(
    live_app: Any, new_page: Callable[..., Any]
) -> None:
    live_app.seed_demo()
    tutor_email = "olena.tutor@example.com"  # the demo tutor (booking_app/demo)
    found = _query(
        live_app,
        "SELECT b.id, b.client_name, l.starts_at FROM booking b JOIN lesson l ON l.id = b.lesson_id"
        ' JOIN "user" u ON u.id = b.tutor_id WHERE u.email = :e AND b.status = \'confirmed\''
        " AND l.lesson_type = 'individual' AND l.starts_at > :after"
        " ORDER BY l.starts_at LIMIT 1",
        e=tutor_email, after=clock.now() + timedelta(hours=3),
    )  # fmt: skip
    raw = found.starts_at  # SQLite hands back text, PostgreSQL a datetime
    starts = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    starts = starts if starts.tzinfo else starts.replace(tzinfo=UTC)
    kyiv = ZoneInfo("Europe/Kyiv")
    today, day = clock.now().astimezone(kyiv).date(), starts.astimezone(kyiv).date()
    weeks = (
        (day - timedelta(days=day.weekday())) - (today - timedelta(days=today.weekday()))
    ).days // 7

    tutor: Page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(tutor, tutor_email, DEMO_PASSWORD)
    tutor.goto("/calendar")
    label = tutor.locator("#cal-week-label")
    expect(label).not_to_have_text("", timeout=TIMEOUT)
    for _ in range(weeks):
        shown = label.inner_text()
        tutor.click("#cal-next")
        expect(label).not_to_have_text(shown, timeout=TIMEOUT)
    event = tutor.locator(".fc-event").filter(has_text=found.client_name)
    expect(event.first).to_be_visible(timeout=TIMEOUT)
    count = event.count()

    admin: Page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(admin, _admin(live_app, "cara"), PASSWORD)
    admin.goto(f"/admin/booking/detail?pk={found.id}")
    admin.locator('[data-sa-name="cancel"]').first.click()
    modal = admin.locator("#modal-action")
    expect(modal).to_be_visible(timeout=TIMEOUT)
    modal.locator("#reason").fill("The tutor is ill")
    modal.get_by_role("button", name="Cancel booking").click()
    expect(admin.locator(".alert-success")).to_contain_text("Cancelled", timeout=TIMEOUT)
    status = _query(live_app, "SELECT status FROM booking WHERE id = :i", i=found.id).status
    assert status == "cancelled"
    audit = _query(live_app, "SELECT action FROM audit_log WHERE target_id = :i", i=found.id)
    assert audit.action == "booking.cancel"
    expect(event).to_have_count(count - 1, timeout=LIVE)  # no reload on the tutor's side
