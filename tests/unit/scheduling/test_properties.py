"""Property tests: the engine agrees with a plain brute-force reference.

The reference below re-derives every rule from the package docstring with
the most obvious code (linear scans, explicit gap arithmetic), so a bug in
the optimised engine (bisect, margins, clipping) shows up as a mismatch.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking_app.scheduling import (
    BusyBlock,
    DateOverride,
    ExistingLesson,
    Reason,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    check_booking,
    free_slots,
)

# Lord Howe shifts by 30 minutes; Beirut and Santiago change clocks at midnight.
ZONES = [
    "UTC",
    "Europe/Kyiv",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Asia/Beirut",
    "America/Santiago",
]
BASE_DAYS = [
    date(2026, 3, 7),  # New York springs forward on the 8th
    date(2026, 3, 28),  # Kyiv and Beirut spring forward on the 29th
    date(2026, 4, 4),  # Lord Howe (30 min) and Santiago fall back on the 5th
    date(2026, 10, 3),  # Lord Howe springs forward 30 min on the 4th
    date(2026, 10, 24),  # Kyiv falls back on the 25th
    date(2026, 10, 31),  # New York falls back on Nov 1st
    date(2026, 9, 5),  # Santiago springs forward at midnight on the 6th
    date(2026, 6, 15),
]
STATUSES = ["scheduled", "tentative", "completed", "cancelled"]
PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def wall(minutes: int) -> time:
    """Minutes since midnight as a wall time; 1440 is written as 00:00."""
    return time(0, 0) if minutes >= 1440 else time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class Case:
    """One generated tutor plus the query made against it."""

    schedule: TutorSchedule
    service: ServiceSpec
    now: datetime
    lo: datetime
    hi: datetime
    ignore: int | None


@st.composite
def wall_windows(draw) -> tuple[time, time]:
    """Mostly sensible windows (start + length), sometimes arbitrary ones."""
    start = draw(st.integers(0, 287)) * 5
    if draw(st.integers(0, 4)) == 0:
        return wall(start), wall(draw(st.integers(0, 288)) * 5)
    length = draw(st.sampled_from([5, 30, 60, 120, 240, 480, 720, 1440]))
    return wall(start), wall(min(1440, start + length))


@st.composite
def cases(draw) -> Case:
    tz = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(BASE_DAYS))
    midnight = datetime.combine(base, time(0), tzinfo=UTC)
    weekly = tuple(
        WeeklyWindow(weekday, *window)
        for weekday in range(7)
        for window in draw(
            st.lists(wall_windows(), min_size=draw(st.sampled_from([0, 1, 1, 1])), max_size=2)
        )
    )
    overrides = tuple(
        DateOverride(
            base + timedelta(days=draw(st.integers(-1, 3))),
            tuple(draw(wall_windows()) for _ in range(draw(st.integers(0, 2)))),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    # Half of the offsets sit on a 5-minute grid so that lessons often touch
    # slot edges exactly (the half-open and buffer boundaries).
    offset = st.integers(-24 * 60, 4 * 24 * 60) | st.integers(-288, 1152).map(lambda k: k * 5)
    busy = []
    for _ in range(draw(st.integers(0, 4))):
        start = midnight + timedelta(minutes=draw(offset))
        busy.append(BusyBlock(start, start + timedelta(minutes=draw(st.integers(1, 240)))))
    lessons = []
    for lesson_id in range(draw(st.integers(0, 8))):
        start = midnight + timedelta(minutes=draw(offset))
        capacity = draw(st.integers(1, 4))
        lessons.append(
            ExistingLesson(
                id=lesson_id,
                start=start,
                end=start + timedelta(minutes=draw(st.integers(1, 120))),
                capacity=capacity,
                seats_taken=draw(st.integers(0, capacity)),
                is_group=capacity > 1,
                status=draw(st.sampled_from(STATUSES)),
            )
        )
    rules = Rules(
        buffer_before_min=draw(st.integers(0, 40)),
        buffer_after_min=draw(st.integers(0, 40)),
        max_lessons_per_day=draw(st.none() | st.integers(0, 4)),
        min_notice_min=draw(st.sampled_from([0, 0, 30, 60, 240, 720])),
        horizon_days=draw(st.sampled_from([7, 3, 60, 1, 0])),
        slot_step_min=draw(st.sampled_from([7, 10, 15, 20, 30, 45, 60])),
    )
    schedule = TutorSchedule(tz, weekly, overrides, tuple(busy), tuple(lessons), rules)
    service = ServiceSpec(draw(st.sampled_from([7, 15, 30, 45, 60, 90])))
    lo = midnight + timedelta(minutes=draw(st.integers(-12 * 60, 12 * 60)))
    hi = lo + timedelta(
        hours=draw(st.sampled_from([36, 24, 48, 6, 72, 84, 0])), minutes=draw(st.integers(0, 59))
    )
    now = lo - timedelta(
        minutes=draw(st.integers(-12 * 60, 24 * 60)), seconds=draw(st.integers(0, 59))
    )
    ignore = draw(st.none() | st.integers(0, 8))
    return Case(schedule, service, now, lo, hi, ignore)


# --- brute-force reference ---------------------------------------------------


def ref_day_windows(schedule: TutorSchedule, day: date) -> list[tuple[time, time]]:
    matching = [o for o in schedule.overrides if o.day == day]
    if matching:
        return [w for o in matching for w in o.windows]
    return [(w.start, w.end) for w in schedule.weekly if w.weekday == day.weekday()]


def ref_working(
    schedule: TutorSchedule, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    tz = ZoneInfo(schedule.tz)
    day = lo.astimezone(tz).date() - timedelta(days=2)
    result = []
    while day <= hi.astimezone(tz).date() + timedelta(days=2):
        pieces = []
        for start, end in ref_day_windows(schedule, day):
            if end == time(0, 0):
                end_local = datetime.combine(day + timedelta(days=1), end, tzinfo=tz)
            elif end > start:
                end_local = datetime.combine(day, end, tzinfo=tz)
            else:
                continue
            s = datetime.combine(day, start, tzinfo=tz).astimezone(UTC)
            e = end_local.astimezone(UTC)
            if s < e:
                pieces.append([s, e])
        pieces.sort()
        merged = []
        for piece in pieces:
            if merged and piece[0] <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], piece[1])
            else:
                merged.append(piece)
        result.extend((s, e) for s, e in merged)
        day += timedelta(days=1)
    return result


def ref_active(schedule: TutorSchedule, ignore: int | None) -> list[ExistingLesson]:
    return [x for x in schedule.lessons if x.status != "cancelled" and x.id != ignore]


def ref_reason(case: Case, start: datetime) -> Reason:
    schedule, rules = case.schedule, case.schedule.rules
    duration = timedelta(minutes=case.service.duration_min)
    step = timedelta(minutes=rules.slot_step_min)
    end = start + duration
    if start < case.now + timedelta(minutes=rules.min_notice_min):
        return Reason.TOO_SOON
    if start > case.now + timedelta(days=rules.horizon_days):
        return Reason.TOO_FAR
    holding = [(a, b) for a, b in ref_working(schedule, start, start) if a <= start and end <= b]
    if not holding:
        return Reason.OUTSIDE_HOURS
    if not any((start - a) % step == timedelta(0) for a, _ in holding):
        return Reason.OFF_GRID
    active = ref_active(schedule, case.ignore)
    blocks = [(b.start, b.end) for b in schedule.busy] + [(x.start, x.end) for x in active]
    if any(s < end and start < e for s, e in blocks):
        return Reason.OVERLAPS
    gap = timedelta(minutes=max(rules.buffer_before_min, rules.buffer_after_min))
    for x in active:
        if x.end <= start and start - x.end < gap:
            return Reason.BUFFER
        if x.start >= end and x.start - end < gap:
            return Reason.BUFFER
    if rules.max_lessons_per_day is not None:
        tz = ZoneInfo(schedule.tz)
        same_day = [
            x for x in active if x.start.astimezone(tz).date() == start.astimezone(tz).date()
        ]
        if len(same_day) >= rules.max_lessons_per_day:
            return Reason.DAILY_LIMIT
    return Reason.OK


def ref_grid(case: Case) -> list[datetime]:
    """Every grid start in the range, whatever the other rules say."""
    duration = timedelta(minutes=case.service.duration_min)
    step = timedelta(minutes=case.schedule.rules.slot_step_min)
    candidates = set()
    for a, b in ref_working(case.schedule, case.lo, case.hi):
        t = a
        while t + duration <= b:
            if case.lo <= t < case.hi:
                candidates.add(t)
            t += step
    return sorted(candidates)


def ref_free_starts(case: Case) -> list[datetime]:
    return [t for t in ref_grid(case) if ref_reason(case, t) is Reason.OK]


def offered(case: Case, schedule: TutorSchedule | None = None) -> list[datetime]:
    slots = free_slots(
        schedule or case.schedule,
        case.service,
        case.lo,
        case.hi,
        case.now,
        "UTC",
        ignore_lesson_id=case.ignore,
    )
    return [slot.start for slot in slots]


def check(case: Case, start: datetime, schedule: TutorSchedule | None = None):
    return check_booking(
        schedule or case.schedule, case.service, start, case.now, ignore_lesson_id=case.ignore
    )


# --- properties ----------------------------------------------------------------


@PROPERTY_SETTINGS
@given(cases())
def test_offered_slots_equal_brute_force_reference(case):
    """(1) nothing offered breaks a rule, and nothing allowed is missing."""
    assert offered(case) == ref_free_starts(case)


@PROPERTY_SETTINGS
@given(cases())
def test_every_offered_slot_passes_check_booking(case):
    """(2) what the student picks is what the write accepts."""
    for start in offered(case):
        result = check(case, start)
        assert result.ok, (start, result)


@PROPERTY_SETTINGS
@given(cases(), st.lists(st.integers(0, 3 * 24 * 60 * 60), min_size=1, max_size=40), st.booleans())
def test_check_booking_matches_offer_and_reference(case, offsets, whole_minutes):
    """(3) check_booking ok for a start implies it is offered, with the reference's reason.

    Checked on every grid start (where all the rule reasons occur) and on
    random instants, minute-aligned or not (OUTSIDE_HOURS / OFF_GRID).
    """
    starts_offered = set(offered(case))
    random_starts = [
        case.lo + timedelta(seconds=s - s % 60 if whole_minutes else s) for s in offsets
    ]
    for start in ref_grid(case) + random_starts:
        result = check(case, start)
        assert result.reason is ref_reason(case, start), start
        if case.lo <= start < case.hi:
            assert result.ok == (start in starts_offered), start


@PROPERTY_SETTINGS
@given(cases())
def test_greedy_booking_never_exceeds_daily_limit(case):
    """(4) booking offered slots one by one keeps the limit, overlaps and buffers."""
    rules = case.schedule.rules
    tz = ZoneInfo(case.schedule.tz)
    schedule = case.schedule
    before = _per_day(ref_active(schedule, case.ignore), tz)
    added = []
    for start in offered(case):
        if check(case, start, schedule).ok:
            new = ExistingLesson(
                1000 + len(added),
                start,
                start + timedelta(minutes=case.service.duration_min),
                1,
                1,
                False,
                "tentative",
            )
            added.append(new)
            schedule = TutorSchedule(
                schedule.tz,
                schedule.weekly,
                schedule.overrides,
                schedule.busy,
                (*schedule.lessons, new),
                rules,
            )
    after = _per_day(ref_active(schedule, case.ignore), tz)
    if rules.max_lessons_per_day is not None:
        for day, count in after.items():
            assert count <= max(rules.max_lessons_per_day, before.get(day, 0))
    gap = timedelta(minutes=rules.gap_min)
    others = ref_active(schedule, case.ignore)
    for new in added:
        for other in others:
            if other is not new:
                assert new.end + gap <= other.start or other.end + gap <= new.start
    assert offered(case, schedule) == []  # greedy is maximal: rules only get stricter


def _per_day(lessons, tz) -> dict[date, int]:
    counts: dict[date, int] = {}
    for x in lessons:
        day = x.start.astimezone(tz).date()
        counts[day] = counts.get(day, 0) + 1
    return counts
