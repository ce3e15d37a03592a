"""Webhooks (tutors and admins): add an endpoint, see its secret once, rotate it, turn it
on or off, delete it, read its delivery log (response codes, times) and redeliver.

The state and its rules: state.py (and services/webhooks/manage.py behind it).
"""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.forms import form_message, named_field
from booking_app.components.layout import app_shell
from booking_app.components.widgets import empty_state, page_header, status_badge, when_loaded
from booking_app.pages.webhooks.state import DeliveryRow, EndpointRow, WebhooksState
from booking_app.services.webhooks import EVENT_TYPES
from booking_app.state.page import tutor_or_admin_page

__all__ = ["WebhooksState", "webhooks_page"]

S = WebhooksState


def _event_checkbox(event_type: str) -> rx.Component:
    field_id = f"webhook-event-{event_type.replace('.', '-')}"
    return rx.el.label(
        rx.checkbox(
            checked=S.chosen.contains(event_type),
            on_change=lambda checked: S.toggle_event(event_type, checked),
            id=field_id,
        ),
        rx.text(event_type, size="2", font_family="var(--code-font-family)"),
        html_for=field_id,
        style={"display": "flex", "gap": "8px", "align_items": "center", "min_height": "44px"},
    )


def _add_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add an endpoint", size="4"),
                named_field(
                    "URL",
                    "url",
                    S.errors,
                    id_prefix="webhook-",
                    type="url",
                    placeholder="https://example.com/hooks/tutorbook",
                    hint="HTTPS only. We POST JSON signed with your endpoint's secret.",
                ),  # fmt: skip
                rx.el.fieldset(
                    rx.el.legend("Events", class_name="rt-Text rt-r-size-2 rt-r-weight-medium"),
                    rx.grid(
                        *[_event_checkbox(e) for e in EVENT_TYPES],
                        columns=rx.breakpoints(initial="1", sm="2"),
                        width="100%",
                    ),  # fmt: skip
                    rx.cond(
                        S.errors.get("events", "") != "",
                        rx.text(
                            S.errors.get("events", ""),
                            color_scheme="red",
                            size="2",
                            id="webhook-events-error",
                            role="alert",
                        ),  # fmt: skip
                    ),
                    style={"border": "none", "padding": 0, "margin": 0},
                    id="webhook-events",
                ),
                form_message(S.errors, "webhook-form-error"),
                rx.button(
                    "Add endpoint", type="submit", loading=S.busy, size="3", id="webhook-add"
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.create,
            reset_on_submit=False,
        ),
        width="100%",
    )


def _secret_card() -> rx.Component:
    return rx.cond(
        S.new_secret != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("key-round")),
            rx.vstack(
                rx.text(
                    "Secret for ",
                    rx.text.span(S.made_for, font_weight="bold"),
                    ". Copy it now: it is not shown again.",
                ),  # fmt: skip
                rx.input(
                    value=S.new_secret,
                    read_only=True,
                    id="webhook-secret",
                    width="100%",
                    aria_label="Endpoint secret",
                ),  # fmt: skip
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy",
                        on_click=S.copy_secret,
                        id="webhook-secret-copy",
                    ),  # fmt: skip
                    rx.button(
                        "Done", variant="soft", on_click=S.dismiss_secret, id="webhook-secret-done"
                    ),  # fmt: skip
                ),
                spacing="2",
                width="100%",
            ),
            color_scheme="amber",
            role="status",
            width="100%",
        ),
    )


def _endpoint_card(e: EndpointRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.text(e.url, weight="bold", style={"word_break": "break-all"}),
                rx.cond(e.active, status_badge("Active", "green"), status_badge("Off", "red")),
                justify="between",
                gap="2",
                width="100%",
                wrap="wrap",
            ),  # fmt: skip
            rx.text(e.events, size="2", color_scheme="gray"),
            rx.text(e.scope, " · owner ", e.owner_name, size="1", color_scheme="gray"),
            rx.cond(
                e.disabled_reason != "",
                rx.text(
                    e.disabled_reason,
                    size="2",
                    color_scheme="red",
                    class_name="webhook-disabled-reason",
                ),
            ),  # fmt: skip
            rx.cond(
                e.failures > 0,
                rx.text("Failed deliveries in a row: ", e.failures, size="2", color_scheme="amber"),
            ),  # fmt: skip
            rx.flex(
                rx.button(
                    "Deliveries",
                    variant="soft",
                    on_click=S.show_log(e.id),
                    class_name="webhook-log",
                ),  # fmt: skip
                rx.button(
                    "Rotate secret",
                    variant="soft",
                    on_click=S.rotate(e.id),
                    class_name="webhook-rotate",
                ),  # fmt: skip
                rx.cond(
                    e.active,
                    rx.button(
                        "Turn off",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.set_active(e.id, False),
                        class_name="webhook-off",
                    ),  # fmt: skip
                    rx.button(
                        "Turn on",
                        variant="soft",
                        color_scheme="green",
                        on_click=S.set_active(e.id, True),
                        class_name="webhook-on",
                    ),  # fmt: skip
                ),
                rx.button(
                    "Delete",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask_delete(e.id),
                    class_name="webhook-delete",
                ),  # fmt: skip
                gap="2",
                wrap="wrap",
            ),  # fmt: skip
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="webhook-endpoint",
    )


