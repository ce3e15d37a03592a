"""End-to-end fixtures: the real app, started the way users start it, and a real browser.

- `live_app` (session): `python -m booking_app.cli run --port <free> --no-worker --no-demo`
  in a subprocess, with its own DATA_DIR (empty embedded SQLite database), its own
  Reflex build folder (REFLEX_WEB_WORKDIR) and PUBLIC_URL=http://localhost:<port>.
  Waits for GET /api/health (up to 240 s: the first build may fill a cold bun cache).
  Yields a `LiveApp`: `.url` ("http://localhost:<port>"; browse exactly this origin so
  the session cookie reaches the websocket), `.env` and
  `.cli(...)` to run CLI commands against the same database (e.g. `.seed_demo()` returns
  the demo logins table as text, `.cli("create-admin", ...)`), `.database_url`.
  Demo data is loaded only when a test calls `.seed_demo()`. Tests share the app and its
  database: create what you need with unique emails instead of expecting an empty DB.
  Teardown sends SIGINT (like Ctrl-C) and asserts the whole process tree is gone.
- `browser` (module): Playwright's sync API driving Debian's /usr/bin/chromium, headless.
- Tests under tests/e2e are marked `e2e` (and `processes`: CI runs them again under
  libfaketime) and run after all others.
- `new_page(**context_options)` (function): a page in a fresh browser context (own
  cookies = another user); relative URLs resolve against `live_app.url`. Contexts are
  closed after the test.

Chromium missing -> these tests skip (fail under REQUIRE_SERVICES=1). bun missing (no
`make setup`) -> fail: the app can't be built.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from booking_app.config import PROJECT_ROOT
from tests.support import services
from tests.support.databases import sqlite_url
from tests.support.processes import (
    BUN_BIN_DIR,
    free_port,
    http_ok,
    kill_tree,
    log_tail,
    one_reflex_startup,
    process_tree,
    project_env,
    run_cli,
    still_running,
    wait_until,
)

STARTUP_TIMEOUT = 240  # a cold bun cache downloads ~150 MB of frontend packages
SHUTDOWN_TIMEOUT = 30  # the CLI allows its children 10 s, then kills them
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveApp:
    """A running app (see the module docstring)."""

    url: str
    port: int
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def database_url(self) -> str:
        return sqlite_url(self.data_dir / "booking.db")

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `python -m booking_app.cli <args>` against this app's database."""
        return run_cli(*args, env=self.env)

    def seed_demo(self) -> str:
        """Load the demo data into this app's database; returns the printed logins."""
        result = self.cli("seed-demo")
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def _start(tmp: Path, **extra: str) -> LiveApp:
    port = free_port()
    url = f"http://localhost:{port}"
    data_dir = tmp / "data"
    env = project_env(**{
        "DATA_DIR": str(data_dir), "DATABASE_URL": "", "REDIS_URL": "", "CELERY_BROKER_URL": "",
        "PUBLIC_URL": url, "PORT": str(port),
        # Own build and state folders: a developer's `reflex run` (or another test session)
        # in the same checkout rebuilds .web/ and would swap the frontend under our feet.
        "REFLEX_WEB_WORKDIR": str(tmp / ".web"), "REFLEX_STATES_WORKDIR": str(tmp / ".states"),
        **extra,
    })  # fmt: skip
    log_path = tmp / "app.log"
    command = [sys.executable, "-m", "booking_app.cli", "run", "--port", str(port)]
    with log_path.open("wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [*command, "--no-worker", "--no-demo"],
            cwd=PROJECT_ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            process_group=0,  # pytest's own Ctrl-C must not reach it; teardown stops it
        )  # fmt: skip
    return LiveApp(url, port, data_dir, env, process, log_path)


def _wait_healthy(app: LiveApp) -> None:
    health = f"http://127.0.0.1:{app.port}/api/health"
    ready = wait_until(
        lambda: app.process.poll() is not None or http_ok(health),
        timeout=STARTUP_TIMEOUT,
        interval=0.5,
    )
    if app.process.poll() is not None or not ready:
        _stop(app)
        pytest.fail(f"the app did not come up; its log:\n{log_tail(app.log_path)}")


def _stop(app: LiveApp) -> list[int]:
    """SIGINT like Ctrl-C; returns the pids of the app's process tree still running after."""
    tree = process_tree(app.process.pid)
    app.process.send_signal(signal.SIGINT)
    try:
        app.process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    leftovers = (
        [] if wait_until(lambda: not still_running(tree), timeout=5) else still_running(tree)
    )
    kill_tree(tree)  # never leave anything behind, even when the assertion below fails
    app.process.wait(timeout=10)
    return leftovers


def run_live_app(tmp: Path, **extra: str) -> Iterator[LiveApp]:
    """Start the real app (extra environment on top), yield it, stop it and check it
    stopped cleanly. Shared by `live_app` and variants such as several workers on Redis."""
    if not (BUN_BIN_DIR / "bun").exists():
        pytest.fail(f"bun is not installed in {BUN_BIN_DIR}: run `make setup`")
    with one_reflex_startup():  # tests/support/processes.py says why
        app = _start(tmp, **extra)
        _wait_healthy(app)
    yield app
    leftovers = _stop(app)
    shutil.rmtree(app.data_dir.parent / ".web", ignore_errors=True)  # ~150 MB of build
    assert app.process.returncode == 0, f"exit {app.process.returncode}:\n{log_tail(app.log_path)}"
    assert not leftovers, f"processes left running after SIGINT: {leftovers}"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    yield from run_live_app(tmp_path_factory.mktemp("live_app"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module scope: Playwright's sync API leaves its asyncio loop marked running in this
    thread while it is active, so any later `asyncio.run()` (e.g. a unit test of a Reflex
    state) would fail if the browser lived for the whole session."""
    if not Path(services.CHROMIUM_PATH).exists():
        services.unavailable(
            f"{services.CHROMIUM_PATH} not found "
            "(apt-get install chromium; `make test` does it when run as root)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=services.CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, live_app: LiveApp) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def _new_page(**context_options: Any) -> Any:
        context = browser.new_context(base_url=live_app.url, **context_options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the group marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark everything under tests/e2e as `e2e` (`-m "not e2e"` gives a quick run).

    One process: run them last, so quick tests report first. Under pytest-xdist (`make
    test` runs two workers with `--dist loadgroup`): all of them form one group that one
    worker runs from the start (one app build, the session's `live_app` shared), while
    the other worker takes the rest of the suite test by test."""
    here = Path(__file__).parent
    parallel = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.processes)
            if parallel:
                item.add_marker(pytest.mark.xdist_group("browser"))
    items.sort(key=lambda item: (here in item.path.parents) != parallel)
