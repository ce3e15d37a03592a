"""Server-side sessions over HTTP and in the services: sign-out ends the session (the same
JWT is refused afterwards), "sign out everywhere", password change and deactivation end
all of them, and the user's open tabs are told (realtime SESSIONS_ENDED)."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from booking_app import realtime
from booking_app.api.app import api
from booking_app.db import read_scope, session_scope
from booking_app.models import User, UserSession
from booking_app.services import account_security, accounts, admin_ops, sessions
from booking_app.services.errors import InvalidCredentials, TooManyAttempts, ValidationFailed
from booking_app.services.session_tokens import (
    decode_session_token,
    issue_login_ticket,
    issue_session_token,
)
from tests.support import clock
from tests.support.processes import wait_until

PASSWORD = "student-pass-1"


def _user(email: str = "sofia@example.com") -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration(
            "Sofia Student", email, "+380671234567", PASSWORD, "student", "Europe/Kyiv"
        )
    )


def _signed_in_client(user: accounts.SessionUser) -> tuple[TestClient, str]:
    """A browser that went through the real sign-in route; returns it and its JWT."""
    client = TestClient(api)
    ticket = issue_login_ticket(user_id=user.id, now=clock.now())
    response = client.get("/api/auth/session", params={"ticket": ticket}, follow_redirects=False)
    assert response.status_code == 303
    token = client.cookies.get("session")
    assert token
    return client, token


def _me(token: str) -> int:
    return (
        TestClient(api).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
    )


def _session_rows(user_id: int) -> int:
    with read_scope() as session:
        rows = session.exec(select(UserSession).where(UserSession.user_id == user_id)).all()
        return len(rows)


def test_logout_ends_the_session_server_side(db: str) -> None:
    """The probe's finding: after POST /api/auth/logout the same JWT still got 200."""
    user = _user()
    client, token = _signed_in_client(user)
    assert client.get("/api/v1/me").status_code == 200 and _me(token) == 200
    assert client.post("/api/auth/logout").status_code == 204
    assert _me(token) == 401  # the same JWT, replayed as Bearer
    replay = TestClient(api)
    replay.cookies.set("session", token)
    response = replay.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "detail": "Sign in first."}
    assert _session_rows(user.id) == 0


def test_logout_ends_only_its_own_session(db: str) -> None:
    user = _user()
    laptop, laptop_token = _signed_in_client(user)
    _, phone_token = _signed_in_client(user)
    assert _session_rows(user.id) == 2
    laptop.post("/api/auth/logout")
    assert _me(laptop_token) == 401 and _me(phone_token) == 200
    # A Bearer integration signs out the same way.
    response = TestClient(api).post(
        "/api/auth/logout", headers={"Authorization": f"Bearer {phone_token}"}
    )
    assert response.status_code == 204 and _me(phone_token) == 401


def test_a_well_signed_token_without_a_session_is_refused(db: str) -> None:
    """Signing alone is not enough: the session the JWT names must exist."""
    user = _user()
    forged = issue_session_token(user_id=user.id, role="student", sid="made-up", now=clock.now())
    assert _me(forged) == 401
    _, token = _signed_in_client(user)
    claims = decode_session_token(token)
    assert claims is not None
    other = _user("other@example.com")
    borrowed = issue_session_token(  # someone else's session id under my user id
        user_id=other.id, role="student", sid=str(claims["sid"]), now=clock.now()
    )
    assert _me(borrowed) == 401 and _me(token) == 200


def test_sign_out_everywhere_ends_every_session(db: str) -> None:
    user = _user()
    other = _user("other@example.com")
    tokens = [_signed_in_client(user)[1] for _ in range(3)]
    _, bystander = _signed_in_client(other)
    assert account_security.sign_out_everywhere(user.id) == 3
    assert [_me(t) for t in tokens] == [401, 401, 401]
    assert _me(bystander) == 200


def test_password_change_checks_input_and_ends_every_session(db: str) -> None:
    user = _user()
    tokens = [_signed_in_client(user)[1] for _ in range(2)]
    now = clock.now()
    cases = [
        ("wrong-password", "brand-new-pass", "brand-new-pass", {"current_password"}),
        ("", "brand-new-pass", "brand-new-pass", {"current_password"}),
        (PASSWORD, "short", "short", {"new_password"}),
        (PASSWORD, PASSWORD, PASSWORD, {"new_password"}),
        (PASSWORD, "brand-new-pass", "brand-new-pasS", {"confirm_password"}),
    ]
    for current, new, confirm, fields in cases:
        with pytest.raises(ValidationFailed) as caught:
            account_security.change_password(user.id, current, new, confirm, ip="10.0.0.1", now=now)
        assert set(caught.value.field_errors) == fields
    assert [_me(t) for t in tokens] == [200, 200]  # nothing written by a refused change
    account_security.change_password(
        user.id, PASSWORD, "brand-new-pass", "brand-new-pass", ip="10.0.0.1", now=now
    )
    assert [_me(t) for t in tokens] == [401, 401]
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(user.email, PASSWORD, ip="10.0.0.1", now=now)
    assert accounts.authenticate(user.email, "brand-new-pass", ip="10.0.0.1", now=now) == user


