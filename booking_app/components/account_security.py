"""The account security card (change password, sign out everywhere): on the tutor profile
page and, for students and admins, on the home page. Its state is
state/account_security.py."""

from __future__ import annotations

import reflex as rx

from booking_app.components.forms import form_message, named_field, secret_form, submit_button
from booking_app.state.account_security import AccountSecurityState

S = AccountSecurityState


LABELS = {
    "current_password": "Current password",
    "new_password": "New password",
    "confirm_password": "New password again",
}


def _password_input(name: str, autocomplete: str) -> rx.Component:
    return named_field(
        LABELS[name],
        name,
        S.errors,
        hint="At least 8 characters." if name == "new_password" else "",
        type="password",
        auto_complete=autocomplete,
    )


def account_security_card(back_to: str) -> rx.Component:
    """The section; `back_to` is the page it is on (where an early native submit returns)."""
    return rx.card(
        rx.vstack(
            rx.heading("Sign-in and security", size="4", id="security-heading"),
            secret_form(
                rx.vstack(
                    _password_input("current_password", "current-password"),
                    _password_input("new_password", "new-password"),
                    _password_input("confirm_password", "new-password"),
                    form_message(S.errors, "password-change-error", width="100%"),
                    submit_button(
                        rx.icon("key-round", size=14),
                        "Change password",
                        loading=S.saving,
                        id="password-change-submit",
                    ),
                    spacing="3",
                    width="100%",
                    max_width="420px",
                ),
                on_submit=S.change_password,
                no_validate=True,
                width="100%",
                back_to=back_to,
            ),
            rx.separator(size="4"),
            rx.text(
                "Signed in somewhere you shouldn't be? End every session of your account, "
                "on every device, this one included.",
                size="2",
                color_scheme="gray",
            ),
            rx.button(
                rx.icon("log-out", size=14),
                "Sign out everywhere",
                on_click=S.sign_out_everywhere,
                color_scheme="red",
                variant="soft",
                id="sign-out-everywhere",
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
        max_width="640px",
    )
