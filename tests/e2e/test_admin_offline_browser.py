"""The admin panel works offline and searches as you type (issue 14).

- No request leaves the app's own origin on /admin pages (starlette-admin imported its
  Inter font from rsms.me: a failed request offline and a visit reported to a third
  party). Negative control: the same recorder sees a request to another host.
- The list's search box filters while typing (debounced), without Enter, and keeps focus
  and caret so typing goes on.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

TIMEOUT = 20_000
PASSWORD = "admin-pass-2026"


def _admin_page(live_app: Any, new_page: Callable[..., Page], name: str) -> tuple[Page, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    made = live_app.cli(
        "create-admin", "--email", email, "--name", name.title(), "--phone", "+380501234567",
        "--password", PASSWORD,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"/home/?$"), timeout=TIMEOUT)
    return page, email


def _record_foreign(page: Page, origin: str) -> list[str]:
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((origin, "data:", "blob:")) else foreign.append(r.url),
    )
    return foreign


def test_no_request_leaves_the_app_on_admin_pages(
    live_app: Any, new_page: Callable[..., Page]
) -> None:
    page, _ = _admin_page(live_app, new_page, "offline")
    foreign = _record_foreign(page, live_app.url)
    for path in ("/admin/", "/admin/user/list", "/admin/lesson/list", "/admin/login"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert foreign == [], foreign
    assert "rsms.me" not in page.content()

    # Negative control: a stylesheet from elsewhere is seen by the same recorder.
    page.route("https://fonts.example.invalid/**", lambda route: route.abort())
    page.evaluate(
        """() => { const l = document.createElement('link'); l.rel = 'stylesheet';
                   l.href = 'https://fonts.example.invalid/inter.css';
                   document.head.appendChild(l); }"""
    )
    page.wait_for_timeout(500)
    assert foreign == ["https://fonts.example.invalid/inter.css"], foreign


def test_admin_search_filters_while_typing(live_app: Any, new_page: Callable[..., Page]) -> None:
    page, email = _admin_page(live_app, new_page, "searcher")
    _admin_page(live_app, new_page, "bystander")  # another user the search must hide
    page.goto("/admin/user/list")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible(timeout=TIMEOUT)
    search = page.locator("input[type=search][name=q]")
    search.click()
    local = email.split("@")[0]
    search.press_sequentially(local[:-2], delay=40)  # no Enter
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(local[:-2])), timeout=TIMEOUT)
    expect(page.locator("table tbody")).to_contain_text(email)
    expect(page.locator("table tbody")).not_to_contain_text("bystander-")
    # Focus and caret survive the reload: typing goes on where it stopped.
    expect(page.locator("input[type=search][name=q]")).to_be_focused()
    page.keyboard.type(local[-2:], delay=40)
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(local)), timeout=TIMEOUT)
    expect(page.locator("input[type=search][name=q]")).to_have_value(local)
    expect(page.locator("table tbody")).to_contain_text(email)
