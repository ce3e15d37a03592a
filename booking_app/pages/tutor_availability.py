"""Tutor workspace: working hours, date overrides, busy blocks, booking rules, live preview.

The preview is exactly what students are offered: `availability.week_slots` runs the same
engine function as the booking path, in the tutor's own timezone. It refreshes after every
successful save on this page, so a change shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.components.forms import field_error, form_field
from booking_app.components.layout import app_shell
from booking_app.components.slots import JoinableRow, SlotDayRow, week_rows
from booking_app.pages import routes
from booking_app.pages.tutor_services import (
    SELECT_CLASS,
    OptionRow,
    current_tutor,
    guard_tutor_page,
    refused,
    select_control,
)
from booking_app.services import availability, tutor_public
from booking_app.services import tutor_services as catalog
from booking_app.services.accounts import SessionUser
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.state.auth import AuthState
from booking_app.state.requests_badge import RequestsBadgeState

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SLOT_STEPS = (5, 10, 15, 20, 30, 45, 60, 90, 120)
RULE_FIELDS = (
    "buffer_before_min",
    "buffer_after_min",
    "max_lessons_per_day",
    "min_notice_hours",
    "horizon_days",
    "slot_step_min",
    "cancellation_notice_hours",
    "reminder_offsets_hours",
    "requires_confirmation",
)
BUSY_FIELDS = ("start", "end", "title")
MIDNIGHT_END = "24:00"  # the service's "until midnight"; a time input can only show 00:00


@dataclass
class WindowRow:
    weekday: int = 0
    start: str = ""
    end: str = ""
    error: str = ""


@dataclass
class RangeRow:
    start: str = ""
    end: str = ""
    error: str = ""


@dataclass
class OverrideRow:
    day: str = ""
    label: str = ""
    closed: bool = False
    hours: str = ""


@dataclass
class BusyRow:
    id: int = 0
    label: str = ""
    title: str = ""
    source: str = "manual"


def _to_input(value: str) -> str:
    return "00:00" if value == MIDNIGHT_END else value


def _from_input(end: str) -> str:
    return MIDNIGHT_END if end == "00:00" else end


def _add_hours(hhmm: str, hours: int) -> str:
    try:
        h, m = (int(x) for x in hhmm.split(":"))
    except ValueError:
        return ""
    total = min(h * 60 + m + hours * 60, 23 * 60 + 59)
    return f"{total // 60:02d}:{total % 60:02d}"


def _fmt_number(value: float | int) -> str:
    return f"{value:g}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class TutorAvailabilityState(rx.State):
    loaded: bool = False
    timezone: str = ""

    # (a) weekly windows
    windows: list[WindowRow] = []
    windows_error: str = ""
    windows_dirty: bool = False
    windows_saving: bool = False

    # (b) date overrides
    overrides: list[OverrideRow] = []
    ov_day: str = ""
    ov_closed: bool = True
    ov_windows: list[RangeRow] = []
    ov_day_error: str = ""
    ov_error: str = ""
    ov_saving: bool = False
    removing_day: str = ""

    # (c) busy blocks
    busy: list[BusyRow] = []
    busy_form_key: int = 0
    start_error: str = ""
    end_error: str = ""
    title_error: str = ""
    busy_saving: bool = False
    removing_block: int = 0

    # (d) rules (as typed; the service parses and validates)
    buffer_before_min: str = "0"
    buffer_after_min: str = "0"
    max_lessons_per_day: str = "0"
    min_notice_hours: str = "0"
    horizon_days: str = "60"
    slot_step_min: str = "30"
    cancellation_notice_hours: str = "24"
    reminder_offsets_hours: str = "24"
    requires_confirmation: bool = False
    buffer_before_min_error: str = ""
    buffer_after_min_error: str = ""
    max_lessons_per_day_error: str = ""
    min_notice_hours_error: str = ""
    horizon_days_error: str = ""
    slot_step_min_error: str = ""
    cancellation_notice_hours_error: str = ""
    reminder_offsets_hours_error: str = ""
    requires_confirmation_error: str = ""
    rules_error: str = ""
    rules_saving: bool = False

    # (e) live preview
    preview_services: list[OptionRow] = []
    preview_service_id: str = ""
    preview_week_start: str = ""
    preview_label: str = ""
    preview_days: list[SlotDayRow] = []  # the same rows the tutor's public page shows
    preview_joinable: list[JoinableRow] = []
    preview_slot_count: int = 0
    preview_loading: bool = False
    preview_error: str = ""

    @rx.var
    def weekdays_with_hours(self) -> list[int]:
        return sorted({r.weekday for r in self.windows})

    # ------------------------------------------------------------------ loading

    def _apply_windows(self, views: list[availability.WindowView]) -> None:
        rows = [WindowRow(w.weekday, w.start, _to_input(w.end), "") for w in views]
        self.windows = sorted(rows, key=lambda r: (r.weekday, r.start))
        self.windows_error, self.windows_dirty = "", False

    def _apply_overrides(self, views: list[availability.OverrideView]) -> None:
        self.overrides = [
            OverrideRow(
                day=o.day,
                label=o.label,
                closed=o.closed,
                hours="Closed all day" if o.closed else ", ".join(f"{s}–{e}" for s, e in o.windows),
            )
            for o in views
        ]

    def _apply_busy(self, views: list[availability.BusyBlockView]) -> None:
        self.busy = [BusyRow(b.id, b.label, b.title, b.source) for b in views]

    def _apply_rules(self, r: availability.RulesView) -> None:
        self.buffer_before_min = str(r.buffer_before_min)
        self.buffer_after_min = str(r.buffer_after_min)
        self.max_lessons_per_day = str(r.max_lessons_per_day)
        self.min_notice_hours = _fmt_number(r.min_notice_hours)
        self.horizon_days = str(r.horizon_days)
        self.slot_step_min = str(r.slot_step_min)
        self.cancellation_notice_hours = str(r.cancellation_notice_hours)
        self.reminder_offsets_hours = ", ".join(str(h) for h in r.reminder_offsets_hours)
        self.requires_confirmation = bool(r.requires_confirmation)
        self._set_rule_errors({})

    def _availability(self, user: SessionUser) -> availability.AvailabilityView:
        view = availability.get_availability(user.id, now=clock.now())
        self.timezone = view.timezone
        return view

    def _refresh_preview(self, user: SessionUser) -> None:
        """Ask the engine for the chosen week; the one place the preview is filled."""
        service_id = int(self.preview_service_id) if self.preview_service_id.isdigit() else None
        week = date.fromisoformat(self.preview_week_start) if self.preview_week_start else None
        try:
            view = tutor_public.week_slots(
                user.id,
                service_id=service_id,
                week_start=week,
                viewer_tz=self.timezone or user.timezone,
                now=clock.now(),
            )
        except DomainError as exc:  # e.g. the chosen service was removed
            self.preview_error = exc.detail
            self.preview_service_id = ""
            return
        self.preview_error = ""
        rows = week_rows(view)
        self.preview_week_start, self.preview_label = rows.week_start, rows.label
        self.preview_days, self.preview_joinable = rows.days, rows.joinable
        self.preview_slot_count = rows.slot_count

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        user, events = await guard_tutor_page(self)
        if user is None:
            return events
        view = self._availability(user)
        self._apply_windows(view.windows)
        self._apply_overrides(view.overrides)
        self._apply_busy(view.busy_blocks)
        self._apply_rules(view.rules)
        self.preview_services = [OptionRow("", "First active service (or 60 min)")] + [
            OptionRow(str(s.id), f"{s.name} · {s.duration_min} min")
            for s in catalog.list_services(user.id, include_inactive=False)
        ]
        if not any(o.value == self.preview_service_id for o in self.preview_services):
            self.preview_service_id = ""
        self.preview_week_start = ""
        self._refresh_preview(user)
        self.loaded = True
        return None

    # ------------------------------------------------------------------ (a) weekly windows

    @rx.event
    def add_window(self, weekday: int) -> None:
        rows = list(self.windows)
        same = [i for i, r in enumerate(rows) if r.weekday == weekday]
        if same:
            last = rows[same[-1]]
            start = _from_input(last.end) if last.end else "09:00"
            start = "23:00" if start == MIDNIGHT_END else start
            new = WindowRow(weekday, start, _add_hours(start, 2))
            rows.insert(same[-1] + 1, new)
        else:
            position = next((i for i, r in enumerate(rows) if r.weekday > weekday), len(rows))
            rows.insert(position, WindowRow(weekday, "09:00", "17:00"))
        self.windows, self.windows_dirty = rows, True

    @rx.event
    def remove_window(self, index: int) -> None:
        if 0 <= index < len(self.windows):
            rows = list(self.windows)
            del rows[index]
            self.windows, self.windows_dirty = rows, True

    @rx.event
    def set_window_time(self, index: int, which: str, value: str) -> None:
        if not (0 <= index < len(self.windows)) or which not in ("start", "end"):
            return
        rows = list(self.windows)
        row = rows[index]
        rows[index] = WindowRow(
            row.weekday,
            value if which == "start" else row.start,
            value if which == "end" else row.end,
            "",
        )
        self.windows, self.windows_dirty = rows, True

    @rx.event
    def copy_monday_to_weekdays(self) -> None:
        monday = [r for r in self.windows if r.weekday == 0]
        rows = [r for r in self.windows if r.weekday not in (1, 2, 3, 4)]
        for day in (1, 2, 3, 4):
            rows += [WindowRow(day, r.start, r.end, "") for r in monday]
        self.windows = sorted(rows, key=lambda r: r.weekday)  # stable: keeps each day's order
        self.windows_dirty = True

    @rx.event
    async def save_windows(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.windows_saving, self.windows_error = True, ""
        rows = [WindowRow(r.weekday, r.start, r.end, "") for r in self.windows]
        self.windows = rows
        yield
        payload: list[tuple[int, str, str]] = []
        row_of: dict[int, int] = {}  # payload index -> row index (blank rows are skipped)
        for i, r in enumerate(rows):
            if not r.start and not r.end:
                continue
            row_of[len(payload)] = i
            payload.append((r.weekday, r.start, _from_input(r.end) if r.end else ""))
        try:
            saved = availability.save_weekly_windows(user.id, payload)
        except ValidationFailed as exc:
            other = []
            for key, message in exc.field_errors.items():
                index = key.removeprefix("window-")
                if key.startswith("window-") and index.isdigit() and int(index) in row_of:
                    row = rows[row_of[int(index)]]
                    rows[row_of[int(index)]] = WindowRow(row.weekday, row.start, row.end, message)
                else:
                    other.append(message)
            self.windows, self.windows_error = rows, " ".join(other)
            self.windows_saving = False
            yield rx.toast.error("Some hours need fixing: see the highlighted rows.")
            return
        except DomainError as exc:
            self.windows_saving = False
            yield rx.toast.error(exc.detail)
            return
        self._apply_windows(saved)
        self._refresh_preview(user)
        self.windows_saving = False
        yield rx.toast.success("Working hours saved.")

    # ------------------------------------------------------------------ (b) date overrides

    @rx.event
    def set_ov_day(self, value: str) -> None:
        self.ov_day, self.ov_day_error = value, ""

    @rx.event
    def set_ov_closed(self, closed: bool) -> None:
        self.ov_closed = bool(closed)
        if not self.ov_closed and not self.ov_windows:
            self.ov_windows = [RangeRow("09:00", "17:00")]

    @rx.event
    def add_ov_window(self) -> None:
        last = self.ov_windows[-1].end if self.ov_windows else ""
        start = last or "09:00"
        self.ov_windows = [*self.ov_windows, RangeRow(start, _add_hours(start, 2))]

    @rx.event
    def remove_ov_window(self, index: int) -> None:
        self.ov_windows = [r for i, r in enumerate(self.ov_windows) if i != index]

    @rx.event
    def set_ov_time(self, index: int, which: str, value: str) -> None:
        rows = list(self.ov_windows)
        if 0 <= index < len(rows) and which in ("start", "end"):
            r = rows[index]
            rows[index] = RangeRow(
                value if which == "start" else r.start, value if which == "end" else r.end, ""
            )
            self.ov_windows = rows

    @rx.event
    async def save_override(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        rows = [RangeRow(r.start, r.end, "") for r in self.ov_windows]
        self.ov_windows, self.ov_day_error, self.ov_error = rows, "", ""
        if not self.ov_day:
            self.ov_day_error = "Pick a date."
            return
        self.ov_saving = True
        yield
        windows = [] if self.ov_closed else [(r.start, _from_input(r.end)) for r in rows]
        try:
            saved = availability.set_override(
                user.id, self.ov_day, closed=self.ov_closed, windows=windows, now=clock.now()
            )
        except ValidationFailed as exc:
            other = []
            for key, message in exc.field_errors.items():
                index = key.removeprefix("window-")
                if key == "day":
                    self.ov_day_error = message
                elif key.startswith("window-") and index.isdigit() and int(index) < len(rows):
                    r = rows[int(index)]
                    rows[int(index)] = RangeRow(r.start, r.end, message)
                else:
                    other.append(message)
            self.ov_windows, self.ov_error, self.ov_saving = rows, " ".join(other), False
            return
        except DomainError as exc:
            self.ov_saving = False
            yield rx.toast.error(exc.detail)
            return
        self._apply_overrides(self._availability(user).overrides)
        self._refresh_preview(user)
        self.ov_saving, self.ov_day = False, ""
        yield rx.toast.success(f"Special hours for {saved.label} saved.")

    @rx.event
    async def remove_override(self, day: str):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.removing_day = day
        yield
        try:
            availability.remove_override(user.id, day)
        except DomainError as exc:
            self.removing_day = ""
            yield rx.toast.error(exc.detail)
            return
        self._apply_overrides(self._availability(user).overrides)
        self._refresh_preview(user)
        self.removing_day = ""
        yield rx.toast.success("Override removed: the weekly hours apply again.")

    # ------------------------------------------------------------------ (c) busy blocks

    @rx.event
    async def add_busy(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.start_error = self.end_error = self.title_error = ""
        self.busy_saving = True
        yield
        try:
            block = availability.add_busy_block(
                user.id,
                str(form_data.get("start", "") or ""),
                str(form_data.get("end", "") or ""),
                str(form_data.get("title", "") or "").strip(),
                now=clock.now(),
            )
        except ValidationFailed as exc:
            errors = exc.field_errors
            self.start_error = errors.get("start", "")
            self.end_error = errors.get("end", "")
            self.title_error = errors.get("title", "")
            unknown = [m for k, m in errors.items() if k not in BUSY_FIELDS]
            self.busy_saving = False
            if unknown:
                yield rx.toast.error(" ".join(unknown))
            return
        except DomainError as exc:
            self.busy_saving = False
            yield rx.toast.error(exc.detail)
            return
        self._apply_busy(self._availability(user).busy_blocks)
        self._refresh_preview(user)
        self.busy_saving = False
        self.busy_form_key += 1  # a fresh, empty form
        yield rx.toast.success(f"Busy time added: {block.label}.")

    @rx.event
    async def remove_busy(self, block_id: int):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.removing_block = block_id
        yield
        try:
            availability.remove_busy_block(user.id, block_id)
        except DomainError as exc:
            self.removing_block = 0
            yield rx.toast.error(exc.detail)
            return
        self._apply_busy(self._availability(user).busy_blocks)
        self._refresh_preview(user)
        self.removing_block = 0
        yield rx.toast.success("Busy time removed.")

    # ------------------------------------------------------------------ (d) rules

    def _set_rule_errors(self, errors: dict[str, str]) -> None:
        for name in RULE_FIELDS:
            setattr(self, f"{name}_error", errors.get(name, ""))
        self.rules_error = " ".join(m for k, m in errors.items() if k not in RULE_FIELDS)

    @rx.event
    def set_rule(self, name: str, value: str) -> None:
        if name in RULE_FIELDS and name != "requires_confirmation":
            setattr(self, name, str(value))
            setattr(self, f"{name}_error", "")

    @rx.event
    def set_requires_confirmation(self, value: bool) -> None:
        self.requires_confirmation = bool(value)

    @rx.event
    async def save_rules(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._set_rule_errors({})
        self.rules_saving = True
        yield
        values: dict[str, str | int | bool | list[int]] = {
            name: str(getattr(self, name)).strip() for name in RULE_FIELDS
        }
        values["requires_confirmation"] = self.requires_confirmation
        try:
            saved = availability.save_rules(user.id, values)
        except ValidationFailed as exc:
            self._set_rule_errors(exc.field_errors)
            self.rules_saving = False
            first = next(iter(exc.field_errors), "")
            if first in RULE_FIELDS:
                yield rx.set_focus(f"rule-{first}")
            return
        except DomainError as exc:
            self.rules_saving = False
            yield rx.toast.error(exc.detail)
            return
        self._apply_rules(saved)
        self._refresh_preview(user)
        self.rules_saving = False
        yield rx.toast.success("Booking rules saved.")

    # ------------------------------------------------------------------ (e) preview

    async def _move_preview(self, week_start: str):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.preview_loading = True
        yield
        self.preview_week_start = week_start
        self._refresh_preview(user)
        self.preview_loading = False

    def _shifted(self, weeks: int) -> str:
        base = date.fromisoformat(self.preview_week_start) if self.preview_week_start else None
        if base is None:
            return ""
        return (base + timedelta(weeks=weeks)).isoformat()

    @rx.event
    async def preview_prev(self):  # type: ignore[no-untyped-def]
        async for event in self._move_preview(self._shifted(-1)):
            yield event

    @rx.event
    async def preview_next(self):  # type: ignore[no-untyped-def]
        async for event in self._move_preview(self._shifted(1)):
            yield event

    @rx.event
    async def preview_this_week(self):  # type: ignore[no-untyped-def]
        async for event in self._move_preview(""):
            yield event

    @rx.event
    async def preview_pick_date(self, value: str):  # type: ignore[no-untyped-def]
        try:
            monday = _monday(date.fromisoformat(value)).isoformat()
        except ValueError:
            return
        async for event in self._move_preview(monday):
            yield event

    @rx.event
    async def set_preview_service(self, value: str):  # type: ignore[no-untyped-def]
        self.preview_service_id = value if value.isdigit() else ""
        async for event in self._move_preview(self.preview_week_start):
            yield event


# ============================================================================ UI

S = TutorAvailabilityState


def _section(
    title: str, description: str, *children: rx.Component, id_: str, icon: str
) -> rx.Component:
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


def _time_input(
    value: rx.Var,
    on_change: Any,
    label: rx.Var | str,
    id_: rx.Var | str,  # type: ignore[type-arg]
    invalid: rx.Var,
) -> rx.Component:  # type: ignore[type-arg]
    return rx.input(
        type="time",
        value=value,
        on_change=on_change,
        aria_label=label,
        aria_invalid=rx.cond(invalid != "", "true", "false"),
        id=id_,
        size="2",
        width="8.5em",
    )


# ---- (a)


def _window_row(row: WindowRow, index: rx.Var[int], day_name: str) -> rx.Component:
    idx = index.to_string()
    return rx.vstack(
        rx.hstack(
            _time_input(
                row.start,
                lambda v: S.set_window_time(index, "start", v),
                f"{day_name} start",
                "window-" + idx + "-start",
                row.error,
            ),
            rx.text("to", size="2", color_scheme="gray"),
            _time_input(
                row.end,
                lambda v: S.set_window_time(index, "end", v),
                f"{day_name} end",
                "window-" + idx + "-end",
                row.error,
            ),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="gray",
                type="button",
                on_click=S.remove_window(index),
                aria_label=f"Remove {day_name} hours",
                id="window-" + idx + "-remove",
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
                id="window-" + idx + "-error",
                class_name="window-error",
            ),
        ),
        spacing="1",
        class_name="window-row",
    )


def _weekday_block(weekday: int) -> rx.Component:
    name = WEEKDAYS[weekday]
    has_rows = S.weekdays_with_hours.contains(weekday)
    return rx.flex(
        rx.text(name, weight="medium", size="2", min_width="7em", padding_top="var(--space-1)"),
        rx.vstack(
            rx.foreach(
                S.windows, lambda row, i: rx.cond(row.weekday == weekday, _window_row(row, i, name))
            ),
            rx.cond(
                ~has_rows,
                rx.text("Unavailable", size="2", color_scheme="gray", padding_top="var(--space-1)"),
            ),
            spacing="2",
            flex="1",
        ),
        rx.button(
            rx.icon("plus", size=14),
            "Add",
            variant="ghost",
            size="1",
            type="button",
            on_click=S.add_window(weekday),
            id=f"add-window-{weekday}",
            aria_label=f"Add hours on {name}",
        ),
        gap="var(--space-3)",
        align="start",
        width="100%",
        id=f"weekday-{weekday}",
        padding_y="var(--space-2)",
        border_bottom="1px solid var(--gray-a4)",
    )


def _weekly_section() -> rx.Component:
    return _section(
        "Weekly hours",
        "When you usually teach. Several ranges per day are fine (e.g. 09:00–12:00 and "
        "14:00–18:00). An end of 00:00 means midnight.",
        rx.vstack(*[_weekday_block(d) for d in range(7)], spacing="0", width="100%"),
        rx.cond(
            S.windows_error != "",
            rx.callout(
                S.windows_error,
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                id="windows-error",
                width="100%",
            ),
        ),
        rx.flex(
            rx.button(
                rx.icon("copy", size=14),
                "Copy Monday to Tue–Fri",
                variant="soft",
                color_scheme="gray",
                type="button",
                on_click=S.copy_monday_to_weekdays,
                id="copy-monday",
            ),
            rx.hstack(
                rx.cond(
                    S.windows_dirty,
                    rx.badge("Unsaved changes", color_scheme="amber", id="windows-dirty"),
                ),
                rx.button(
                    rx.icon("save", size=14),
                    "Save hours",
                    on_click=S.save_windows,
                    loading=S.windows_saving,
                    id="save-windows",
                    type="button",
                ),
                align="center",
                spacing="3",
            ),
            justify="between",
            align="center",
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        id_="weekly-section",
        icon="clock",
    )


# ---- (b)


def _ov_window_row(row: RangeRow, index: rx.Var[int]) -> rx.Component:
    idx = index.to_string()
    return rx.vstack(
        rx.hstack(
            _time_input(
                row.start,
                lambda v: S.set_ov_time(index, "start", v),
                "Special hours start",
                "ov-window-" + idx + "-start",
                row.error,
            ),
            rx.text("to", size="2", color_scheme="gray"),
            _time_input(
                row.end,
                lambda v: S.set_ov_time(index, "end", v),
                "Special hours end",
                "ov-window-" + idx + "-end",
                row.error,
            ),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="gray",
                type="button",
                on_click=S.remove_ov_window(index),
                aria_label="Remove these hours",
            ),
            align="center",
            spacing="2",
        ),
        rx.cond(
            row.error != "",
            rx.text(
                row.error,
                color_scheme="red",
                size="1",
                role="alert",
                id="ov-window-" + idx + "-error",
            ),
        ),
        spacing="1",
    )


def _override_item(o: OverrideRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(o.label, weight="medium", size="2"),
            rx.text(o.hours, size="1", color_scheme=rx.cond(o.closed, "red", "gray")),
            spacing="0",
        ),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            variant="ghost",
            color_scheme="red",
            on_click=S.remove_override(o.day),
            loading=S.removing_day == o.day,
            aria_label="Remove override for " + o.label,
            id="remove-override-" + o.day,
        ),
        justify="between",
        align="center",
        width="100%",
        id="override-" + o.day,
        class_name="override-item",
    )


def _overrides_section() -> rx.Component:
    return _section(
        "Date overrides",
        "Days off or special hours on one date; they replace that day's weekly hours.",
        rx.flex(
            form_field(
                "Date",
                rx.input(
                    type="date",
                    value=S.ov_day,
                    on_change=S.set_ov_day,
                    id="ov-day",
                    size="2",
                    aria_invalid=rx.cond(S.ov_day_error != "", "true", "false"),
                ),
                S.ov_day_error,
                "ov-day",
            ),
            rx.el.label(
                rx.switch(checked=S.ov_closed, on_change=S.set_ov_closed, id="ov-closed"),
                "Closed all day",
                html_for="ov-closed",
                class_name="rt-Text rt-r-size-2",
                style={
                    "display": "flex",
                    "gap": "8px",
                    "align_items": "center",
                    "white_space": "nowrap",
                    "padding_top": "1.6em",
                },
            ),
            gap="var(--space-4)",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            ~S.ov_closed,
            rx.vstack(
                rx.foreach(S.ov_windows, _ov_window_row),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add hours",
                    variant="ghost",
                    size="1",
                    type="button",
                    on_click=S.add_ov_window,
                    id="ov-add-window",
                ),
                spacing="2",
            ),
        ),
        rx.cond(
            S.ov_error != "",
            rx.text(S.ov_error, color_scheme="red", size="2", role="alert", id="ov-error"),
        ),
        rx.button(
            rx.icon("calendar-x", size=14),
            "Save override",
            on_click=S.save_override,
            loading=S.ov_saving,
            id="save-override",
            type="button",
        ),
        rx.divider(),
        rx.cond(
            S.overrides.length() == 0,
            rx.text(
                "No overrides: every date follows the weekly hours.",
                size="2",
                color_scheme="gray",
                id="overrides-empty",
            ),
            rx.vstack(
                rx.foreach(S.overrides, _override_item),
                spacing="2",
                width="100%",
                id="overrides-list",
            ),
        ),
        id_="overrides-section",
        icon="calendar-x",
    )


# ---- (c)


def _busy_item(b: BusyRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(b.title, weight="medium", size="2"),
            rx.text(b.label, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.hstack(
            rx.cond(b.source != "manual", rx.badge("Imported", variant="soft", size="1")),
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="red",
                on_click=S.remove_busy(b.id),
                loading=S.removing_block == b.id,
                aria_label="Remove busy time " + b.label,
                id="remove-busy-" + b.id.to_string(),
            ),
            align="center",
        ),
        justify="between",
        align="center",
        width="100%",
        class_name="busy-item",
    )


def _busy_input(name: str, error: rx.Var, **props: Any) -> rx.Component:  # type: ignore[type-arg]
    """Uncontrolled; the form is re-keyed after a successful add, which empties it."""
    return rx.input(
        id=f"busy-{name}",
        name=name,
        size="2",
        width="100%",
        aria_invalid=rx.cond(error != "", "true", "false"),
        **props,
    )


def _busy_section() -> rx.Component:
    return _section(
        "Busy times",
        "One-off appointments when you can't teach (in your timezone).",
        rx.form(
            rx.vstack(
                rx.grid(
                    form_field(
                        "Starts",
                        _busy_input("start", S.start_error, type="datetime-local"),
                        S.start_error,
                        "busy-start",
                    ),
                    form_field(
                        "Ends",
                        _busy_input("end", S.end_error, type="datetime-local"),
                        S.end_error,
                        "busy-end",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                form_field(
                    "Title",
                    _busy_input("title", S.title_error, placeholder="Dentist"),
                    S.title_error,
                    "busy-title",
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add busy time",
                    type="submit",
                    loading=S.busy_saving,
                    id="add-busy",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.add_busy,
            no_validate=True,
            key=S.busy_form_key,
            width="100%",
        ),
        rx.divider(),
        rx.cond(
            S.busy.length() == 0,
            rx.text("No upcoming busy times.", size="2", color_scheme="gray", id="busy-empty"),
            rx.vstack(rx.foreach(S.busy, _busy_item), spacing="2", width="100%", id="busy-list"),
        ),
        id_="busy-section",
        icon="ban",
    )


# ---- (d)


def _rule_input(label: str, name: str, hint: str = "", **props: Any) -> rx.Component:
    value = getattr(S, name)
    error = getattr(S, f"{name}_error")
    return form_field(
        label,
        rx.input(
            id=f"rule-{name}",
            value=value,
            on_change=lambda v: S.set_rule(name, v),
            size="2",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            **props,
        ),
        error,
        f"rule-{name}",
        hint=hint,
    )


def _rules_section() -> rx.Component:
    number = {"type": "number", "input_mode": "numeric"}
    return _section(
        "Booking rules",
        "How students may book you. The preview applies them at once after saving.",
        rx.grid(
            _rule_input("Buffer before (min)", "buffer_before_min", min=0, max=240, **number),
            _rule_input("Buffer after (min)", "buffer_after_min", min=0, max=240, **number),
            _rule_input(
                "Max lessons per day",
                "max_lessons_per_day",
                "0 = no limit.",
                min=0,
                max=24,
                **number,
            ),
            _rule_input(
                "Minimum notice (hours)",
                "min_notice_hours",
                min=0,
                max=720,
                step="0.5",
                type="number",
                input_mode="decimal",
            ),
            _rule_input(
                "Booking horizon (days)",
                "horizon_days",
                "How far ahead students may book.",
                min=1,
                max=365,
                **number,
            ),
            form_field(
                "Slot step (min)",
                rx.el.select(
                    *[rx.el.option(str(m), value=str(m)) for m in SLOT_STEPS],
                    id="rule-slot_step_min",
                    value=S.slot_step_min,
                    on_change=lambda v: S.set_rule("slot_step_min", v),
                    class_name=SELECT_CLASS.replace("size-3", "size-2"),
                    style={"width": "100%"},
                ),
                S.slot_step_min_error,
                "rule-slot_step_min",
                hint="Offered start times are this far apart.",
            ),
            _rule_input(
                "Cancellation notice (hours)",
                "cancellation_notice_hours",
                "Later cancellations count as late.",
                min=0,
                max=168,
                **number,
            ),
            _rule_input(
                "Reminders (hours before)",
                "reminder_offsets_hours",
                "Comma-separated, e.g. 24, 2 (at most 5).",
                placeholder="24, 2",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.el.label(
            rx.switch(
                checked=S.requires_confirmation,
                on_change=S.set_requires_confirmation,
                id="rule-requires_confirmation",
            ),
            "I confirm each booking request myself",
            html_for="rule-requires_confirmation",
            class_name="rt-Text rt-r-size-2",
            style={"display": "flex", "gap": "8px", "align_items": "center"},
        ),
        field_error(S.requires_confirmation_error, "rule-requires_confirmation"),
        rx.cond(
            S.rules_error != "",
            rx.text(S.rules_error, color_scheme="red", size="2", role="alert", id="rules-error"),
        ),
        rx.button(
            rx.icon("save", size=14),
            "Save rules",
            on_click=S.save_rules,
            loading=S.rules_saving,
            id="save-rules",
            type="button",
        ),
        id_="rules-section",
        icon="sliders-horizontal",
    )


# ---- (e)


def _preview_day(day: SlotDayRow) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(day.label, weight="medium", size="2"),
            rx.badge(
                day.count.to_string(),
                variant="soft",
                color_scheme=rx.cond(day.count > 0, "green", "gray"),
                size="1",
            ),
            justify="between",
            align="center",
        ),
        rx.cond(
            day.count == 0,
            rx.text("No free slots", size="1", color_scheme="gray", margin_top="var(--space-1)"),
            rx.flex(
                rx.foreach(
                    day.slots,
                    lambda slot: rx.badge(
                        slot.time, variant="surface", size="2", class_name="preview-slot"
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
        id="preview-day-" + day.date,
        class_name="preview-day",
    )


def _preview_section() -> rx.Component:
    return _section(
        "What students see",
        "Free start times the booking engine offers for the chosen week and service.",
        rx.flex(
            rx.hstack(
                rx.icon_button(
                    rx.icon("chevron-left", size=16),
                    variant="soft",
                    on_click=S.preview_prev,
                    aria_label="Previous week",
                    id="preview-prev",
                ),
                rx.button(
                    "This week",
                    variant="soft",
                    on_click=S.preview_this_week,
                    id="preview-this-week",
                ),
                rx.icon_button(
                    rx.icon("chevron-right", size=16),
                    variant="soft",
                    on_click=S.preview_next,
                    aria_label="Next week",
                    id="preview-next",
                ),
                rx.input(
                    type="date",
                    value=S.preview_week_start,
                    on_change=S.preview_pick_date,
                    aria_label="Week containing date",
                    id="preview-date",
                    size="2",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.box(
                rx.el.label(
                    "Service",
                    html_for="preview-service",
                    class_name="rt-Text rt-r-size-1",
                    style={"display": "block"},
                ),
                select_control(
                    S.preview_services,
                    "preview-service",
                    value=S.preview_service_id,
                    on_change=S.set_preview_service,
                ),
                min_width="14em",
            ),
            justify="between",
            align="end",
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        rx.hstack(
            rx.heading(S.preview_label, size="3", id="preview-label"),
            rx.cond(S.preview_loading, rx.spinner(size="2")),
            rx.spacer(),
            rx.text(
                S.preview_slot_count.to_string(),
                " free slots",
                size="2",
                color_scheme="gray",
                id="preview-count",
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            S.preview_error != "",
            rx.callout(S.preview_error, icon="triangle-alert", color_scheme="amber", width="100%"),
        ),
        rx.grid(
            rx.foreach(S.preview_days, _preview_day),
            columns=rx.breakpoints(initial="1", sm="2", md="4", lg="7"),
            spacing="2",
            width="100%",
            id="preview-days",
            opacity=rx.cond(S.preview_loading, "0.6", "1"),
        ),
        rx.cond(
            S.preview_joinable.length() > 0,
            rx.vstack(
                rx.text("Group lessons with free spots", weight="medium", size="2"),
                rx.foreach(
                    S.preview_joinable,
                    lambda j: rx.hstack(
                        rx.icon("users", size=14),
                        rx.text(j.label, size="2"),
                        rx.text(j.title, size="2", color_scheme="gray"),
                        rx.badge(j.free_spots.to_string(), " free", color_scheme="violet"),
                        align="center",
                        class_name="preview-joinable",
                    ),
                ),
                spacing="1",
                width="100%",
                id="preview-joinable",
            ),
        ),
        id_="preview-section",
        icon="eye",
    )


def tutor_availability_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.flex(
                rx.heading("Availability", size="7", id="availability-heading"),
                rx.badge(
                    rx.icon("globe", size=14),
                    "Times in ",
                    S.timezone,
                    size="2",
                    variant="soft",
                    id="tutor-timezone",
                ),
                justify="between",
                align="center",
                gap="var(--space-3)",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                ~S.loaded,
                rx.center(rx.spinner(size="3"), width="100%", padding="var(--space-6)"),
                rx.vstack(
                    _preview_section(),
                    rx.grid(
                        rx.vstack(
                            _weekly_section(), _overrides_section(), spacing="4", width="100%"
                        ),
                        rx.vstack(_rules_section(), _busy_section(), spacing="4", width="100%"),
                        columns=rx.breakpoints(initial="1", lg="2"),
                        spacing="4",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        )
    )


def add_tutor_availability_page(app: rx.App) -> None:
    app.add_page(
        tutor_availability_page,
        route=routes.TUTOR_AVAILABILITY,
        title="Availability · TutorBook",
        on_load=[AuthState.require_login, TutorAvailabilityState.on_load, RequestsBadgeState.load],
    )
