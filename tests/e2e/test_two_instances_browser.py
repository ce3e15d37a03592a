"""Two app instances behind one proxy: live updates cross instances, a killed instance
loses no state.

The shape production scales out to (README "Running several instances"): instances A and
B (own ports, each ``cli run --no-worker`` with GRANIAN_WORKERS=2), one PostgreSQL, one
Redis (Reflex's state manager and token bookkeeping, the Celery broker), two Celery
workers and one beat, every process with the same SECRET_KEY. The browsers reach them
through a loopback TCP proxy in this test (as nginx would front them; one origin, so the
session cookie and the baked-in API URL are the same for both instances). The proxy
sends a connection to the instance its client prefers (the test gives the student's
browser a user agent that asks for B; everything else goes to A) and, when that
instance refuses connections, to the other one: the failover of any proxy's
``upstream`` with two servers.

(a) The tutor's /tutor/requests tabs are on A, the student books on B: the request
appears on the tutor's page within LIVE_MS (< 1 s), relayed through Redis.
(b) Instance A's whole process tree is SIGKILLed: the tutor's page (not reloaded; a
marker set in it survives) reconnects through the proxy to B, which finds the tab's
state in Redis, and keeps working: a second booking made on B reaches it live.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from booking_app.config import PROJECT_ROOT
from booking_app.demo import DEMO_PASSWORD
from tests.e2e.conftest import LiveApp, _start, _stop, _wait_healthy
from tests.e2e.test_booking_browser import (
    TUTOR_EMAIL,
    TUTOR_SLUG,
    _next_week_first_slot,
    _private_token,
)
from tests.e2e.test_live_updates_browser import TIMEOUT, _register_student, _sign_in
from tests.support import services
from tests.support.databases import throwaway_pg_database
from tests.support.processes import (
    BUN_BIN_DIR,
    free_port,
    kill_tree,
    listeners,
    log_tail,
    one_reflex_startup,
    process_tree,
    project_env,
    run_cli,
    still_running,
    wait_until,
)

pytestmark = pytest.mark.e2e
LIVE_MS = 1_000  # the promise: within a second, across instances
RECONNECT_MS = 30_000  # the frontend's reconnect backoff + B loading the tab's state
WANTS_B = "wants-instance-b"


class FailoverProxy:
    """A loopback TCP proxy: each connection goes to its preferred upstream, or to the
    other one when the preferred refuses (its process is gone)."""

    def __init__(self, port: int, upstreams: dict[str, int]) -> None:
        self.port, self.upstreams = port, upstreams
        self.routed: list[tuple[str, str]] = []  # (asked for, got)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> FailoverProxy:
        self._thread.start()
        assert self._ready.wait(10), "the proxy did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        wanted = "B" if WANTS_B.encode() in head else "A"
        order = [wanted] + [name for name in self.upstreams if name != wanted]
        for name in order:
            try:
                up_reader, up_writer = await asyncio.open_connection(
                    "127.0.0.1", self.upstreams[name]
                )
            except OSError:
                continue
            self.routed.append((wanted, name))
            up_writer.write(head)
            await asyncio.gather(
                self._pipe(reader, up_writer), self._pipe(up_reader, writer),
                return_exceptions=True,
            )  # fmt: skip
            return
        writer.close()

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()


def _celery(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tasks.celery_app", *args, "--loglevel=INFO"],
            cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, process_group=0,
        )  # fmt: skip


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[dict[str, Any]]:
    """PostgreSQL + Redis, instances A and B, two workers, one beat, the proxy."""
    if not (BUN_BIN_DIR / "bun").exists():
        pytest.fail(f"bun is not installed in {BUN_BIN_DIR}: run `make setup`")
    broker = services.require_redis(services.REDIS_DB_BROKER)
    tmp = tmp_path_factory.mktemp("two_instances")
    proxy_port = free_port()
    public = f"http://localhost:{proxy_port}"
    with throwaway_pg_database("two_instances") as pg:
        shared = {
            "DATABASE_URL": pg, "REDIS_URL": redis_url, "CELERY_BROKER_URL": broker,
            "SECRET_KEY": f"two-instances-{uuid.uuid4().hex}", "PUBLIC_URL": public,
            "GRANIAN_WORKERS": "2", "REALTIME_URL": public,
        }  # fmt: skip
        env = project_env(DATA_DIR=str(tmp / "cli"), **shared)
        for args in (("migrate",), ("seed-demo",)):
            result = run_cli(*args, env=env, timeout=600)
            assert result.returncode == 0, result.stdout + result.stderr
        apps: dict[str, LiveApp] = {}
        workers: list[subprocess.Popen[bytes]] = []
        try:
            for name in ("A", "B"):  # own build folders; one start at a time (processes.py)
                (tmp / name).mkdir()
                with one_reflex_startup():
                    apps[name] = _start(tmp / name, **shared)
                    _wait_healthy(apps[name])
            for i in (1, 2):
                workers.append(_celery(env, tmp / f"worker{i}.log", "worker",
                                       f"--hostname=w{i}@%h", "--concurrency=1"))  # fmt: skip
            workers.append(_celery(env, tmp / "beat.log", "beat", "-s", str(tmp / "beat-schedule")))
            with FailoverProxy(proxy_port, {n: a.port for n, a in apps.items()}) as proxy:
                yield {"apps": apps, "proxy": proxy, "url": public, "workers": workers}
        finally:
            for worker in workers:
                tree = process_tree(worker.pid)
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    pass
                kill_tree(tree)
            for app in apps.values():
                if app.process.poll() is None:
                    _stop(app)
                else:
                    kill_tree(process_tree(app.process.pid))


def _page(browser: Any, url: str, *, on_b: bool = False) -> Page:
    options: dict[str, Any] = {"base_url": url, "timezone_id": "Europe/Kyiv"}
    if on_b:
        options["user_agent"] = f"Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome {WANTS_B}"
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    return context.new_page()


def _student_books(browser: Any, url: str) -> tuple[str, float]:
    """A new student on instance B requests a trial; (their name, the click's time)."""
    student = _page(browser, url, on_b=True)
    name = f"Scale Student {uuid.uuid4().hex[:4]}"
    _register_student(student, url, name)
    student.goto(f"{url}/t/{TUTOR_SLUG}")
    _next_week_first_slot(student, "Trial lesson")
    clicked = time.monotonic()
    student.click("#book-submit")
    _private_token(student)
    student.context.close()
    return name, clicked


def _sigkill_tree(app: LiveApp) -> None:
    tree = process_tree(app.process.pid)
    for pid, _ in tree:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert wait_until(lambda: not still_running(tree), timeout=10)
    app.process.wait(timeout=10)


def test_tutor_on_a_student_on_b_then_a_dies(cluster: dict[str, Any], browser: Any) -> None:
    url, proxy, apps = cluster["url"], cluster["proxy"], cluster["apps"]
    tutor = _page(browser, url)
    _sign_in(tutor, url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    tutor.goto(f"{url}/tutor/requests")
    expect(tutor.locator("#requests-heading")).to_be_visible(timeout=TIMEOUT)
    assert ("A", "A") in proxy.routed and all(got == "A" for want, got in proxy.routed)

    # (a) booked on B, shown live on A's tab
    name, clicked = _student_books(browser, url)
    assert ("B", "B") in proxy.routed
    item = tutor.locator(".request-item").filter(has_text=name)
    expect(item).to_be_visible(timeout=LIVE_MS)
    assert time.monotonic() - clicked < 15  # the booking itself went through B

    # (b) instance A dies; the tab reconnects to B without a reload and keeps its state
    tutor.evaluate("() => { window.__not_reloaded = true; }")
    routed_before = len(proxy.routed)
    _sigkill_tree(apps["A"])
    with pytest.raises(OSError):  # A is really gone: what follows is a failover to B
        socket.create_connection(("127.0.0.1", apps["A"].port), timeout=2).close()
        pytest.fail(f"port {apps['A'].port} still answers; listening: {listeners(apps['A'].port)}")
    assert all(p.poll() is None for p in cluster["workers"]), "a Celery process died"
    assert wait_until(
        lambda: any(got == "B" for want, got in proxy.routed[routed_before:] if want == "A"),
        timeout=RECONNECT_MS / 1000,
    ), f"the tutor's page never reconnected through the proxy: {proxy.routed[routed_before:]}"
    expect(item).to_be_visible(timeout=TIMEOUT)
    second, _ = _student_books(browser, url)
    expect(tutor.locator(".request-item").filter(has_text=second)).to_be_visible(
        timeout=RECONNECT_MS
    )
    assert tutor.evaluate("() => window.__not_reloaded === true"), "the page was reloaded"
    assert apps["B"].process.poll() is None, log_tail(apps["B"].log_path)
    tutor.context.close()
