"""The admin panel in a real browser against the production build (issue 12): the
"Admin panel" link and `/admin` open it, and its forms save (flatpickr, checkboxes and
all) without shifting times, in a browser whose zone is not UTC.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import sqlalchemy as sa
from playwright.sync_api import Page, expect

TIMEOUT = 20_000
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

    # The probe's 500: untick "Is active" on a user and save.
    bob = _query(live_app, 'SELECT id FROM "user" WHERE email = :e', e=other).id
    page.goto(f"/admin/user/edit?pk={bob}")
    page.locator("#is_active").uncheck(force=True)  # a styled switch over the checkbox
    _save(page)
    assert _query(live_app, 'SELECT is_active FROM "user" WHERE id = :i', i=bob).is_active == 0

    # A lesson saved untouched keeps its times; they are shown in UTC, not Kyiv time.
    lesson = _query(live_app, "SELECT id, starts_at, ends_at FROM lesson ORDER BY id LIMIT 1")
    page.goto(f"/admin/lesson/edit?pk={lesson.id}")
    shown = page.input_value("#starts_at")  # what flatpickr will submit
    assert shown == str(lesson.starts_at)[:19], (shown, lesson.starts_at)
    _save(page)
    after = _query(live_app, "SELECT starts_at, ends_at FROM lesson WHERE id = :i", i=lesson.id)
    assert (after.starts_at, after.ends_at) == (lesson.starts_at, lesson.ends_at)
