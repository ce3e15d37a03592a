"""Form pieces: a labelled field with its error message right under the input, a native
select, and a form that never submits natively with its fields in a URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx

from booking_app import routes
from booking_app.state.forms import FORM

SELECT_CLASS = "rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface"
SELECT_CLASS_SMALL = "rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface"


def error_of(errors: rx.Var, name: str) -> rx.Var[str]:  # type: ignore[type-arg]
    """The message of field `name` in a FormErrors state's `errors` ("" when none)."""
    return errors.get(name, "").to(str)  # type: ignore[attr-defined]


def aria_invalid(error: rx.Var[str]) -> rx.Var[str]:
    """aria-invalid for a control whose field shows `error`."""
    return rx.cond(error != "", "true", "false")


def form_message(errors: rx.Var, id_: str, **props: Any) -> rx.Component:  # type: ignore[type-arg]
    """The form's own message (FormErrors' FORM key): what belongs to no field."""
    message = error_of(errors, FORM)
    return rx.cond(
        message != "",
        rx.callout(
            message, icon="triangle-alert", color_scheme="red", role="alert", id=id_, **props
        ),
    )


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


def labelled_switch(
    label: str,
    *,
    checked: rx.Var[bool],
    on_change: Any,
    field_id: str,
    name: str = "",
    error: rx.Var[str] | None = None,
    **style: Any,
) -> rx.Component:
    """A switch with its label to the right (and its field's error under it, if given)."""
    switch = rx.el.label(
        rx.switch(
            checked=checked, on_change=on_change, id=field_id, **({"name": name} if name else {})
        ),
        label,
        html_for=field_id,
        class_name="rt-Text rt-r-size-2",
        style={"display": "flex", "gap": "8px", "align_items": "center", **style},
    )
    return switch if error is None else rx.fragment(switch, field_error(error, field_id))


def named_input(
    name: str,
    errors: rx.Var | None = None,  # type: ignore[type-arg]
    *,
    id_prefix: str = "",
    size: str = "3",
    **props: Any,
) -> rx.Component:
    """An input named `name` (read from form_data on submit), id'd `id_prefix + name`, and
    aria-invalid while `errors` (a FormErrors state's) holds a message for it. Uncontrolled
    by default (no event per keystroke; pass default_value=), or value=/on_change=."""
    invalid = aria_invalid(error_of(errors, name)) if errors is not None else "false"
    return rx.input(
        id=f"{id_prefix}{name}", name=name, size=size, width="100%", aria_invalid=invalid, **props
    )


def named_field(
    label: str,
    name: str,
    errors: rx.Var,  # type: ignore[type-arg]
    *,
    id_prefix: str = "",
    hint: str = "",
    control: rx.Component | None = None,
    **props: Any,
) -> rx.Component:
    """`form_field` for field `name`: its label, a `named_input` (or `control`), its hint
    and its message from `errors`."""
    if control is None:
        control = named_input(name, errors, id_prefix=id_prefix, **props)
    return form_field(label, control, error_of(errors, name), f"{id_prefix}{name}", hint=hint)


def bound_field(
    label: str, name: str, state: Any, *, id_prefix: str, hint: str = "", **props: Any
) -> rx.Component:
    """A controlled `named_field`: shows `state.<name>`, sends `state.set_field(name, v)`."""
    return named_field(
        label,
        name,
        state.errors,
        id_prefix=id_prefix,
        hint=hint,
        value=getattr(state, name),
        on_change=lambda v: state.set_field(name, v),
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


def secret_form_card(
    heading: str,
    *children: rx.Component,
    on_submit: Any,
    back_to: str,
    max_width: str,
    **center_props: Any,
) -> rx.Component:
    """Sign-in and registration: a centred card holding one `secret_form`."""
    return rx.center(
        rx.card(
            secret_form(
                rx.vstack(rx.heading(heading, size="6"), *children, spacing="4", width="100%"),
                on_submit=on_submit,
                no_validate=True,
                width="100%",
                back_to=back_to,
            ),
            width="100%",
            max_width=max_width,
            size="4",
        ),
        **center_props,
    )
