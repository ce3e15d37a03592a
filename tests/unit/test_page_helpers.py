"""Pure helpers of the pages and their states (no database, no browser)."""

from __future__ import annotations

from booking_app.pages.classroom import _clock


def test_clock_format() -> None:
    assert (_clock(59), _clock(61), _clock(3600 + 62), _clock(-5)) == (
        "0:59",
        "1:01",
        "1:01:02",
        "0:00",
    )