def _delivery(d: DeliveryRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(d.event_type, size="2"), rx.text(d.subject, size="1", color_scheme="gray")),
        rx.table.cell(status_badge(d.status, d.color)),
        rx.table.cell(d.code),
        rx.table.cell(d.attempts),
        rx.table.cell(d.when),
        rx.table.cell(rx.text(d.error, size="1", style={"word_break": "break-word"})),
        rx.table.cell(
            rx.cond(
                d.status != "sending",
                rx.button("Redeliver", size="2", variant="soft", on_click=S.redeliver(d.id), class_name="webhook-redeliver"),  # fmt: skip
            )
        ),
        class_name="webhook-delivery",
    )  # fmt: skip


def _log() -> rx.Component:
    headers = ("Event", "Status", "Response", "Attempts", "Last attempt", "Error", "")
    return rx.cond(
        S.log_for > 0,
        rx.card(
            rx.vstack(
                rx.heading(
                    "Deliveries to ",
                    S.log_url,
                    size="4",
                    id="webhook-log-heading",
                    tab_index=-1,
                    style={"word_break": "break-all"},
                ),  # fmt: skip
                rx.cond(
                    S.deliveries.length() == 0,
                    rx.text(
                        "Nothing sent yet: events appear here as they happen.",
                        color_scheme="gray",
                        id="webhook-log-empty",
                    ),  # fmt: skip
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(*[rx.table.column_header_cell(h) for h in headers])
                            ),  # fmt: skip
                            rx.table.body(rx.foreach(S.deliveries, _delivery)),
                            size="1",
                            width="100%",
                        ),
                        overflow_x="auto",
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="webhook-log",
        ),
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this endpoint?"),
            rx.alert_dialog.description(
                "Nothing more is sent to it, and its delivery log is deleted."
            ),  # fmt: skip
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete",
                        color_scheme="red",
                        high_contrast=True,
                        on_click=S.delete,
                        id="webhook-delete-confirm",
                    )
                ),  # fmt: skip
                justify="end",
                spacing="3",
                margin_top="var(--space-4)",
            ),
        ),
        open=S.delete_id > 0,
        on_open_change=S.keep,
    )


# In the admins' navigation; tutors reach it from their Profile page ("Integrations"):
# a tutor's header has no room for an eleventh link at 1280 px.
routes.add_nav("admin", "Webhooks", routes.WEBHOOKS, "webhook")


@tutor_or_admin_page(routes.WEBHOOKS, "Webhooks", on_load=[WebhooksState.on_load])
def webhooks_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            page_header(rx.heading("Webhooks", size="7", id="webhooks-heading")),
            rx.text(
                "Your own programs hear about bookings and lessons as they happen: we POST a "
                "signed JSON event to each endpoint, retry with backoff when it fails, and "
                "turn an endpoint off after repeated failures.",
                size="2",
                color_scheme="gray",
            ),
            _secret_card(),
            _add_form(),
            when_loaded(
                S.loaded,
                rx.cond(
                    S.endpoints.length() == 0,
                    empty_state(
                        "webhook",
                        "No endpoints yet",
                        "Add a URL above to start receiving events.",
                        id_="webhooks-empty",
                    ),  # fmt: skip
                    rx.vstack(
                        rx.foreach(S.endpoints, _endpoint_card),
                        spacing="3",
                        width="100%",
                        id="webhooks-list",
                    ),  # fmt: skip
                ),
            ),
            _log(),
            _delete_dialog(),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
