"""Named and custom report periods: calendar days in the viewer's zone -> UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking_app.services import periods
from booking_app.services.errors import ValidationFailed

WEDNESDAY = date(2026, 1, 7)


@pytest.mark.parametrize(
    ("preset", "first", "last"),
    [
        ("this_week", date(2026, 1, 5), date(2026, 1, 11)),
        ("last_week", date(2025, 12, 29), date(2026, 1, 4)),
        ("this_month", date(2026, 1, 1), date(2026, 1, 31)),
        ("last_month", date(2025, 12, 1), date(2025, 12, 31)),
    ],
)
def test_presets_around_a_day(preset: str, first: date, last: date) -> None:
    assert periods.preset_days(preset, WEDNESDAY) == (first, last)


def test_days_are_the_viewers_and_a_dst_day_is_23_hours() -> None:
    # 29 March 2026: Kyiv moves from UTC+2 to UTC+3 at 03:00.
    p = periods.resolve(tz_name="Europe/Kyiv", now=datetime(2026, 3, 1, tzinfo=UTC),
                        first="2026-03-29", last="2026-03-29")  # fmt: skip
    assert (p.lo, p.hi) == (
        datetime(2026, 3, 28, 22, 0, tzinfo=UTC), datetime(2026, 3, 29, 21, 0, tzinfo=UTC)
    )  # fmt: skip
    # "Today" is the viewer's: 31 Jan 23:30Z is already February in Kyiv.
    p = periods.resolve(tz_name="Europe/Kyiv", now=datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    assert (p.first, p.last) == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first": "2026-01-05"}, "to"),
        ({"first": "2026-01-05", "last": "2026-01-01"}, "to"),
        ({"first": "05.01.2026", "last": "2026-01-06"}, "from"),
        ({"first": "2020-01-01", "last": "2026-01-01"}, "to"),
        ({"preset": "forever"}, "period"),
        ({"preset": "custom"}, "from"),
    ],
)
def test_bad_periods_name_their_field(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        periods.resolve(tz_name="UTC", now=datetime(2026, 1, 7, tzinfo=UTC), **kwargs)
    assert field in raised.value.field_errors
