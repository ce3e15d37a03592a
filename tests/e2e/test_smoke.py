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
