"""The admin panel in a real browser against the production build (issue 12): the
"Admin panel" link and `/admin` open it, and the generic forms that remain (users'
contacts, subjects) save what they show. Issue 18: the tutor's offer has no generic form
(a busy block's edit page is refused) and its row action removes a busy block through the
availability service; a row action (modal form, CSRF, the service behind it) cancels a
booking and the tutor's open calendar follows without a reload; the Bookings list is
filtered by tutor and lesson days with the list's filter builder.
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


def _admin(live_app: Any, name: str, timezone: str = "UTC") -> str:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    made = live_app.cli(
        "create-admin", "--email", email, "--name", name.title(), "--phone", "+380501234567",
        "--password", PASSWORD, "--timezone", timezone,
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
    live_app.seed_demo()  # subjects and busy time to work on
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

    # A subject's form (rule-free: it stays generic) saves what it shows.
    subject = _query(live_app, "SELECT id, name, slug FROM subject ORDER BY id LIMIT 1")
    page.goto(f"/admin/subject/edit?pk={subject.id}")
    _save(page)
    after = _query(live_app, "SELECT name, slug FROM subject WHERE id = :i", i=subject.id)
    assert (after.name, after.slug) == (subject.name, subject.slug)

    # A busy block has no edit form (it feeds the scheduling engine); its row action
    # removes it through the availability service, with an audit row.
    block = _query(
        live_app,
        "SELECT b.id, b.tutor_id, p.schedule_version FROM busy_block b JOIN tutor_profile p"
        " ON p.user_id = b.tutor_id WHERE b.calendar_source_id IS NULL ORDER BY b.id LIMIT 1",
    )
    refused = page.goto(f"/admin/busy-block/edit?pk={block.id}")
    assert refused is not None and refused.status == 403
    page.goto("/admin/busy-block/list?page_size=100")
    listed = page.locator(f'tr:has(a[href*="/admin/busy-block/detail?pk={block.id}"])')
    listed.locator('[data-sa-name="remove"]').click()
    modal = page.locator("#modal-action")
    expect(modal).to_be_visible(timeout=TIMEOUT)
    modal.get_by_role("button", name="Remove").click()
    expect(page.locator(".alert-success")).to_contain_text("Removed", timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"/admin/busy-block/list"))  # not the gone row
    gone = _query(live_app, "SELECT COUNT(*) AS n FROM busy_block WHERE id = :i", i=block.id)
    assert gone.n == 0
    audit = _query(
        live_app,
        "SELECT action FROM audit_log WHERE target_id = :i AND target_type = 'busy_block'",
        i=block.id,
    )
    assert audit.action == "busy_block.remove"
    version = _query(
        live_app, "SELECT schedule_version AS v FROM tutor_profile WHERE user_id = :t",
        t=block.tutor_id,
    )  # fmt: skip
    assert version.v > block.schedule_version


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


def _when(raw: Any) -> datetime:
    """A stored instant (SQLite hands back text, PostgreSQL a datetime), aware UTC."""
    moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_admin_filters_bookings_by_tutor_and_lesson_days(
    live_app: Any, new_page: Callable[..., Any]
) -> None:
    """With the list's "Filters" builder: the demo tutor's bookings with a lesson this
    week (Monday to Sunday in the admin's zone, Kyiv); the page lists exactly those."""
    live_app.seed_demo()
    tutor = _query(
        live_app, 'SELECT id, name FROM "user" WHERE email = :e', e="olena.tutor@example.com"
    )
    kyiv = ZoneInfo("Europe/Kyiv")
    today = clock.now().astimezone(kyiv).date()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    engine = sa.create_engine(live_app.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT b.id, b.tutor_id, l.starts_at FROM booking b"
                    " JOIN lesson l ON l.id = b.lesson_id"
                )
            ).all()
    finally:
        engine.dispose()
    expected = {
        r.id for r in rows
        if r.tutor_id == tutor.id and monday <= _when(r.starts_at).astimezone(kyiv).date() <= sunday
    }  # fmt: skip
    assert expected and len(expected) < len(rows)  # a filter that narrows, to something

    page: Page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(page, _admin(live_app, "dora", "Europe/Kyiv"), PASSWORD)
    page.goto("/admin/booking/list?page_size=100")
    page.locator("#filter-builder-dropdown button[data-bs-toggle=dropdown]").click()
    rows = page.locator('#filter-rows [data-sa-hook="filter-row"]')
    if rows.count() == 0:  # the builder starts with one row (or none, then add it)
        page.locator("#add-filter-row").click()
    expect(rows).to_have_count(1)
    first = rows.nth(0)
    first.locator('[data-sa-hook="filter-row-field"]').select_option("line_tutor")
    first.locator('[data-sa-hook="filter-row-value-select"]').select_option(str(tutor.id))
    page.locator("#add-filter-row").click()
    expect(rows).to_have_count(2)
    second = rows.nth(1)
    second.locator('[data-sa-hook="filter-row-field"]').select_option("line_starts")
    second.locator('[data-sa-hook="filter-row-op"]').select_option("between")
    second.locator('[data-sa-hook="filter-row-value"]').fill(monday.isoformat())
    second.locator('[data-sa-hook="filter-row-value2"]').fill(sunday.isoformat())
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"filter="), timeout=TIMEOUT)
    chips = page.locator('#active-filters a[aria-label^="Remove this filter"]')  # per rule
    expect(chips).to_have_count(2)
    expect(chips.first).to_contain_text(f"Tutor: Is {tutor.name}")
    listed = {int(pk) for pk in re.findall(r"/admin/booking/detail\?pk=(\d+)", page.content())}
    assert listed == expected
