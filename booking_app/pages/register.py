"""Registration page: student or tutor, field errors next to each field."""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.forms import form_field, secret_form, submit_button, text_input
from booking_app.components.layout import public_shell
from booking_app.services import accounts
from booking_app.services.errors import ValidationFailed
from booking_app.state.page import guest_page
from booking_app.state.session import start_session
from booking_app.state.viewer_timezone import BROWSER_TZ_JS, valid_timezone, zone_names

FIELDS = ("name", "email", "phone", "password", "timezone", "telegram_username", "role")


class RegisterState(rx.State):
    role: str = "student"
    timezone: str = "UTC"
    loading: bool = False
    name_error: str = ""
    email_error: str = ""
    phone_error: str = ""
    password_error: str = ""
    timezone_error: str = ""
    telegram_username_error: str = ""
    role_error: str = ""

    @rx.event
    def set_role(self, role: str | list[str]) -> None:
        value = role[0] if isinstance(role, list) and role else role
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
        self._set_errors({})
        role = self.router.url.query_parameters.get("role", "")
        if role in ("student", "tutor"):
            self.role = role
        return rx.call_script(BROWSER_TZ_JS, callback=RegisterState.set_browser_timezone)

    def _set_errors(self, errors: dict[str, str]) -> None:
        for field in FIELDS:
            setattr(self, f"{field}_error", errors.get(field, ""))

    @rx.event
    def submit(self, form_data: dict[str, str]):  # type: ignore[no-untyped-def]
        self._set_errors({})
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
            self._set_errors(exc.field_errors)
            self.loading = False
            yield rx.set_focus(next(iter(exc.field_errors)))
            return
        yield start_session(user.id, routes.HOME)


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
        class_name="rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface",
        style={"width": "100%"},
    )


def _fields() -> list[rx.Component]:
    s = RegisterState
    return [
        form_field(
            "Full name",
            text_input("name", auto_complete="name", required=True, invalid=s.name_error),
            s.name_error,
            "name",
        ),
        form_field(
            "Email",
            text_input(
                "email", type_="email", auto_complete="email", required=True, invalid=s.email_error
            ),
            s.email_error,
            "email",
        ),
        form_field(
            "Phone",
            text_input(
                "phone",
                type_="tel",
                auto_complete="tel",
                required=True,
                placeholder="+380 67 123 4567",
                invalid=s.phone_error,
            ),
            s.phone_error,
            "phone",
        ),
        form_field(
            "Password",
            text_input(
                "password",
                type_="password",
                auto_complete="new-password",
                required=True,
                invalid=s.password_error,
            ),
            s.password_error,
            "password",
            hint="At least 8 characters.",
        ),
        form_field(
            "Timezone",
            _timezone_select(),
            s.timezone_error,
            "timezone",
            hint="Lesson times are shown in this timezone.",
        ),
        form_field(
            "Telegram username (optional)",
            text_input(
                "telegram_username", placeholder="@username", invalid=s.telegram_username_error
            ),
            s.telegram_username_error,
            "telegram_username",
            hint="For booking confirmations and reminders from our bot.",
        ),
    ]


@guest_page(routes.REGISTER, "Create account", on_load=[RegisterState.on_load])
def register_page() -> rx.Component:
    return public_shell(
        rx.center(
            rx.card(
                secret_form(
                    rx.vstack(
                        rx.heading("Create your account", size="6"),
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
                            rx.link("Sign in", href=routes.LOGIN),
                            size="2",
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=RegisterState.submit,
                    no_validate=True,
                    width="100%",
                    back_to=routes.REGISTER,
                ),
                width="100%",
                max_width="480px",
                size="4",
            ),
            padding_y="6vh",
        )
    )
