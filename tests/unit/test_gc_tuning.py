"""The worker's collector settings (booking_app/gc_tuning.py)."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from booking_app import gc_tuning


@pytest.fixture
def restored_gc():  # type: ignore[no-untyped-def]
    thresholds, callbacks = gc.get_threshold(), list(gc.callbacks)
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    gc.callbacks[:] = callbacks


def test_lifespan_freezes_the_loaded_app_and_raises_the_thresholds(
    restored_gc, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GC_TUNING", raising=False)
    monkeypatch.delenv("GC_PAUSE_LOG_MS", raising=False)
    asyncio.run(gc_tuning.lifespan(None))
    assert gc.get_freeze_count() > 10_000  # this test process's modules, at least
    assert gc.get_threshold() == gc_tuning.THRESHOLDS


def test_gc_tuning_0_leaves_the_defaults(restored_gc, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GC_TUNING", "0")
    before = gc.get_threshold()
    asyncio.run(gc_tuning.lifespan(None))
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_pause_log_reports_long_collections(restored_gc, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GC_TUNING", "0")
    monkeypatch.setenv("GC_PAUSE_LOG_MS", "0")
    asyncio.run(gc_tuning.lifespan(None))
    with caplog.at_level(logging.WARNING, logger="booking_app.gc_tuning"):
        gc.collect()
    assert any("gc: generation 2 took" in r.getMessage() for r in caplog.records)
