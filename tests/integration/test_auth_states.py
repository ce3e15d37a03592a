"""Reflex states with handlers called directly (no browser): guards, sign-in, registration."""

from __future__ import annotations

from booking_app.pages.login import LoginState
from booking_app.pages.register import RegisterState
from booking_app.services import accounts, sessions
from booking_app.services.sessions import open_session
from booking_app.state.account_security import AccountSecurityState
from booking_app.state.auth import AuthState
from booking_app.state.forms import FORM
from tests.support import clock
from tests.support.states import run, spec_name, state


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
    token = open_session(user_id=user.id, role="tutor", now=clock.now())
    auth = state(AuthState, cookie=f"session={token}")
    assert auth.require_login() is None
    assert (auth.user_id, auth.name, auth.role, auth.timezone) == (
        user.id,
        "Petro Tutor",
        "tutor",
        "Europe/Kyiv",
    )


def test_require_login_redirects_anonymous_and_forged_cookies(sqlite_db: str) -> None:
    for cookie in ("", "session=forged.token.value"):
        auth = state(AuthState, cookie=cookie)
        spec = auth.require_login()
        assert spec is not None and spec_name(spec) == "_redirect"
        assert auth.user_id == -1


def test_require_user_enforces_roles(sqlite_db: str) -> None:
    user = _tutor()
    token = open_session(user_id=user.id, role="tutor", now=clock.now())
    auth = state(AuthState, cookie=f"session={token}")
    assert auth.require_user("tutor") == user
    assert auth.require_user("admin") is None


def test_login_submit_starts_a_session(sqlite_db: str) -> None:
    _tutor()
    login = state(LoginState, "/login")
    events = list(login.submit({"email": "petro@example.com", "password": "tutor-pass-1"}))
    assert login.errors == {}
    assert spec_name(events[-1]) == "_call_script"  # window.location.assign(ticket URL)


def test_login_submit_shows_the_error(sqlite_db: str) -> None:
    _tutor()
    login = state(LoginState, "/login")
    list(login.submit({"email": "petro@example.com", "password": "nope-nope"}))
    assert login.errors == {FORM: "Invalid email or password."} and login.loading is False


def test_register_submit_puts_errors_next_to_fields(sqlite_db: str) -> None:
    reg = state(RegisterState, "/register")
    reg.set_browser_timezone("Europe/Warsaw")
    assert reg.timezone == "Europe/Warsaw"
    reg.set_browser_timezone("Garbage/Zone")
    assert reg.timezone == "Europe/Warsaw"
    list(reg.submit({"name": "Al", "email": "bad", "phone": "1", "password": "x"}))
    assert reg.errors.get("email", "").startswith("Enter a valid email")
    assert reg.errors.get("phone", "").startswith("Enter a valid phone")
    assert reg.errors.get("password", "") == "Use at least 8 characters."
    assert reg.errors.get("name", "") == "" and reg.loading is False


def test_register_submit_success(sqlite_db: str) -> None:
    reg = state(RegisterState, "/register")
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
    assert spec_name(events[-1]) == "_call_script"
    assert reg.errors.get("email", "") == ""


def _token(user: accounts.SessionUser) -> str:
    return open_session(user_id=user.id, role=user.role, now=clock.now())


def test_a_signed_out_session_is_signed_out_on_the_next_page_load(sqlite_db: str) -> None:
    """The websocket keeps the cookie it connected with; the guard re-checks the session."""
    token = _token(_tutor())
    auth = state(AuthState, cookie=f"session={token}")
    assert auth.require_login() is None and auth.signed_in
    sessions.end_session(token)
    spec = auth.require_login()
    assert spec is not None and spec_name(spec) == "_redirect"
    assert auth.user_id == -1 and auth.require_user() is None


def test_check_session_sends_only_tabs_of_ended_sessions_to_sign_in(sqlite_db: str) -> None:
    user = _tutor()
    ended, kept = _token(user), _token(user)
    ended_tab = state(AuthState, "/calendar", cookie=f"session={ended}")
    kept_tab = state(AuthState, "/calendar", cookie=f"session={kept}")
    assert ended_tab.check_session() is None  # nothing ended yet
    sessions.end_session(ended)
    spec = ended_tab.check_session()
    assert spec is not None and spec_name(spec) == "_call_script"
    assert "/login?next=/calendar" in str(spec) and ended_tab.user_id == -1
    assert kept_tab.check_session() is None and kept_tab.user_id == user.id


def test_password_change_from_a_tab(sqlite_db: str) -> None:
    user = _tutor()
    mine, elsewhere = _token(user), _token(user)
    form = state(AccountSecurityState, "/tutor/profile", cookie=f"session={mine}")
    run(
        form.change_password(
            {"current_password": "nope", "new_password": "x", "confirm_password": "x"}
        )
    )
    assert form.errors.get("new_password", "") == "Use at least 8 characters." and not form.saving
    run(
        form.change_password(
            {
                "current_password": "nope-nope",
                "new_password": "tutor-pass-2",
                "confirm_password": "tutor-pass-2",
            }
        )
    )
    assert form.errors.get("current_password", "") == "That is not your current password."
    assert sessions.session_user(mine) is not None  # a refused change ends nothing
    events = run(
        form.change_password(
            {
                "current_password": "tutor-pass-1",
                "new_password": "tutor-pass-2",
                "confirm_password": "tutor-pass-2",
            }
        )
    )
    assert spec_name(events[-1]) == "_call_script"  # a fresh session through a ticket
    assert "/api/auth/session?ticket=" in str(events[-1])
    assert sessions.session_user(mine) is None and sessions.session_user(elsewhere) is None
    # The "sessions ended" signal does not pull this tab away from its ticket...
    auth = form.parent_state.get_substate(AuthState.get_full_name().split(".")[1:])
    assert auth.check_session() is None
    # ...but does send the other session's tabs to sign-in.
    other = state(AuthState, cookie=f"session={elsewhere}")
    spec = other.check_session()
    assert spec is not None and spec_name(spec) == "_call_script"
    # After the reload the page confirms the change once.
    assert any("Password changed" in str(e) for e in run(form.on_load()))
    assert run(form.on_load()) == []


def test_sign_out_everywhere_from_a_tab(sqlite_db: str) -> None:
    user = _tutor()
    mine, elsewhere = _token(user), _token(user)
    anonymous = state(AccountSecurityState, "/home")
    [spec] = run(anonymous.sign_out_everywhere())
    assert "/login" in str(spec) and sessions.session_user(mine) is not None
    tab = state(AccountSecurityState, "/home", cookie=f"session={mine}")
    [spec] = run(tab.sign_out_everywhere())
    assert spec_name(spec) == "_call_script" and "/api/auth/logout" in str(spec)
    assert sessions.session_user(mine) is None and sessions.session_user(elsewhere) is None


def test_login_page_says_when_a_sign_in_link_expired(sqlite_db: str) -> None:
    expired = state(LoginState, "/login?expired=1")
    expired.on_load()
    assert expired.notice == "Your sign-in link expired. Please sign in again."
    plain = state(LoginState, "/login")
    plain.on_load()
    assert plain.notice == ""
