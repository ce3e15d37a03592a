"""A tutor's availability: weekly hours, date overrides, busy blocks, rules, and the week.

Windows and overrides are wall times in the tutor's zone (a 09:00 window stays 09:00
across DST); busy blocks are typed in the tutor's zone and stored in UTC. ``week_slots``
is the live preview: it loads the schedule with ``repositories.schedules`` (3 statements)
and returns exactly what ``scheduling.free_slots`` offers, the same function the booking
path re-checks with, so the preview can never promise a time a booking would refuse.

Every function validates all input first (every field error at once), then writes in one
transaction; another tutor's rows are NotFound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from booking_app import clock, realtime
from booking_app.db import read_scope, session_scope
from booking_app.models import AvailabilityOverride, AvailabilityWindow, BusyBlock
from booking_app.repositories import availability as availability_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import ServiceSpec, free_slots, joinable_lessons
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.validation import FieldError

NOT_A_TUTOR = "Only tutors have availability."
SERVICE_NOT_FOUND = "This service does not exist or is not yours."
DEFAULT_SERVICE = ServiceSpec(duration_min=60)
"""What the preview shows before the tutor has created any active service."""

SLOT_STEPS = (5, 10, 15, 20, 30, 45, 60, 90, 120)
MAX_REMINDERS = 5
MAX_BUSY_DAYS = 366
MINUTES_PER_DAY = 24 * 60
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


# --- views ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowView:
    weekday: int  # 0 = Monday
    start: str  # "09:00"
    end: str  # "13:00"; "24:00" = until midnight


@dataclass(frozen=True)
class OverrideView:
    day: str  # "2026-11-30"
    label: str  # "Mon 30 Nov 2026"
    closed: bool
    windows: list[tuple[str, str]]  # empty when closed


@dataclass(frozen=True)
class BusyBlockView:
    id: int
    start_local: str  # "2026-11-30T14:00" in the tutor's zone
    end_local: str
    label: str  # "Mon 30 Nov, 14:00–15:30"
    title: str
    source: str


@dataclass(frozen=True)
class RulesView:
    buffer_before_min: int
    buffer_after_min: int
    max_lessons_per_day: int  # 0 = no limit
    min_notice_hours: float
    horizon_days: int
    slot_step_min: int
    cancellation_notice_hours: int
    reminder_offsets_hours: list[int]
    requires_confirmation: bool


@dataclass(frozen=True)
class AvailabilityView:
    timezone: str
    windows: list[WindowView]
    overrides: list[OverrideView]  # today (tutor-local) and later
    busy_blocks: list[BusyBlockView]  # ending after now, by start
    rules: RulesView


@dataclass(frozen=True)
class SlotView:
    start: str  # UTC ISO "2026-11-30T07:00:00+00:00"
    time: str  # "09:00" in the viewer's zone
    label: str  # "Mon 30 Nov, 09:00"


@dataclass(frozen=True)
class DayView:
    date: str  # "2026-11-30"
    label: str  # "Mon 30 Nov"
    slots: list[SlotView]


@dataclass(frozen=True)
class JoinableView:
    lesson_id: int
    start: str  # UTC ISO
    label: str  # viewer-local
    free_spots: int
    title: str


@dataclass(frozen=True)
class WeekView:
    week_start: str  # Monday "2026-11-30" in the viewer's zone
    label: str  # "30 Nov – 6 Dec 2026"
    timezone: str
    days: list[DayView]  # always 7, Monday first
    joinable: list[JoinableView]
    slot_count: int


# --- reading ---------------------------------------------------------------------------


def _window_view(window: AvailabilityWindow) -> WindowView:
    return WindowView(
        window.weekday,
        timefmt.format_hhmm(window.start_time),
        timefmt.format_hhmm(window.end_time, end=True),
    )


def _override_views(rows: Iterable[AvailabilityOverride]) -> list[OverrideView]:
    """One view per date; a date with only a time-less row is closed."""
    by_day: dict[date, list[tuple[str, str]]] = {}
    for row in rows:
        spans = by_day.setdefault(row.day, [])
        if row.start_time is not None and row.end_time is not None:
            spans.append(
                (
                    timefmt.format_hhmm(row.start_time),
                    timefmt.format_hhmm(row.end_time, end=True),
                )
            )
    return [
        OverrideView(day.isoformat(), timefmt.date_label(day), not spans, spans)
        for day, spans in sorted(by_day.items())
    ]


def _busy_view(block: BusyBlock, tz: ZoneInfo) -> BusyBlockView:
    return BusyBlockView(
        id=block.id or 0,
        start_local=timefmt.local_input(block.starts_at, tz),
        end_local=timefmt.local_input(block.ends_at, tz),
        label=timefmt.span_label(block.starts_at, block.ends_at, tz),
        title=block.title,
        source=block.source.value,
    )


def _rules_view(profile: Any) -> RulesView:
    return RulesView(
        buffer_before_min=profile.buffer_before_min,
        buffer_after_min=profile.buffer_after_min,
        max_lessons_per_day=profile.max_lessons_per_day or 0,
        min_notice_hours=round(profile.min_notice_min / 60, 2),
        horizon_days=profile.horizon_days,
        slot_step_min=profile.slot_step_min,
        cancellation_notice_hours=profile.cancellation_notice_hours,
        reminder_offsets_hours=[int(h) for h in profile.reminder_offsets_hours or []],
        requires_confirmation=profile.requires_confirmation,
    )


def _tutor_zone(tutor_id: int) -> ZoneInfo:
    """The tutor's zone (to read what they typed); NotFound for anyone else."""
    with read_scope() as session:
        found = availability_repo.get_profile(session=session, tutor_id=tutor_id)
    if found is None:
        raise NotFound(NOT_A_TUTOR)
    return timefmt.zone_or_utc(found[1])


