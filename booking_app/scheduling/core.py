"""The single predicate behind both ``free_slots`` and ``check_booking``.

Why one predicate: when "which times do we offer" and "may this booking be
written" are computed by different code they drift apart (buffers ignored,
DST shifts, pending requests not blocking). Here both entry points build the
same ``Context``; a start is bookable iff it is in ``candidate_starts`` and
``rule_violation`` finds nothing. ``free_slots`` filters the candidates with
exactly that test and ``check_booking`` applies it to one start, so a start
is offered exactly when a booking at that start is accepted.

Cost: one pass over the tutor's lessons and busy blocks keeps only those
near the queried range (O(n)); the survivors are sorted and merged
(O(k log k)); each candidate start is then checked with bisect (O(log k)).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate, pairwise, repeat
from typing import TypeVar
from zoneinfo import ZoneInfo

from .availability import working_intervals
from .intervals import Interval, IntervalIndex
from .timeutil import zone
from .types import (
    CANCELLED,
    BusyBlock,
    ExistingLesson,
    Reason,
    Rules,
    ServiceSpec,
    TutorSchedule,
)

DAY_REACH = timedelta(days=2)
"""Farther than two instants of one local date can be apart (a day <= 25 h)."""

TICK = timedelta(microseconds=1)
"""Smallest datetime step: turns an inclusive bound into an exclusive one."""

JOINABLE_STATUSES = frozenset({"tentative", "scheduled"})

_Timed = TypeVar("_Timed", BusyBlock, ExistingLesson)


@dataclass(frozen=True, slots=True)
class Context:
    """Everything needed to judge any start in the prepared range."""

    tz: ZoneInfo
    duration: timedelta
    step: timedelta
    gap: timedelta
    earliest: datetime
    latest: datetime
    max_per_day: int | None
    working: list[Interval]
    working_disjoint: bool
    blocked: IntervalIndex
    lessons: IntervalIndex
    full_days: frozenset[date]


def rules_problem(rules: Rules) -> str | None:
    """Explain why the tutor's settings cannot be used, or return None."""
    if rules.slot_step_min <= 0:
        return "The tutor's slot step must be a positive number of minutes."
    minimums = (
        rules.buffer_before_min,
        rules.buffer_after_min,
        rules.min_notice_min,
        rules.horizon_days,
    )
    if min(minimums) < 0:
        return "Buffers, notice and horizon cannot be negative."
    if rules.max_lessons_per_day is not None and rules.max_lessons_per_day < 0:
        return "The daily lesson limit cannot be negative."
    return None


def service_problem(service: ServiceSpec, rules: Rules) -> str | None:
    """Explain why this service cannot be booked at all, or return None."""
    if service.duration_min <= 0:
        return "A lesson must last at least one minute."
    if service.capacity < 1:
        return "A lesson needs room for at least one student."
    if not service.is_group and service.capacity != 1:
        return "A one-to-one lesson has exactly one seat."
    return rules_problem(rules)


def earliest_start(now: datetime, rules: Rules) -> datetime:
    """First instant a lesson may start, given the required notice."""
    return now + timedelta(minutes=rules.min_notice_min)


def latest_start(now: datetime, rules: Rules) -> datetime:
    """Last instant a lesson may start, given the booking horizon."""
    return now + timedelta(days=rules.horizon_days)


def near(items: Iterable[_Timed], lo: datetime, hi: datetime, what: str) -> list[_Timed]:
    """Items overlapping ``[lo, hi)``.

    A bare comprehension because it touches every row of the tutor's
    history; a naive datetime fails the comparison with the aware bounds and
    is reported as ValueError.
    """
    try:
        return [item for item in items if item.start < hi and item.end > lo]
    except TypeError as exc:
        message = f"{what} has a naive (or non-datetime) start or end; the engine needs UTC"
        raise ValueError(message) from exc


def validated(items: list[_Timed], what: str) -> list[_Timed]:
    """Reject empty or inverted intervals among the items that matter."""
    for item in items:
        if item.end <= item.start:
            message = f"{what} ends at or before it starts ({item.start} >= {item.end})"
            raise ValueError(message)
    return items


