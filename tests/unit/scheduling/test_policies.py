"""check_booking / check_join reasons, precedence, rescheduling and edge instants."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking_app.scheduling import (
    BusyBlock,
    ExistingLesson,
    Reason,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    can_join,
    cancellation_kind,
    check_booking,
    check_join,
    check_seat,
    free_slots,
    joinable_lessons,
    seconds_until_join,
)

MON = date(2026, 11, 23)
NOW = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def at(hour: int, minute: int = 0, day: date = MON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def one_to_one(start, end, *, lesson_id=1, status="scheduled"):
    return ExistingLesson(
        lesson_id, start, end, capacity=1, seats_taken=1, is_group=False, status=status
    )


def group(start, end, *, lesson_id=10, capacity=4, seats=1, status="scheduled"):
    return ExistingLesson(
        lesson_id, start, end, capacity=capacity, seats_taken=seats, is_group=True, status=status
    )


def tutor(lessons=(), busy=(), **rules) -> TutorSchedule:
    return TutorSchedule(
        tz="UTC",
        weekly=(WeeklyWindow(0, time(8), time(13)),),
        busy=tuple(busy),
        lessons=tuple(lessons),
        rules=Rules(**rules),
    )


def reason(sched, start, duration=30, now=NOW, **kwargs) -> Reason:
    return check_booking(sched, ServiceSpec(duration), start, now, **kwargs).reason


# --- single reasons -------------------------------------------------------


def test_ok():
    result = check_booking(tutor(), ServiceSpec(30), at(9), NOW)
    assert result.ok and result.reason is Reason.OK
    assert result.detail == "This time is available."


@pytest.mark.parametrize("duration", [0, -30])
def test_invalid_duration(duration):
    result = check_booking(tutor(), ServiceSpec(duration), at(9), NOW)
    assert result.reason is Reason.INVALID and not result.ok
    assert "at least one minute" in result.detail


def test_invalid_rules_and_capacity():
    assert (
        check_booking(tutor(slot_step_min=0), ServiceSpec(30), at(9), NOW).reason is Reason.INVALID
    )
    assert (
        check_booking(tutor(buffer_after_min=-1), ServiceSpec(30), at(9), NOW).reason
        is Reason.INVALID
    )
    assert check_booking(tutor(), ServiceSpec(30, capacity=0), at(9), NOW).reason is Reason.INVALID
    assert check_booking(tutor(), ServiceSpec(30, is_group=True, capacity=6), at(9), NOW).ok


def test_outside_hours():
    assert reason(tutor(), at(7, 30)) is Reason.OUTSIDE_HOURS
    assert reason(tutor(), at(12, 30), duration=60) is Reason.OUTSIDE_HOURS  # would end 13:30
    assert reason(tutor(), at(12, 30)) is Reason.OK  # ends exactly at 13:00
    assert reason(tutor(), at(9, day=date(2026, 11, 24))) is Reason.OUTSIDE_HOURS


def test_off_grid():
    result = check_booking(tutor(), ServiceSpec(30), at(9, 10), NOW)
    assert result.reason is Reason.OFF_GRID
    assert result.detail == (
        "Lessons start every 30 minutes from the beginning of the tutor's working hours; please pick an offered time."
    )
    assert reason(tutor(), at(9) + SECOND) is Reason.OFF_GRID


def test_off_grid_and_outside_hours_precedence():
    assert reason(tutor(), at(12, 50)) is Reason.OUTSIDE_HOURS  # off grid AND spills out


def test_too_soon_detail():
    sched = tutor(min_notice_min=12 * 60)
    result = check_booking(sched, ServiceSpec(30), at(9), at(9) - timedelta(hours=11))
    assert result.reason is Reason.TOO_SOON
    assert (
        result.detail
        == "This time is less than 12 hours from now; the tutor needs at least 12 hours' notice."
    )
    assert check_booking(sched, ServiceSpec(30), at(9), at(9) - timedelta(hours=12)).ok


def test_too_soon_singular_and_past():
    one_hour = check_booking(tutor(min_notice_min=60), ServiceSpec(30), at(9), at(8, 30))
    assert one_hour.detail.endswith("at least 1 hour's notice.")
    past = check_booking(tutor(), ServiceSpec(30), at(9), at(9) + SECOND)
    assert past.reason is Reason.TOO_SOON
    assert past.detail == "This time has already passed."


def test_too_far():
    sched = tutor(horizon_days=3)
    assert reason(sched, at(9), now=at(9) - timedelta(days=3)) is Reason.OK
    result = check_booking(sched, ServiceSpec(30), at(9), at(9) - timedelta(days=3) - SECOND)
    assert result.reason is Reason.TOO_FAR
    assert (
        result.detail
        == "This time is more than 3 days ahead; the tutor takes bookings at most 3 days in advance."
    )


def test_overlaps_busy_and_lessons():
    assert reason(tutor(busy=[BusyBlock(at(9), at(9, 30))]), at(9)) is Reason.OVERLAPS
    assert reason(tutor(busy=[BusyBlock(at(9), at(9, 30))]), at(9, 30)) is Reason.OK
    assert reason(tutor(busy=[BusyBlock(at(9), at(9, 30))]), at(8, 30)) is Reason.OK
    assert reason(tutor([one_to_one(at(9, 15), at(9, 45))]), at(9)) is Reason.OVERLAPS
    assert (
        reason(tutor([one_to_one(at(9, 15), at(9, 45), status="tentative")]), at(9))
        is Reason.OVERLAPS
    )
    assert reason(tutor([one_to_one(at(9, 15), at(9, 45), status="cancelled")]), at(9)) is Reason.OK


# --- buffers: gap between consecutive lessons >= max(before, after) --------


@pytest.mark.parametrize(
    ("before", "after"),
    [(0, 15), (15, 0), (15, 5), (5, 15)],
)
def test_buffer_edges_off_by_one_minute(before, after):
    """Lesson 10:00-11:00, new 30-min lesson, gap must be 15 on both sides."""
    sched = tutor(
        [one_to_one(at(10), at(11))],
        buffer_before_min=before,
        buffer_after_min=after,
        slot_step_min=1,
    )
    assert reason(sched, at(9, 15)) is Reason.OK  # ends 09:45, gap 15
    assert reason(sched, at(9, 16)) is Reason.BUFFER  # gap 14
    assert reason(sched, at(11, 15)) is Reason.OK  # starts 15 after
    assert reason(sched, at(11, 14)) is Reason.BUFFER  # 14 after
    assert reason(sched, at(9, 31)) is Reason.OVERLAPS  # ends 10:01


def test_buffer_detail():
    sched = tutor(
        [one_to_one(at(10), at(11))], buffer_before_min=20, buffer_after_min=5, slot_step_min=1
    )
    result = check_booking(sched, ServiceSpec(30), at(11, 19), NOW)
    assert result.reason is Reason.BUFFER
    assert result.detail == "The tutor needs at least 20 minutes free between lessons."
    assert reason(sched, at(11, 20)) is Reason.OK
    assert reason(sched, at(9, 10)) is Reason.OK
    assert reason(sched, at(9, 11)) is Reason.BUFFER


def test_no_buffer_around_busy_blocks():
    sched = tutor(busy=[BusyBlock(at(10), at(11))], buffer_before_min=30, buffer_after_min=30)
    assert reason(sched, at(9, 30)) is Reason.OK
    assert reason(sched, at(11)) is Reason.OK


def test_buffer_counts_cancelled_lessons_as_absent():
    sched = tutor([one_to_one(at(10), at(11), status="cancelled")], buffer_after_min=30)
    assert reason(sched, at(11)) is Reason.OK


# --- daily limit ------------------------------------------------------------


def test_daily_limit_detail():
    sched = tutor([one_to_one(at(8), at(8, 30))], max_lessons_per_day=1)
    result = check_booking(sched, ServiceSpec(30), at(12), NOW)
    assert result.reason is Reason.DAILY_LIMIT
    assert result.detail == "The tutor already has the maximum of 1 lesson on that day."


def test_daily_limit_uses_tutor_local_date():
    """23:30 UTC Sunday is 01:30 Monday in Kyiv: it counts for Monday there."""
    kyiv = TutorSchedule(
        tz="Europe/Kyiv",
        weekly=(WeeklyWindow(0, time(9), time(12)),),
        lessons=(
            one_to_one(at(23, 30, day=date(2026, 11, 22)), at(23, 45, day=date(2026, 11, 22))),
        ),
        rules=Rules(max_lessons_per_day=1),
    )
    assert reason(kyiv, at(7)) is Reason.DAILY_LIMIT  # 09:00 Kyiv
    utc = TutorSchedule(
        tz="UTC",
        weekly=(WeeklyWindow(0, time(9), time(12)),),
        lessons=kyiv.lessons,
        rules=kyiv.rules,
    )
    assert reason(utc, at(9)) is Reason.OK


# --- precedence -------------------------------------------------------------


def test_precedence_chain():
    busy = [BusyBlock(at(9), at(9, 30))]
    lessons = [one_to_one(at(8), at(8, 30)), one_to_one(at(9, 30), at(10), lesson_id=2)]
    sched = tutor(
        lessons,
        busy,
        buffer_after_min=30,
        max_lessons_per_day=1,
        min_notice_min=60,
        horizon_days=10,
    )
    assert reason(sched, at(9), duration=0) is Reason.INVALID
    assert reason(sched, at(7), now=at(6, 30)) is Reason.TOO_SOON  # also outside hours
    assert reason(sched, at(7), now=at(7) - timedelta(days=11)) is Reason.TOO_FAR
    assert reason(sched, at(7)) is Reason.OUTSIDE_HOURS
    assert reason(sched, at(9, 10)) is Reason.OFF_GRID  # also overlapping
    assert reason(sched, at(9)) is Reason.OVERLAPS  # also buffer + limit
    assert reason(sched, at(10)) is Reason.BUFFER  # also daily limit
    assert reason(sched, at(11)) is Reason.DAILY_LIMIT


# --- rescheduling -----------------------------------------------------------


def test_reschedule_ignores_own_lesson_for_overlap_buffer_and_limit():
    own = one_to_one(at(10), at(10, 30), lesson_id=7)
    sched = tutor([own], buffer_after_min=30, max_lessons_per_day=1)
    assert reason(sched, at(10)) is Reason.OVERLAPS
    assert reason(sched, at(10, 30)) is Reason.BUFFER
    assert reason(sched, at(12)) is Reason.DAILY_LIMIT
    for start in (at(10), at(10, 30), at(12)):
        assert reason(sched, start, ignore_lesson_id=7) is Reason.OK
    assert reason(sched, at(12), ignore_lesson_id=8) is Reason.DAILY_LIMIT
    offered = free_slots(sched, ServiceSpec(30), at(0), at(23), NOW, "UTC", ignore_lesson_id=7)
    assert len(offered) == 10
    assert free_slots(sched, ServiceSpec(30), at(0), at(23), NOW, "UTC") == []


# --- naive input ------------------------------------------------------------


def test_naive_input_is_rejected_everywhere():
    naive = datetime(2026, 11, 23, 9)
    with pytest.raises(ValueError):
        check_booking(tutor(), ServiceSpec(30), naive, NOW)
    with pytest.raises(ValueError):
        check_booking(tutor(), ServiceSpec(30), at(9), naive)
    with pytest.raises(ValueError):
        check_join(group(naive, naive + timedelta(hours=1)), Rules(), NOW)
    with pytest.raises(ValueError):
        cancellation_kind(naive, NOW, 60)
    with pytest.raises(ValueError):
        can_join(at(9), at(10), naive)
    with pytest.raises(ValueError):
        seconds_until_join(naive, NOW)
    with pytest.raises(ValueError):
        joinable_lessons(tutor(), naive, at(23), NOW, "UTC")
    with pytest.raises(TypeError):
        check_booking(tutor(), ServiceSpec(30), "2026-11-23T09:00Z", NOW)


# --- group lessons ----------------------------------------------------------


def test_joinable_lessons_lists_only_open_group_lessons():
    lessons = [
        group(at(9), at(10), lesson_id=1, capacity=4, seats=1),
        group(at(8), at(9), lesson_id=2, capacity=3, seats=3),  # full
        group(at(11), at(12), lesson_id=3, status="cancelled"),
        one_to_one(at(12), at(13), lesson_id=4),
        group(at(12), at(13), lesson_id=5, capacity=2, seats=1, status="tentative"),
        group(at(9), at(10), lesson_id=6, capacity=2, seats=5),  # overbooked data
    ]
    found = joinable_lessons(tutor(lessons), at(0), at(23), NOW, "Europe/Kyiv")
    assert [(j.lesson_id, j.free_spots) for j in found] == [(1, 3), (5, 1)]
    assert found[0].start == at(9) and found[0].end == at(10)
    assert found[0].label == "Mon 23 Nov, 11:00"


def test_joinable_lessons_respect_notice_horizon_and_range():
    lessons = [group(at(9), at(10), lesson_id=1), group(at(12), at(13), lesson_id=2)]
    sched = tutor(lessons, min_notice_min=60, horizon_days=30)
    assert [j.lesson_id for j in joinable_lessons(sched, at(0), at(23), at(10), "UTC")] == [2]
    assert [j.lesson_id for j in joinable_lessons(sched, at(0), at(23), at(11), "UTC")] == [2]
    assert [
        j.lesson_id for j in joinable_lessons(sched, at(0), at(23), at(11) + SECOND, "UTC")
    ] == []
    assert joinable_lessons(sched, at(0), at(23), at(9) - timedelta(days=31), "UTC") == []
    assert [j.lesson_id for j in joinable_lessons(sched, at(9, 1), at(23), NOW, "UTC")] == [2]


def test_check_join_reasons():
    rules = Rules(min_notice_min=60, horizon_days=30)
    open_lesson = group(at(12), at(13))
    assert check_join(open_lesson, rules, NOW).ok
    full = check_join(group(at(12), at(13), capacity=2, seats=2), rules, NOW)
    assert full.reason is Reason.FULL and full.detail == "This group lesson is full."
    assert check_join(open_lesson, rules, at(11) + SECOND).reason is Reason.TOO_SOON
    assert (
        check_join(open_lesson, rules, at(12) - timedelta(days=30, seconds=1)).reason
        is Reason.TOO_FAR
    )
    cancelled = check_join(group(at(12), at(13), status="cancelled"), rules, NOW)
    assert cancelled.reason is Reason.INVALID and cancelled.detail == "This lesson was cancelled."
    assert check_join(one_to_one(at(12), at(13)), rules, NOW).reason is Reason.INVALID
    assert (
        check_join(group(at(12), at(13), status="completed"), rules, NOW).reason is Reason.INVALID
    )


def test_check_join_full_and_too_soon_precedence():
    rules = Rules(min_notice_min=60)
    assert (
        check_join(group(at(12), at(13), capacity=1, seats=1), rules, at(11, 30)).reason
        is Reason.TOO_SOON
    )


def test_joining_ignores_the_daily_limit():
    lessons = [group(at(9), at(10))]
    sched = tutor(lessons, max_lessons_per_day=1)
    assert check_join(lessons[0], sched.rules, NOW).ok
    assert [j.lesson_id for j in joinable_lessons(sched, at(0), at(23), NOW, "UTC")] == [10]


# --- cancellation and room entry at exact edges -----------------------------


def test_cancellation_kind_edges():
    start = at(12)
    deadline = start - timedelta(minutes=24 * 60)
    assert cancellation_kind(start, deadline - SECOND, 24 * 60) == "cancel"
    assert cancellation_kind(start, deadline, 24 * 60) == "cancel"
    assert cancellation_kind(start, deadline + SECOND, 24 * 60) == "late_cancel"
    assert cancellation_kind(start, start + SECOND, 0) == "late_cancel"
    assert cancellation_kind(start, start, 0) == "cancel"


def test_can_join_edges():
    start, end = at(12), at(13)
    opens = start - timedelta(minutes=15)
    assert not can_join(start, end, opens - SECOND)
    assert can_join(start, end, opens)
    assert can_join(start, end, opens + SECOND)
    assert can_join(start, end, end - SECOND)
    assert not can_join(start, end, end)
    assert not can_join(start, end, end + SECOND)
    assert can_join(start, end, start - timedelta(minutes=5), window_before_min=5)
    assert not can_join(start, end, start - timedelta(minutes=5) - SECOND, window_before_min=5)


def test_seconds_until_join_edges():
    start = at(12)
    opens = start - timedelta(minutes=15)
    assert seconds_until_join(start, opens - SECOND) == 1
    assert seconds_until_join(start, opens) == 0
    assert seconds_until_join(start, opens + SECOND) == 0
    assert seconds_until_join(start, opens - timedelta(microseconds=1)) == 1  # rounded up
    assert seconds_until_join(start, opens - timedelta(hours=1)) == 3600
    assert seconds_until_join(start, start, window_before_min=0) == 0


def test_check_seat_ignores_notice_and_counts_seats():
    """A tutor's invite: no notice or horizon, one-to-one lessons too, never a full one."""
    start = NOW + timedelta(minutes=5)
    lesson = ExistingLesson(7, start, start + timedelta(hours=1), 1, 0, False, "scheduled")
    assert check_seat(lesson, NOW).ok
    full = ExistingLesson(7, start, start + timedelta(hours=1), 2, 2, True, "scheduled")
    verdict = check_seat(full, NOW)
    assert verdict.reason is Reason.FULL and verdict.detail == "This lesson has no free spot left."
    assert check_seat(lesson, start + timedelta(hours=1)).reason is Reason.INVALID
    cancelled = ExistingLesson(7, start, start + timedelta(hours=1), 2, 0, True, "cancelled")
    assert check_seat(cancelled, NOW).detail == "This lesson was cancelled."
