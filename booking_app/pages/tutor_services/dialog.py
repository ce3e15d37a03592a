"""The dialog that creates or edits a service."""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app.components.forms import (
    error_of,
    form_message,
    labelled_switch,
    named_field,
    select_control,
)
from booking_app.components.offer_form import offer_fields

from .state import TutorServicesState as S


def _field(label: str, name: str, default: rx.Var, **props: Any) -> rx.Component:  # type: ignore[type-arg]
    """Uncontrolled (the dialog mounts afresh each time it opens); read by name on submit."""
    return named_field(label, name, S.errors, id_prefix="service-", default_value=default, **props)


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _field(
                "Name", "name", S.f_name, placeholder="e.g. English conversation", auto_focus=True
            ),
            rx.grid(
                named_field(
                    "Subject",
                    "subject_id",
                    S.errors,
                    id_prefix="service-",
                    control=select_control(
                        S.subjects,
                        "service-subject_id",
                        name="subject_id",
                        default_value=S.f_subject_id,
                    ),
                ),
                _field(
                    "Duration (minutes)",
                    "duration_min",
                    S.f_duration_min,
                    type="number",
                    min=15,
                    max=480,
                    step=5,
                ),
                _field(
                    "Price",
                    "price",
                    S.f_price,
                    type="text",
                    input_mode="decimal",
                    placeholder="450.00",
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            named_field(
                "Description",
                "description",
                S.errors,
                id_prefix="service-",
                control=rx.text_area(
                    id="service-description",
                    name="description",
                    default_value=S.f_description,
                    rows="3",
                    width="100%",
                ),
            ),
            *offer_fields(S, id_prefix="service-", capacity_hint="From 2 to 100 students."),
            labelled_switch(
                "Trial lesson (a first lesson for new students)",
                checked=S.is_trial,
                on_change=S.set_is_trial,
                field_id="service-is_trial",
                name="is_trial",
                error=error_of(S.errors, "is_trial"),
            ),
            form_message(S.errors, "service-form-error"),
            rx.hstack(
                rx.dialog.close(
                    rx.button(
                        "Cancel",
                        variant="soft",
                        color_scheme="gray",
                        type="button",
                        id="service-cancel",
                    )
                ),
                rx.button("Save service", type="submit", loading=S.saving, id="service-save"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=S.save,
        no_validate=True,
        width="100%",
        id="service-form",
    )


def service_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title),
            rx.dialog.description(
                "What students book: its length, price, format and where it happens.",
                size="2",
                color_scheme="gray",
                margin_bottom="var(--space-3)",
            ),
            _form(),
            max_width="640px",
            id="service-dialog",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )
