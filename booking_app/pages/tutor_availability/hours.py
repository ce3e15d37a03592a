"""(a) Weekly hours: when the tutor usually teaches, several ranges per day allowed."""

from __future__ import annotations

import reflex as rx

from booking_app.components.forms import form_message
from booking_app.services import availability
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import error_toast
from booking_app.state.off_loop import offload

from .common import (
    MIDNIGHT_END,
    TimeRange,
    TimeRanges,
    add_hours,
    from_input,
    range_row,
    save_button,
    section,
    to_input,
)
from .preview import refresh_preview

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class HoursState(TimeRanges, rx.State):
    """`ranges` are the weekly windows, in weekday order."""

    saving: bool = False

    @rx.var
    def weekdays_with_hours(self) -> list[int]:
        return sorted({r.weekday for r in self.ranges})

    def _apply(self, views: list[availability.WindowView]) -> None:
        rows = [TimeRange(w.start, to_input(w.end), "", w.weekday) for w in views]
        self.ranges = sorted(rows, key=lambda r: (r.weekday, r.start))
        self.dirty = False
        self._clear_errors()

    @rx.event
    def add_window(self, weekday: int) -> None:
        rows = list(self.ranges)
        same = [i for i, r in enumerate(rows) if r.weekday == weekday]
        if same:
            last = rows[same[-1]]
            start = from_input(last.end) if last.end else "09:00"
            start = "23:00" if start == MIDNIGHT_END else start
            rows.insert(same[-1] + 1, TimeRange(start, add_hours(start, 2), "", weekday))
        else:
            position = next((i for i, r in enumerate(rows) if r.weekday > weekday), len(rows))
            rows.insert(position, TimeRange("09:00", "17:00", "", weekday))
        self.ranges, self.dirty = rows, True

    @rx.event
    def copy_monday_to_weekdays(self) -> None:
        monday = [r for r in self.ranges if r.weekday == 0]
        rows = [r for r in self.ranges if r.weekday not in (1, 2, 3, 4)]
        for day in (1, 2, 3, 4):
            rows += [TimeRange(r.start, r.end, "", day) for r in monday]
        self.ranges = sorted(rows, key=lambda r: r.weekday)  # stable: keeps each day's order
        self.dirty = True

    @rx.event
    async def save(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.saving = True
        rows = self._clean_rows()
        yield
        payload: list[tuple[int, str, str]] = []
        row_of: dict[int, int] = {}  # payload index -> row index (blank rows are skipped)
        for i, r in enumerate(rows):
            if not r.start and not r.end:
                continue
            row_of[len(payload)] = i
            payload.append((r.weekday, r.start, from_input(r.end) if r.end else ""))
        try:
            saved = await offload(availability.save_weekly_windows, user.id, payload)
        except ValidationFailed as exc:
            self._show_row_errors(exc, row_of)
            self.saving = False
            yield rx.toast.error("Some hours need fixing: see the highlighted rows.")
            return
        except DomainError as exc:
            self.saving = False
            yield error_toast(exc)
            return
        self._apply(saved)
        await refresh_preview(self, user)
        self.saving = False
        yield rx.toast.success("Working hours saved.")


H = HoursState


def _weekday_block(weekday: int) -> rx.Component:
    name = WEEKDAYS[weekday]
    return rx.flex(
        rx.text(name, weight="medium", size="2", min_width="7em", padding_top="var(--space-1)"),
        rx.vstack(
            rx.foreach(
                H.ranges,
                lambda row, i: rx.cond(
                    row.weekday == weekday,
                    range_row(H, row, i, name, "window-", aria_label=f"Remove {name} hours"),
                ),
            ),
            rx.cond(
                ~H.weekdays_with_hours.contains(weekday),
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
            on_click=H.add_window(weekday),
            id=f"add-window-{weekday}",
            aria_label=f"Add hours on {name}",
        ),
        gap="var(--space-3)",
        align="start",
        # Phones: the day's name above its rows, so "09:00 to 13:00" stays on one line.
        direction=rx.breakpoints(initial="column", sm="row"),
        width="100%",
        id=f"weekday-{weekday}",
        padding_y="var(--space-2)",
        border_bottom="1px solid var(--gray-a4)",
    )


def hours_section() -> rx.Component:
    return section(
        "Weekly hours",
        "When you usually teach. Several ranges per day are fine (e.g. 09:00–12:00 and "
        "14:00–18:00). An end of 00:00 means midnight.",
        rx.vstack(*[_weekday_block(d) for d in range(7)], spacing="0", width="100%"),
        form_message(H.errors, "windows-error", width="100%"),
        rx.flex(
            rx.button(
                rx.icon("copy", size=14),
                "Copy Monday to Tue–Fri",
                variant="soft",
                color_scheme="gray",
                type="button",
                on_click=H.copy_monday_to_weekdays,
                id="copy-monday",
            ),
            rx.hstack(
                rx.cond(
                    H.dirty,
                    rx.badge(
                        "Unsaved changes",
                        color_scheme="amber",
                        id="windows-dirty",
                        # assets/unsaved.js asks before leaving while this is shown
                        custom_attrs={"data-unsaved": "Your weekly hours are not saved."},
                    ),
                ),
                save_button("save", "Save hours", H, "save-windows"),
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
