"""The session routes over HTTP: cookie flags, single-use tickets, open redirects, /me."""

from __future__ import annotations

from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.services import accounts
from booking_app.services.session_tokens import issue_login_ticket
from booking_app.services.sessions import open_session
from tests.support import clock


def _user() -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration(
            "Sofia Student",
            "sofia@example.com",
            "+380671234567",
            "student-pass",
            "student",
            "Europe/Kyiv",
        )
    )


def _ticket(user_id: int) -> str:
    return issue_login_ticket(user_id=user_id, now=clock.now())


def test_ticket_becomes_an_httponly_lax_cookie_once(db: str) -> None:
    user = _user()
    client = TestClient(api)
    ticket = _ticket(user.id)
    response = client.get(
        "/api/auth/session", params={"ticket": ticket, "next": "/home"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/home"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("session=") and "httponly" in cookie and "samesite=lax" in cookie
    replay = client.get("/api/auth/session", params={"ticket": ticket}, follow_redirects=False)
    assert replay.status_code == 303 and replay.headers["location"] == "/login?expired=1"


def test_next_cannot_leave_the_site(db: str) -> None:
    user = _user()
    client = TestClient(api)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get(
            "/api/auth/session",
            params={"ticket": _ticket(user.id), "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/home"


def test_me_with_cookie_bearer_and_anonymous(db: str) -> None:
    user = _user()
    token = open_session(user_id=user.id, role="student", now=clock.now())
    client = TestClient(api)
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"error": "unauthorized", "detail": "Sign in first."}
    bearer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.json()["email"] == "sofia@example.com"
    client.cookies.set("session", token)
    assert client.get("/api/v1/me").json()["role"] == "student"


def test_logout_clears_the_cookie_and_needs_post(db: str) -> None:
    client = TestClient(api)
    assert client.get("/api/auth/logout").status_code == 405
    assert client.get("/api/auth/logout").json()["error"] == "method_not_allowed"
    response = client.post("/api/auth/logout")
    assert response.status_code == 204
    assert (
        'session=""' in response.headers["set-cookie"]
        or "max-age=0" in response.headers["set-cookie"].lower()
    )


def test_an_early_native_form_post_only_redirects_back() -> None:
    """Forms with a password point here natively (method POST); the body is never read."""
    client = TestClient(api)
    response = client.post(
        "/api/auth/form-not-ready",
        params={"to": "/register"},
        data={"email": "a@example.com", "password": "secret-pass"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/register"
    evil = client.post(
        "/api/auth/form-not-ready", params={"to": "//evil.example/"}, follow_redirects=False
    )
    assert evil.headers["location"] == "/home"
    assert client.get("/api/auth/form-not-ready").status_code == 405


def test_an_early_form_post_keeps_the_pages_next() -> None:
    """Issue 14: sign-in reached with `?next=` keeps it through the pre-hydration post
    (read from the Referer of that same page, validated like any `next`)."""
    client = TestClient(api)
    back = "/login?next=%2Ft%2Folena%3Fservice%3D3%26slot%3D2026-11-30T08%3A00%3A00%2B00%3A00"

    def post(referer: str, to: str = "/login") -> str:
        response = client.post(
            "/api/auth/form-not-ready", params={"to": to}, headers={"referer": referer},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303
        return response.headers["location"]

    assert post(f"http://localhost:3000{back}") == back
    assert post("http://localhost:3000/register?next=/x") == "/login"  # another page
    assert post("http://localhost:3000/login?next=//evil.example") == "/login?next=//evil.example"
    assert post("http://localhost:3000/login") == "/login"