def test_guessing_the_current_password_is_throttled_like_sign_in(db: str) -> None:
    """A stolen session must not become an unthrottled password oracle."""
    user = _user()
    now = clock.now()
    for i in range(10):
        with pytest.raises(ValidationFailed):
            account_security.change_password(
                user.id, f"guess-{i}", "brand-new-pass", "brand-new-pass", ip="10.0.0.9", now=now
            )
    with pytest.raises(TooManyAttempts):
        account_security.change_password(
            user.id, PASSWORD, "brand-new-pass", "brand-new-pass", ip="10.0.0.9", now=now
        )


def test_deactivation_refuses_existing_sessions(db: str) -> None:
    user = _user()
    _, token = _signed_in_client(user)
    with session_scope(write=True) as session:
        row = session.get(User, user.id)
        assert row is not None
        row.is_active = False
        session.add(row)
    assert _me(token) == 401


def _admin_client() -> TestClient:
    accounts.create_admin(
        email="admin@example.com", name="Ada Admin", phone="+380671110000", password="admin-pass-1"
    )
    client = TestClient(api)
    form = client.get("/admin/login")
    csrf = re.search(r'name="csrftoken" value="([^"]+)"', form.text)
    assert csrf is not None
    response = client.post(
        "/admin/login",
        data={"username": "admin@example.com", "password": "admin-pass-1", "csrftoken": csrf[1]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client


def test_admin_deactivation_ends_sessions_and_admin_logout_ends_its_own(db: str) -> None:
    """Deactivating from the admin (its row action: `admin_ops.set_active`, the path of
    the panel and of PATCH /api/v1/admin/users) ends the user's sessions."""
    user = _user()
    _, token = _signed_in_client(user)
    admin = _admin_client()
    admin_token = admin.cookies.get("session")
    assert admin_token and _me(admin_token) == 200
    with session_scope() as session:
        admin_id = session.exec(select(User.id).where(User.email == "admin@example.com")).one()
    admin_ops.set_active(admin_id, user.id, active=False, now=clock.now())
    assert _me(token) == 401 and _session_rows(user.id) == 0
    with session_scope(write=True) as session:  # reactivation does not revive them
        row = session.get(User, user.id)
        assert row is not None
        row.is_active = True
        session.add(row)
    assert _me(token) == 401
    page = admin.get("/admin/")
    csrf = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert csrf is not None
    out = admin.post("/admin/logout", data={"csrftoken": csrf[1]}, follow_redirects=False)
    assert out.status_code == 303
    assert _me(admin_token) == 401


def test_expired_sessions_are_refused_and_purged(db: str) -> None:
    user = _user()
    _, token = _signed_in_client(user)
    later = clock.now() + timedelta(hours=8, seconds=1)
    assert sessions.session_user(token, now=later) is None
    assert sessions.purge_expired_sessions(now=clock.now()) == 0
    assert sessions.purge_expired_sessions(now=later) == 1
    assert _session_rows(user.id) == 0


class _Recorder:
    """The backend's event loop in a thread, recording (kind, ids) of every delivery."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.received: list[tuple[str, list[int]]] = []
        self.thread.start()

    async def deliver(self, ids: list[int], kind: str = realtime.CHANGED) -> None:
        self.received.append((kind, sorted(ids)))


@pytest.fixture
def backend() -> Iterator[_Recorder]:
    recorder = _Recorder()
    realtime.bind(recorder.deliver, recorder.loop)
    yield recorder
    realtime.unbind()
    recorder.loop.call_soon_threadsafe(recorder.loop.stop)
    recorder.thread.join(5)
    recorder.loop.close()


def test_ending_sessions_tells_the_users_tabs(db: str, backend: _Recorder) -> None:
    user = _user()
    client, _ = _signed_in_client(user)
    client.post("/api/auth/logout")
    assert wait_until(lambda: len(backend.received) == 1, timeout=5)
    assert backend.received == [(realtime.SESSIONS_ENDED, [user.id])]
    account_security.sign_out_everywhere(user.id)
    assert wait_until(lambda: len(backend.received) == 2, timeout=5)
    # negative control: a refused password change ends nothing and says nothing
    with pytest.raises(ValidationFailed):
        account_security.change_password(
            user.id, "wrong-password", "brand-new-pass", "brand-new-pass", ip="1.1.1.1",
            now=clock.now(),
        )  # fmt: skip
    account_security.change_password(
        user.id, PASSWORD, "brand-new-pass", "brand-new-pass", ip="1.1.1.1", now=clock.now()
    )
    assert wait_until(lambda: len(backend.received) == 3, timeout=5)
    assert {kind for kind, _ in backend.received} == {realtime.SESSIONS_ENDED}


def test_internal_endpoint_carries_the_signal_kind() -> None:
    client = TestClient(api)
    headers = {realtime.TOKEN_HEADER: realtime.internal_token()}
    body = {"user_ids": [1], "kind": "sessions_ended"}
    assert client.post(realtime.INTERNAL_PATH, json=body, headers=headers).status_code == 200
    bad = client.post(
        realtime.INTERNAL_PATH, json={"user_ids": [1], "kind": "drop_tables"}, headers=headers
    )
    assert bad.status_code == 422