def get_availability(tutor_id: int, *, now: datetime) -> AvailabilityView:
    """Everything the availability page shows, in the tutor's zone."""
    with read_scope() as session:
        found = availability_repo.get_profile(session=session, tutor_id=tutor_id)
        if found is None:
            raise NotFound(NOT_A_TUTOR)
        profile, tz_name = found
        tz = timefmt.zone_or_utc(tz_name)
        today = now.astimezone(tz).date()
        windows = availability_repo.list_windows(session=session, tutor_id=tutor_id)
        overrides = availability_repo.list_overrides(
            session=session, tutor_id=tutor_id, first_day=today
        )
        blocks = availability_repo.upcoming_busy_blocks(
            session=session, tutor_id=tutor_id, after=now
        )
        return AvailabilityView(
            timezone=tz_name,
            windows=[_window_view(w) for w in windows],
            overrides=_override_views(overrides),
            busy_blocks=[_busy_view(b, tz) for b in blocks],
            rules=_rules_view(profile),
        )


# --- weekly windows and overrides --------------------------------------------------------


def _minutes(start: time, end: time) -> tuple[int, int]:
    """A window as minutes since midnight; an end of 00:00 is 1440."""
    end_min = end.hour * 60 + end.minute or MINUTES_PER_DAY
    return start.hour * 60 + start.minute, end_min


def _clean_span(raw_start: str, raw_end: str) -> tuple[time, time]:
    start = timefmt.parse_hhmm(raw_start)
    end = timefmt.parse_hhmm(raw_end, end=True)
    first, last = _minutes(start, end)
    if last < first:
        raise FieldError("Ends before it starts.")
    if last == first:
        raise FieldError("Starts and ends at the same time.")
    return start, end


def _span_text(span: tuple[time, time]) -> str:
    return f"{timefmt.format_hhmm(span[0])}{timefmt.DASH}{timefmt.format_hhmm(span[1], end=True)}"


def _check_overlaps(
    fields: f.Fields, spans: dict[int, tuple[Any, time, time]], where: Mapping[Any, str]
) -> None:
    """Flag every window overlapping an earlier one of the same group (touching is fine).

    ``spans`` maps the input index to (group, start, end); ``where`` names the group in
    the message (" on Monday" or "").
    """
    seen: list[tuple[Any, int, int, tuple[time, time]]] = []
    for index, (group, start, end) in spans.items():
        first, last = _minutes(start, end)
        for other_group, other_first, other_last, other in seen:
            if other_group == group and first < other_last and other_first < last:
                fields.add_error(f"window-{index}", f"Overlaps {_span_text(other)}{where[group]}.")
                break
        seen.append((group, first, last, (start, end)))


def _clean_weekly(windows: list[tuple[int, str, str]]) -> list[tuple[int, time, time]]:
    fields = f.Fields()
    spans: dict[int, tuple[Any, time, time]] = {}
    for index, window in enumerate(windows):
        key = f"window-{index}"
        weekday, raw_start, raw_end = _parts(window, 3)
        day = fields.take(key, lambda wd=weekday: _weekday(wd))
        span = fields.take(key, lambda s=raw_start, e=raw_end: _clean_span(s, e))
        if day is not None and span is not None and key not in fields.errors:
            spans[index] = (day, *span)
    where = {d: f" on {name}" for d, name in enumerate(timefmt.WEEKDAY_NAMES)}
    _check_overlaps(fields, spans, where)
    fields.raise_if_invalid()
    return sorted(spans.values())


