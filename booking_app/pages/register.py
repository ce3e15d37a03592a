"""Registration page: student or tutor, field errors next to each field."""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.forms import (
    SELECT_CLASS,
    error_of,
    form_field,
    form_message,
    named_field,
    secret_form_card,
    submit_button,
)
from booking_app.components.layout import public_shell
from booking_app.services import accounts
from booking_app.services.errors import ValidationFailed
from booking_app.state.auth import next_of
from booking_app.state.forms import FormErrors, first_value
from booking_app.state.page import guest_page
from booking_app.state.session import start_session
from booking_app.state.viewer_timezone import BROWSER_TZ_JS, valid_timezone, zone_names

FIELDS = ("name", "email", "phone", "password", "timezone", "telegram_username", "role")


class RegisterState(FormErrors, rx.State):
    role: str = "student"
    timezone: str = "UTC"
    loading: bool = False
    # Where to go once the account exists (see LoginState.next_path).
    next_path: str = ""
    login_href: str = routes.LOGIN

    @rx.event
    def set_role(self, role: str | list[str]) -> None:
        value = first_value(role)
        self.role = value if value in ("student", "tutor") else "student"

    @rx.event
    def set_timezone(self, tz: str) -> None:
        self.timezone = tz

    @rx.event
    def set_browser_timezone(self, tz: str) -> None:
        """Preselect the browser's zone; unknown names keep the current choice."""
        self.timezone = valid_timezone(tz) or self.timezone

    @rx.event
    def on_load(self):  # type: ignore[no-untyped-def]
        """State outlives a full page load: start every visit with a clean form."""
        self.loading = False
        self._clear_errors()
        self.next_path = next_of(self)
        self.login_href = routes.login_url(self.next_path)
        role = self.router.url.query_parameters.get("role", "")
        if role in ("student", "tutor"):
            self.role = role
        return rx.call_script(BROWSER_TZ_JS, callback=RegisterState.set_browser_timezone)

    @rx.event
    def submit(self, form_data: dict[str, str]):  # type: ignore[no-untyped-def]
        self._clear_errors()
        self.loading = True
        yield
        registration = accounts.Registration(
            name=form_data.get("name", ""),
            email=form_data.get("email", ""),
            phone=form_data.get("phone", ""),
            password=form_data.get("password", ""),
            role=self.role,
            timezone=self.timezone,
            telegram_username=form_data.get("telegram_username", ""),
        )
        try:
            user = accounts.register(registration)
        except ValidationFailed as exc:
            self.loading = False
            yield from self._show_refusal(exc, FIELDS, focus_prefix="")
            return
        yield start_session(user.id, next_of(self) or routes.HOME)


def _role_choice() -> rx.Component:
    return rx.vstack(
        rx.text("I am a", size="2", weight="medium"),
        rx.segmented_control.root(
            rx.segmented_control.item("Student", value="student", id="role-student"),
            rx.segmented_control.item("Tutor", value="tutor", id="role-tutor"),
            value=RegisterState.role,
            on_change=RegisterState.set_role,
            size="3",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def _timezone_select() -> rx.Component:
    return rx.el.select(
        *[rx.el.option(name, value=name) for name in zone_names()],
        id="timezone",
        name="timezone",
        value=RegisterState.timezone,
        on_change=RegisterState.set_timezone,
        class_name=SELECT_CLASS,
        style={"width": "100%"},
    )


def _fields() -> list[rx.Component]:
    e = RegisterState.errors
    return [
        named_field("Full name", "name", e, auto_complete="name", required=True),
        named_field("Email", "email", e, type="email", auto_complete="email", required=True),
        named_field(
            "Phone",
            "phone",
            e,
            type="tel",
            auto_complete="tel",
            required=True,
            placeholder="+380 67 123 4567",
        ),
        named_field(
            "Password",
            "password",
            e,
            hint="At least 8 characters.",
            type="password",
            auto_complete="new-password",
            required=True,
        ),
        form_field(
            "Timezone",
            _timezone_select(),
            error_of(e, "timezone"),
            "timezone",
            hint="Lesson times are shown in this timezone.",
        ),
        named_field(
            "Telegram username (optional)",
            "telegram_username",
            e,
            hint="For booking confirmations and reminders from our bot.",
            placeholder="@username",
        ),
        form_message(e, "register-error", width="100%"),
    ]


@guest_page(routes.REGISTER, "Create account", on_load=[RegisterState.on_load])
def register_page() -> rx.Component:
    return public_shell(
        secret_form_card(
            "Create your account",
            _role_choice(),
            *_fields(),
            submit_button(
                "Create account",
                size="3",
                width="100%",
                loading=RegisterState.loading,
                id="register-submit",
            ),
            rx.text(
                "Already have an account? ",
                rx.link("Sign in", href=RegisterState.login_href, id="to-login"),
                size="2",
            ),
            on_submit=RegisterState.submit,
            back_to=routes.REGISTER,
            max_width="480px",
            padding_y="6vh",
        )
    )
