"""Week navigation for pages that show one week at a time, and the rows of a week of free
slots (filled from `availability.WeekView` by `week_rows`; labels arrive pre-formatted in
the viewer's zone, so the UI does no timezone math)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any


@dataclass
class SlotRow:
    start: str = ""  # UTC ISO
    time: str = ""  # "09:00" in the viewer's zone
    label: str = ""  # "Mon 30 Nov, 09:00"


@dataclass
class SlotDayRow:
    date: str = ""
    label: str = ""
    slots: list[SlotRow] = field(default_factory=list)
    count: int = 0


@dataclass
class JoinableRow:
    lesson_id: int = 0
    start: str = ""
    label: str = ""
    title: str = ""
    free_spots: int = 0


@dataclass
class WeekRows:
    week_start: str
    label: str
    days: list[SlotDayRow]
    joinable: list[JoinableRow]
    slot_count: int


def week_rows(view: Any) -> WeekRows:
    """An `availability.WeekView` as state rows."""
    return WeekRows(
        week_start=view.week_start,
        label=view.label,
        days=[
            SlotDayRow(
                d.date, d.label, [SlotRow(s.start, s.time, s.label) for s in d.slots], len(d.slots)
            )
            for d in view.days
        ],
        joinable=[
            JoinableRow(j.lesson_id, j.start, j.label, j.title, int(j.free_spots))
            for j in view.joinable
        ],
        slot_count=int(view.slot_count),
    )


def shift_week(week_start: str, weeks: int) -> str:
    """The Monday `weeks` weeks away from `week_start` ("" = this week stays "")."""
    try:
        day = date.fromisoformat(week_start)
    except ValueError:
        return ""
    monday = day - timedelta(days=day.weekday())
    return (monday + timedelta(weeks=weeks)).isoformat()


def monday_of(raw: str) -> str:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return ""
    return (day - timedelta(days=day.weekday())).isoformat()