def active_lessons(
    lessons: Sequence[ExistingLesson], ignore_id: int | None
) -> list[ExistingLesson]:
    """Lessons that take time: not cancelled and not the one being moved."""
    return [lesson for lesson in lessons if lesson.status != CANCELLED and lesson.id != ignore_id]


def full_days(
    lessons: Iterable[ExistingLesson], tz: ZoneInfo, limit: int | None
) -> frozenset[date]:
    """Tutor-local dates whose lesson count already reached ``limit``."""
    if limit is None:
        return frozenset()
    counts: dict[date, int] = {}
    for lesson in lessons:
        day = lesson.start.astimezone(tz).date()
        counts[day] = counts.get(day, 0) + 1
    return frozenset(day for day, count in counts.items() if count >= limit)


def build_context(
    schedule: TutorSchedule,
    service: ServiceSpec,
    lo: datetime,
    hi: datetime,
    now: datetime,
    ignore_lesson_id: int | None,
) -> Context:
    """Prepare the data needed to judge every start in ``[lo, hi]``.

    Data is kept if it can matter to some start in the range: lessons and
    busy time reaching into ``[lo - gap, hi + duration + gap)``, and lessons
    starting within ``DAY_REACH`` (possibly the same local date). So the
    context for a single start agrees with the context for any range
    containing it, which keeps the two entry points consistent.
    """
    rules = schedule.rules
    tz = zone(schedule.tz)
    duration = timedelta(minutes=service.duration_min)
    gap = timedelta(minutes=rules.gap_min)
    data_lo, data_hi = lo - gap - DAY_REACH, hi + duration + gap + DAY_REACH
    busy = validated(near(schedule.busy, data_lo, data_hi, "A busy block"), "A busy block")
    nearby = near(schedule.lessons, data_lo, data_hi, "A lesson")
    lessons = validated(active_lessons(nearby, ignore_lesson_id), "A lesson")
    same_days = [x for x in lessons if lo - DAY_REACH <= x.start <= hi + DAY_REACH]
    lesson_intervals = [(lesson.start, lesson.end) for lesson in lessons]
    working = working_intervals(schedule, tz, lo, hi)
    return Context(
        tz=tz,
        duration=duration,
        step=timedelta(minutes=rules.slot_step_min),
        gap=gap,
        earliest=earliest_start(now, rules),
        latest=latest_start(now, rules),
        max_per_day=rules.max_lessons_per_day,
        working=working,
        working_disjoint=all(a[1] <= b[0] for a, b in pairwise(working)),
        blocked=IntervalIndex([*lesson_intervals, *((b.start, b.end) for b in busy)]),
        lessons=IntervalIndex(lesson_intervals),
        full_days=full_days(same_days, tz, rules.max_lessons_per_day),
    )


