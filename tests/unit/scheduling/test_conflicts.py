"""check_conflicts: the tutor-side check (OVERLAPS / BUFFER / INVALID only).

Fixed examples pin the boundaries; a property test proves it agrees with
``check_booking`` wherever both speak about the same start, so a lesson the
tutor publishes and a slot a student books are judged by the same rules.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking_app.scheduling import (
    BusyBlock,
    ExistingLesson,
    Reason,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    check_booking,
    check_conflicts,
)

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)
M = timedelta(minutes=1)


def lesson(lesson_id: int, start: datetime, minutes: int = 60, status: str = "scheduled"):
    return ExistingLesson(lesson_id, start, start + minutes * M, 1, 0, False, status)


def schedule(*lessons: ExistingLesson, busy=(), before=0, after=0, **rules) -> TutorSchedule:
    return TutorSchedule(
        "UTC",
        (),
        (),
        tuple(busy),
        tuple(lessons),
        Rules(buffer_before_min=before, buffer_after_min=after, **rules),
    )


def test_free_span_is_ok_even_outside_hours_and_past_limits():
    tutor = schedule(max_lessons_per_day=0, horizon_days=1, min_notice_min=10_000)
    result = check_conflicts(tutor, T0 + 7 * M, T0 + 52 * M)  # off-grid, no windows at all
    assert result.ok and result.reason is Reason.OK


def test_overlapping_a_lesson_or_busy_block_is_overlaps():
    tutor = schedule(lesson(1, T0), busy=[BusyBlock(T0 + 3 * H, T0 + 4 * H)])
    assert check_conflicts(tutor, T0 + 30 * M, T0 + 90 * M).reason is Reason.OVERLAPS
    assert check_conflicts(tutor, T0 + 150 * M, T0 + 190 * M).reason is Reason.OVERLAPS


def test_touching_is_not_overlapping():
    tutor = schedule(lesson(1, T0), busy=[BusyBlock(T0 + 2 * H, T0 + 3 * H)])
    assert check_conflicts(tutor, T0 + H, T0 + 2 * H).ok


def test_gap_smaller_than_the_larger_buffer_is_buffer():
    tutor = schedule(lesson(1, T0), before=5, after=15)
    assert check_conflicts(tutor, T0 + 74 * M, T0 + 2 * H).reason is Reason.BUFFER
    assert check_conflicts(tutor, T0 - H, T0 - 14 * M).reason is Reason.BUFFER
    assert check_conflicts(tutor, T0 + 75 * M, T0 + 2 * H).ok
    assert check_conflicts(tutor, T0 - H, T0 - 15 * M).ok


def test_no_buffer_around_busy_blocks():
    tutor = schedule(busy=[BusyBlock(T0, T0 + H)], before=30, after=30)
    assert check_conflicts(tutor, T0 + H, T0 + 2 * H).ok


def test_cancelled_and_ignored_lessons_do_not_block():
    tutor = schedule(lesson(1, T0, status="cancelled"), lesson(2, T0 + 2 * H), after=30)
    assert check_conflicts(tutor, T0, T0 + H).ok
    assert check_conflicts(tutor, T0 + 2 * H, T0 + 3 * H, ignore_lesson_id=2).ok
    assert check_conflicts(tutor, T0 + 2 * H, T0 + 3 * H).reason is Reason.OVERLAPS


def test_tentative_and_completed_lessons_block():
    tutor = schedule(lesson(1, T0, status="tentative"), lesson(2, T0 + 2 * H, status="completed"))
    assert check_conflicts(tutor, T0, T0 + H).reason is Reason.OVERLAPS
    assert check_conflicts(tutor, T0 + 2 * H, T0 + 3 * H).reason is Reason.OVERLAPS


def test_empty_span_and_bad_rules_are_invalid():
    assert check_conflicts(schedule(), T0, T0).reason is Reason.INVALID
    assert check_conflicts(schedule(), T0, T0 - M).reason is Reason.INVALID
    assert check_conflicts(schedule(slot_step_min=0), T0, T0 + H).reason is Reason.INVALID


def test_naive_input_and_unknown_zone_raise():
    with pytest.raises(ValueError):
        check_conflicts(schedule(), T0.replace(tzinfo=None), T0 + H)
    with pytest.raises(ValueError):
        check_conflicts(TutorSchedule("Mars/Base"), T0, T0 + H)


def test_far_away_rows_are_ignored_and_bad_nearby_rows_raise():
    broken_far = ExistingLesson(9, T0 + 900 * H, T0 + 899 * H, 1, 0, False, "scheduled")
    assert check_conflicts(schedule(broken_far), T0, T0 + H).ok
    with pytest.raises(ValueError):
        check_conflicts(schedule(lesson(1, T0.replace(tzinfo=None))), T0, T0 + H)


# --- agreement with check_booking -------------------------------------------------

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def tutors(draw) -> tuple[TutorSchedule, int]:
    offsets = st.integers(-24 * 12, 48 * 12).map(lambda k: k * 5)
    lessons = [
        lesson(
            i,
            T0 + draw(offsets) * M,
            draw(st.sampled_from([15, 30, 60, 90])),
            draw(st.sampled_from(["scheduled", "tentative", "completed", "cancelled"])),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    busy = []
    for _ in range(draw(st.integers(0, 3))):
        start = T0 + draw(offsets) * M
        busy.append(BusyBlock(start, start + draw(st.integers(5, 180)) * M))
    rules = Rules(
        buffer_before_min=draw(st.integers(0, 30)),
        buffer_after_min=draw(st.integers(0, 30)),
        min_notice_min=0,
        horizon_days=30,
        slot_step_min=5,
    )
    weekly = tuple(WeeklyWindow(d, time(0), time(0)) for d in range(7))  # open all day
    tutor = TutorSchedule("Europe/Kyiv", weekly, (), tuple(busy), tuple(lessons), rules)
    return tutor, draw(st.sampled_from([15, 30, 45, 60, 90]))


@SETTINGS
@given(tutors(), st.integers(-12 * 12, 36 * 12), st.none() | st.integers(0, 6))
def test_agrees_with_check_booking_on_every_conflict(case, step, ignore):
    """Open all day, 5-minute grid, no notice or limit: only conflicts can refuse."""
    tutor, minutes = case
    start = T0 + step * 5 * M
    now = T0 - 3 * 24 * H
    booking = check_booking(tutor, ServiceSpec(minutes), start, now, ignore_lesson_id=ignore).reason
    conflict = check_conflicts(tutor, start, start + minutes * M, ignore_lesson_id=ignore).reason
    if booking in (Reason.OK, Reason.OVERLAPS, Reason.BUFFER):
        assert conflict is booking
    else:  # an all-day window ends at local midnight: a lesson across it is OUTSIDE_HOURS
        assert booking is Reason.OUTSIDE_HOURS
