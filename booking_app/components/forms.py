"""Form pieces: a labelled field with its error message right under the input."""

from __future__ import annotations

import reflex as rx


def field_error(message: rx.Var[str], field_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.text(message, color_scheme="red", size="2", id=f"{field_id}-error", role="alert"),
    )


def form_field(
    label: str, control: rx.Component, error: rx.Var[str], field_id: str, hint: str = ""
) -> rx.Component:
    """Label, control, optional hint, and the field's error (announced to screen readers)."""
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="rt-Text rt-r-size-2 rt-r-weight-medium"),
        control,
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray"))
        if hint
        else rx.fragment(),
        field_error(error, field_id),
        spacing="1",
        width="100%",
        align="stretch",
    )


def text_input(
    field_id: str, *, type_: str = "text", invalid: rx.Var[str] | None = None, **props
) -> rx.Component:  # type: ignore[no-untyped-def]
    """An uncontrolled input read from form_data on submit (no event per keystroke)."""
    return rx.input(
        id=field_id,
        name=field_id,
        type=type_,
        size="3",
        width="100%",
        aria_invalid=rx.cond(invalid != "", "true", "false") if invalid is not None else "false",
        **props,
    )
