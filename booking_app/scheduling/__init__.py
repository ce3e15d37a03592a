"""Pure scheduling core: which start times to offer, and may a booking be written.

Only the standard library is imported, ``now`` is always a parameter, and
every datetime going in or out is timezone-aware UTC (naive input raises
ValueError). The database layer converts rows to the dataclasses in
``types``, calls this engine, and calls it again inside the write
transaction; both calls give the same answer for the same data.

Semantics
---------
* Working hours: for each tutor-local date, the date's override windows (if
  any override exists for it; an empty override closes the day) or else the
  weekly windows of its weekday are converted from wall time to UTC with
  PEP 495 ``fold=0`` (ambiguous times = first occurrence, nonexistent times
  read with the pre-jump offset) and merged. An end of 00:00 means 24:00;
  other windows with end <= start are ignored. Windows of different dates are
  never merged, so a lesson cannot run across local midnight.
* Candidate starts: in each merged interval ``[a, b)``, ``a + k * step`` for
  k = 0, 1, ... while ``start + duration <= b``. ``free_slots`` returns the
  candidates in ``[range_start, range_end)`` that break none of the rules
  below; ``check_booking`` returns OK exactly for those starts.
* Intervals are half-open: touching is not overlapping.
* Busy blocks: a lesson may not overlap one. No buffers around busy blocks.
* Existing lessons: every status except "cancelled" blocks (tentative
  lessons and pending requests included). Overlap -> OVERLAPS.
* Buffers: ``buffer_after`` = free minutes after every lesson,
  ``buffer_before`` = free minutes before every lesson, so two consecutive
  lessons need a gap >= max(buffer_before, buffer_after). A start that does
  not overlap a lesson but leaves a smaller gap -> BUFFER.
* Daily limit: non-cancelled lessons starting on the new lesson's
  tutor-local start date; if their count >= max_lessons_per_day ->
  DAILY_LIMIT. Joining a group lesson adds no lesson.
* Notice: start < now + min_notice -> TOO_SOON (the past included).
  Horizon: start > now + horizon_days -> TOO_FAR.
* Hours: [start, start + duration) not inside one working interval ->
  OUTSIDE_HOURS; inside one but not on its grid -> OFF_GRID.
* Precedence: INVALID, TOO_SOON, TOO_FAR, OUTSIDE_HOURS, OFF_GRID, OVERLAPS,
  BUFFER, DAILY_LIMIT. Joining: INVALID, TOO_SOON, TOO_FAR, FULL.
* Data: busy blocks and lessons may span any period; only rows near the
  queried range are used. A naive datetime there, or a used row whose end is
  not after its start, raises ValueError rather than being guessed at.
* Rescheduling: ``ignore_lesson_id`` (accepted by both ``free_slots`` and
  ``check_booking``) removes one lesson from every rule.
* Tutor-placed lessons: ``check_conflicts(schedule, start, end)`` applies
  only the OVERLAPS and BUFFER rules (INVALID for an empty span or bad
  rules): a tutor may publish outside hours, off the grid, past the daily
  limit, notice or horizon, but never on top of other lessons or busy time.
  Its sentences address the tutor ("your buffer setting").
* Tutor-given seats (lesson invites): ``check_seat(lesson, now)`` is INVALID
  for a cancelled or finished lesson and FULL without a free seat; notice
  and horizon do not apply.
* Every verdict carries ``detail``, a sentence for the user that names the
  rule ("The tutor needs at least 15 minutes free between lessons."); the
  services pass it on unchanged.
"""

from .intervals import intersect, normalize, overlaps, subtract, union
from .messages import describe, describe_for_tutor
from .policies import (
    CANCEL,
    LATE_CANCEL,
    can_join,
    cancellation_kind,
    check_booking,
    check_conflicts,
    check_join,
    check_seat,
    seconds_until_join,
)
from .slots import free_slots, joinable_lessons
from .types import (
    BookingCheck,
    BusyBlock,
    DateOverride,
    ExistingLesson,
    JoinableLesson,
    Reason,
    Rules,
    ServiceSpec,
    Slot,
    TutorSchedule,
    WeeklyWindow,
)

__all__ = [
    "CANCEL",
    "LATE_CANCEL",
    "BookingCheck",
    "BusyBlock",
    "DateOverride",
    "ExistingLesson",
    "JoinableLesson",
    "Reason",
    "Rules",
    "ServiceSpec",
    "Slot",
    "TutorSchedule",
    "WeeklyWindow",
    "can_join",
    "cancellation_kind",
    "check_booking",
    "check_conflicts",
    "check_join",
    "check_seat",
    "describe",
    "describe_for_tutor",
    "free_slots",
    "intersect",
    "joinable_lessons",
    "normalize",
    "overlaps",
    "seconds_until_join",
    "subtract",
    "union",
]
