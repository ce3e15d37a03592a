"""The tutor page's week of slots is reused until the schedule changes (issue 15).

`tutor_public.week_slots` keeps computed weeks keyed by the tutor's `schedule_version`
(bumped in the transaction of every schedule change) and `now` to the minute. Here with
the cache on (the suite runs without it, tests/conftest.py): a repeated call is one
statement and the same answer; a change made through the services shows at once; a
minute later the week is computed again. The negative control writes a busy block behind
the services' back (no version bump) and the stale week is served: the version is what
keeps the cache honest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from booking_app.config import get_settings
from booking_app.db import get_engine, session_scope
from booking_app.models import BusyBlock
from booking_app.services import availability as av
from booking_app.services import tutor_public
from tests.support.builders import NOW, add_tutor

MONDAY = date(2026, 11, 30)
KYIV = "Europe/Kyiv"


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("WEEK_CACHE_SIZE", "64")
    get_settings.cache_clear()
    tutor_public._WEEKS.clear()
    yield
    tutor_public._WEEKS.clear()
    monkeypatch.undo()
    get_settings.cache_clear()


def _week(tutor: int, now: datetime = NOW) -> tutor_public.WeekView:
    return tutor_public.week_slots(
        tutor, service_id=None, week_start=MONDAY, viewer_tz=KYIV, now=now
    )


def _monday_times(week: tutor_public.WeekView) -> list[str]:
    return [slot.time for day in week.days if day.date == MONDAY.isoformat() for slot in day.slots]


def _statements(work: object, *, with_begin: bool = False) -> int:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(get_engine(), "before_cursor_execute", count)
    try:
        work()  # type: ignore[operator]
    finally:
        sa.event.remove(get_engine(), "before_cursor_execute", count)
    if with_begin:
        return len(seen)
    return len([s for s in seen if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))])


def test_a_repeated_week_is_one_statement_and_the_same_answer(db: str, cache_on: None) -> None:
    tutor = add_tutor()
    first = _week(tutor)
    assert _monday_times(first)
    answers: list[tutor_public.WeekView] = []
    assert _statements(lambda: answers.append(_week(tutor, NOW + timedelta(seconds=20)))) == 1
    assert answers[0] is first
    # and nothing else: the version is read on a bare connection (no BEGIN on SQLite)
    assert _statements(lambda: _week(tutor, NOW + timedelta(seconds=30)), with_begin=True) == 1


def test_a_change_through_the_services_shows_at_once(db: str, cache_on: None) -> None:
    tutor = add_tutor()
    before = _monday_times(_week(tutor))
    assert "10:00" in before
    av.add_busy_block(tutor, "2026-11-30T10:00", "2026-11-30T11:00", "Dentist", now=NOW)
    after = _monday_times(_week(tutor))
    assert "10:00" not in after and "11:00" in after


def test_a_minute_later_the_week_is_computed_again(db: str, cache_on: None) -> None:
    tutor = add_tutor()
    first = _week(tutor)
    assert _week(tutor, NOW + timedelta(minutes=1)) is not first


def test_negative_control_a_write_behind_the_services_back_is_not_seen(
    db: str, cache_on: None
) -> None:
    tutor = add_tutor()
    assert "10:00" in _monday_times(_week(tutor))
    with session_scope(write=True) as session:  # no schedule_version bump
        session.add(
            BusyBlock(
                tutor_id=tutor,
                starts_at=datetime.fromisoformat("2026-11-30T08:00:00+00:00"),
                ends_at=datetime.fromisoformat("2026-11-30T09:00:00+00:00"),
                title="behind the back",
            )
        )
    assert "10:00" in _monday_times(_week(tutor))  # stale: served from the cache
    tutor_public._WEEKS.clear()
    assert "10:00" not in _monday_times(_week(tutor))  # the engine itself sees the block
