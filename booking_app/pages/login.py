"""Sign-in page."""

from __future__ import annotations

import reflex as rx

from booking_app import clock, routes
from booking_app.api.client_ip import warn_if_proxy_unconfigured
from booking_app.components.forms import (
    form_message,
    named_field,
    secret_form_card,
    submit_button,
)
from booking_app.components.layout import public_shell
from booking_app.services import accounts
from booking_app.services.errors import InvalidCredentials, TooManyAttempts
from booking_app.state.auth import next_of
from booking_app.state.forms import FormErrors
from booking_app.state.page import guest_page
from booking_app.state.session import start_session


class LoginState(FormErrors, rx.State):
    loading: bool = False
    # Where to go after signing in (a validated path of this site, e.g. the tutor page
    # with the service, week and slot a guest picked), and the links that keep it.
    next_path: str = ""
    register_href: str = routes.REGISTER
    # Set by on_load, not a computed var: Reflex computes every computed var of every
    # state when any tab hydrates, and this one read the router each time (6 % of the
    # worker's time at 200 visitors of tutor pages, issue 15).
    notice: str = ""

    @rx.event
    def on_load(self) -> None:
        """State outlives a full page load: start every visit with a clean form."""
        self._clear_errors()
        self.loading = False
        self.next_path = next_of(self)
        self.register_href = routes.register_url(self.next_path)
        expired = self.router.url.query_parameters.get("expired")
        self.notice = "Your sign-in link expired. Please sign in again." if expired else ""

    @rx.event
    def submit(self, form_data: dict[str, str]):  # type: ignore[no-untyped-def]
        self._clear_errors()
        self.loading = True
        yield
        # Reflex resolved client_ip with rxconfig.trusted_proxy_hops (TRUSTED_PROXY_HOPS).
        warn_if_proxy_unconfigured("x-forwarded-for" in self.router.headers.raw_headers)
        try:
            user = accounts.authenticate(
                form_data.get("email", ""),
                form_data.get("password", ""),
                ip=self.router.session.client_ip,
                now=clock.now(),
            )
        except (InvalidCredentials, TooManyAttempts) as exc:
            self._show_refusal(exc)
            self.loading = False
            return
        yield start_session(user.id, next_of(self) or None)


@guest_page(routes.LOGIN, "Sign in", on_load=[LoginState.on_load])
def login_page() -> rx.Component:
    s = LoginState
    return public_shell(
        secret_form_card(
            "Sign in",
            rx.cond(s.notice != "", rx.callout(s.notice, icon="info", color_scheme="blue")),
            named_field(
                "Email", "email", s.errors, type="email", auto_complete="email", required=True,
                auto_focus=True,
            ),
            named_field(
                "Password", "password", s.errors, type="password",
                auto_complete="current-password", required=True,
            ),
            form_message(s.errors, "login-error"),
            submit_button("Sign in", size="3", width="100%", loading=s.loading, id="login-submit"),
            rx.text(
                "New here? ", rx.link("Create an account", href=s.register_href, id="to-register"),
                size="2",
            ),
            on_submit=s.submit,
            back_to=routes.LOGIN,
            max_width="420px",
            padding_top="8vh",
        )
    )  # fmt: skip
