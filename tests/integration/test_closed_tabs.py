"""Closed tabs' states are dropped after the grace (booking_app/state/closed_tabs.py).

Real Reflex parts: the app's in-memory state manager holding real state trees, and
Reflex's own ``EventNamespace.on_disconnect`` (wrapped by ``install``). Tabs: one closed
long ago (dropped), one closed a moment ago (kept), one closed long ago that came back
(kept), one closed long ago but busy with an event (kept until the next sweep).
"""

from __future__ import annotations

import asyncio
import gc
import time
import weakref
from types import SimpleNamespace
from typing import Any

import reflex as rx
from reflex.app import EventNamespace
from reflex.istate.manager import StateManager
from reflex.istate.manager.memory import StateManagerMemory
from reflex.utils.token_manager import LocalTokenManager

from booking_app.state import closed_tabs


async def _tabs(manager: StateManagerMemory, *names: str) -> None:
    for name in names:
        async with manager.modify_state(rx.BaseStateToken(ident=name, cls=rx.State)):
            pass


def test_sweep_drops_only_tabs_closed_past_the_grace_and_not_back() -> None:
    async def play() -> None:
        manager = StateManager.create()
        assert isinstance(manager, StateManagerMemory)
        await _tabs(manager, "old", "recent", "back", "busy", "open")
        now = time.monotonic()
        closed_tabs._closed.clear()
        closed_tabs._closed.update(
            {"old": now - 120, "recent": now - 5, "back": now - 120, "busy": now - 120}
        )
        lock = await manager._get_state_lock(rx.BaseStateToken(ident="busy", cls=rx.State))
        await lock.acquire()
        dropped = closed_tabs.sweep(manager, {"back", "open"}.__contains__, now=now, grace=60)
        assert dropped == 1
        assert set(manager.states) == {"recent", "back", "busy", "open"}
        assert set(closed_tabs._closed) == {"recent", "busy"}  # still watched
        lock.release()
        assert closed_tabs.sweep(manager, {"back", "open"}.__contains__, now=now, grace=60) == 1
        assert set(manager.states) == {"recent", "back", "open"}
        # negative control: with a grace longer than any closed time nothing goes
        assert closed_tabs.sweep(manager, lambda _: False, now=now, grace=3600) == 0
        await manager.close()

    asyncio.run(play())


def test_a_closed_socket_is_noted_through_reflex_on_disconnect() -> None:
    closed_tabs._closed.clear()
    namespace = EventNamespace.__new__(EventNamespace)  # Reflex's, without a running app
    namespace._token_manager = LocalTokenManager()
    namespace._client_error_counts, namespace._static_router_data = {}, {}
    # Only the event processor is read from the app (none: no events were queued); a
    # real rx.App would clash with the suite's own in this process.
    namespace.app = SimpleNamespace(_event_processor=None)

    async def connect_then_close() -> None:
        await namespace._token_manager.link_token_to_sid("tab-1", "sid-1")
        task = namespace.on_disconnect("sid-1")
        if task is not None:
            await task

    closed_tabs.install()
    try:
        asyncio.run(connect_then_close())
    finally:
        closed_tabs.uninstall()
    assert "tab-1" in closed_tabs._closed
    assert "tab-1" not in namespace._token_manager.token_to_socket  # Reflex's own cleanup ran
    closed_tabs._closed.clear()
    asyncio.run(connect_then_close())  # negative control: uninstalled, nothing noted
    assert closed_tabs._closed == {}


def test_a_dropped_tree_is_freed_by_reference_counting() -> None:
    """The tutor page's `selected_service` caches a proxy of one of `services`, which
    points back at the state: without `release_tree` the dropped tree is a cycle that
    waits for a full collection (issue 15: memory grew with traffic)."""
    from booking_app.pages.tutor_public.state import PublicServiceRow, TutorPublicState

    async def visit_and_drop(manager: StateManagerMemory) -> list[weakref.ref[Any]]:
        token = rx.BaseStateToken(ident="visit", cls=TutorPublicState)
        async with manager.modify_state(token) as root:
            page = await root.get_state(TutorPublicState)
            page.services = [PublicServiceRow(id=7, name="Maths")]
            page.service_id = "7"
            assert page.selected_service.name == "Maths"  # cached: a proxy -> the state
            refs = [weakref.ref(root), weakref.ref(page)]
        closed_tabs._closed.clear()
        closed_tabs._closed["visit"] = 0.0
        assert closed_tabs.sweep(manager, lambda _: False, now=120.0, grace=60) == 1
        return refs

    def alive_after_drop() -> int:
        manager = StateManager.create()
        assert isinstance(manager, StateManagerMemory)
        gc.collect()
        gc.disable()  # only reference counting may free the tree
        try:
            refs = asyncio.run(visit_and_drop(manager))
            return sum(ref() is not None for ref in refs)
        finally:
            gc.enable()
            asyncio.run(manager.close())

    closed_tabs.install()
    try:
        assert alive_after_drop() == 0
    finally:
        closed_tabs.uninstall()
    assert alive_after_drop() == 2  # negative control: Reflex's own purge leaves a cycle
