"""One reading of the wall clock: `booking_app/clock.py` (issue 11).

What must hold: nothing else in booking_app/ or tasks/ asks the operating system (or a
library that asks it, like PyJWT's expiry check) what time it is, so one patch of
`booking_app.clock` moves every in-process reader and libfaketime moves every process.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from booking_app.services import session_tokens as tokens
from tests.support import clock

ROOT = Path(__file__).resolve().parents[2]
CLOCK_MODULE = ROOT / "booking_app" / "clock.py"
ANY_BASE_READS = {"now", "utcnow", "today"}  # datetime.now(), date.today(), ...
TIME_MODULE_READS = {"time", "time_ns", "localtime", "gmtime", "ctime"}


def wall_clock_reads(source: str) -> list[int]:
    """Line numbers where `source` reads the wall clock other than via `clock.now()`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            lines += [node.lineno for a in node.names if a.name in TIME_MODULE_READS]
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        base = node.func.value.id if isinstance(node.func.value, ast.Name) else None
        attr = node.func.attr
        if attr in ANY_BASE_READS and base != "clock":
            lines.append(node.lineno)
        elif attr in TIME_MODULE_READS and base == "time" and not node.args:
            lines.append(node.lineno)
    return lines


def _app_modules() -> list[Path]:
    files = [*(ROOT / "booking_app").rglob("*.py"), *(ROOT / "tasks").rglob("*.py")]
    assert len(files) > 50
    return [path for path in files if path != CLOCK_MODULE]


def test_nothing_but_booking_app_clock_reads_the_wall_clock() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _app_modules()
        for line in wall_clock_reads(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime, UTC\nx = datetime.now(UTC)",
        "import datetime\nx = datetime.datetime.utcnow()",
        "from datetime import date\nx = date.today()",
        "import time\nx = time.time()",
        "from time import time",
    ],
)
def test_the_scan_catches_each_way_of_reading_the_clock(source: str) -> None:
    """Negative control: each of these, added to the app, fails the test above."""
    assert wall_clock_reads(source)


def test_the_scan_allows_the_hook_and_time_of_day() -> None:
    assert wall_clock_reads("from booking_app import clock\nx = clock.now()") == []
    assert wall_clock_reads("x = moment.time()\ny = time.sleep(1)") == []


def test_freezing_moves_every_reader_including_token_expiry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Session tokens are checked against `clock.now()`, not PyJWT's own time.time()."""
    issued = datetime(2031, 5, 1, 9, 0, tzinfo=UTC)
    token = tokens.issue_session_token(user_id=7, role="tutor", sid="s1", now=issued)
    clock.freeze(monkeypatch, issued + timedelta(minutes=1))
    assert tokens.decode_session_token(token) is not None  # years ahead of the real clock
    clock.freeze(monkeypatch, issued + timedelta(days=1))
    assert tokens.decode_session_token(token) is None  # expired on the app's clock
