"""What the availability page shows: weekly hours, upcoming date overrides and busy blocks,
and the booking rules, all in the tutor's own zone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from booking_app.db import read_scope
from booking_app.models import AvailabilityOverride, AvailabilityWindow, BusyBlock
from booking_app.repositories import availability as availability_repo
from booking_app.services import timefmt
from booking_app.services.errors import NotFound

NOT_A_TUTOR = "Only tutors have availability."


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


# --- reading ---------------------------------------------------------------------------


def window_view(window: AvailabilityWindow) -> WindowView:
    return WindowView(
        window.weekday,
        timefmt.format_hhmm(window.start_time),
        timefmt.format_hhmm(window.end_time, end=True),
    )


def override_views(rows: Iterable[AvailabilityOverride]) -> list[OverrideView]:
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


def busy_view(block: BusyBlock, tz: ZoneInfo) -> BusyBlockView:
    return BusyBlockView(
        id=block.id or 0,
        start_local=timefmt.local_input(block.starts_at, tz),
        end_local=timefmt.local_input(block.ends_at, tz),
        label=timefmt.span_label(block.starts_at, block.ends_at, tz),
        title=block.title,
        source=block.source.value,
    )


def rules_view(profile: Any) -> RulesView:
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


def tutor_zone(tutor_id: int) -> ZoneInfo:
    """The tutor's zone (to read what they typed); NotFound for anyone else."""
    with read_scope() as session:
        found = availability_repo.get_profile(session=session, tutor_id=tutor_id)
    if found is None:
        raise NotFound(NOT_A_TUTOR)
    return timefmt.zone_or_utc(found.timezone)


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
            windows=[window_view(w) for w in windows],
            overrides=override_views(overrides),
            busy_blocks=[busy_view(b, tz) for b in blocks],
            rules=rules_view(profile),
        )
