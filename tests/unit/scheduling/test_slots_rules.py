"""Each rule on its own, with exact expected slot lists (tutor and viewer in UTC)."""

from datetime import UTC, date, datetime, time

import pytest

from booking_app.scheduling import (
    BusyBlock,
    DateOverride,
    ExistingLesson,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    free_slots,
)

MON = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
ONE_HOUR = ServiceSpec(duration_min=60)


def at(hour: int, minute: int = 0, day: date = MON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def lesson(
    start: datetime, end: datetime, *, lesson_id: int = 1, status: str = "scheduled"
) -> ExistingLesson:
    return ExistingLesson(
        lesson_id, start, end, capacity=1, seats_taken=1, is_group=False, status=status
    )


def schedule(*windows: tuple[int, time, time], **kwargs) -> TutorSchedule:
    weekly = tuple(WeeklyWindow(weekday, start, end) for weekday, start, end in windows)
    return TutorSchedule(tz="UTC", weekly=weekly, **kwargs)


def offered(
    sched: TutorSchedule, service: ServiceSpec = ONE_HOUR, day: date = MON, now: datetime = NOW
) -> list[str]:
    """Offered starts on ``day`` as "HH:MM" strings."""
    slots = free_slots(sched, service, at(0, day=day), at(23, 59, day=day), now, "UTC")
    return [slot.start.strftime("%H:%M") for slot in slots]


def test_single_window_exact_slots_and_labels():
    sched = schedule((0, time(9), time(12)))
    slots = free_slots(sched, ONE_HOUR, at(0), at(23), NOW, "UTC")
    assert [s.start for s in slots] == [at(9), at(9, 30), at(10), at(10, 30), at(11)]
    assert [s.end for s in slots] == [at(10), at(10, 30), at(11), at(11, 30), at(12)]
    assert slots[0].label == "Mon 23 Nov, 09:00"
    assert all(s.start.tzinfo is UTC for s in slots)


def test_other_weekdays_have_no_slots():
    sched = schedule((0, time(9), time(12)))
    assert offered(sched, day=date(2026, 11, 24)) == []


def test_several_windows_a_day():
    sched = schedule((0, time(9), time(11)), (0, time(14), time(16)))
    assert offered(sched) == ["09:00", "09:30", "10:00", "14:00", "14:30", "15:00"]


def test_touching_windows_are_merged_so_a_lesson_may_span_them():
    sched = schedule((0, time(9), time(10)), (0, time(10), time(11)))
    assert offered(sched, ServiceSpec(90)) == ["09:00", "09:30"]


def test_overlapping_windows_are_merged():
    sched = schedule((0, time(9), time(11)), (0, time(10, 30), time(12)))
    assert offered(sched) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_grid_is_anchored_at_the_window_start():
    sched = schedule((0, time(10, 15), time(12)))
    assert offered(sched) == ["10:15", "10:45"]


def test_end_midnight_means_end_of_day():
    sched = schedule((0, time(22), time(0)))
    assert offered(sched) == ["22:00", "22:30", "23:00"]


def test_whole_day_window():
    sched = schedule((0, time(0), time(0)))
    starts = offered(sched, ServiceSpec(60))
    assert (starts[0], starts[-1], len(starts)) == ("00:00", "23:00", 47)


def test_inverted_window_is_ignored():
    sched = schedule((0, time(17), time(9)), (0, time(12), time(13)))
    assert offered(sched) == ["12:00"]


def test_lesson_does_not_cross_local_midnight_between_days():
    sched = schedule((0, time(22), time(0)), (1, time(0), time(2)))
    slots = free_slots(sched, ServiceSpec(60), at(22), at(2, day=date(2026, 11, 24)), NOW, "UTC")
    tue = date(2026, 11, 24)
    expected = [at(22), at(22, 30), at(23), at(0, day=tue), at(0, 30, day=tue), at(1, day=tue)]
    assert [s.start for s in slots] == expected  # no 23:30 start spanning midnight


def test_override_closed_day():
    sched = schedule((0, time(9), time(12)), overrides=(DateOverride(MON, ()),))
    assert offered(sched) == []


def test_override_special_hours_replace_weekly_windows():
    sched = schedule(
        (0, time(9), time(12)), overrides=(DateOverride(MON, ((time(12), time(13)),)),)
    )
    assert offered(sched) == ["12:00"]


def test_override_opens_a_normally_free_day():
    sunday = date(2026, 11, 22)
    sched = schedule(
        (0, time(9), time(12)), overrides=(DateOverride(sunday, ((time(10), time(11, 30)),)),)
    )
    assert offered(sched, day=sunday) == ["10:00", "10:30"]
    assert offered(sched) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_several_overrides_of_one_day_are_combined():
    overrides = (
        DateOverride(MON, ((time(9), time(10)),)),
        DateOverride(MON, ((time(15), time(16)),)),
    )
    sched = schedule((0, time(11), time(12)), overrides=overrides)
    assert offered(sched) == ["09:00", "15:00"]


def test_busy_block_removes_overlapping_starts_without_buffers():
    sched = schedule(
        (0, time(9), time(12)),
        busy=(BusyBlock(at(10), at(10, 30)),),
        rules=Rules(buffer_after_min=30, buffer_before_min=30),
    )
    assert offered(sched) == ["09:00", "10:30", "11:00"]


@pytest.mark.parametrize("status", ["scheduled", "tentative", "completed"])
def test_non_cancelled_lessons_block(status):
    sched = schedule((0, time(9), time(12)), lessons=(lesson(at(10), at(11), status=status),))
    assert offered(sched) == ["09:00", "11:00"]


def test_cancelled_lessons_are_ignored():
    sched = schedule((0, time(9), time(12)), lessons=(lesson(at(10), at(11), status="cancelled"),))
    assert offered(sched) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_group_lessons_block_new_lessons_too():
    group = ExistingLesson(
        5, at(10), at(11), capacity=5, seats_taken=1, is_group=True, status="scheduled"
    )
    sched = schedule((0, time(9), time(12)), lessons=(group,))
    assert offered(sched, ServiceSpec(60, is_group=True, capacity=4)) == ["09:00", "11:00"]


def test_buffers_exact_list():
    """Gap >= max(before, after) = 15 on both sides of the 10:00-11:00 lesson."""
    sched = schedule(
        (0, time(8), time(13)),
        lessons=(lesson(at(10), at(11)),),
        rules=Rules(buffer_after_min=15, slot_step_min=15),
    )
    assert offered(sched, ServiceSpec(30)) == [
        "08:00", "08:15", "08:30", "08:45", "09:00", "09:15",
        "11:15", "11:30", "11:45", "12:00", "12:15", "12:30",
    ]  # fmt: skip


def test_daily_limit_closes_the_day_but_not_the_next():
    tue = date(2026, 11, 24)
    sched = schedule(
        (0, time(8), time(18)),
        (1, time(9), time(10)),
        lessons=(
            lesson(at(8), at(9), lesson_id=1),
            lesson(at(15), at(16), lesson_id=2),
            lesson(at(9, day=tue), at(9, 30, day=tue), lesson_id=3, status="cancelled"),
        ),
        rules=Rules(max_lessons_per_day=2),
    )
    assert offered(sched) == []
    assert offered(sched, day=tue) == ["09:00"]


def test_daily_limit_not_reached():
    sched = schedule(
        (0, time(9), time(11)), lessons=(lesson(at(9), at(10)),), rules=Rules(max_lessons_per_day=2)
    )
    assert offered(sched) == ["10:00"]


def test_daily_limit_zero_offers_nothing():
    sched = schedule((0, time(9), time(11)), rules=Rules(max_lessons_per_day=0))
    assert offered(sched) == []


def test_notice():
    sched = schedule((0, time(9), time(12)), rules=Rules(min_notice_min=60))
    assert offered(sched, now=at(8, 50)) == ["10:00", "10:30", "11:00"]
    assert offered(sched, now=at(9)) == ["10:00", "10:30", "11:00"]  # exactly now + notice is fine
    assert offered(sched, now=at(9, 1)) == ["10:30", "11:00"]


def test_past_starts_are_never_offered():
    sched = schedule((0, time(9), time(12)))
    assert offered(sched, now=at(10, 10)) == ["10:30", "11:00"]


def test_horizon():
    sched = schedule((0, time(9), time(12)), rules=Rules(horizon_days=3))
    assert offered(sched, now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)) == ["09:00"]
    assert offered(sched, now=datetime(2026, 11, 20, 8, 59, tzinfo=UTC)) == []


