"""Form pieces: a labelled field with its error message right under the input, a native
select, and a form that never submits natively with its fields in a URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx

from booking_app import routes

SELECT_CLASS = "rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface"
SELECT_CLASS_SMALL = "rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface"


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


def secret_form(*children: rx.Component, back_to: str, **props: Any) -> rx.Component:
    """A form holding a password: `method="post"` to a route that only redirects back.

    Reflex's submit handler calls preventDefault() only once React has hydrated the page;
    a press before that (slow network, 130-300 ms on a fast one) submits natively, and a
    form without a method GETs the page with every field in the query string. With
    method POST to `routes.FORM_NOT_READY` nothing lands in a URL; `submit_button` also
    stays disabled until the state is hydrated, which blocks Enter too.
    """
    base = rx.config.get_config().api_url.rstrip("/")
    action = f"{base}{routes.FORM_NOT_READY}?to={quote(back_to, safe='/')}"
    return rx.form(*children, method="post", action=action, **props)


def submit_button(*children: Any, **props: Any) -> rx.Component:
    """type=submit, disabled until the page is hydrated (see `secret_form`)."""
    return rx.button(*children, type="submit", disabled=~rx.State.is_hydrated, **props)


def select_control(options: rx.Var, field_id: str, **props: Any) -> rx.Component:  # type: ignore[type-arg]
    """A native <select> (keyboard and screen-reader friendly) over list[OptionRow]."""
    return rx.el.select(
        rx.foreach(options, lambda o: rx.el.option(o.label, value=o.value)),
        **{
            "id": field_id,
            "name": field_id,
            "class_name": SELECT_CLASS,
            "style": {"width": "100%"},
            **props,
        },
    )
