"""The account security section's state (change password, sign out everywhere), used by
the tutor profile page and, for students and admins, the home page (its card is
components/account_security.py).

Both handlers re-derive the user from the session cookie and the database; nothing the
browser sends names the account.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.services import account_security
from booking_app.services.errors import DomainError, TooManyAttempts, ValidationFailed
from booking_app.state.auth import AuthState
from booking_app.state.forms import FormErrors, error_text, error_toast
from booking_app.state.off_loop import offload
from booking_app.state.session import start_session

FIELDS = ("current_password", "new_password", "confirm_password")
CHANGED = "Password changed. Your other sessions were signed out."


class AccountSecurityState(FormErrors, rx.State):
    saving: bool = False
    # Backend-only: survives the full page load that swaps this tab's session after a
    # change, so the page can say it worked.
    _just_changed: bool = False

    @rx.event
    def on_load(self):  # type: ignore[no-untyped-def]
        """No stale errors on a visit; the toast of a change that just reloaded the page.

        The form itself is not redrawn here: its fields mount empty on every visit, and a
        redraw after hydration threw away what a fast typist or a password manager had
        already filled in (the e2e test saw "Enter your current password." under load)."""
        self.saving = False
        self._clear_errors()
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
        self._clear_errors()
        self.saving = True
        yield
        try:
            await offload(
                account_security.change_password,
                user.id,
                *(str(form_data.get(name, "") or "") for name in FIELDS),
                ip=self.router.session.client_ip,
                now=clock.now(),
            )
        except ValidationFailed as exc:
            self.saving = False
            for event in self._show_refusal(exc, FIELDS, focus_prefix=""):
                yield event
            return
        except TooManyAttempts as exc:
            self.saving = False
            self.errors = {"current_password": error_text(exc)}
            yield error_toast(exc)
            return
        except DomainError as exc:
            self.saving = False
            yield error_toast(exc)
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
        await offload(account_security.sign_out_everywhere, user.id)
        return auth._signed_out()
