"""Decisions made right before writing: book, join, cancel, enter the room.

``check_booking`` shares its predicate with ``free_slots`` (see ``core``),
so the database layer can call it again inside the write transaction and get
the same answer the student saw when picking the time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .core import (
    booking_violation,
    build_context,
    join_problem,
    join_violation,
    rules_problem,
    service_problem,
    span_conflict,
)
from .messages import describe, describe_for_tutor
from .timeutil import to_utc, zone
from .types import (
    BookingCheck,
    ExistingLesson,
    Reason,
    Rules,
    ServiceSpec,
    TutorSchedule,
)

CANCEL = "cancel"
LATE_CANCEL = "late_cancel"
_SECOND = timedelta(seconds=1)


def check_booking(
    schedule: TutorSchedule,
    service: ServiceSpec,
    start: datetime,
    now: datetime,
    *,
    ignore_lesson_id: int | None = None,
) -> BookingCheck:
    """May a NEW lesson of ``service`` start at ``start``?

    ``ignore_lesson_id`` excludes one existing lesson (the one being
    rescheduled): it neither blocks the new time nor counts toward the daily
    limit. The answer is OK exactly when ``free_slots`` over any range
    containing ``start`` (with the same ``ignore_lesson_id``) offers it.
    """
    start = to_utc(start, "start")
    now = to_utc(now, "now")
    zone(schedule.tz)  # fail fast on an unknown tutor zone, even for INVALID requests
    problem = service_problem(service, schedule.rules)
    if problem:
        return BookingCheck(Reason.INVALID, problem)
    ctx = build_context(schedule, service, start, start, now, ignore_lesson_id)
    reason = booking_violation(ctx, start) or Reason.OK
    return BookingCheck(reason, describe(reason, schedule.rules))


def check_conflicts(
    schedule: TutorSchedule,
    start: datetime,
    end: datetime,
    *,
    ignore_lesson_id: int | None = None,
) -> BookingCheck:
    """May the TUTOR put a lesson on ``[start, end)`` of their own calendar?

    Tutors publish lessons outside their bookable hours and off the slot
    grid, and the daily limit, notice and horizon protect them from
    students, not from themselves; what still holds is that lessons never
    overlap each other or a busy block and keep the buffer gap. So only
    INVALID, OVERLAPS and BUFFER are possible, decided by the same rules
    ``check_booking`` applies (a grid start that ``check_booking`` refuses
    with OVERLAPS or BUFFER gets the same reason here). The detail speaks to
    the tutor ("your buffer setting").
    """
    start = to_utc(start, "start")
    end = to_utc(end, "end")
    zone(schedule.tz)  # fail fast on an unknown tutor zone
    if end <= start:
        return BookingCheck(Reason.INVALID, "A lesson must end after it starts.")
    problem = rules_problem(schedule.rules)
    if problem:
        return BookingCheck(Reason.INVALID, problem)
    reason = span_conflict(schedule, start, end, ignore_lesson_id) or Reason.OK
    return BookingCheck(reason, describe_for_tutor(reason, schedule.rules))


def check_join(lesson: ExistingLesson, rules: Rules, now: datetime) -> BookingCheck:
    """May a student take a seat in an existing group lesson now?

    Precedence: INVALID (cancelled, finished, one-to-one, bad rules),
    TOO_SOON, TOO_FAR, FULL.
    """
    to_utc(lesson.start, "lesson.start")
    to_utc(lesson.end, "lesson.end")
    now = to_utc(now, "now")
    reason = join_violation(lesson, rules, now) or Reason.OK
    if reason is Reason.INVALID:
        return BookingCheck(
            reason,
            join_problem(lesson) or rules_problem(rules) or describe(reason, rules),
        )
    return BookingCheck(reason, describe(reason, rules))


def check_seat(lesson: ExistingLesson, now: datetime) -> BookingCheck:
    """May the TUTOR give a student a seat in an existing lesson (a lesson invite)?

    The tutor's own rules for students (notice, horizon) do not apply and a
    one-to-one lesson without its student can be given too; what holds is
    that the lesson is live (not cancelled, not over) and has a free seat,
    counted like every other seat (pending and confirmed bookings).
    Precedence: INVALID, FULL.
    """
    to_utc(lesson.start, "lesson.start")
    end = to_utc(lesson.end, "lesson.end")
    now = to_utc(now, "now")
    if lesson.is_cancelled:
        return BookingCheck(Reason.INVALID, "This lesson was cancelled.")
    if end <= now:
        return BookingCheck(Reason.INVALID, "This lesson has already ended.")
    if lesson.free_spots <= 0:
        return BookingCheck(Reason.FULL, "This lesson has no free spot left.")
    return BookingCheck(Reason.OK, describe(Reason.OK, Rules()))


def cancellation_kind(start: datetime, now: datetime, notice_min: int) -> str:
    """ "cancel" while enough notice remains, else "late_cancel".

    Late means ``now > start - notice``; cancelling exactly at the deadline
    still counts as on time, which is the reading users expect from
    "cancel at least N hours before".
    """
    start = to_utc(start, "start")
    now = to_utc(now, "now")
    return LATE_CANCEL if now > start - timedelta(minutes=notice_min) else CANCEL


def can_join(start: datetime, end: datetime, now: datetime, window_before_min: int = 15) -> bool:
    """Whether the lesson room is open: ``start - window <= now < end``."""
    start = to_utc(start, "start")
    end = to_utc(end, "end")
    now = to_utc(now, "now")
    return start - timedelta(minutes=window_before_min) <= now < end


def seconds_until_join(start: datetime, now: datetime, window_before_min: int = 15) -> int:
    """Whole seconds until the room opens, rounded up; 0 once it is open.

    Rounded up so a countdown that reaches 0 never shows before ``can_join``
    turns True.
    """
    start = to_utc(start, "start")
    now = to_utc(now, "now")
    remaining = start - timedelta(minutes=window_before_min) - now
    return max(0, -(-remaining // _SECOND))
