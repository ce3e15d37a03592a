"""Allowed origins over HTTP (issue 12): only PUBLIC_URL's origin (and CORS_ORIGINS) may
use the API with the user's cookie; other pages get no CORS header, their preflights and
state-changing requests are refused. The websocket half runs against the real app in
tests/e2e/test_origins_browser.py.

The stack under test is what a request crosses in the running app, minus the frontend
files: `OriginPolicy` outermost, then Reflex's own CORS middleware configured from the
project's rxconfig.py (`App._add_cors`, as Reflex adds it), then the API app.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from reflex.app import App
from reflex.config import get_config
from starlette.applications import Starlette

from booking_app.api.app import api
from booking_app.api.cors import OriginPolicy
from booking_app.config import get_settings
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.builders import add_tutor

PUBLIC = "http://localhost:3000"  # PUBLIC_URL is blank in tests: the default
EVIL = "https://evil.example"
SAME_HOST_OTHER_PORT = "http://localhost:5000"  # same *site*: the cookie goes along


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    assert get_settings().allowed_origins == (PUBLIC,)
    assert list(get_config().cors_allowed_origins) == [PUBLIC]  # rxconfig.py
    reflex_layer = Starlette()
    reflex_layer.mount("", api)
    App._add_cors(reflex_layer)
    tutor = add_tutor()
    with TestClient(OriginPolicy(reflex_layer, get_settings().allowed_origins)) as test_client:
        test_client.cookies.set(
            "session", open_session(user_id=tutor, role="tutor", now=clock.now())
        )
        yield test_client


def _cors_headers(response: object) -> dict[str, str]:
    headers = response.headers  # type: ignore[attr-defined]
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("access-control-")}


@pytest.mark.parametrize("origin", [EVIL, SAME_HOST_OTHER_PORT, "null"])
def test_other_origins_get_no_cors_headers_and_no_writes(client: TestClient, origin: str) -> None:
    me = client.get("/api/v1/me", headers={"Origin": origin})
    assert me.status_code == 200  # served, but the browser won't let that page read it
    assert _cors_headers(me) == {} and "Origin" in me.headers["vary"]
    preflight = client.options(
        "/api/v1/my-students",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 403 and _cors_headers(preflight) == {}
    assert preflight.json()["error"] == "origin_not_allowed"
    # A "simple" cross-origin POST needs no preflight and carries the cookie: refused
    # before the route runs (no invite minted, nobody signed out).
    for path in ("/api/v1/classroom-invites", "/api/auth/logout", "/admin/login"):
        posted = client.post(path, headers={"Origin": origin, "Content-Type": "text/plain"})
        assert posted.status_code == 403, (path, posted.status_code)
        assert posted.json()["error"] == "origin_not_allowed"
        assert "set-cookie" not in posted.headers and _cors_headers(posted) == {}


def test_the_public_origin_gets_credentialed_cors(client: TestClient) -> None:
    me = client.get("/api/v1/me", headers={"Origin": PUBLIC})
    assert me.status_code == 200 and me.json()["role"] == "tutor"
    assert _cors_headers(me) == {
        "access-control-allow-origin": PUBLIC,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "X-Total-Count, Link, ETag, Retry-After",
    }
    preflight = client.options(
        "/api/v1/lessons",
        headers={
            "Origin": PUBLIC,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == PUBLIC
    assert preflight.headers["access-control-allow-credentials"] == "true"
    invite = client.post("/api/v1/classroom-invites", headers={"Origin": PUBLIC})
    assert invite.status_code == 200 and invite.json()["token"]


def test_requests_without_origin_are_untouched(client: TestClient) -> None:
    """Same-origin navigations, curl, Celery and Telegram send no Origin header."""
    invite = client.post("/api/v1/classroom-invites")
    assert invite.status_code == 200 and _cors_headers(invite) == {}
