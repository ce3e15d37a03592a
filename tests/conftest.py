"""Test-suite contract: read this before writing a test.

Layout: tests/unit (no I/O), tests/integration (real SQLite/PostgreSQL/Redis/Celery,
subprocesses), tests/e2e (the real app in a browser). Run everything with `make test`;
one file with `.venv/bin/pytest tests/integration/test_cli.py`.

Environment (set here, at import, before anything imports booking_app):
- DATA_DIR -> a fresh temporary folder (removed at the end); the embedded SQLite file,
  broker file and secret of any process the tests start live there.
- DATABASE_URL, REDIS_URL, CELERY_BROKER_URL, PUBLIC_URL, PORT, TELEGRAM_BOT_TOKEN and
  every key of a developer's `.env` -> blanked (an empty value counts as unset in
  booking_app.config, and blanking, unlike deleting, also hides the `.env` file's value).
  REFLEX_DB_URL / REFLEX_REDIS_URL are removed.
- SECRET_KEY -> a fixed test value. Settings cache cleared.

Services: PostgreSQL (postgres@127.0.0.1:5432, db `test`; override TEST_PG_ADMIN_URL),
Redis (127.0.0.1:6379; TEST_REDIS_URL), Debian chromium (/usr/bin/chromium; CHROMIUM_PATH).
Missing service -> skip with the reason; with REQUIRE_SERVICES=1 (CI) -> failure.
Use `tests.support.services.unavailable(reason)` for your own checks.

Fixtures:
- `sqlite_url` (session): a SQLite file migrated with `alembic upgrade head`.
- `pg_url` (session): CREATE DATABASE booking_test_<random> on the test server, migrated,
  dropped (WITH FORCE) at session end.
- `redis_url` (session): redis://127.0.0.1:6379/9, flushed before and after.
- `db` (function, params ids "sqlite" and "postgres"): points the app at that database
  (env DATABASE_URL, settings cache cleared, `booking_app.db.reset_engine()`), yields the
  URL; afterwards empties every table (DELETE, children first; ids are not reset).
  A test using it runs twice. Services need no other setup: `session_scope()` works.
- `sqlite_db` (function): the same for SQLite only, for tests that needn't run twice;
  `pg_db` (function): PostgreSQL only (exclusion constraints, row locks, concurrency).
- tests/e2e/conftest.py: `live_app`, `browser`, `new_page` (see there).
Time (tests/README.md): services take `now` as an argument; whatever reads the clock
itself goes through `booking_app.clock.now()`, pinned in-process with
`tests.support.clock.freeze(monkeypatch, at)`. Tests that start processes (marked
`processes`) derive their dates from the real clock with tests.support.clock helpers.

Helpers: tests.support.databases (upgrade/downgrade any URL, throwaway PG databases,
app_database(url)), tests.support.processes (free_port, wait_until, project_env, run_cli,
process_tree/still_running), tests.support.states (the one harness for page states: a
browser tab without a browser; `Tab`, `state`, `run`, `toasts`, `redirects`). Page-state
tests that sign someone in hold a real session, so they live in tests/integration.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from dotenv import dotenv_values

_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="booking-tests-"))
_BLANKED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "PUBLIC_URL",
    "PORT",
    "TELEGRAM_BOT_TOKEN",
    *dotenv_values(_PROJECT_ROOT / ".env").keys(),
}


def _isolate_environment() -> None:
    """See the module docstring: the suite never touches a developer's data or services."""
    for name in _BLANKED:
        os.environ[name] = ""
    for name in ("REFLEX_DB_URL", "REFLEX_REDIS_URL", "REFLEX_API_URL", "REFLEX_DEPLOY_URL"):
        os.environ.pop(name, None)
    os.environ["DATA_DIR"] = str(_TEST_DATA_DIR)
    # Services publish live updates over HTTP when no backend runs in-process: never let
    # a unit test reach whatever app listens on the default port (tests opt in).
    os.environ["REALTIME_URL"] = "off"
    os.environ["SECRET_KEY"] = "test-secret-key-not-for-production-0123456789abcdef"
    # In this process builders write schedules behind the services' back (no schedule
    # version bump) into databases whose ids restart at 1: no reused weeks here. The
    # processes tests start (the app in e2e) run with the cache, as users do
    # (tests/support/processes.project_env); test_week_cache.py tests it in-process.
    os.environ["WEEK_CACHE_SIZE"] = "0"
    os.environ["API_READ_CACHE_SIZE"] = "0"
    # The /api/v1 rate limit is off: the fuzzer and the ACL matrix send thousands of
    # requests a minute from one client; tests/integration/test_api_rate_limit.py turns
    # it on with low limits.
    os.environ["API_RATE_LIMIT_PER_TOKEN"] = "0"
    os.environ["API_RATE_LIMIT_PER_IP"] = "0"


_isolate_environment()

from booking_app.config import get_settings  # noqa: E402  (after the environment is set)

get_settings.cache_clear()

from tests.support import databases, services  # noqa: E402


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Finalize leftovers while pytest still captures warnings, so finalizer warnings (a
    coroutine never awaited, an unclosed file) land in the warnings summary instead of
    after the run's last line, which CI reads as pytest's summary. pytest keeps the last
    failure's traceback (and everything its frames hold) in sys.last_* until exit."""
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            delattr(sys, name)
    gc.collect()


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_TEST_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = databases.sqlite_url(tmp_path_factory.mktemp("sqlite") / "booking.db")
    databases.upgrade(url)
    return url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url = databases.create_pg_database()
    try:
        databases.upgrade(url)
        yield url
    finally:
        databases.drop_pg_database(url)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = services.require_redis(services.REDIS_DB_APP)
    yield url
    services.flush_redis(url)


def _use_database(url: str) -> Iterator[str]:
    """Body of `db`/`sqlite_db`: the app's engine is disposed before the tables are emptied."""
    try:
        with databases.app_database(url):
            yield url
    finally:
        databases.empty_all_tables(url)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Iterator[str]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    yield from _use_database(url)


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[str]:
    yield from _use_database(sqlite_url)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[str]:
    yield from _use_database(pg_url)
