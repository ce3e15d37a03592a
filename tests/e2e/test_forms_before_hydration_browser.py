"""Pressing Sign in / Create account before the page has hydrated never puts the password
into a URL (issue 12, item 13: 4 of ~35 automated sign-ins did, as GET /login/?...).

The JavaScript bundle is blocked, so the page stays the prerendered HTML forever: the
worst case of the 130-300 ms window. Enter and clicks do nothing (the submit button is
disabled until hydrated); with the button forcibly enabled, the native submission is a
POST to a route that only redirects back. No request URL and no page URL ever holds the
password.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.e2e
SECRET = "pre-hydration-secret-1"
FORMS = {  # page -> (fields to fill, submit button)
    "/login": ({"#email": "early@example.com", "#password": SECRET}, "#login-submit"),
    "/register": (
        {
            "#name": "Early Bird",
            "#email": "early@example.com",
            "#phone": "+380 67 123 4567",
            "#password": SECRET,
        },
        "#register-submit",
    ),
}


def _never_hydrates(page: Page) -> list[Request]:
    """Abort every script request (the page can't hydrate); record every request."""
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request))
    page.route(re.compile(r".*\.(m?js)(\?.*)?$"), lambda route: route.abort())
    return seen


@pytest.mark.parametrize("path", sorted(FORMS))
def test_an_early_submit_never_puts_the_password_in_a_url(live_app, new_page, path: str) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page()
    seen = _never_hydrates(page)
    page.goto(f"{live_app.url}{path}")
    fields, button = FORMS[path]
    for selector, value in fields.items():
        page.fill(selector, value)
    expect(page.locator(button)).to_be_disabled()

    page.press("#password", "Enter")
    page.click(button, force=True)  # a click on the disabled button
    page.wait_for_timeout(1_000)
    assert SECRET not in page.url
    assert page.locator("#password").input_value() == SECRET  # nothing was submitted

    # Second layer: even if the button were enabled, the native submission is a POST
    # to a route that redirects back, so the password never reaches a URL.
    page.evaluate(f"document.querySelector({button!r}).disabled = false")
    page.click(button)
    page.wait_for_load_state("load")
    assert SECRET not in page.url, f"the password is in the URL: {page.url}"
    assert not [r.url for r in seen if SECRET in r.url or "password=" in r.url]
    early = [r for r in seen if "/api/auth/form-not-ready" in r.url]
    assert [r.method for r in early] == ["POST"]
    expect(page).to_have_url(re.compile(rf"{re.escape(path)}/?$"))
