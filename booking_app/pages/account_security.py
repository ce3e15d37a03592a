"""Account security section (change password, sign out everywhere), shown on the tutor
profile page and, for students and admins, on their home page.

Not a page of its own: like `pages.session`, a piece two pages share. Both handlers
re-derive the user from the session cookie and the database; nothing the browser sends
names the account.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.components.forms import form_field, secret_form, submit_button, text_input
from booking_app.pages.session import start_session
from booking_app.services import account_security
from booking_app.services.errors import DomainError, TooManyAttempts, ValidationFailed
from booking_app.state.auth import AuthState

FIELDS = ("current_password", "new_password", "confirm_password")
CHANGED = "Password changed. Your other sessions were signed out."


class AccountSecurityState(rx.State):
    saving: bool = False
    form_key: int = 0
    current_password_error: str = ""
    new_password_error: str = ""
    confirm_password_error: str = ""
    # Backend-only: survives the full page load that swaps this tab's session after a
    # change, so the page can say it worked.
    _just_changed: bool = False

    def _set_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            setattr(self, f"{name}_error", errors.get(name, ""))

    @rx.event
    def on_load(self):  # type: ignore[no-untyped-def]
        """Clean form on every visit; the toast of a change that just reloaded the page."""
        self.saving = False
        self._set_errors({})
        self.form_key += 1
        if self._just_changed:
            self._just_changed = False
            return rx.toast.success(CHANGED)
        return None

    @rx.event
    async def change_password(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            yield auth._leave()
            return
        if not isinstance(form_data, dict):  # any caller may send anything
            form_data = {}
        self._set_errors({})
        self.saving = True
        yield
        try:
            account_security.change_password(
                user.id,
                str(form_data.get("current_password", "") or ""),
                str(form_data.get("new_password", "") or ""),
                str(form_data.get("confirm_password", "") or ""),
                ip=self.router.session.client_ip,
                now=clock.now(),
            )
        except ValidationFailed as exc:
            self.saving = False
            self._set_errors(exc.field_errors)
            yield rx.set_focus(next(iter(exc.field_errors)))
            return
        except TooManyAttempts as exc:
            self.saving = False
            self.current_password_error = exc.detail
            yield rx.toast.error(exc.detail)
            return
        except DomainError as exc:
            self.saving = False
            yield rx.toast.error(exc.detail)
            return
        # Every session ended, this tab's too: swap its cookie for a fresh session (a full
        # page load through a login ticket) instead of following the "sessions ended"
        # signal to the sign-in page.
        auth._replacing_session()
        self._just_changed = True
        yield start_session(user.id, self.router.url.path)

    @rx.event
    async def sign_out_everywhere(self):  # type: ignore[no-untyped-def]
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            return auth._leave()
        account_security.sign_out_everywhere(user.id)
        return auth._signed_out()


S = AccountSecurityState


def _password_input(name: str, autocomplete: str, error: rx.Var[str]) -> rx.Component:
    return form_field(
        {
            "current_password": "Current password",
            "new_password": "New password",
            "confirm_password": "New password again",
        }[name],
        text_input(name, type_="password", auto_complete=autocomplete, invalid=error),
        error,
        name,
        hint="At least 8 characters." if name == "new_password" else "",
    )


def account_security_card(back_to: str) -> rx.Component:
    """The section; `back_to` is the page it is on (where an early native submit returns)."""
    return rx.card(
        rx.vstack(
            rx.heading("Sign-in and security", size="4", id="security-heading"),
            secret_form(
                rx.vstack(
                    _password_input(
                        "current_password", "current-password", S.current_password_error
                    ),
                    _password_input("new_password", "new-password", S.new_password_error),
                    _password_input("confirm_password", "new-password", S.confirm_password_error),
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
                key=S.form_key,
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
