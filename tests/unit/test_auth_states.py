"""Reflex states with handlers called directly (no browser): guards, sign-in, registration."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData

from booking_app.pages.login import LoginState
from booking_app.pages.register import RegisterState
from booking_app.services import accounts
from booking_app.services.tokens import issue_session_token
from booking_app.state.auth import AuthState
from tests.support import clock


def _state(cls: type[rx.State], *, cookie: str = "", path: str = "/home", query: str = ""):  # type: ignore[no-untyped-def]
    root = rx.State()
    root.router = RouterData.from_router_data(
        {
            "headers": {"cookie": cookie},
            "pathname": path,
            "asPath": path + (f"?{query}" if query else ""),
            "ip": "10.1.1.1",
        }
    )
    return root.get_substate(cls.get_full_name().split("."))


def _spec_name(spec) -> str:  # type: ignore[no-untyped-def]
    return spec.handler.fn.__qualname__


def _tutor() -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration(
            "Petro Tutor",
            "petro@example.com",
            "+380671234567",
            "tutor-pass-1",
            "tutor",
            "Europe/Kyiv",
        )
    )


def test_require_login_reads_the_cookie_and_the_database(sqlite_db: str) -> None:
    user = _tutor()
    token = issue_session_token(user_id=user.id, role="tutor", now=clock.now())
    auth = _state(AuthState, cookie=f"session={token}")
    assert auth.require_login() is None
    assert (auth.user_id, auth.name, auth.role, auth.timezone) == (
        user.id,
        "Petro Tutor",
        "tutor",
        "Europe/Kyiv",
    )


def test_require_login_redirects_anonymous_and_forged_cookies(sqlite_db: str) -> None:
    for cookie in ("", "session=forged.token.value"):
        auth = _state(AuthState, cookie=cookie)
        spec = auth.require_login()
        assert spec is not None and _spec_name(spec) == "_redirect"
        assert auth.user_id == -1


def test_require_user_enforces_roles(sqlite_db: str) -> None:
    user = _tutor()
    token = issue_session_token(user_id=user.id, role="tutor", now=clock.now())
    auth = _state(AuthState, cookie=f"session={token}")
    assert auth.require_user("tutor") == user
    assert auth.require_user("admin") is None


def test_login_submit_starts_a_session(sqlite_db: str) -> None:
    _tutor()
    login = _state(LoginState, path="/login")
    events = list(login.submit({"email": "petro@example.com", "password": "tutor-pass-1"}))
    assert login.error == ""
    assert _spec_name(events[-1]) == "_call_script"  # window.location.assign(ticket URL)


def test_login_submit_shows_the_error(sqlite_db: str) -> None:
    _tutor()
    login = _state(LoginState, path="/login")
    list(login.submit({"email": "petro@example.com", "password": "nope-nope"}))
    assert login.error == "Invalid email or password." and login.loading is False


def test_register_submit_puts_errors_next_to_fields(sqlite_db: str) -> None:
    reg = _state(RegisterState, path="/register")
    reg.set_browser_timezone("Europe/Warsaw")
    assert reg.timezone == "Europe/Warsaw"
    reg.set_browser_timezone("Garbage/Zone")
    assert reg.timezone == "Europe/Warsaw"
    list(reg.submit({"name": "Al", "email": "bad", "phone": "1", "password": "x"}))
    assert reg.email_error.startswith("Enter a valid email")
    assert reg.phone_error.startswith("Enter a valid phone")
    assert reg.password_error == "Use at least 8 characters."
    assert reg.name_error == "" and reg.loading is False


def test_register_submit_success(sqlite_db: str) -> None:
    reg = _state(RegisterState, path="/register")
    reg.set_role("tutor")
    events = list(
        reg.submit(
            {
                "name": "New Tutor",
                "email": "new@example.com",
                "phone": "+380501234567",
                "password": "long-enough",
            }
        )
    )
    assert _spec_name(events[-1]) == "_call_script"
    assert reg.email_error == ""
