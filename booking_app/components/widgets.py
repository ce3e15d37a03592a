"""Small stateless widgets many pages use: the empty-list card, a status badge, the
loading spinner, the "not found" block."""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app import routes


def empty_state(icon: str, title: str, text: str, *actions: rx.Component, id_: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=32, color="var(--gray-9)"),
            rx.heading(title, size="4"),
            rx.text(text, color_scheme="gray", size="2", text_align="center"),
            *actions,
            align="center",
            spacing="3",
            padding_y="var(--space-6)",
        ),
        width="100%",
        id=id_,
    )


def status_badge(status_label: rx.Var[str], color: rx.Var[str], **props: Any) -> rx.Component:  # type: ignore[type-arg]
    return rx.badge(status_label, color_scheme=color, variant="soft", size="2", **props)  # type: ignore[arg-type]


def loading() -> rx.Component:
    """The spinner a page shows until its on_load has filled the state."""
    return rx.center(rx.spinner(size="3"), width="100%", padding="var(--space-6)")


def when_loaded(loaded: rx.Var[bool], content: rx.Component) -> rx.Component:
    """`content` once the page's on_load has filled the state, the spinner until then."""
    return rx.cond(loaded, content, loading())


def trial_badge() -> rx.Component:
    return rx.badge(
        rx.icon("sparkles", size=12), "Trial", color_scheme="amber", class_name="service-trial"
    )


def length_and_price(s: Any, *, label: Any, **props: Any) -> rx.Component:
    """ "60 min · 1 450 UAH" of a service row: `label` is its price already formatted in
    the viewer's locale by services/money.py `price_label` (required, so no page formats
    a price in the browser)."""
    return rx.text(
        s.duration_min.to_string(), " min · ", rx.text.span(label, class_name="price"), **props
    )


def page_header(*children: rx.Component) -> rx.Component:
    """A page's title row: the heading left, actions or badges right, wrapping when narrow."""
    return rx.flex(
        *children,
        justify="between",
        align="center",
        gap="var(--space-3)",
        wrap="wrap",
        width="100%",
    )


def not_found(
    title: str, text: str, heading_id: str, *, action: str = "Find a tutor"
) -> rx.Component:
    """A public page whose link leads nowhere (unknown tutor, unknown booking)."""
    return rx.center(
        rx.vstack(
            rx.icon("search-x", size=40, color="var(--gray-9)"),
            rx.heading(title, size="6", id=heading_id),
            rx.text(text, color_scheme="gray"),
            rx.link(rx.button(action), href=routes.LANDING),
            align="center",
            spacing="3",
        ),
        padding_y="10vh",
    )


def confirm_dialog(
    title: str,
    description: rx.Component,
    *body: rx.Component,
    keep: rx.Component,
    confirm: str,
    on_confirm: Any,
    loading: rx.Var[bool],
    open: rx.Var[bool],
    on_open_change: Any,
    trigger: rx.Component | None = None,
    **content_props: Any,
) -> rx.Component:
    """ "Really do it?": a description, optional `body`, a keep button (`keep`, inside
    alert_dialog.cancel) and a red confirm button (id `confirm-cancel`)."""
    return rx.alert_dialog.root(
        *([rx.alert_dialog.trigger(trigger)] if trigger is not None else []),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            description,
            *body,
            rx.hstack(
                rx.alert_dialog.cancel(keep),
                rx.button(
                    confirm,
                    color_scheme="red",
                    high_contrast=True,  # white on red-9 is 3.9:1, below WCAG AA's 4.5:1
                    on_click=on_confirm,
                    loading=loading,
                    id="confirm-cancel",
                ),
                justify="end",
                spacing="3",
                margin_top="var(--space-4)",
            ),
            **content_props,
        ),
        open=open,
        on_open_change=on_open_change,
    )
