"""Week picker, free-slot buttons and the viewer's timezone select (public booking pages).

Rows are flat dataclasses filled from `availability.WeekView` by `week_rows`; the UI never
does timezone math (labels arrive pre-formatted in the viewer's zone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import reflex as rx

from booking_app.services.validation import (
    FieldError,
    canonical_timezone,
    clean_timezone,
    timezone_names,
)

BROWSER_TZ_JS = "Intl.DateTimeFormat().resolvedOptions().timeZone"
SELECT_CLASS = "rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface"


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


def valid_timezone(raw: str) -> str | None:
    """A known IANA zone (aliases mapped to current names), or None."""
    try:
        return canonical_timezone(clean_timezone(str(raw or "")))
    except FieldError:
        return None


# --------------------------------------------------------------------------- UI


def timezone_select(value: rx.Var[str], on_change: Any, field_id: str) -> rx.Component:
    return rx.hstack(
        rx.icon("globe", size=14),
        rx.el.select(
            *[rx.el.option(name, value=name) for name in timezone_names()],
            id=field_id,
            value=value,
            on_change=on_change,
            class_name=SELECT_CLASS,
            aria_label="Show times in timezone",
        ),
        align="center",
        spacing="2",
    )


def week_picker(
    *,
    label: rx.Var[str],
    week_start: rx.Var[str],
    on_prev: Any,
    on_this: Any,
    on_next: Any,
    on_date: Any,
    prefix: str,
    loading: rx.Var[bool] | bool = False,
) -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                variant="soft",
                on_click=on_prev,
                aria_label="Previous week",
                id=f"{prefix}-prev",
            ),
            rx.button("This week", variant="soft", on_click=on_this, id=f"{prefix}-this-week"),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                variant="soft",
                on_click=on_next,
                aria_label="Next week",
                id=f"{prefix}-next",
            ),
            rx.input(
                type="date",
                value=week_start,
                on_change=on_date,
                aria_label="Week containing date",
                id=f"{prefix}-date",
                size="2",
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.heading(label, size="3", id=f"{prefix}-label"),
            rx.cond(loading, rx.spinner(size="2")),
            align="center",
        ),
        justify="between",
        align="center",
        gap="var(--space-3)",
        wrap="wrap",
        width="100%",
    )


def slot_grid(
    days: rx.Var[list[SlotDayRow]],
    on_pick: Callable[[SlotRow], Any],
    *,
    prefix: str,
) -> rx.Component:
    """Seven day columns; each free start time is a button (`.slot-button`)."""

    def day_box(day: SlotDayRow) -> rx.Component:
        return rx.box(
            rx.text(day.label, weight="medium", size="2"),
            rx.cond(
                day.count == 0,
                rx.text("—", size="1", color_scheme="gray", margin_top="var(--space-1)"),
                rx.flex(
                    rx.foreach(
                        day.slots,
                        lambda s: rx.button(
                            s.time,
                            size="1",
                            variant="surface",
                            on_click=on_pick(s),
                            class_name="slot-button",
                            custom_attrs={"data-start": s.start},
                            aria_label="Book " + s.label,
                        ),
                    ),
                    gap="var(--space-1)",
                    wrap="wrap",
                    margin_top="var(--space-2)",
                ),
            ),
            padding="var(--space-2)",
            border="1px solid var(--gray-a5)",
            border_radius="var(--radius-3)",
            id=f"{prefix}-day-" + day.date,
            class_name="slot-day",
        )

    return rx.grid(
        rx.foreach(days, day_box),
        columns=rx.breakpoints(initial="1", sm="2", md="4", lg="7"),
        spacing="2",
        width="100%",
        id=f"{prefix}-days",
    )
