"""Pieces the availability editors share: time conversions, a list of time ranges being
edited (weekly hours, a date's special hours), the section card and the time input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app.components.forms import aria_invalid
from booking_app.services.errors import DomainError
from booking_app.state.forms import FORM, FormErrors, refusal

MIDNIGHT_END = "24:00"  # the service's "until midnight"; a time input can only show 00:00


def to_input(value: str) -> str:
    return "00:00" if value == MIDNIGHT_END else value


def from_input(end: str) -> str:
    return MIDNIGHT_END if end == "00:00" else end


def add_hours(hhmm: str, hours: int) -> str:
    """ "09:00" + 2 -> "11:00" (at most 23:59; "" when `hhmm` is not a time)."""
    try:
        h, m = (int(x) for x in hhmm.split(":"))
    except ValueError:
        return ""
    total = min(h * 60 + m + hours * 60, 23 * 60 + 59)
    return f"{total // 60:02d}:{total % 60:02d}"


@dataclass
class TimeRange:
    """One "from - to" row being edited; `weekday` only in the weekly hours."""

    start: str = ""
    end: str = ""
    error: str = ""
    weekday: int = 0


class TimeRanges(FormErrors, rx.State, mixin=True):
    """The rows of an editor of time ranges, edited in place and saved at once. A refusal
    puts each "window-<i>" message on its row (`row_of`: payload index -> row index), the
    rest in `errors` (FormErrors)."""

    ranges: list[TimeRange] = []
    dirty: bool = False  # edited since the last save or load

    @rx.event
    def set_time(self, index: int, which: str, value: str) -> None:
        if not (0 <= index < len(self.ranges)) or which not in ("start", "end"):
            return
        rows = list(self.ranges)
        r = rows[index]
        start, end = (value, r.end) if which == "start" else (r.start, value)
        rows[index] = TimeRange(start, end, "", r.weekday)
        self.ranges, self.dirty = rows, True

    @rx.event
    def remove_range(self, index: int) -> None:
        if 0 <= index < len(self.ranges):
            self.ranges = [r for i, r in enumerate(self.ranges) if i != index]
            self.dirty = True

    def _clean_rows(self) -> list[TimeRange]:
        """Before a save: no row keeps an old message."""
        self.ranges = [TimeRange(r.start, r.end, "", r.weekday) for r in self.ranges]
        self._clear_errors()
        return list(self.ranges)

    def _show_row_errors(
        self, exc: DomainError, row_of: dict[int, int], fields: tuple[str, ...] = ()
    ) -> None:
        keys = {f"window-{i}": row for i, row in row_of.items()}
        shown = refusal(exc, (*keys, *fields))
        rows = list(self.ranges)
        for key, message in shown.fields.items():
            if key in keys:
                r = rows[keys[key]]
                rows[keys[key]] = TimeRange(r.start, r.end, message, r.weekday)
        self.ranges = rows
        own = {k: v for k, v in shown.fields.items() if k not in keys}
        self.errors = {**own, **({FORM: shown.message} if shown.message else {})}


def section(
    title: str, description: str, *children: rx.Component, id_: str, icon: str
) -> rx.Component:
    """One editor's card."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=18),
                rx.heading(title, size="4", as_="h2"),
                align="center",
                spacing="2",
            ),
            rx.text(description, size="2", color_scheme="gray"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        id=id_,
    )


def save_button(icon: str, label: str, editor: Any, id_: str) -> rx.Component:
    """An editor's save button (its state's `save` handler and `saving` flag)."""
    return rx.button(
        rx.icon(icon, size=14),
        label,
        on_click=editor.save,
        loading=editor.saving,
        id=id_,
        type="button",
    )


def time_input(
    value: rx.Var,  # type: ignore[type-arg]
    on_change: Any,
    label: rx.Var | str,  # type: ignore[type-arg]
    id_: rx.Var | str,  # type: ignore[type-arg]
    error: rx.Var,  # type: ignore[type-arg]
) -> rx.Component:
    """A 24-hour "HH:MM" text box. Not <input type=time>: chromium draws that in the
    browser's locale (AM/PM in en-US) while the whole app speaks 24 h (issue 14)."""
    return rx.input(
        type="text",
        value=value,
        on_change=on_change,
        aria_label=rx.Var.create(label) + " (24-hour HH:MM)",
        aria_invalid=aria_invalid(error),
        id=id_,
        size="2",
        width="5.5em",
        placeholder="HH:MM",
        input_mode="numeric",
        max_length=5,
        auto_complete="off",
        spell_check=False,
        class_name="time-input",
    )


def range_row(
    editor: Any, row: TimeRange, index: rx.Var[int], label: str, id_prefix: str, **remove: Any
) -> rx.Component:
    """ "start to end [remove]" of row `index` of a TimeRanges state (`editor`), with the
    row's error under it. Ids: `<id_prefix><index>-start|-end|-remove|-error`."""
    idx = id_prefix + index.to_string()
    return rx.vstack(
        rx.hstack(
            time_input(
                row.start,
                lambda v: editor.set_time(index, "start", v),
                f"{label} start",
                idx + "-start",
                row.error,
            ),
            rx.text("to", size="2", color_scheme="gray"),
            time_input(
                row.end,
                lambda v: editor.set_time(index, "end", v),
                f"{label} end",
                idx + "-end",
                row.error,
            ),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="gray",
                type="button",
                on_click=editor.remove_range(index),
                id=idx + "-remove",
                **remove,
            ),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            row.error != "",
            rx.text(
                row.error,
                color_scheme="red",
                size="1",
                role="alert",
                id=idx + "-error",
                class_name="window-error",
            ),
        ),
        spacing="1",
        class_name="window-row",
    )
