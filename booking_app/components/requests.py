"""A pending request's card (confirm / decline) and the decline dialog, for the Requests
page and the tutor's home; both draw the same `TutorRequestsState`."""

from __future__ import annotations

import reflex as rx

from booking_app.components.forms import error_of, field_error, form_message
from booking_app.state.requests import RequestRow, TutorRequestsState

S = TutorRequestsState


def _contact(icon: str, value: rx.Var[str]) -> rx.Component:  # type: ignore[type-arg]
    return rx.cond(
        value != "",
        rx.hstack(
            rx.icon(icon, size=12),
            rx.text(value, size="1", color_scheme="gray"),
            spacing="1",
            align="center",
        ),
    )


def request_card(r: RequestRow) -> rx.Component:
    rid = r.booking_id.to_string()
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(r.client_name, size="4", class_name="request-client"),
                    rx.cond(r.kind == "trial", rx.badge("Trial", color_scheme="amber")),
                    align="center",
                ),
                rx.text(
                    r.service_name,
                    " · ",
                    r.label,
                    size="2",
                    weight="medium",
                    class_name="request-when",
                ),
                rx.flex(
                    _contact("phone", r.client_phone),
                    _contact("mail", r.client_email),
                    _contact("send", r.telegram_username),
                    gap="var(--space-3)",
                    wrap="wrap",
                ),
                rx.text("Requested ", r.created_label, size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("check", size=14),
                    "Confirm",
                    color_scheme="green",
                    on_click=S.confirm(r.booking_id),
                    loading=S.busy_id == r.booking_id,
                    id="confirm-" + rid,
                ),
                rx.button(
                    rx.icon("x", size=14),
                    "Decline",
                    color_scheme="red",
                    variant="soft",
                    on_click=S.open_decline(r.booking_id, r.client_name),
                    id="decline-" + rid,
                ),
                spacing="2",
            ),
            justify="between",
            align="center",
            gap="var(--space-3)",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        class_name="request-item",
    )


def decline_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Decline ", S.decline_who, "'s request"),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        "Reason (the student sees it)",
                        html_for="decline-reason",
                        class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
                    ),
                    rx.text_area(
                        id="decline-reason",
                        name="reason",
                        rows="3",
                        width="100%",
                        max_length=500,
                        auto_focus=True,
                    ),
                    field_error(error_of(S.errors, "reason"), "decline-reason"),
                    form_message(S.errors, "decline-error", width="100%"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Back", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            "Decline request",
                            color_scheme="red",
                            type="submit",
                            loading=S.declining,
                            id="decline-submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.decline,
                no_validate=True,
                width="100%",
            ),
            max_width="480px",
        ),
        open=S.decline_open,
        on_open_change=S.set_decline_open,
    )