def candidate_starts(ctx: Context, lo: datetime, hi: datetime) -> list[datetime]:
    """Grid starts in ``[lo, hi)`` whose lesson fits inside one working interval.

    Each interval contributes ``a + k * step`` for the ``k`` whose start is in
    range and whose lesson ends by the interval's end. The bounds on ``k`` are
    computed once; the starts are then produced by repeated addition, which
    is much cheaper than multiplying a timedelta for every ``k``.
    """
    starts: list[datetime] = []
    for iv_start, iv_end in ctx.working:
        first_k = max(0, -((iv_start - lo) // ctx.step))
        last = min(hi - TICK, iv_end - ctx.duration)
        count = (last - iv_start) // ctx.step - first_k + 1 if last >= iv_start else 0
        if count > 0:
            first = iv_start + first_k * ctx.step
            starts.extend(accumulate(repeat(ctx.step, count - 1), initial=first))
    return starts if ctx.working_disjoint else sorted(set(starts))


def is_candidate(ctx: Context, start: datetime) -> bool:
    """Whether ``start`` is a grid start, decided by ``candidate_starts`` itself."""
    return start in candidate_starts(ctx, start, start + TICK)


def time_reason(ctx: Context, start: datetime) -> Reason | None:
    """Notice and horizon: the only rules that depend on ``now``."""
    if start < ctx.earliest:
        return Reason.TOO_SOON
    if start > ctx.latest:
        return Reason.TOO_FAR
    return None


def conflict_reason(ctx: Context, start: datetime) -> Reason | None:
    """Overlaps, buffer gaps and the daily limit, in that order."""
    end = start + ctx.duration
    if ctx.blocked.overlaps(start, end):
        return Reason.OVERLAPS
    if ctx.gap and ctx.lessons.overlaps(start - ctx.gap, end + ctx.gap):
        return Reason.BUFFER
    if ctx.max_per_day == 0 or (ctx.full_days and start.astimezone(ctx.tz).date() in ctx.full_days):
        return Reason.DAILY_LIMIT
    return None


def rule_violation(ctx: Context, start: datetime) -> Reason | None:
    """Every rule except the grid, by precedence; None means "allowed".

    Same checks as ``time_reason`` then ``conflict_reason``; the time checks
    are written out because this runs once per candidate start.
    """
    if start < ctx.earliest:
        return Reason.TOO_SOON
    if start > ctx.latest:
        return Reason.TOO_FAR
    return conflict_reason(ctx, start)


def hours_reason(ctx: Context, start: datetime) -> Reason:
    """Why a non-candidate start is refused: off the grid or out of hours."""
    end = start + ctx.duration
    inside = any(iv_start <= start and end <= iv_end for iv_start, iv_end in ctx.working)
    return Reason.OFF_GRID if inside else Reason.OUTSIDE_HOURS


def booking_violation(ctx: Context, start: datetime) -> Reason | None:
    """The highest-precedence reason ``start`` cannot be booked, or None.

    None exactly when ``is_candidate`` holds and ``rule_violation`` is None,
    the same test ``free_slots`` applies to every candidate.
    """
    timing = time_reason(ctx, start)
    if timing:
        return timing
    if not is_candidate(ctx, start):
        return hours_reason(ctx, start)
    return conflict_reason(ctx, start)


def span_conflict(
    schedule: TutorSchedule, start: datetime, end: datetime, ignore_lesson_id: int | None
) -> Reason | None:
    """OVERLAPS or BUFFER for an arbitrary ``[start, end)``, or None.

    The same two rules ``conflict_reason`` applies to grid starts, for a
    lesson the tutor places by hand (any time, any length): overlapping a
    non-cancelled lesson or a busy block is OVERLAPS; leaving less than
    ``gap_min`` to a lesson is BUFFER. Only rows near the span are read.
    """
    gap = timedelta(minutes=schedule.rules.gap_min)
    busy = validated(near(schedule.busy, start, end, "A busy block"), "A busy block")
    nearby = near(schedule.lessons, start - gap, end + gap, "A lesson")
    lessons = validated(active_lessons(nearby, ignore_lesson_id), "A lesson")
    if busy or any(lesson.start < end and start < lesson.end for lesson in lessons):
        return Reason.OVERLAPS
    if lessons:
        return Reason.BUFFER
    return None


def join_problem(lesson: ExistingLesson) -> str | None:
    """Explain why nobody can take a seat in ``lesson`` at all, or None."""
    if lesson.status == CANCELLED:
        return "This lesson was cancelled."
    if lesson.status not in JOINABLE_STATUSES:
        return "This lesson has already taken place."
    if not lesson.is_group:
        return "This is a one-to-one lesson; it cannot be joined."
    return None


def join_violation(lesson: ExistingLesson, rules: Rules, now: datetime) -> Reason | None:
    """Rules for taking a seat: notice, horizon, then a free seat.

    Working hours, buffers and the daily limit are not re-checked: the lesson
    already exists, and joining it adds a student, not a lesson.
    """
    if join_problem(lesson) or rules_problem(rules):
        return Reason.INVALID
    if lesson.start < earliest_start(now, rules):
        return Reason.TOO_SOON
    if lesson.start > latest_start(now, rules):
        return Reason.TOO_FAR
    if lesson.free_spots <= 0:
        return Reason.FULL
    return None
