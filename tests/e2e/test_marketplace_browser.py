"""The marketplace in a browser: the guest's zone is known before the first search (one
results update per visit), filters clear fully, an invalid price shows only its error.

Issue 15 item 4 and the marketplace items of issue 14.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from playwright.sync_api import expect

ZONE = "America/New_York"


def _results_frames(frames: list[str]) -> int:
    """Websocket updates carrying marketplace cards (each card row has `next_for`)."""
    return sum(1 for f in frames if '"next_for"' in f)


def test_guest_zone_comes_with_the_first_search(
    new_page: Callable[..., Any], live_app: Any
) -> None:
    live_app.seed_demo()
    page = new_page(timezone_id=ZONE)
    frames: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))),
    )
    page.goto("/")
    expect(page.locator(".tutor-card").first).to_be_visible()
    expect(page.locator(".tutor-card-next").first).to_be_visible()  # next free, maintained
    expect(page.locator("#market-timezone")).to_have_value(ZONE)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("tz", "").replace("%2F", "/") == ZONE
    page.wait_for_timeout(500)  # a second (re)computation would arrive by now
    assert _results_frames(frames) == 1
    # The cookie script is in the served HTML itself, so it runs before the app's modules.
    html = httpx.get(live_app.url + "/", timeout=10).text
    assert "document.cookie" in html.split("</head>", 1)[0]


def test_clear_filters_and_an_invalid_price(new_page: Callable[..., Any], live_app: Any) -> None:
    live_app.seed_demo()
    page = new_page()
    page.goto("/")
    expect(page.locator(".tutor-card").first).to_be_visible()

    page.fill("#search-text", "nobody-by-this-name")
    page.click("#search-submit")
    expect(page.locator("#no-results")).to_be_visible()
    page.locator("#no-results").get_by_role("button", name="Clear filters").click()
    expect(page.locator(".tutor-card").first).to_be_visible()
    expect(page.locator("#search-text")).to_have_value("")  # issue 14: the name clears too

    page.fill("#search-price_min", "abc")
    page.click("#search-submit")
    expect(page.locator("#search-price_min-error")).to_be_visible()
    expect(page.locator("#no-results")).to_have_count(0)  # only the field's message
    page.click("#search-clear")
    expect(page.locator("#search-price_min")).to_have_value("")
    expect(page.locator(".tutor-card").first).to_be_visible()

    page.select_option("#search-free-within", "14")
    expect(page.locator(".tutor-card").first).to_be_visible()