def _parts(window: Any, size: int) -> tuple[Any, ...]:
    """The fields of one window row; a malformed row reads as empty fields (a field
    error for that row) instead of an exception."""
    if isinstance(window, list | tuple) and len(window) == size:
        return tuple(window)
    return ("",) * size


def _weekday(raw: int | str) -> int:
    day = f.parse_int(raw, "Choose a day of the week.")
    if not 0 <= day <= 6:
        raise FieldError("Choose a day of the week.")
    return day


def save_weekly_windows(tutor_id: int, windows: list[tuple[int, str, str]]) -> list[WindowView]:
    """Replace all weekly windows; errors are keyed "window-<index>" of the input list."""
    cleaned = _clean_weekly(list(windows))
    with session_scope(write=True) as session:
        if availability_repo.get_profile(session=session, tutor_id=tutor_id) is None:
            raise NotFound(NOT_A_TUTOR)
        availability_repo.replace_windows(session=session, tutor_id=tutor_id, windows=cleaned)
        realtime.publish_on_commit(session, (tutor_id,))  # working hours: calendar stats
        rows = availability_repo.list_windows(session=session, tutor_id=tutor_id)
        return [_window_view(w) for w in rows]


def _clean_override(
    day: str, closed: bool, windows: list[tuple[str, str]], today: date
) -> tuple[date, list[tuple[time, time]]]:
    fields = f.Fields()
    parsed_day = fields.take("day", lambda: _future_day(day, today))
    spans: dict[int, tuple[Any, time, time]] = {}
    if not closed:
        for index, window in enumerate(windows):
            raw_start, raw_end = _parts(window, 2)
            span = fields.take(f"window-{index}", lambda s=raw_start, e=raw_end: _clean_span(s, e))
            if span is not None:
                spans[index] = (0, *span)
        _check_overlaps(fields, spans, {0: ""})
        if not windows:
            fields.add_error("day", "Add at least one time range, or mark the day closed.")
    fields.raise_if_invalid()
    assert parsed_day is not None  # no errors means every field parsed
    return parsed_day, sorted((start, end) for _, start, end in spans.values())


def _future_day(raw: str, today: date) -> date:
    day = timefmt.parse_day(raw)
    if day < today:
        raise FieldError("Choose today or a later date.")
    return day


def set_override(
    tutor_id: int, day: str, *, closed: bool, windows: list[tuple[str, str]], now: datetime
) -> OverrideView:
    """Replace the hours of one date (closed, or special windows); not in the past."""
    tz = _tutor_zone(tutor_id)
    parsed_day, spans = _clean_override(day, closed, list(windows), now.astimezone(tz).date())
    with session_scope(write=True) as session:
        availability_repo.replace_override(
            session=session, tutor_id=tutor_id, day=parsed_day, windows=spans
        )
        realtime.publish_on_commit(session, (tutor_id,))
        rows = availability_repo.list_overrides(
            session=session, tutor_id=tutor_id, first_day=parsed_day, day=parsed_day
        )
        return _override_views(rows)[0]


def remove_override(tutor_id: int, day: str) -> None:
    """Back to the weekly hours on that date; NotFound if it had no override."""
    try:
        parsed_day = timefmt.parse_day(day)
    except FieldError as exc:
        raise ValidationFailed({"day": str(exc)}) from None
    with session_scope(write=True) as session:
        removed = availability_repo.delete_override(
            session=session, tutor_id=tutor_id, day=parsed_day
        )
        if not removed:
            raise NotFound("There are no special hours on that date.")
        realtime.publish_on_commit(session, (tutor_id,))


# --- busy blocks ---------------------------------------------------------------------------


def _clean_busy(
    start_local: str, end_local: str, title: str, tz: ZoneInfo, now: datetime
) -> tuple[datetime, datetime, str]:
    fields = f.Fields()
    start = fields.take("start", lambda: timefmt.parse_local(start_local, tz))
    end = fields.take("end", lambda: timefmt.parse_local(end_local, tz))
    clean_title = fields.take("title", lambda: f.clean_text(title, max_len=200) or "Busy")
    if start is not None and end is not None:
        if end < start:
            fields.add_error("end", "Ends before it starts.")
        elif end == start:
            fields.add_error("end", "Starts and ends at the same time.")
        elif end <= now:
            fields.add_error("end", "This time has already passed.")
        elif end - start > timedelta(days=MAX_BUSY_DAYS):
            fields.add_error("end", f"A busy block lasts at most {MAX_BUSY_DAYS} days.")
    fields.raise_if_invalid()
    assert start is not None and end is not None and clean_title is not None
    return start, end, clean_title


