"""In a real browser against the production build: register a tutor, sign out, sign in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000


def _on(path: str):  # type: ignore[no-untyped-def]
    return re.compile(rf"^https?://[^/]+{re.escape(path)}/?(\?.*)?$")


def test_tutor_registers_signs_out_and_signs_back_in(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page(timezone_id="America/New_York")
    page.goto(f"{live_app.url}/register?role=tutor")
    expect(page.locator("#timezone")).to_have_value("America/New_York", timeout=TIMEOUT)

    page.fill("#name", "Marta Hrytsenko")
    page.fill("#email", "not-an-email")
    page.fill("#phone", "12")
    page.fill("#password", "short")
    page.click("#register-submit")
    expect(page.locator("#email-error")).to_contain_text("valid email", timeout=TIMEOUT)
    expect(page.locator("#phone-error")).to_contain_text("valid phone number")
    expect(page.locator("#password-error")).to_have_text("Use at least 8 characters.")

    page.fill("#email", "marta@example.com")
    page.fill("#phone", "+380 67 765 4321")
    page.fill("#password", "marta-secret-1")
    page.click("#register-submit")
    expect(page.locator("#user-name")).to_have_text("Marta Hrytsenko", timeout=TIMEOUT)
    expect(page.locator("#user-role")).to_have_text("tutor")
    expect(page.locator("#intro-tutor")).to_be_visible()
    expect(page.locator("#account-timezone")).to_have_text("America/New_York")
    # Scripts see only the viewer's zone (the `tz` cookie guest pages read before their first
    # computation); the session cookie is httpOnly, and the browser does hold one.
    visible = {c.split("=", 1)[0].strip() for c in page.evaluate("document.cookie").split(";")}
    assert visible <= {"tz", ""}, visible
    assert any(c["name"] == "session" and c["httpOnly"] for c in page.context.cookies(live_app.url))

    page.click("#sign-out")
    expect(page).to_have_url(_on("/login"), timeout=TIMEOUT)
    loads: list[str] = []  # full page loads (a client-side redirect fires no "load")
    page.on("load", lambda p: loads.append(p.url))
    page.goto(f"{live_app.url}/home")
    expect(page).to_have_url(re.compile(r"/login/?\?next="), timeout=TIMEOUT)
    # The sign-out above bumped this user's "sessions ended" counter. Loading /home brought
    # that value with hydration, which once counted as a change: the home page's session
    # watch then loaded the sign-in page a second time, wiping what the user had begun to
    # type (channel._LiveRefresh). Sign-in must come client-side, with no load of its own.
    expect(page.locator("#login-submit")).to_be_enabled(timeout=TIMEOUT)
    page.wait_for_timeout(1_500)  # the stray load came within one event round trip
    assert not [u for u in loads if "next=" in u], loads

    page.fill("#email", "marta@example.com")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_have_text("Invalid email or password.", timeout=TIMEOUT)

    page.fill("#password", "marta-secret-1")
    page.click("#login-submit")
    expect(page).to_have_url(_on("/home"), timeout=TIMEOUT)
    # the signed-in page hydrates after the URL changes (seconds on a loaded machine)
    expect(page.locator("#home-greeting")).to_have_text("Welcome, Marta", timeout=TIMEOUT)
    expect(page.locator("#user-role")).to_have_text("tutor")


def test_registering_a_taken_email_shows_the_error_next_to_the_field(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page()
    for attempt in range(2):
        page.goto(f"{live_app.url}/register")
        page.fill("#name", "Student Twice")
        page.fill("#email", "twice@example.com")
        page.fill("#phone", "+380 50 123 4567")
        page.fill("#password", "student-pass-1")
        page.click("#register-submit")
        if attempt == 0:
            expect(page.locator("#user-role")).to_have_text("student", timeout=TIMEOUT)
            page.click("#sign-out")
            expect(page).to_have_url(_on("/login"), timeout=TIMEOUT)
    expect(page.locator("#email-error")).to_contain_text("already exists", timeout=TIMEOUT)
