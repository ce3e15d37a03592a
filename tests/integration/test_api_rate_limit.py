"""The /api/v1 rate limit: per token and per IP, 429 + Retry-After in the error contract,
shared state in the database (SQLite, PostgreSQL) or Redis (when REDIS_URL is set)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.config import get_settings
from booking_app.services import api_rate_limit
from booking_app.services.errors import RateLimited
from tests.support import clock

# The start of a window (60 s windows align to the minute), so a test's requests all
# fall in one window whatever the wall clock says.
START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("API_RATE_LIMIT_PER_TOKEN", "3")
    monkeypatch.setenv("API_RATE_LIMIT_PER_IP", "5")
    monkeypatch.setenv("API_RATE_WINDOW_SECONDS", "60")
    clock.freeze(monkeypatch, START)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def _get(client: TestClient, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/me", headers=headers).status_code


def _scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    client = TestClient(api)
    assert [_get(client, "tbk_pat_a") for _ in range(3)] == [401, 401, 401]
    refused = client.get("/api/v1/me", headers={"Authorization": "Bearer tbk_pat_a"})
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "rate_limited",
        "detail": "Too many requests. Try again in 60 s.",
    }
    assert refused.headers["Retry-After"] == "60"
    # Another token from the same address still passes, until the IP's limit (5).
    assert _get(client, "tbk_pat_b") == 401
    assert _get(client) == 429  # 6th request from this IP
    # Outside /api/v1 nothing is counted.
    assert client.get("/api/health").status_code == 200
    # The next window starts afresh; Retry-After counts down within a window.
    clock.freeze(monkeypatch, START + timedelta(seconds=60))
    assert _get(client, "tbk_pat_a") == 401
    clock.freeze(monkeypatch, START + timedelta(seconds=75))
    for _ in range(2):
        _get(client, "tbk_pat_a")
    late = client.get("/api/v1/me", headers={"Authorization": "Bearer tbk_pat_a"})
    assert late.status_code == 429 and late.headers["Retry-After"] == "45"


def test_database_counters(db: str, limited: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _scenario(monkeypatch)


def test_redis_counters(
    sqlite_db: str, redis_url: str, limited: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    _scenario(monkeypatch)


def test_limits_off_by_zero_and_old_windows_purged(
    sqlite_db: str, limited: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlmodel import select

    from booking_app.db import session_scope
    from booking_app.models import ApiRateCounter

    api_rate_limit.check("tbk_pat_x", "1.2.3.4", now=START)
    api_rate_limit.check("tbk_pat_x", "1.2.3.4", now=START + timedelta(minutes=5))
    with session_scope() as session:
        windows = set(session.exec(select(ApiRateCounter.window_start)).all())
    assert windows == {int((START + timedelta(minutes=5)).timestamp())}
    monkeypatch.setenv("API_RATE_LIMIT_PER_TOKEN", "0")
    monkeypatch.setenv("API_RATE_LIMIT_PER_IP", "0")
    get_settings.cache_clear()
    for _ in range(10):
        api_rate_limit.check("tbk_pat_x", "1.2.3.4", now=START)
    monkeypatch.setenv("API_RATE_LIMIT_PER_IP", "1")
    get_settings.cache_clear()
    api_rate_limit.check(None, "1.2.3.4", now=START + timedelta(minutes=9))
    with pytest.raises(RateLimited):
        api_rate_limit.check(None, "1.2.3.4", now=START + timedelta(minutes=9))


def test_redis_outage_fails_open(
    sqlite_db: str, limited: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listens on port 9: requests go on (not counted) instead of failing."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9/0")
    get_settings.cache_clear()
    client = TestClient(api)
    assert [_get(client, "tbk_pat_a") for _ in range(5)] == [401] * 5
