"""(c) Busy times: one-off appointments when the tutor can't teach (imported ones too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.components.forms import aria_invalid, error_of, form_field, named_field
from booking_app.services import availability
from booking_app.services.errors import DomainError
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FormErrors, error_toast, text_of
from booking_app.state.off_loop import offload

from .common import section
from .preview import refresh_preview

FIELDS = ("start", "end", "title")


def _moment(form_data: dict[str, Any], name: str) -> str:
    """ "YYYY-MM-DDTHH:MM" from the form's date picker and 24-hour time box (`<name>_day`,
    `<name>_time`; "9:00" reads as 09:00); a whole `<name>` value (API style) wins."""
    whole = text_of(form_data, name)
    if whole:
        return whole
    day, at = text_of(form_data, f"{name}_day").strip(), text_of(form_data, f"{name}_time").strip()
    return f"{day}T{at.zfill(5)}" if day or at else ""


@dataclass
class BusyItem:
    id: int = 0
    label: str = ""
    title: str = ""
    source: str = "manual"


class BusyState(FormErrors, rx.State):
    busy: list[BusyItem] = []
    form_key: int = 0  # a new key remounts the form empty after an add
    saving: bool = False
    removing: int = 0

    def _apply(self, views: list[availability.BusyBlockView]) -> None:
        self.busy = [BusyItem(b.id, b.label, b.title, b.source) for b in views]

    def _reload(self, tutor_id: int) -> None:
        self._apply(availability.get_availability(tutor_id, now=clock.now()).busy_blocks)

    @rx.event
    async def add(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._clear_errors()
        self.saving = True
        yield
        try:
            block = await offload(
                availability.add_busy_block,
                user.id,
                _moment(form_data, "start"),
                _moment(form_data, "end"),
                text_of(form_data, "title"),
                now=clock.now(),
            )
        except DomainError as exc:
            self.saving = False
            for event in self._show_refusal(exc, FIELDS, toast=True):
                yield event
            return
        await offload(self._reload, user.id)
        await refresh_preview(self, user)
        self.saving = False
        self.form_key += 1
        yield rx.toast.success(f"Busy time added: {block.label}.")

    @rx.event
    async def remove(self, block_id: int):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.removing = block_id
        yield
        try:
            await offload(availability.remove_busy_block, user.id, block_id)
        except DomainError as exc:
            self.removing = 0
            yield error_toast(exc)
            return
        await offload(self._reload, user.id)
        await refresh_preview(self, user)
        self.removing = 0
        yield rx.toast.success("Busy time removed.")


B = BusyState


def _busy_item(b: BusyItem) -> rx.Component:
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
                on_click=B.remove(b.id),
                loading=B.removing == b.id,
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


def _field(label: str, name: str, **props: Any) -> rx.Component:
    """Uncontrolled; the form is re-keyed after a successful add, which empties it."""
    return named_field(label, name, B.errors, id_prefix="busy-", size="2", **props)


def _moment_field(label: str, name: str) -> rx.Component:
    """A date picker (the viewer's date format) and a 24-hour HH:MM box, one field: its
    error ("start" / "end") sits under both. Not datetime-local: chromium draws that
    with AM/PM in an en-US browser."""
    error = error_of(B.errors, name)
    control = rx.hstack(
        rx.input(
            type="date",
            name=f"{name}_day",
            id=f"busy-{name}",
            size="2",
            aria_invalid=aria_invalid(error),
            flex="1",
        ),
        rx.input(
            type="text",
            name=f"{name}_time",
            id=f"busy-{name}-time",
            size="2",
            placeholder="HH:MM",
            input_mode="numeric",
            max_length=5,
            auto_complete="off",
            aria_label=f"{label}: time (24-hour HH:MM)",
            aria_invalid=aria_invalid(error),
            width="5.5em",
        ),
        spacing="2",
        width="100%",
    )
    return form_field(label, control, error, f"busy-{name}")


def busy_section() -> rx.Component:
    return section(
        "Busy times",
        "One-off appointments when you can't teach (in your timezone).",
        rx.form(
            rx.vstack(
                rx.grid(
                    _moment_field("Starts", "start"),
                    _moment_field("Ends", "end"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                _field("Title", "title", placeholder="Dentist"),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add busy time",
                    type="submit",
                    loading=B.saving,
                    id="add-busy",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=B.add,
            no_validate=True,
            key=B.form_key,
            width="100%",
        ),
        rx.divider(),
        rx.cond(
            B.busy.length() == 0,
            rx.text("No upcoming busy times.", size="2", color_scheme="gray", id="busy-empty"),
            rx.vstack(rx.foreach(B.busy, _busy_item), spacing="2", width="100%", id="busy-list"),
        ),
        id_="busy-section",
        icon="ban",
    )
