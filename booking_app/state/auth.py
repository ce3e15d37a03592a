"""AuthState: who is signed in, derived on the server from the httpOnly session cookie.

The cookie arrives with the websocket handshake (`router.headers.cookie`, server-only);
the JWT itself is never stored in state (every state var travels to the browser).
Every page load re-reads the user and the server-side session from the database, so a
deactivated account, a changed role or an ended session (sign-out, "sign out everywhere",
password change) takes effect at once. The guards (`require_login`, `require_tutor`, ...,
put first in a page's on_load by the decorators of `state/page.py`) only redirect;
handlers that change data must ask again with `current_user(self, role)`. Tabs already open learn of ended sessions through the
realtime channel (`check_session`), since the cookie is read once per websocket.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import reflex as rx

from booking_app import routes
from booking_app.services import accounts, sessions
from booking_app.services.session_tokens import (
    decode_session_token,
    session_token_from_cookie_header,
)
from booking_app.services.validation import safe_next_path

NOT_A_TUTOR = "Only tutors can open this page."
NOT_A_STUDENT = "Only students can open this page."
NOT_TUTOR_OR_STUDENT = "Only tutors and students can open this page."
NOT_TUTOR_OR_ADMIN = "Only tutors and admins can open this page."


class AuthState(rx.State):
    user_id: int = -1
    name: str = ""
    email: str = ""
    role: str = ""
    timezone: str = ""
    # Backend-only: the session this tab is swapping for a new one (password change), so
    # the "sessions ended" signal of that change does not also send this tab to sign-in.
    _replacing_sid: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.user_id > 0

    @rx.var
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""

    def _token(self) -> str | None:
        return session_token_from_cookie_header(self.router.headers.cookie)

    def _sid(self) -> str:
        claims = decode_session_token(self._token())
        return str(claims["sid"]) if claims else ""

    def _load(self) -> accounts.SessionUser | None:
        user = sessions.session_user(self._token())
        if user is None:
            self.user_id, self.name, self.email, self.role, self.timezone = -1, "", "", "", ""
        else:
            self.user_id, self.name, self.email = user.id, user.name, user.email
            self.role, self.timezone = user.role, user.timezone
        return user

    def require_user(self, *roles: str) -> accounts.SessionUser | None:
        """For handlers: the current user if signed in (and in `roles`, when given)."""
        user = self._load()
        if user is None or (roles and user.role not in roles):
            return None
        return user

    def _login_redirect(self) -> rx.event.EventSpec:
        return rx.redirect(routes.login_url(self.router.url.path or routes.HOME))

    # Helpers other states call start with "_": every public State method is an event
    # handler the browser may call with any arguments.

    def _leave(self) -> rx.event.EventSpec:
        """A full page load of sign-in: a new websocket, no state of the ended session."""
        target = json.dumps(routes.login_url(self.router.url.path or routes.HOME))
        return rx.call_script(f"window.location.assign({target})")

    def _replacing_session(self) -> None:
        """This tab is about to swap its session for a fresh one (see `_replacing_sid`)."""
        self._replacing_sid = self._sid()

    @rx.event
    def check_session(self):  # type: ignore[no-untyped-def]
        """Some of this user's sessions were ended: leave if this tab's is one of them."""
        if self._replacing_sid and self._replacing_sid == self._sid():
            return None
        if self._load() is None:
            return self._leave()
        return None

    @rx.event
    def require_login(self):  # type: ignore[no-untyped-def]
        if self._load() is None:
            return self._login_redirect()
        return None

    def _require_role(self, roles: tuple[str, ...], refusal: str) -> Any:
        user = self._load()
        if user is None:
            return self._login_redirect()
        if user.role not in roles:
            return [rx.toast.error(refusal), rx.redirect(routes.HOME)]
        return None

    @rx.event
    def require_tutor(self):  # type: ignore[no-untyped-def]
        """Tutor pages: others are sent home with a message (guests to sign-in)."""
        return self._require_role(("tutor",), NOT_A_TUTOR)

    @rx.event
    def require_student(self):  # type: ignore[no-untyped-def]
        return self._require_role(("student",), NOT_A_STUDENT)

    @rx.event
    def require_tutor_or_student(self):  # type: ignore[no-untyped-def]
        return self._require_role(("tutor", "student"), NOT_TUTOR_OR_STUDENT)

    @rx.event
    def require_tutor_or_admin(self):  # type: ignore[no-untyped-def]
        """Reports, webhooks: a tutor sees their own, an admin everyone's."""
        return self._require_role(("tutor", "admin"), NOT_TUTOR_OR_ADMIN)

    @rx.event
    def load_optional(self) -> None:
        """Public pages: know the user if there is one, never redirect."""
        self._load()

    @rx.event
    def redirect_if_signed_in(self):  # type: ignore[no-untyped-def]
        """Sign-in and registration: a signed-in visitor goes on to `?next=` (if it is a
        path of this site), else home."""
        if self._load() is not None:
            return rx.redirect(next_of(self) or routes.HOME)
        return None

    @rx.event
    def sign_out(self):  # type: ignore[no-untyped-def]
        """POST the logout route (ends the session, clears the httpOnly cookie), then a
        full page load."""
        return self._signed_out()

    def _signed_out(self) -> rx.event.EventSpec:
        self.user_id, self.name, self.email, self.role, self.timezone = -1, "", "", "", ""
        url = json.dumps(rx.config.get_config().api_url.rstrip("/") + "/api/auth/logout")
        login = json.dumps(routes.LOGIN)
        return rx.call_script(
            f"fetch({url}, {{method: 'POST', credentials: 'include'}})"
            f".finally(() => window.location.assign({login}))"
        )


def next_of(state: rx.State) -> str:
    """The page's `?next=` if it is a path of this site, else "" (never trust it raw)."""
    return safe_next_path(state.router.url.query_parameters.get("next", "")) or ""


async def current_user(state: rx.State, *roles: str) -> accounts.SessionUser | None:
    """For handlers of any state: the signed-in user, re-read from the cookie and the
    database (and in `roles`, when given). None means refuse: the browser may call any
    handler with any arguments, whatever the page's guard decided on load."""
    auth = await state.get_state(AuthState)
    # A database read (the session row): in a worker thread, off the event loop
    # (state/off_loop.py says why); the state lock is held for the whole event.
    return await asyncio.to_thread(auth.require_user, *roles)


async def current_tutor(state: rx.State) -> accounts.SessionUser | None:
    return await current_user(state, "tutor")


def refused(message: str = NOT_A_TUTOR) -> rx.event.EventSpec:
    """The toast of a handler that `current_user` refused."""
    return rx.toast.error(message)
