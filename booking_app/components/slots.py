"""Week picker, free-slot buttons and the viewer's timezone select (pages showing a week
of free slots). The rows they show are state/week_nav.py's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from booking_app.components.forms import SELECT_CLASS_SMALL
from booking_app.state.viewer_timezone import zone_names
from booking_app.state.week_nav import SlotDayRow, SlotRow

# --------------------------------------------------------------------------- UI


def timezone_select(value: rx.Var[str], on_change: Any, field_id: str) -> rx.Component:
    return rx.hstack(
        rx.icon("globe", size=14),
        rx.el.select(
            *[rx.el.option(name, value=name) for name in zone_names()],
            id=field_id,
            value=value,
            on_change=on_change,
            class_name=SELECT_CLASS_SMALL,
            aria_label="Show times in timezone",
        ),
        align="center",
        spacing="2",
    )


def week_picker(
    week: Any,
    *,
    prefix: str,
    loading: rx.Var[bool] | bool = False,
    aside: rx.Component | None = None,
) -> rx.Component:
    """Previous / this / next week, a date to jump to, and the week's label, for a state
    with the SlotWeek mixin (`week`). Element ids start with `prefix`; `aside` sits after
    the label (e.g. a count)."""
    return rx.flex(
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                variant="soft",
                on_click=week.prev_week,
                aria_label="Previous week",
                id=f"{prefix}-prev",
            ),
            rx.button(
                "This week", variant="soft", on_click=week.this_week, id=f"{prefix}-this-week"
            ),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                variant="soft",
                on_click=week.next_week,
                aria_label="Next week",
                id=f"{prefix}-next",
            ),
            rx.input(
                type="date",
                value=week.week_start,
                on_change=week.pick_date,
                aria_label="Week containing date",
                id=f"{prefix}-date",
                size="2",
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.heading(week.week_label, size="3", id=f"{prefix}-label"),
            rx.cond(loading, rx.spinner(size="2")),
            aside if aside is not None else rx.fragment(),
            align="center",
        ),
        justify="between",
        align="center",
        gap="var(--space-3)",
        wrap="wrap",
        width="100%",
    )


def week_grid(
    days: rx.Var[list[SlotDayRow]],
    render_slot: Callable[[SlotRow], rx.Component],
    *,
    prefix: str,
    empty: str = "—",
    counts: bool = False,
) -> rx.Component:
    """Seven day columns (ids `<prefix>-day-<date>`), each listing its free start times as
    `render_slot` draws them; `counts` adds the day's number of slots to its heading."""

    def day_box(day: SlotDayRow) -> rx.Component:
        heading = rx.text(day.label, weight="medium", size="2")
        if counts:
            badge = rx.badge(
                day.count.to_string(),
                variant="soft",
                color_scheme=rx.cond(day.count > 0, "green", "gray"),
                size="1",
            )
            heading = rx.hstack(heading, badge, justify="between", align="center")
        return rx.box(
            heading,
            rx.cond(
                day.count == 0,
                rx.text(empty, size="1", color_scheme="gray", margin_top="var(--space-1)"),
                rx.flex(
                    rx.foreach(day.slots, render_slot),
                    gap="var(--space-1)",
                    wrap="wrap",
                    margin_top="var(--space-2)",
                ),
            ),
            padding="var(--space-2)",
            border="1px solid var(--gray-a5)",
            border_radius="var(--radius-3)",
            id=f"{prefix}-day-" + day.date,
            class_name=f"{prefix}-day",
        )

    return rx.grid(
        rx.foreach(days, day_box),
        columns=rx.breakpoints(initial="1", sm="2", md="4", lg="7"),
        spacing="2",
        width="100%",
        id=f"{prefix}-days",
    )


REMEMBER_TRIGGER = rx.call_script("window.__slotTrigger = document.activeElement")
"""Before a slot opens the booking dialog: remember the button, to return focus to it."""

RETURN_FOCUS = rx.call_script(
    "window.__slotTrigger && window.__slotTrigger.isConnected && window.__slotTrigger.focus()"
)
"""The dialog's on_close_auto_focus: back to the slot that opened it (not the page body)."""

TARGET = "44px"  # the smallest touch target (WCAG 2.5.5 / platform guidelines)


