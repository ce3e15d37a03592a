"""The "API access" card in a real browser: a token made on the profile page is shown
once (set into the field on the client, never a state var), works as a Bearer token
with its scope, is listed with its last use after a reload (secret gone), and revoking
it ends it."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
PASSWORD = "tutor-pass-1"


def _register_tutor(page: Page, url: str) -> None:
    page.goto(f"{url}/register?role=tutor")
    page.fill("#name", "Api Tutor")
    page.fill("#email", f"api-{uuid.uuid4().hex[:8]}@example.com")
    page.fill("#phone", "+380 67 765 4321")
    page.fill("#password", PASSWORD)
    page.click("#register-submit")
    expect(page.locator("#user-role")).to_have_text("tutor", timeout=TIMEOUT)


def test_token_made_on_the_profile_page_is_shown_once_and_works(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page()
    url = live_app.url
    _register_tutor(page, url)
    page.goto(f"{url}/tutor/profile")
    page.fill("#api-access-name", "nightly export")
    page.select_option("#api-access-scope", "read")
    page.click("#api-access-submit")
    shown = page.locator("#api-access-new-value")
    expect(shown).to_have_value(re.compile(r"^tbk_pat_[A-Za-z0-9_-]{43}$"), timeout=TIMEOUT)
    expect(shown).to_be_visible()
    secret = shown.input_value()
    bearer = {"Authorization": f"Bearer {secret}"}
    me = page.request.get(f"{url}/api/v1/me", headers=bearer)
    assert me.status == 200 and me.json()["role"] == "tutor"
    write = page.request.post(f"{url}/api/v1/classroom-invites", headers=bearer)
    assert write.status == 403 and write.json()["error"] == "insufficient_scope"

    page.reload()
    expect(page.get_by_text("nightly export")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#api-access-new-value")).to_have_value("")
    expect(page.get_by_text("not used yet")).to_have_count(0)
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke token nightly export").click()
    expect(page.get_by_text("No tokens yet.")).to_be_visible(timeout=TIMEOUT)
    assert page.request.get(f"{url}/api/v1/me", headers=bearer).status == 401
