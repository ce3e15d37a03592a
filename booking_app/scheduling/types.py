"""Plain, immutable value types exchanged with the scheduling engine.

Why plain frozen dataclasses: the database layer converts its rows into these
objects, so the engine never sees an ORM session, and the same inputs always
give the same answers (easy to test, safe to call twice inside a transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum

CANCELLED = "cancelled"
"""The only lesson status that frees time; any other status keeps blocking."""


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """A recurring working window in the tutor's local wall time.

    ``weekday`` follows ``date.weekday()`` (0 = Monday). An ``end`` of
    ``time(0, 0)`` means "until midnight" (24:00); any other ``end <= start``
    makes the window empty, so it is ignored.
    """

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DateOverride:
    """Special hours for one local date; they replace the weekly windows.

    An empty ``windows`` tuple means the tutor is closed all day.
    """

    day: date
    windows: tuple[tuple[time, time], ...] = ()


@dataclass(frozen=True, slots=True)
class BusyBlock:
    """Time the tutor cannot teach (personal or imported calendar), UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class ExistingLesson:
    """A lesson already on the tutor's calendar (UTC instants).

    ``seats_taken`` counts pending *and* confirmed bookings, because a pending
    request holds its seat until the tutor answers.
    """

    id: int
    start: datetime
    end: datetime
    capacity: int
    seats_taken: int
    is_group: bool
    status: str

    @property
    def free_spots(self) -> int:
        """Seats still open; never negative even if data is overbooked."""
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        """Cancelled lessons are ignored by every rule."""
        return self.status == CANCELLED


@dataclass(frozen=True, slots=True)
class Rules:
    """Tutor booking settings, all in minutes or days as users type them.

    ``buffer_after_min`` is free time required after every lesson and
    ``buffer_before_min`` free time required before every lesson, so two
    consecutive lessons need a gap of ``max(buffer_after, buffer_before)``.
    """

    buffer_before_min: int = 0
    buffer_after_min: int = 0
    max_lessons_per_day: int | None = None
    min_notice_min: int = 0
    horizon_days: int = 60
    slot_step_min: int = 30

    @property
    def gap_min(self) -> int:
        """Minimum free minutes between two consecutive lessons."""
        return max(self.buffer_before_min, self.buffer_after_min)


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """What is being booked: its length and whether it is a group lesson."""

    duration_min: int
    is_group: bool = False
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class TutorSchedule:
    """Everything the engine needs to know about one tutor.

    ``tz`` is an IANA zone name; windows and overrides are wall time there.
    ``busy`` and ``lessons`` may contain entries far outside any queried
    range; the engine filters them itself.
    """

    tz: str
    weekly: tuple[WeeklyWindow, ...] = ()
    overrides: tuple[DateOverride, ...] = ()
    busy: tuple[BusyBlock, ...] = ()
    lessons: tuple[ExistingLesson, ...] = ()
    rules: Rules = Rules()


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start time: UTC instants plus a label in the viewer's zone."""

    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True, slots=True)
class JoinableLesson:
    """A group lesson a student can still take a seat in."""

    lesson_id: int
    start: datetime
    end: datetime
    free_spots: int
    label: str


class Reason(str, Enum):
    """Why a booking is (not) allowed; the value is stable for APIs/logs."""

    OK = "ok"
    INVALID = "invalid"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    OUTSIDE_HOURS = "outside_hours"
    OFF_GRID = "off_grid"
    OVERLAPS = "overlaps"
    BUFFER = "buffer"
    DAILY_LIMIT = "daily_limit"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class BookingCheck:
    """Verdict of a booking check with a sentence the UI can show as is."""

    reason: Reason
    detail: str

    @property
    def ok(self) -> bool:
        """True only when nothing prevents the booking."""
        return self.reason is Reason.OK
