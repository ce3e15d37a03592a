"""Database work from event handlers runs off the event loop (issue 15, item 2).

One worker's asyncio loop serves every tab's websocket, the HTTP API and the static files.
Here a marketplace search waits ~1 s on PostgreSQL (the test holds a lock on
`tutor_profile`, a real slow statement, nothing mocked) while `GET /api/health` is sent
to the real API app on the same loop. Through the page's handler (``offload``, state/
page.py) the probe answers within 50 ms; the negative control calls the same service
inline on the loop, as the handlers did before, and the probe waits for the search.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
import sqlalchemy as sa
from reflex_base.event.context import EventContext

from booking_app import clock
from booking_app.api.app import api
from booking_app.db import get_engine
from booking_app.pages import landing
from booking_app.services import marketplace
from booking_app.state import off_loop
from booking_app.state.auth import AuthState
from tests.support.builders import NOW, add_service, add_tutor
from tests.support.clock import freeze
from tests.support.states import Tab, state

HOLD_S = 1.0
PROBE_BUDGET_S = 0.05


def _probe_during_a_slow_search(
    search: Callable[[], Awaitable[object]],
) -> tuple[float, bool]:
    """(seconds GET /api/health took, sent just after ``search`` started waiting on a
    locked table; whether the search was still running when the probe answered)."""
    locker = get_engine().connect()
    tx = locker.begin()
    locker.execute(sa.text("LOCK TABLE tutor_profile IN ACCESS EXCLUSIVE MODE"))
    threading.Timer(HOLD_S, tx.rollback).start()

    async def scenario() -> tuple[float, bool]:
        transport = httpx.ASGITransport(app=api)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            await client.get("/api/health")  # warm up routing outside the measurement
            task = asyncio.ensure_future(search())  # runs at the probe's first await
            started = time.perf_counter()
            response = await client.get("/api/health")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200
            in_flight = not task.done()
            await task
            return elapsed, in_flight

    try:
        return asyncio.run(scenario())
    finally:
        locker.close()


@pytest.fixture
def market(pg_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, NOW)
    for i in range(5):
        add_service(add_tutor(f"t{i}@example.com"))
    marketplace.search_tutors(marketplace.SearchInput(), viewer_tz="UTC", now=NOW)


def test_health_answers_while_a_search_waits_on_the_database(market: None) -> None:
    page = state(landing.MarketplaceState, "/")

    async def through_the_handler() -> None:
        await page.search({"text": "tutor", "price_min": "", "price_max": ""})

    elapsed, in_flight = _probe_during_a_slow_search(through_the_handler)
    assert in_flight and len(page.results) == 5  # it ran, and finished after the probe
    assert elapsed < PROBE_BUDGET_S, f"/api/health took {elapsed * 1000:.0f} ms"


def test_negative_control_inline_search_blocks_the_loop(market: None) -> None:
    async def inline() -> None:  # the old path: a sync service call on the loop
        marketplace.search_tutors(
            marketplace.SearchInput(text="tutor"), viewer_tz="UTC", now=clock.now()
        )

    elapsed, _ = _probe_during_a_slow_search(inline)
    assert elapsed > HOLD_S / 2, f"/api/health took only {elapsed * 1000:.0f} ms"


# ---------------------------------------------------------------- every synchronous handler


def _guard_during_a_locked_session_table(
    process: Callable[..., Awaitable[None]],
) -> tuple[float, bool, list[dict]]:
    """A tutor's page guard (`AuthState.require_tutor`, a plain `def` reading the session
    row) dispatched through ``process`` (Reflex's process_event, or ours) while
    `user_session` is locked for HOLD_S: (probe seconds, whether the guard was still
    waiting when the probe answered, the deltas Reflex emitted to the browser)."""
    tutor = add_tutor("guarded@example.com")
    tab = Tab("/tutor/services", user=(tutor, "tutor"))
    auth = tab.state(AuthState)
    handler = AuthState.event_handlers["require_tutor"]
    deltas: list[dict] = []

    async def emit(token: str, delta: dict) -> None:
        deltas.append(dict(delta))

    async def enqueue(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the guard of a signed-in tutor sends no events")

    locker = get_engine().connect()
    tx = locker.begin()
    locker.execute(sa.text("LOCK TABLE user_session IN ACCESS EXCLUSIVE MODE"))
    threading.Timer(HOLD_S, tx.rollback).start()

    async def guard() -> None:
        context = EventContext(
            token="tab", state_manager=None, enqueue_impl=enqueue, emit_delta_impl=emit
        )
        with context:
            await process(handler, {}, auth, tab.root)

    try:
        elapsed, in_flight = asyncio.run(_probe_scenario(guard))
    finally:
        locker.close()
    return elapsed, in_flight, deltas


async def _probe_scenario(work: Callable[[], Awaitable[None]]) -> tuple[float, bool]:
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await client.get("/api/health")
        task = asyncio.ensure_future(work())
        started = time.perf_counter()
        response = await client.get("/api/health")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        in_flight = not task.done()
        await task
        return elapsed, in_flight


def test_sync_handlers_run_off_the_loop(pg_db: str) -> None:
    """Every plain `def` handler of ours (guards, forms) goes through `off_loop`: the
    probe answers while the guard waits, and the guard still did its work."""
    assert off_loop.runs_in_thread(AuthState.event_handlers["require_tutor"])
    elapsed, in_flight, deltas = _guard_during_a_locked_session_table(off_loop.process_event)
    assert in_flight
    # What the thread wrote reached the browser: the guard loaded the tutor.
    (auth_delta,) = [d[AuthState.get_full_name()] for d in deltas]
    assert auth_delta["role_rx_state_"] == "tutor", auth_delta
    assert elapsed < PROBE_BUDGET_S, f"/api/health took {elapsed * 1000:.0f} ms"


def test_negative_control_reflex_runs_sync_handlers_inline(pg_db: str) -> None:
    elapsed, _, deltas = _guard_during_a_locked_session_table(off_loop._original_process_event)
    assert deltas  # it did its work too, only on the loop
    assert elapsed > HOLD_S / 2, f"/api/health took only {elapsed * 1000:.0f} ms"


def test_the_app_installs_it() -> None:
    from reflex_base.event.processor import base_state_processor

    import booking_app.booking_app  # noqa: F401  (builds the app: installs off_loop)

    assert base_state_processor.process_event is off_loop.process_event
