"""What a student can pick: free start times and group lessons with seats.

Both lists are filtered with exactly the predicates that ``policies`` uses
to accept a booking, so nothing is offered that would later be refused.
"""

from __future__ import annotations

from datetime import datetime

from .core import (
    TICK,
    build_context,
    candidate_starts,
    earliest_start,
    join_violation,
    latest_start,
    rule_violation,
    service_problem,
)
from .timeutil import label, to_utc, zone
from .types import JoinableLesson, ServiceSpec, Slot, TutorSchedule


def free_slots(
    schedule: TutorSchedule,
    service: ServiceSpec,
    range_start: datetime,
    range_end: datetime,
    now: datetime,
    viewer_tz: str,
    *,
    ignore_lesson_id: int | None = None,
) -> list[Slot]:
    """Every bookable start in ``[range_start, range_end)``, sorted.

    ``ignore_lesson_id`` is the lesson being rescheduled: pass the same value
    to ``check_booking`` so the offered times and the final check agree.
    An invalid service or invalid rules offer nothing (``check_booking``
    answers INVALID for them).
    """
    lo = to_utc(range_start, "range_start")
    hi = to_utc(range_end, "range_end")
    now = to_utc(now, "now")
    viewer = zone(viewer_tz)
    zone(schedule.tz)  # fail fast on an unknown tutor zone, even when nothing is offered
    if service_problem(service, schedule.rules):
        return []
    # Clipping to notice/horizon only skips starts the predicate would reject.
    lo = max(lo, earliest_start(now, schedule.rules))
    hi = min(hi, latest_start(now, schedule.rules) + TICK)
    if lo >= hi:
        return []
    ctx = build_context(schedule, service, lo, hi, now, ignore_lesson_id)
    return [
        Slot(start, start + ctx.duration, label(start, viewer))  # positional: hot path
        for start in candidate_starts(ctx, lo, hi)
        if rule_violation(ctx, start) is None
    ]


def joinable_lessons(
    schedule: TutorSchedule,
    range_start: datetime,
    range_end: datetime,
    now: datetime,
    viewer_tz: str,
) -> list[JoinableLesson]:
    """Group lessons starting in ``[range_start, range_end)`` with a free seat.

    Uses the same rule as ``check_join``: not cancelled, enough notice,
    within the horizon, at least one free spot.
    """
    lo = to_utc(range_start, "range_start")
    hi = to_utc(range_end, "range_end")
    now = to_utc(now, "now")
    viewer = zone(viewer_tz)
    found = []
    for lesson in schedule.lessons:
        if not lesson.is_group:
            continue
        start = to_utc(lesson.start, f"Lesson {lesson.id} start")
        if lo <= start < hi and join_violation(lesson, schedule.rules, now) is None:
            found.append(
                JoinableLesson(
                    lesson_id=lesson.id,
                    start=start,
                    end=to_utc(lesson.end, f"Lesson {lesson.id} end"),
                    free_spots=lesson.free_spots,
                    label=label(start, viewer),
                )
            )
    found.sort(key=lambda item: (item.start, item.lesson_id))
    return found
