"""(d) Booking rules: buffers, daily limit, notice, horizon, slot step, cancellation
notice, reminders, and whether the tutor confirms each booking."""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app.components.forms import (
    SELECT_CLASS_SMALL,
    aria_invalid,
    error_of,
    form_field,
    form_message,
    labelled_switch,
)
from booking_app.services import availability
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FormErrors, error_toast
from booking_app.state.off_loop import offload

from .common import save_button, section
from .preview import refresh_preview

SLOT_STEPS = (5, 10, 15, 20, 30, 45, 60, 90, 120)
TYPED = (  # the rules typed into inputs (as text: the service parses and validates)
    "buffer_before_min",
    "buffer_after_min",
    "max_lessons_per_day",
    "min_notice_hours",
    "horizon_days",
    "slot_step_min",
    "cancellation_notice_hours",
    "reminder_offsets_hours",
)
FIELDS = (*TYPED, "requires_confirmation")


class RulesState(FormErrors, rx.State):
    buffer_before_min: str = "0"
    buffer_after_min: str = "0"
    max_lessons_per_day: str = "0"
    min_notice_hours: str = "0"
    horizon_days: str = "60"
    slot_step_min: str = "30"
    cancellation_notice_hours: str = "24"
    reminder_offsets_hours: str = "24"
    requires_confirmation: bool = False
    saving: bool = False

    def _apply(self, r: availability.RulesView) -> None:
        self.buffer_before_min = str(r.buffer_before_min)
        self.buffer_after_min = str(r.buffer_after_min)
        self.max_lessons_per_day = str(r.max_lessons_per_day)
        self.min_notice_hours = f"{r.min_notice_hours:g}"
        self.horizon_days = str(r.horizon_days)
        self.slot_step_min = str(r.slot_step_min)
        self.cancellation_notice_hours = str(r.cancellation_notice_hours)
        self.reminder_offsets_hours = ", ".join(str(h) for h in r.reminder_offsets_hours)
        self.requires_confirmation = bool(r.requires_confirmation)
        self._clear_errors()

    @rx.event
    def set_rule(self, name: str, value: str) -> None:
        if name in TYPED:
            setattr(self, name, str(value))
            self._clear_errors(name)

    @rx.event
    def set_requires_confirmation(self, value: bool) -> None:
        self.requires_confirmation = bool(value)

    @rx.event
    async def save(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._clear_errors()
        self.saving = True
        yield
        values: dict[str, str | int | bool | list[int]] = {
            name: str(getattr(self, name)).strip() for name in TYPED
        }
        values["requires_confirmation"] = self.requires_confirmation
        try:
            saved = await offload(availability.save_rules, user.id, values)
        except ValidationFailed as exc:
            self.saving = False
            for event in self._show_refusal(exc, FIELDS, focus_prefix="rule-"):
                yield event
            return
        except DomainError as exc:
            self.saving = False
            yield error_toast(exc)
            return
        self._apply(saved)
        await refresh_preview(self, user)
        self.saving = False
        yield rx.toast.success("Booking rules saved.")


R = RulesState


def _rule_input(label: str, name: str, hint: str = "", **props: Any) -> rx.Component:
    error = error_of(R.errors, name)
    return form_field(
        label,
        rx.input(
            id=f"rule-{name}",
            value=getattr(R, name),
            on_change=lambda v: R.set_rule(name, v),
            size="2",
            width="100%",
            aria_invalid=aria_invalid(error),
            **props,
        ),
        error,
        f"rule-{name}",
        hint=hint,
    )


def rules_section() -> rx.Component:
    number = {"type": "number", "input_mode": "numeric"}
    return section(
        "Booking rules",
        "How students may book you. The preview applies them at once after saving.",
        rx.grid(
            _rule_input("Buffer before (min)", "buffer_before_min", min=0, max=240, **number),
            _rule_input("Buffer after (min)", "buffer_after_min", min=0, max=240, **number),
            _rule_input(
                "Max lessons per day", "max_lessons_per_day", "0 = no limit.", min=0, max=24,
                **number,
            ),
            _rule_input(
                "Minimum notice (hours)", "min_notice_hours", min=0, max=720, step="0.5",
                type="number", input_mode="decimal",
            ),
            _rule_input(
                "Booking horizon (days)", "horizon_days", "How far ahead students may book.",
                min=1, max=365, **number,
            ),
            form_field(
                "Slot step (min)",
                rx.el.select(
                    *[rx.el.option(str(m), value=str(m)) for m in SLOT_STEPS],
                    id="rule-slot_step_min",
                    value=R.slot_step_min,
                    on_change=lambda v: R.set_rule("slot_step_min", v),
                    class_name=SELECT_CLASS_SMALL,
                    style={"width": "100%"},
                ),
                error_of(R.errors, "slot_step_min"),
                "rule-slot_step_min",
                hint="Offered start times are this far apart.",
            ),
            _rule_input(
                "Cancellation notice (hours)", "cancellation_notice_hours",
                "Later cancellations count as late.", min=0, max=168, **number,
            ),
            _rule_input(
                "Reminders (hours before)", "reminder_offsets_hours",
                "Comma-separated, e.g. 24, 2 (at most 5).", placeholder="24, 2",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        labelled_switch(
            "I confirm each booking request myself",
            checked=R.requires_confirmation,
            on_change=R.set_requires_confirmation,
            field_id="rule-requires_confirmation",
            error=error_of(R.errors, "requires_confirmation"),
        ),
        form_message(R.errors, "rules-error", size="1"),
        save_button("save", "Save rules", R, "save-rules"),
        id_="rules-section",
        icon="sliders-horizontal",
    )  # fmt: skip