def add_busy_block(
    tutor_id: int, start_local: str, end_local: str, title: str, *, now: datetime
) -> BusyBlockView:
    """Block personal time ("YYYY-MM-DDTHH:MM" in the tutor's zone); it must end after now.

    Lessons already booked in that time are kept: the block only stops new bookings.
    """
    tz = _tutor_zone(tutor_id)
    start, end, clean_title = _clean_busy(start_local, end_local, title, tz, now)
    with session_scope(write=True) as session:
        block = availability_repo.add_busy_block(
            session=session,
            block=BusyBlock(tutor_id=tutor_id, starts_at=start, ends_at=end, title=clean_title),
        )
        realtime.publish_on_commit(session, (tutor_id,))
        return _busy_view(block, tz)


def remove_busy_block(tutor_id: int, block_id: int) -> None:
    """Delete one of the tutor's busy blocks; NotFound for anyone else's."""
    with session_scope(write=True) as session:
        if not availability_repo.delete_busy_block(
            session=session, tutor_id=tutor_id, block_id=block_id
        ):
            raise NotFound("This busy time does not exist or is not yours.")
        realtime.publish_on_commit(session, (tutor_id,))


# --- rules -------------------------------------------------------------------------------


def _int_in(raw: Any, low: int, high: int, message: str) -> int:
    value = f.parse_int(raw, message)
    if not low <= value <= high:
        raise FieldError(message)
    return value


def _hours_to_minutes(raw: Any) -> int:
    """Hours (decimals allowed, "1,5" too) to whole minutes, 0..720 h."""
    message = "Enter 0 to 720 hours, e.g. 12 or 1.5."
    if isinstance(raw, bool):
        raise FieldError(message)
    try:
        hours = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise FieldError(message) from None
    if not 0 <= hours <= 720:  # also rejects nan
        raise FieldError(message)
    return round(hours * 60)


def _step(raw: Any) -> int:
    choices = ", ".join(str(s) for s in SLOT_STEPS[:-1]) + f" or {SLOT_STEPS[-1]}"
    value = f.parse_int(raw, f"Choose {choices} minutes.")
    if value not in SLOT_STEPS:
        raise FieldError(f"Choose {choices} minutes.")
    return value


def _offsets(raw: Any) -> list[int]:
    """Reminder offsets from a list or a "24, 2" string: 1..168 h, at most 5, distinct."""
    message = "Use whole hours from 1 to 168, separated by commas, e.g. 24, 2."
    items = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw or [])
    values = {_int_in(item, 1, 168, message) for item in items if str(item).strip()}
    if len(values) > MAX_REMINDERS:
        raise FieldError(f"Use at most {MAX_REMINDERS} reminders.")
    return sorted(values, reverse=True)


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise FieldError("Choose yes or no.")


_RULE_CLEANERS: dict[str, tuple[str, Any]] = {
    # RulesView field -> (TutorProfile column, cleaner)
    "buffer_before_min": (
        "buffer_before_min",
        lambda v: _int_in(v, 0, 240, "Enter 0 to 240 minutes."),
    ),
    "buffer_after_min": (
        "buffer_after_min",
        lambda v: _int_in(v, 0, 240, "Enter 0 to 240 minutes."),
    ),
    "max_lessons_per_day": (
        "max_lessons_per_day",
        lambda v: _int_in(v, 0, 24, "Enter 0 (no limit) to 24 lessons.") or None,
    ),
    "min_notice_hours": ("min_notice_min", _hours_to_minutes),
    "horizon_days": ("horizon_days", lambda v: _int_in(v, 1, 365, "Enter 1 to 365 days.")),
    "slot_step_min": ("slot_step_min", _step),
    "cancellation_notice_hours": (
        "cancellation_notice_hours",
        lambda v: _int_in(v, 0, 168, "Enter 0 to 168 hours."),
    ),
    "reminder_offsets_hours": ("reminder_offsets_hours", _offsets),
    "requires_confirmation": ("requires_confirmation", _flag),
}


