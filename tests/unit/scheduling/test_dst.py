"""Wall-time windows across DST changes, and viewer-zone labels."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_app.scheduling import (
    DateOverride,
    Reason,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    check_booking,
    free_slots,
)
from booking_app.scheduling.availability import window_to_utc

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FAR = Rules(horizon_days=400)
HOUR = ServiceSpec(60)


def every_day(tz: str, start: time = time(9), end: time = time(17), **kwargs) -> TutorSchedule:
    weekly = tuple(WeeklyWindow(day, start, end) for day in range(7))
    return TutorSchedule(tz=tz, weekly=weekly, rules=FAR, **kwargs)


def slots_by_local_day(sched: TutorSchedule, first: date, last: date):
    tz = ZoneInfo(sched.tz)
    lo = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    by_day: dict[date, list] = {}
    for slot in free_slots(sched, HOUR, lo, hi, NOW, sched.tz):
        by_day.setdefault(slot.start.astimezone(tz).date(), []).append(slot)
    return by_day


@pytest.mark.parametrize(
    ("tz", "days", "first_utc_hours"),
    [
        ("Europe/Kyiv", [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)], [7, 6, 6]),
        ("Europe/Kyiv", [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)], [6, 7, 7]),
        ("America/New_York", [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)], [14, 13, 13]),
        (
            "America/New_York",
            [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)],
            [13, 14, 14],
        ),
    ],
)
def test_weekly_window_keeps_wall_time_across_dst(tz, days, first_utc_hours):
    sched = every_day(tz)
    by_day = slots_by_local_day(sched, days[0], days[-1])
    assert sorted(by_day) == days
    for day, utc_hour in zip(days, first_utc_hours, strict=True):
        slots = by_day[day]
        labels = [slot.label.split(", ")[1] for slot in slots]
        assert labels[0] == "09:00" and labels[-1] == "16:00" and len(slots) == 15
        assert slots[0].start == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
        assert slots[-1].end - slots[0].start == timedelta(hours=8)
        for slot in slots:
            assert check_booking(sched, HOUR, slot.start, NOW).ok
        before_hours = slots[0].start - timedelta(hours=1)
        assert check_booking(sched, HOUR, before_hours, NOW).reason is Reason.OUTSIDE_HOURS


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("Europe/Kyiv", date(2026, 3, 29), 2),
        ("Europe/Kyiv", date(2026, 10, 25), 4),
        ("America/New_York", date(2026, 3, 8), 2),
        ("America/New_York", date(2026, 11, 1), 4),
    ],
)
def test_night_window_on_transition_day_has_real_length(tz, day, hours):
    start, end = window_to_utc(day, time(1), time(4), ZoneInfo(tz))
    assert end - start == timedelta(hours=hours)
    sched = TutorSchedule(
        tz=tz,
        overrides=(DateOverride(day, ((time(1), time(4)),)),),
        rules=Rules(horizon_days=400, slot_step_min=60),
    )
    offered = free_slots(
        sched, HOUR, start - timedelta(days=1), end + timedelta(days=1), NOW, "UTC"
    )
    assert [s.start for s in offered] == [start + timedelta(hours=i) for i in range(hours)]


def test_nonexistent_wall_time_uses_fold_zero():
    """02:30 does not exist on 2026-03-08 in New York; fold=0 reads it as EST (= 03:30 EDT)."""
    ny = ZoneInfo("America/New_York")
    start, end = window_to_utc(date(2026, 3, 8), time(2, 30), time(5), ny)
    assert start == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert end == datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    assert start.astimezone(ny).strftime("%H:%M") == "03:30"


def test_window_entirely_inside_the_gap_that_maps_backwards_is_dropped():
    ny = ZoneInfo("America/New_York")
    assert window_to_utc(date(2026, 3, 8), time(2, 30), time(3, 15), ny) is None


def test_ambiguous_wall_time_uses_first_occurrence():
    ny = ZoneInfo("America/New_York")
    start, end = window_to_utc(date(2026, 11, 1), time(1), time(1, 30), ny)
    assert (start, end) == (
        datetime(2026, 11, 1, 5, tzinfo=UTC),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
    )


def test_midnight_end_on_transition_day():
    kyiv = ZoneInfo("Europe/Kyiv")
    start, end = window_to_utc(date(2026, 10, 25), time(0), time(0), kyiv)
    assert end - start == timedelta(hours=25)


def test_kyiv_tutor_new_york_viewer_labels_and_instants():
    sched = TutorSchedule(tz="Europe/Kyiv", weekly=(WeeklyWindow(0, time(6), time(8)),), rules=FAR)
    lo = datetime(2026, 11, 22, tzinfo=UTC)
    hi = datetime(2026, 11, 24, tzinfo=UTC)
    in_ny = free_slots(sched, HOUR, lo, hi, NOW, "America/New_York")
    in_kyiv = free_slots(sched, HOUR, lo, hi, NOW, "Europe/Kyiv")
    assert [s.start for s in in_ny] == [s.start for s in in_kyiv]
    assert [s.start for s in in_ny] == [
        datetime(2026, 11, 23, 4, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 4, 30, tzinfo=UTC),
        datetime(2026, 11, 23, 5, 0, tzinfo=UTC),
    ]
    assert [s.label for s in in_kyiv] == [
        "Mon 23 Nov, 06:00",
        "Mon 23 Nov, 06:30",
        "Mon 23 Nov, 07:00",
    ]
    assert [s.label for s in in_ny] == [
        "Sun 22 Nov, 23:00",
        "Sun 22 Nov, 23:30",
        "Mon 23 Nov, 00:00",
    ]


def test_daily_limit_counts_local_dates_across_dst():
    """A lesson at 23:30 New York time on Mar 7 (EST) belongs to Mar 7, not Mar 8."""
    from booking_app.scheduling import ExistingLesson

    late = ExistingLesson(
        1,
        datetime(2026, 3, 8, 4, 30, tzinfo=UTC),
        datetime(2026, 3, 8, 4, 45, tzinfo=UTC),
        1,
        1,
        False,
        "scheduled",
    )
    sched = every_day("America/New_York", lessons=(late,))
    sched = TutorSchedule(
        tz=sched.tz,
        weekly=sched.weekly,
        lessons=sched.lessons,
        rules=Rules(horizon_days=400, max_lessons_per_day=1),
    )
    march_7_nine = datetime(2026, 3, 7, 14, tzinfo=UTC)
    march_8_nine = datetime(2026, 3, 8, 13, tzinfo=UTC)
    assert check_booking(sched, HOUR, march_7_nine, NOW).reason is Reason.DAILY_LIMIT
    assert check_booking(sched, HOUR, march_8_nine, NOW).ok
