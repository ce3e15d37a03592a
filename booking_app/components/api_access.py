"""The "API access" card: personal access tokens for scripts and integrations (make one,
copy its secret once, see when each was last used, revoke). On the tutor profile page
and, for students and admins, the home page, under the security card. State:
state/api_access.py. README "Using the API" says what to do with a token."""

from __future__ import annotations

import reflex as rx

from booking_app.components.forms import SELECT_CLASS, form_message, named_field, submit_button
from booking_app.state.api_access import SHOWN_ONCE_ID, AccessRow, ApiAccessState

S = ApiAccessState
PREFIX = "api-access-"


def _choice(name: str, options: list[tuple[str, str]], default: str) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(label, value=value) for value, label in options],
        id=f"{PREFIX}{name}",
        name=name,
        default_value=default,
        class_name=SELECT_CLASS,
        style={"width": "100%"},
    )


def _row(row: rx.Var[AccessRow]) -> rx.Component:  # type: ignore[type-arg]
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(row.name, weight="medium"),
                rx.badge(row.scope, color_scheme=rx.cond(row.scope == "write", "orange", "gray")),
                rx.cond(row.expired, rx.badge("expired", color_scheme="red")),
                spacing="2",
                wrap="wrap",
            ),
            rx.text(
                rx.code(row.prefix),
                " · made ",
                row.created_label,
                " · expires ",
                row.expires_label,
                " · last used ",
                row.last_used_label,
                size="1",
                color_scheme="gray",
            ),  # fmt: skip
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        rx.button(
            "Revoke",
            on_click=S.revoke(row.id),
            color_scheme="red",
            variant="soft",
            min_height="44px",
            aria_label="Revoke token " + row.name,
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _shown_once() -> rx.Component:
    """Always in the page (only hidden), so `rx.set_value` finds the field at once."""
    return rx.box(
        rx.callout(
            rx.vstack(
                rx.text("Copy this token now. It is shown only once and cannot be seen again."),
                rx.el.input(
                    id=SHOWN_ONCE_ID,
                    read_only=True,
                    aria_label="Your new token",
                    style={"width": "100%", "font_family": "monospace", "min_height": "44px"},
                ),
                rx.button("Done", on_click=S.hide, variant="soft", min_height="44px"),
                spacing="2",
                width="100%",
            ),
            icon="key-round",
            color_scheme="green",
            width="100%",
        ),
        display=rx.cond(S.revealed, "block", "none"),
        width="100%",
    )


def api_access_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("API access", size="4", id="api-access-heading"),
            rx.text(
                "Personal access tokens let a script or another app use your account over "
                "the API. Read tokens can only look; write tokens can do what you can.",
                size="2",
                color_scheme="gray",
            ),
            _shown_once(),
            rx.form(
                rx.vstack(
                    named_field(
                        "Name",
                        "name",
                        S.errors,
                        id_prefix=PREFIX,
                        hint="What will use it, e.g. “accounting export”.",
                        max_length=80,
                    ),  # fmt: skip
                    named_field(
                        "Access",
                        "scope",
                        S.errors,
                        id_prefix=PREFIX,
                        control=_choice(
                            "scope", [("read", "Read only"), ("write", "Read and write")], "read"
                        ),
                    ),  # fmt: skip
                    named_field(
                        "Expires",
                        "expires_in_days",
                        S.errors,
                        id_prefix=PREFIX,
                        control=_choice(
                            "expires_in_days",
                            [
                                ("30", "In 30 days"),
                                ("90", "In 90 days"),
                                ("365", "In a year"),
                                ("never", "Never"),
                            ],
                            "90",
                        ),
                    ),  # fmt: skip
                    form_message(S.errors, "api-access-error", width="100%"),
                    submit_button(
                        rx.icon("plus", size=14),
                        "Create token",
                        loading=S.saving,
                        id="api-access-submit",
                        min_height="44px",
                    ),  # fmt: skip
                    spacing="3",
                    width="100%",
                    max_width="420px",
                ),
                on_submit=S.create,
                key=S.form_key,
                width="100%",
            ),
            rx.separator(size="4"),
            rx.cond(
                S.access_rows.length() > 0,
                rx.vstack(rx.foreach(S.access_rows, _row), spacing="3", width="100%"),
                rx.text("No tokens yet.", size="2", color_scheme="gray"),
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
        max_width="640px",
    )
