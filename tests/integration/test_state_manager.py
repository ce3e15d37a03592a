"""Where Reflex keeps each tab's state (rxconfig.py; issue 15, item 1).

Without Redis the app runs one worker, and state lives in that process's memory with an
idle expiry: no `.states/` folder whose purge lists every file every ~2 s (Reflex's disk
default, which made a long-running `make run` slower with every visit). With REDIS_URL,
state lives in Redis so several workers and instances can serve any tab.

The memory test plays two "hours" of visits, with the token expiration shortened to a
second (REFLEX_REDIS_TOKEN_EXPIRATION does that in production): each tab's state is a
real marketplace state holding a page of cards. After each hour the states have expired
and the memory they used is back: the second hour ends where the first did (within
10 %). Negative control: without expiry the second hour adds as much again.
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import tracemalloc

import pytest
import reflex as rx
from reflex.istate.manager import StateManager
from reflex.istate.manager.memory import StateManagerMemory

from booking_app.config import PROJECT_ROOT
from booking_app.pages import landing

VISITS = 300


def _mode(**env: str) -> str:
    code = "import rxconfig; print(rxconfig.config.state_manager_mode.value)"
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "REFLEX_REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_memory_without_redis_and_redis_with_it(tmp_path: pytest.TempPathFactory) -> None:
    assert _mode(DATA_DIR=str(tmp_path)) == "memory"
    assert _mode(DATA_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6379/0") == "redis"


def _card(i: int) -> landing.TutorCardRow:
    return landing.TutorCardRow(
        slug=f"tutor-{i}",
        name=f"Tutor {i}",
        headline="Maths and physics for exams " * 3,
        subjects=["Mathematics", "Physics"],
        price_from="450.00",
        price_label="from 450 UAH",
        next_free="Tue 1 Dec, 10:00",
        next_for="Algebra",
        href=f"/t/tutor-{i}?from=marketplace",
    )


async def _an_hour_of_visits(manager: StateManager, hour: int) -> None:
    for visit in range(VISITS):
        token = rx.BaseStateToken(ident=f"tab-{hour}-{visit}", cls=rx.State)
        async with manager.modify_state(token) as root:
            page = await root.get_state(landing.MarketplaceState)
            page.results = [_card(i) for i in range(24)]


def _memory_after_two_hours(expire_s: int) -> tuple[int, int, int]:
    """(bytes after hour 1, bytes after hour 2, states left) with the app's manager."""

    async def play() -> tuple[int, int, int]:
        manager = StateManager.create()
        assert isinstance(manager, StateManagerMemory)  # what rxconfig.py asks for
        manager.token_expiration = expire_s
        used = []
        for hour in (1, 2):
            await _an_hour_of_visits(manager, hour)
            await asyncio.sleep(expire_s + 0.5 if expire_s < 60 else 0)
            gc.collect()
            used.append(tracemalloc.get_traced_memory()[0])
        left = len(manager.states)
        await manager.close()
        return used[0], used[1], left

    tracemalloc.start()
    try:
        return asyncio.run(play())
    finally:
        tracemalloc.stop()


def test_memory_is_flat_across_hours_of_visits() -> None:
    first, second, left = _memory_after_two_hours(expire_s=1)
    assert left == 0
    assert second <= first * 1.10, (first, second)


def test_negative_control_without_expiry_memory_grows_per_visit() -> None:
    first, second, left = _memory_after_two_hours(expire_s=3600)
    assert left == 2 * VISITS
    assert second > first * 1.5, (first, second)
