"""Programs' credentials end to end over HTTP (TestClient on the real app, SQLite and PG).

Access JWT + rotating refresh token (reuse revokes the family; every way sessions end
ends them), personal access tokens (hashed, shown once, last use, revoke, read scope
refused on writes) and the error contract of these routes. Rate limits: test_api_rate_limit.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from booking_app.api.app import api
from booking_app.config import get_settings
from booking_app.db import session_scope
from booking_app.models import PersonalAccessToken, RefreshToken
from booking_app.services import account_security, accounts, api_tokens, sessions
from tests.support import clock

PASSWORD = "student-pass-1"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    clock.freeze(monkeypatch, clock.now().replace(microsecond=0))
    yield TestClient(api)


def _user(email: str = "sofia@example.com", role: str = "tutor") -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration("Sofia", email, "+380671234567", PASSWORD, role, "Europe/Kyiv")
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _pair(client: TestClient, email: str = "sofia@example.com") -> dict[str, object]:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def test_password_gives_a_pair_that_works_and_rotates(db: str, client: TestClient) -> None:
    user = _user()
    pair = _pair(client)
    assert pair["token_type"] == "bearer" and pair["expires_in"] == 15 * 60
    assert str(pair["refresh_token"]).startswith("tbk_rt_")
    me = client.get("/api/v1/me", headers=_bearer(str(pair["access_token"])))
    assert me.status_code == 200 and me.json()["id"] == user.id
    new = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert new.status_code == 200 and new.json()["refresh_token"] != pair["refresh_token"]
    assert client.get("/api/v1/me", headers=_bearer(new.json()["access_token"])).status_code == 200
    with session_scope() as session:  # only hashes are stored
        hashes = session.exec(select(RefreshToken.token_hash)).all()
    assert api_tokens.secret_hash(str(pair["refresh_token"])) in hashes
    assert str(pair["refresh_token"]) not in hashes


def test_reusing_a_refresh_token_revokes_the_whole_family(db: str, client: TestClient) -> None:
    _user()
    first = _pair(client)
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    latest = second.json()
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["error"] == "refresh_token_reused"
    # The thief's copy and the owner's latest tokens are all dead now.
    after = client.post("/api/v1/auth/refresh", json={"refresh_token": latest["refresh_token"]})
    assert after.status_code == 401 and after.json()["error"] == "invalid_refresh_token"
    me = client.get("/api/v1/me", headers=_bearer(latest["access_token"]))
    assert me.status_code == 401 and me.json()["error"] == "unauthorized"
    # Negative control: a separate family of the same user is untouched.
    other = _pair(client)
    assert client.get("/api/v1/me", headers=_bearer(str(other["access_token"]))).status_code == 200


def test_access_token_expires_after_its_minutes(
    db: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user()
    pair = _pair(client)
    token = str(pair["access_token"])
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    clock.freeze(monkeypatch, clock.now() + timedelta(minutes=16))
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    fresh = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert fresh.status_code == 200


@pytest.mark.parametrize("ending", ["logout", "everywhere", "password", "deactivate"])
def test_ending_sessions_ends_program_tokens_at_once(
    db: str, client: TestClient, ending: str
) -> None:
    user = _user()
    pair = _pair(client)
    access, refresh = str(pair["access_token"]), str(pair["refresh_token"])
    if ending == "logout":
        assert client.post("/api/auth/logout", headers=_bearer(access)).status_code == 204
    elif ending == "everywhere":
        account_security.sign_out_everywhere(user.id)
    elif ending == "password":
        account_security.change_password(
            user.id, PASSWORD, "another-pass-2", "another-pass-2", ip="1.2.3.4", now=clock.now()
        )
    else:
        accounts_admin_deactivate(user.id)
    assert client.get("/api/v1/me", headers=_bearer(access)).status_code == 401
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert again.status_code == 401 and again.json()["error"] == "invalid_refresh_token"


def accounts_admin_deactivate(user_id: int) -> None:

    account_security.set_active(user_id, active=False, now=clock.now())


def test_token_endpoint_is_throttled_like_sign_in(
    db: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user()
    monkeypatch.setenv("LOGIN_MAX_FAILURES", "3")
    get_settings.cache_clear()
    try:
        for _ in range(3):
            bad = client.post(
                "/api/v1/auth/token", json={"email": "sofia@example.com", "password": "nope"}
            )
            assert bad.status_code == 401 and bad.json()["error"] == "invalid_credentials"
        locked = client.post(
            "/api/v1/auth/token", json={"email": "sofia@example.com", "password": PASSWORD}
        )
        assert locked.status_code == 429 and locked.json()["error"] == "too_many_attempts"
        assert int(locked.headers["Retry-After"]) > 0
    finally:
        monkeypatch.delenv("LOGIN_MAX_FAILURES")
        get_settings.cache_clear()


def _session(user: accounts.SessionUser) -> dict[str, str]:
    return _bearer(sessions.open_session(user_id=user.id, role=user.role, now=clock.now()))


def test_personal_access_token_lifecycle(db: str, client: TestClient) -> None:
    user = _user()
    made = client.post(
        "/api/v1/tokens",
        json={"name": "export", "scope": "read", "expires_in_days": 30},
        headers=_session(user),
    )
    assert made.status_code == 201, made.text
    body = made.json()
    secret = body["token"]
    assert secret.startswith("tbk_pat_") and len(secret) >= 8 + 43
    with session_scope() as session:
        row = session.exec(select(PersonalAccessToken)).one()
    assert row.token_hash == api_tokens.secret_hash(secret) and secret not in row.token_hash
    assert row.last_used_at is None
    me = client.get("/api/v1/me", headers=_bearer(secret))
    assert me.status_code == 200 and me.json()["id"] == user.id
    listed = client.get("/api/v1/tokens", headers=_session(user)).json()
    assert listed["count"] == 1 and "token" not in listed["results"][0]
    assert listed["results"][0]["last_used_at"] is not None
    assert listed["results"][0]["prefix"] == secret[:12]
    gone = client.delete(f"/api/v1/tokens/{body['id']}", headers=_session(user))
    assert gone.status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 401


def test_read_scope_is_refused_on_writes_and_write_scope_is_not(
    db: str, client: TestClient
) -> None:
    user = _user()
    read = api_tokens.create_token(
        user.id, name="r", scope="read", expires_in_days=None, now=clock.now()
    )
    write = api_tokens.create_token(
        user.id, name="w", scope="write", expires_in_days=None, now=clock.now()
    )
    refused = client.post("/api/v1/classroom-invites", headers=_bearer(read.secret))
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    assert client.get("/api/v1/invites", headers=_bearer(read.secret)).status_code == 200
    allowed = client.post("/api/v1/classroom-invites", headers=_bearer(write.secret))
    assert allowed.status_code == 200, allowed.text


def test_tokens_are_private_expire_and_follow_deactivation(
    db: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, other = _user(), _user("pavlo@example.com", "student")
    made = api_tokens.create_token(
        owner.id, name="ci", scope="write", expires_in_days=1, now=clock.now()
    )
    theirs = client.delete(f"/api/v1/tokens/{made.info.id}", headers=_session(other))
    assert theirs.status_code == 404
    assert client.get("/api/v1/me", headers=_bearer(made.secret)).status_code == 200
    later = clock.now() + timedelta(days=1, seconds=1)
    clock.freeze(monkeypatch, later)
    assert client.get("/api/v1/me", headers=_bearer(made.secret)).status_code == 401
    forever = api_tokens.create_token(
        owner.id, name="ci2", scope="write", expires_in_days=None, now=later
    )
    assert client.get("/api/v1/me", headers=_bearer(forever.secret)).status_code == 200
    accounts_admin_deactivate(owner.id)
    assert client.get("/api/v1/me", headers=_bearer(forever.secret)).status_code == 401
    with session_scope() as session:
        assert all(r.revoked_at for r in session.exec(select(PersonalAccessToken)))


def test_bad_token_input_is_a_field_error(db: str, client: TestClient) -> None:
    user = _user()
    bad = client.post(
        "/api/v1/tokens",
        json={"name": "", "scope": "admin", "expires_in_days": 0},
        headers=_session(user),
    )
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"
    assert {"name", "scope", "expires_in_days"} <= set(bad.json()["fields"])
    blank = client.post("/api/v1/tokens", json={"name": "   "}, headers=_session(user))
    assert blank.status_code == 422 and blank.json()["error"] == "validation_failed"
    with session_scope() as session:
        assert session.exec(select(PersonalAccessToken)).first() is None