def test_step():
    sched = schedule((0, time(9), time(12)), rules=Rules(slot_step_min=45))
    assert offered(sched) == ["09:00", "09:45", "10:30"]


def test_range_is_half_open_on_starts():
    sched = schedule((0, time(9), time(12)))
    slots = free_slots(sched, ONE_HOUR, at(9, 30), at(10, 30), NOW, "UTC")
    assert [s.start for s in slots] == [at(9, 30), at(10)]
    assert free_slots(sched, ONE_HOUR, at(10), at(10), NOW, "UTC") == []


def test_invalid_service_offers_nothing():
    sched = schedule((0, time(9), time(12)))
    assert offered(sched, ServiceSpec(0)) == []
    assert offered(sched, ServiceSpec(60, capacity=3)) == []
    assert offered(schedule((0, time(9), time(12)), rules=Rules(slot_step_min=0))) == []


def test_far_away_data_is_ignored():
    far = tuple(
        lesson(
            at(10, day=date(2025 + i % 3, 1 + i % 12, 1 + i % 28)),
            at(11, day=date(2025 + i % 3, 1 + i % 12, 1 + i % 28)),
            lesson_id=i,
        )
        for i in range(500)
    )
    sched = schedule((0, time(9), time(12)), lessons=tuple(x for x in far if x.start.date() != MON))
    assert offered(sched) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_naive_datetimes_are_rejected():
    sched = schedule((0, time(9), time(12)))
    with pytest.raises(ValueError, match="timezone-aware"):
        free_slots(sched, ONE_HOUR, datetime(2026, 11, 23), at(23), NOW, "UTC")
    with pytest.raises(ValueError, match="timezone-aware"):
        free_slots(sched, ONE_HOUR, at(0), at(23), datetime(2026, 11, 20), "UTC")
    naive_lesson = schedule(
        (0, time(9), time(12)),
        lessons=(lesson(datetime(2026, 11, 23, 10), datetime(2026, 11, 23, 11)),),
    )
    with pytest.raises(ValueError, match="naive"):
        free_slots(naive_lesson, ONE_HOUR, at(0), at(23), NOW, "UTC")


