"""The app's only reading of the wall clock.

Why one place: every rule (notice, horizon, join window, reminders, token expiry) is
computed from a `now` that services and the scheduling core take as an argument; the
edges (pages, API routes, Celery tasks, the bot, the CLI) get that `now` here. A test
that needs "the time" in-process has this one hook (`tests.support.clock.frozen`), and
processes a test starts (worker, bot, app, browser) all read the operating system's
clock through it, so moving that clock with libfaketime moves all of them together.
`tests/unit/test_layers.py` fails when anything in booking_app/ or tasks/ reads the wall
clock elsewhere.

Call it as `clock.now()` (import the module, not the function), so a test's patch is
seen by every caller.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, timezone-aware UTC (the database and the core use UTC)."""
    return datetime.now(UTC)


def timestamp() -> float:
    """The current instant as Unix seconds, for budgets stored as numbers (send slots).
    Derived from `now()` so that one patch moves both."""
    return now().timestamp()
