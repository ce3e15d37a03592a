"""External services for tests: where they are and what happens when they are missing.

`REQUIRE_SERVICES=1` (CI) turns "PostgreSQL/Redis/chromium unavailable" into a test
failure; otherwise such tests are skipped with the reason, so a laptop without Docker
still runs everything else.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"

# Overridable for machines where the services live elsewhere.
PG_ADMIN_URL = os.environ.get(
    "TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
REDIS_BASE_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# TEST_REDIS_DB_BASE shifts both numbers so that two checkouts can run their suites at once
# on one Redis server without flushing each other's databases.
# Under pytest-xdist (`make test` runs two workers) each worker takes the next pair.
_XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_REDIS_DB_BASE = int(os.environ.get("TEST_REDIS_DB_BASE", "9")) + 2 * _XDIST_WORKER
REDIS_DB_APP = _REDIS_DB_BASE  # the `redis_url` fixture (Reflex state, caches, pub/sub)
REDIS_DB_BROKER = _REDIS_DB_BASE + 1  # Celery broker tests


def unavailable(reason: str) -> NoReturn:
    """Fail under REQUIRE_SERVICES=1, else skip: a missing service is CI's problem only."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1, so this is a failure, not a skip)")
    pytest.skip(f"{reason}; set REQUIRE_SERVICES=1 to make this a failure")


def redis_url(db: int) -> str:
    """A URL for one numbered Redis database of the test server."""
    return f"{REDIS_BASE_URL}/{db}"


def require_redis(db: int) -> str:
    """The URL of a reachable, flushed Redis database; unavailable() otherwise."""
    import redis

    url = redis_url(db)
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        unavailable(f"Redis at {url} is not reachable ({exc})")
    finally:
        client.close()
    return url


def flush_redis(url: str) -> None:
    """Empty one Redis database (teardown of the fixtures that used it)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    finally:
        client.close()
