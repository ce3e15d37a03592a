"""Garbage-collector settings for the app's worker process (issue 15).

Why: a worker holds ~600 MB of long-lived objects (the compiled app, every page's
component tree, SQLAlchemy's metadata) plus the state trees of the tabs seen in the last
hour. CPython's default thresholds (700, 10, 10) ran a full collection every few seconds
at 200 visitors, and each one walked all of it: 250-600 ms with the event loop stopped,
which was the whole p95/p99 tail of the load bench (measured with ``gc.callbacks``).

So, once the app is loaded: collect, then ``gc.freeze()`` what is left (it lives as long
as the process, so scanning it can never free anything), and let the young generation
grow larger before a collection (fewer young collections). Full collections then walk
only what came after the freeze (the open and recently closed tabs' states). Dropped
tabs' state trees no longer wait for them: state/closed_tabs.py breaks their cycles, so
reference counting frees them at once.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from typing import Any

logger = logging.getLogger(__name__)

# Allocations minus deallocations before a young collection; then how many young (and
# middle) collections before the next older one. CPython's defaults: 700, 10, 10 (with
# the freeze alone, 200 users still saw p95 380 ms). The last number stays small so that
# cyclic garbage we do not know of is still freed within minutes.
THRESHOLDS = (50_000, 20, 4)


def tune() -> None:
    """Freeze what the process has loaded so far and set THRESHOLDS."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


class PauseLog:
    """``gc.callbacks`` entry logging every collection of at least ``min_ms``
    (GC_PAUSE_LOG_MS=20 in the environment: how the pauses above were found)."""

    def __init__(self, min_ms: float) -> None:
        self.min_ms = min_ms
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        took = (time.perf_counter() - self.started) * 1000
        if took >= self.min_ms:
            logger.warning(
                "gc: generation %d took %.1f ms (%d collected)",
                info["generation"], took, info["collected"],
            )  # fmt: skip


async def lifespan(app: Any) -> None:
    """Reflex lifespan task: runs in each worker once the app is loaded."""
    if os.environ.get("GC_TUNING", "1") != "0":
        tune()
    if pause_ms := os.environ.get("GC_PAUSE_LOG_MS"):
        gc.callbacks.append(PauseLog(float(pause_ms)))
