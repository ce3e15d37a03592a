"""Week navigation for pages that show one week at a time (`WeekNav`), and a week of free
slots (`SlotWeek`: rows filled from `tutor_public.WeekView` by `week_rows`; labels arrive
pre-formatted in the viewer's zone, so the UI does no timezone math). The picker that
drives them is components/slots.py's `week_picker`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, NamedTuple, TypedDict

import reflex as rx

from booking_app.services.recent import RecentValues


class SlotRow(TypedDict):
    start: str  # UTC ISO
    time: str  # "09:00" in the viewer's zone
    label: str  # "Mon 30 Nov, 09:00"


class SlotDayRow(TypedDict):
    date: str
    label: str
    slots: list[SlotRow]
    count: int


class JoinableRow(TypedDict):
    lesson_id: int
    start: str
    label: str
    title: str
    free_spots: int


class WeekRows(NamedTuple):
    week_start: str
    label: str
    days: list[SlotDayRow]
    joinable: list[JoinableRow]
    slot_count: int


# The rows of the last weeks shown, by the identity of the (cached, immutable) view they
# came from: tutor_public.week_slots hands every viewer of a week the same WeekView, so
# its rows are built once, not once per click. Rows are shared between tabs: replace a
# state's list, never mutate it in place. The entry holds the view too, so its id is
# not reused while the entry lives.
_ROWS: RecentValues[tuple[Any, WeekRows]] = RecentValues(lambda: 256)


def week_rows(view: Any) -> WeekRows:
    """An `tutor_public.WeekView` as state rows (plain dicts: the socket's JSON encoder
    writes them without a Python call per row, unlike dataclasses)."""
    hit = _ROWS.get(id(view))
    if hit is not None and hit[0] is view:
        return hit[1]
    rows = WeekRows(
        view.week_start,
        view.label,
        [
            {
                "date": d.date,
                "label": d.label,
                "slots": [{"start": s.start, "time": s.time, "label": s.label} for s in d.slots],
                "count": len(d.slots),
            }
            for d in view.days
        ],
        [
            {
                "lesson_id": j.lesson_id,
                "start": j.start,
                "label": j.label,
                "title": j.title,
                "free_spots": int(j.free_spots),
            }
            for j in view.joinable
        ],
        int(view.slot_count),
    )
    _ROWS.put(id(view), (view, rows))
    return rows


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


class WeekNav(rx.State, mixin=True):
    """Previous / this / next week and "the week of this date" for a page showing one week.

    `week_start` is the Monday shown (ISO; "" = the current week, the service decides
    which that is and the page stores the Monday it answers with). Pages say what to load
    in `_week_changed` (return events to send, if any).
    """

    week_start: str = ""

    async def _week_changed(self) -> Any:
        """Load the week `week_start` names (pages override this)."""
        return None

    async def _go(self, week_start: str) -> Any:
        self.week_start = week_start
        return await self._week_changed()

    @rx.event
    async def prev_week(self):  # type: ignore[no-untyped-def]
        return await self._go(shift_week(self.week_start, -1))

    @rx.event
    async def next_week(self):  # type: ignore[no-untyped-def]
        return await self._go(shift_week(self.week_start, 1))

    @rx.event
    async def this_week(self):  # type: ignore[no-untyped-def]
        return await self._go("")

    @rx.event
    async def pick_date(self, value: str):  # type: ignore[no-untyped-def]
        """The week containing `value` (a date input); a cleared or bad date changes nothing."""
        monday = monday_of(str(value or "").strip())
        return await self._go(monday) if monday else None


class SlotWeek(WeekNav, mixin=True):
    """A WeekNav whose week is a grid of free slots (and group lessons with free seats)."""

    week_label: str = ""
    days: list[SlotDayRow] = []
    joinable: list[JoinableRow] = []
    slot_count: int = 0

    def _show_week(self, view: Any) -> list[SlotDayRow]:
        """Fill the grid from an `tutor_public.WeekView` (the Monday it answered for too);
        returns the day rows (shared: read them, never change them)."""
        rows = week_rows(view)
        self.week_start, self.week_label = rows.week_start, rows.label
        self.days, self.joinable, self.slot_count = rows.days, rows.joinable, rows.slot_count
        return rows.days

    def _clear_week(self) -> None:
        self.days, self.joinable, self.slot_count = [], [], 0