def _busy_of(busy: rx.Var[dict[str, str]] | None, start: rx.Var[str]) -> rx.Var[str]:  # type: ignore[type-arg]
    """What the viewer already has at this slot ("" when nothing, or no `busy` map)."""
    if busy is None:
        return rx.Var.create("")
    return busy.get(start, "").to(str)  # type: ignore[attr-defined]


def slot_button(
    s: SlotRow,
    on_pick: Callable[[SlotRow], Any],
    *,
    busy: rx.Var[dict[str, str]] | None = None,  # type: ignore[type-arg]
    wide: bool = False,
) -> rx.Component:
    """One free start time (`.slot-button`, at least 44 px tall); a slot that clashes with
    the viewer's own lesson is amber and says so ("You have a lesson then")."""
    clash = _busy_of(busy, s.start)
    return rx.button(
        rx.cond(clash != "", rx.icon("calendar-clock", size=14)),
        s.time,
        rx.cond(
            wide & (clash != ""),
            rx.text("You have a lesson then", size="1", weight="regular"),
        ),
        size="2",
        variant=rx.cond(clash != "", "soft", "surface"),
        color_scheme=rx.cond(clash != "", "amber", "accent"),
        on_click=[REMEMBER_TRIGGER, on_pick(s)],
        class_name="slot-button" + (" slot-wide" if wide else ""),
        custom_attrs={"data-start": s.start, "data-busy": rx.cond(clash != "", "1", "0")},
        aria_label=rx.cond(
            clash != "",
            "Book " + s.label + ". You have a lesson then: " + clash,
            "Book " + s.label,
        ),
        title=rx.cond(clash != "", "You have a lesson then: " + clash, ""),
        min_height=TARGET,
        min_width=TARGET,
        width="100%" if wide else "auto",
        justify_content="start" if wide else "center",
    )


def slot_grid(
    days: rx.Var[list[SlotDayRow]],
    on_pick: Callable[[SlotRow], Any],
    *,
    prefix: str,
    busy: rx.Var[dict[str, str]] | None = None,  # type: ignore[type-arg]
) -> rx.Component:
    """A week of free start times to book: each is a button (`.slot-button`)."""
    return week_grid(days, lambda s: slot_button(s, on_pick, busy=busy), prefix=prefix)


def phone_slot_picker(
    days: rx.Var[list[SlotDayRow]],
    day: rx.Var[str],
    on_day: Callable[[rx.Var[str]], Any],  # type: ignore[type-arg]
    times: rx.Var[list[SlotRow]],
    on_pick: Callable[[SlotRow], Any],
    *,
    prefix: str,
    busy: rx.Var[dict[str, str]] | None = None,  # type: ignore[type-arg]
) -> rx.Component:
    """Phones: a row of day chips (`<prefix>-chip-<date>`, days without times disabled),
    then the chosen day's times one under another, every target at least 44x44 px."""

    def chip(d: SlotDayRow) -> rx.Component:
        chosen = d.date == day
        return rx.button(
            rx.vstack(
                rx.text(d.label, size="1", weight="medium"),
                rx.text(rx.cond(d.count > 0, d.count.to_string() + " free", "—"), size="1"),
                spacing="0",
                align="center",
            ),
            variant=rx.cond(chosen, "solid", "soft"),
            color_scheme=rx.cond(d.count > 0, "accent", "gray"),
            disabled=d.count == 0,
            on_click=on_day(d.date),
            aria_pressed=rx.cond(chosen, "true", "false"),
            id=f"{prefix}-chip-" + d.date,
            class_name="day-chip",
            min_height="52px",
            min_width="64px",
            flex_shrink="0",
        )

    return rx.vstack(
        rx.flex(
            rx.foreach(days, chip),
            gap="var(--space-2)",
            overflow_x="auto",
            width="100%",
            padding_bottom="var(--space-1)",
            role="group",
            aria_label="Choose a day",
            id=f"{prefix}-chips",
        ),
        rx.cond(
            times.length() > 0,
            rx.vstack(
                rx.foreach(times, lambda s: slot_button(s, on_pick, busy=busy, wide=True)),
                spacing="2",
                width="100%",
                id=f"{prefix}-times",
            ),
        ),
        spacing="3",
        width="100%",
        id=f"{prefix}-phone",
    )
