"""The built app serves its page and the page talks to the backend on PUBLIC_URL's origin.

Why: api_url is baked into the frontend at build time; if it differs from the origin the
browser uses, the httpOnly session cookie never reaches the websocket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_page_connects_its_websocket_to_the_public_origin(
    new_page: Callable[..., Any], live_app: Any
) -> None:
    page = new_page()
    with page.expect_websocket(lambda ws: "/_event" in ws.url) as socket:
        response = page.goto("/")
    assert response is not None and response.ok
    assert socket.value.url.startswith(f"ws://localhost:{live_app.port}/_event")


def test_api_errors_keep_their_contract_behind_reflex(live_app: Any) -> None:
    """In the running app Reflex mounts its own app at "" inside ours: unknown /api/
    paths, wrong methods and bad input must still get {"error", "detail"} (issue 12)."""
    import httpx

    base = live_app.url
    cases = [
        ("GET", "/api/v1/nope", 404, "not_found"),
        ("POST", "/api/v1/me", 405, "method_not_allowed"),
        ("GET", "/api/v1/bookings/x?tz=Europe", 422, "validation_failed"),
        ("GET", f"/api/v1/lessons/{10**20}/room", 422, "invalid_request"),
    ]
    for method, path, status, code in cases:
        response = httpx.request(method, base + path, timeout=10)
        assert response.status_code == status, (path, response.text[:200])
        assert response.json()["error"] == code, path