def test_empty_busy_block_is_rejected():
    sched = schedule((0, time(9), time(12)), busy=(BusyBlock(at(10), at(10)),))
    with pytest.raises(ValueError, match="ends at or before"):
        free_slots(sched, ONE_HOUR, at(0), at(23), NOW, "UTC")


def test_unknown_zone_is_a_value_error():
    with pytest.raises(ValueError, match="Unknown time zone"):
        free_slots(schedule((0, time(9), time(12))), ONE_HOUR, at(0), at(23), NOW, "Mars/Olympus")
    with pytest.raises(ValueError, match="Unknown time zone"):
        free_slots(TutorSchedule(tz="Nowhere/Land"), ONE_HOUR, at(0), at(23), NOW, "UTC")


def test_aware_non_utc_input_is_converted():
    from zoneinfo import ZoneInfo

    kyiv = ZoneInfo("Europe/Kyiv")
    sched = schedule((0, time(9), time(12)))
    start = datetime(2026, 11, 23, 0, 0, tzinfo=kyiv)  # 22:00 UTC on Sunday
    slots = free_slots(sched, ONE_HOUR, start, at(10), NOW.astimezone(kyiv), "UTC")
    assert [s.start for s in slots] == [at(9), at(9, 30)]
    assert all(s.start.tzinfo is UTC for s in slots)


def test_inverted_lesson_near_the_range_is_rejected():
    bad = lesson(at(11), at(10))
    with pytest.raises(ValueError, match="ends at or before"):
        free_slots(
            schedule((0, time(9), time(12)), lessons=(bad,)), ONE_HOUR, at(0), at(23), NOW, "UTC"
        )


def test_cancelled_rows_are_not_validated_for_length():
    bad = lesson(at(10), at(10), status="cancelled")
    sched = schedule((0, time(9), time(12)), lessons=(bad,))
    assert offered(sched) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_free_spots_never_negative():
    assert lesson(at(9), at(10)).free_spots == 0
    over = ExistingLesson(
        2, at(9), at(10), capacity=3, seats_taken=5, is_group=True, status="scheduled"
    )
    assert over.free_spots == 0
    assert ExistingLesson(3, at(9), at(10), 3, 1, True, "tentative").free_spots == 2