def _clean_rules(rules: Mapping[str, Any]) -> dict[str, Any]:
    """Profile column -> value for every RulesView key present (others stay as they are)."""
    fields = f.Fields()
    columns: dict[str, Any] = {}
    for key, (column, clean) in _RULE_CLEANERS.items():
        if key in rules:
            value = fields.take(key, lambda c=clean, v=rules[key]: c(v))
            if key not in fields.errors:
                columns[column] = value
    fields.raise_if_invalid()
    return columns


def save_rules(tutor_id: int, rules: Mapping[str, Any]) -> RulesView:
    """Update the scheduling rules; keys are RulesView fields, missing keys are unchanged.

    Takes effect at once: the next ``week_slots`` call (the live preview) uses them.
    """
    columns = _clean_rules(rules)
    with session_scope(write=True) as session:
        found = availability_repo.get_profile(session=session, tutor_id=tutor_id)
        if found is None:
            raise NotFound(NOT_A_TUTOR)
        profile = found[0]
        for column, value in columns.items():
            setattr(profile, column, value)
        profile.updated_at = clock.now()  # audit stamp only; no rule depends on it
        session.flush()
        return _rules_view(profile)


# --- the week ------------------------------------------------------------------------------


def _monday(week_start: date | None, now: datetime, tz: ZoneInfo) -> date:
    """The Monday of ``week_start`` (any day of the week works), or of today in ``tz``."""
    day = week_start or now.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """Start of a local date in UTC (``fold=0``: a skipped midnight means the day's first
    real instant)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def week_slots(
    tutor_id: int,
    *,
    service_id: int | None,
    week_start: date | None,
    viewer_tz: str,
    now: datetime,
    ignore_lesson_id: int | None = None,
    include_joinable: bool = True,
    default_minutes: int | None = None,
) -> WeekView:
    """Free slots (and joinable group lessons) of one viewer-local week, Monday first.

    Exactly ``scheduling.free_slots`` over ``[Monday 00:00, next Monday 00:00)`` in the
    viewer's zone, for ``service_id`` (or, without one, a ``default_minutes`` individual
    lesson, else the tutor's oldest active service, else 60 minutes). Rescheduling passes
    ``ignore_lesson_id`` (the lesson being moved), the value its re-check uses too.
    """
    viewer = timefmt.viewer_zone(viewer_tz)
    monday = _monday(week_start, now, viewer)
    lo, hi = _local_midnight(monday, viewer), _local_midnight(monday + timedelta(days=7), viewer)
    with read_scope() as session:
        loaded = schedules_repo.load_schedule(
            session=session,
            tutor_id=tutor_id,
            range_start=lo,
            range_end=hi,
            service_id=service_id,
            first_active_service=service_id is None and default_minutes is None,
        )
    if loaded is None:
        raise NotFound(NOT_A_TUTOR)
    if service_id is not None and loaded.service is None:
        raise NotFound(SERVICE_NOT_FOUND)
    spec = ServiceSpec(default_minutes) if default_minutes else DEFAULT_SERVICE
    if loaded.service is not None:
        spec = ServiceSpec(
            loaded.service.duration_min, loaded.service.is_group, loaded.service.capacity
        )
    slots = free_slots(
        loaded.schedule, spec, lo, hi, now, viewer_tz, ignore_lesson_id=ignore_lesson_id
    )
    joinable = joinable_lessons(loaded.schedule, lo, hi, now, viewer_tz) if include_joinable else []
    return WeekView(
        week_start=monday.isoformat(),
        label=timefmt.week_label(monday, monday + timedelta(days=6)),
        timezone=viewer_tz,
        days=_days(monday, slots, viewer),
        joinable=[
            JoinableView(
                j.lesson_id,
                timefmt.iso_utc(j.start),
                j.label,
                j.free_spots,
                loaded.lesson_titles.get(j.lesson_id, ""),
            )
            for j in joinable
        ],
        slot_count=len(slots),
    )


def _days(monday: date, slots: list[Any], tz: ZoneInfo) -> list[DayView]:
    """Seven days, each with its slots (bucketed by the viewer's local date)."""
    by_day: dict[date, list[SlotView]] = {monday + timedelta(days=i): [] for i in range(7)}
    for slot in slots:
        local = slot.start.astimezone(tz)
        by_day[local.date()].append(
            SlotView(slot.start.isoformat(), timefmt.format_hhmm(local.time()), slot.label)
        )
    return [
        DayView(day.isoformat(), timefmt.day_label(day), day_slots)
        for day, day_slots in by_day.items()
    ]
