"""Sign-in page."""

from __future__ import annotations

import reflex as rx

from booking_app import clock, routes
from booking_app.api.client_ip import warn_if_proxy_unconfigured
from booking_app.components.forms import form_field, secret_form, submit_button, text_input
from booking_app.components.layout import public_shell
from booking_app.services import accounts
from booking_app.services.errors import InvalidCredentials, TooManyAttempts
from booking_app.state.page import guest_page
from booking_app.state.session import start_session


class LoginState(rx.State):
    error: str = ""
    loading: bool = False

    @rx.event
    def on_load(self) -> None:
        """State outlives a full page load: start every visit with a clean form."""
        self.error, self.loading = "", False

    @rx.var
    def notice(self) -> str:
        if self.router.url.query_parameters.get("expired"):
            return "Your sign-in link expired. Please sign in again."
        return ""

    @rx.event
    def submit(self, form_data: dict[str, str]):  # type: ignore[no-untyped-def]
        self.error, self.loading = "", True
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
            self.error, self.loading = exc.detail, False
            return
        yield start_session(user.id, self.router.url.query_parameters.get("next"))


@guest_page(routes.LOGIN, "Sign in", on_load=[LoginState.on_load])
def login_page() -> rx.Component:
    return public_shell(
        rx.center(
            rx.card(
                secret_form(
                    rx.vstack(
                        rx.heading("Sign in", size="6"),
                        rx.cond(
                            LoginState.notice != "",
                            rx.callout(LoginState.notice, icon="info", color_scheme="blue"),
                        ),
                        form_field(
                            "Email",
                            text_input(
                                "email",
                                type_="email",
                                auto_complete="email",
                                required=True,
                                auto_focus=True,
                            ),
                            rx.Var.create(""),
                            "email",
                        ),
                        form_field(
                            "Password",
                            text_input(
                                "password",
                                type_="password",
                                auto_complete="current-password",
                                required=True,
                            ),
                            rx.Var.create(""),
                            "password",
                        ),
                        rx.cond(
                            LoginState.error != "",
                            rx.callout(
                                LoginState.error,
                                icon="triangle-alert",
                                color_scheme="red",
                                id="login-error",
                                role="alert",
                            ),
                        ),
                        submit_button(
                            "Sign in",
                            size="3",
                            width="100%",
                            loading=LoginState.loading,
                            id="login-submit",
                        ),
                        rx.text(
                            "New here? ",
                            rx.link("Create an account", href=routes.REGISTER),
                            size="2",
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=LoginState.submit,
                    no_validate=True,
                    width="100%",
                    back_to=routes.LOGIN,
                ),
                width="100%",
                max_width="420px",
                size="4",
            ),
            padding_top="8vh",
        )
    )
