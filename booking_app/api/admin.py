"""The admin view (starlette-admin) over every table, behind the app's own session cookie.

Only users whose role in the database is `admin` get in (re-checked on every request,
with the server-side session: a signed-out or ended session is refused); the admin
sign-in form goes through the same throttled `accounts.authenticate`. Deactivating a
user here ends all of their sessions. What every view guarantees (forms that save or say
why, no secrets, formula-safe CSV, no import on read-only views) lives in
`admin_views.AdminModelView`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette_admin.auth import AdminUser, AuthProvider
from starlette_admin.contrib.sqla import Admin
from starlette_admin.exceptions import LoginFailed
from starlette_admin.helpers import safe_redirect_url
from starlette_admin.i18n import TimezoneConfig

from booking_app import clock
from booking_app import models as m
from booking_app.api.admin_views import AdminModelView
from booking_app.api.auth import clear_session_cookie, set_session_cookie
from booking_app.api.client_ip import request_ip
from booking_app.config import get_settings
from booking_app.db import get_engine
from booking_app.services import accounts, admin_users, sessions
from booking_app.services.errors import InvalidCredentials, TooManyAttempts
from booking_app.services.session_tokens import SESSION_COOKIE

ADMIN_PATH = "/admin"
# Our overrides of starlette-admin's templates and static files (no web font from the
# internet, accessible markup, search as you type); its own are the fallback.
ADMIN_TEMPLATES = Path(__file__).with_name("admin_templates")
ADMIN_STATIC = Path(__file__).with_name("admin_static")
# Every time in the admin is UTC, shown and typed. starlette-admin's default follows a
# `timezone` cookie its page script sets on the first visit: a form rendered before that
# cookie existed (in UTC) would be read back in the new zone, shifting every time saved.
ADMIN_TIMEZONE = TimezoneConfig(
    default_timezone="UTC",
    database_timezone="UTC",
    timezone_cookie_name=None,
    use_user_locale_timezone=False,
)


class SessionCookieAdminAuth(AuthProvider):
    async def authenticate(self, request: Request) -> AdminUser | None:
        user = sessions.session_user(request.cookies.get(SESSION_COOKIE))
        return AdminUser(username=user.name) if user and user.role == "admin" else None

    async def login(
        self, username: str, password: str, remember_me: bool, request: Request
    ) -> Response | None:
        try:
            user = accounts.authenticate(
                username, password, ip=request_ip(request), now=clock.now()
            )
        except (InvalidCredentials, TooManyAttempts) as exc:
            raise LoginFailed(exc.detail) from None
        if user.role != "admin":
            raise LoginFailed("This account is not an administrator.")
        fallback = f"{ADMIN_PATH}/"
        target = safe_redirect_url(request.query_params.get("next") or fallback, request, fallback)
        response = RedirectResponse(target, status_code=303)
        set_session_cookie(response, user)
        return response

    async def logout(self, request: Request) -> Response | None:
        sessions.end_session(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        clear_session_cookie(response)
        return response


class _CurrentEngineSessions(sessionmaker):
    """Sessions on whatever engine `get_engine()` returns now, not the one at import time."""

    def __call__(self, **kw: Any) -> Session:  # type: ignore[override]
        return Session(get_engine(), **kw)


class UserView(AdminModelView):
    searchable_fields = ["name", "email", "phone", "telegram_username"]
    sortable_fields = ["id", "name", "email", "role", "created_at"]

    def can_create(self, request: Request) -> bool:
        """Accounts come from sign-up or `cli create-admin` (hashing, validation)."""
        return False

    async def after_edit_committed(self, request: Request, obj: Any) -> None:
        """A deactivated user is refused by every session and token check already; ending
        the sessions and revoking the tokens too sends their open tabs to sign-in and
        keeps a later reactivation from reviving them (services/admin_users.py)."""
        if not obj.is_active:
            admin_users.set_active(int(obj.id), False, now=clock.now())


class NotificationView(AdminModelView):
    """The outbox, read-only: what was (or, without a bot token, would have been) sent."""

    searchable_fields = ["kind", "body", "last_error"]
    sortable_fields = ["id", "send_at", "sent_at", "status", "kind", "attempts"]
    fields_default_sort = [("id", True)]
    redacted_fields = ("body", "last_error")  # messages carry private booking links

    def can_create(self, request: Request) -> bool:
        return False

    def can_edit(self, request: Request) -> bool:
        return False

    def can_delete(self, request: Request) -> bool:
        return False


VIEWS: list[tuple[type, str]] = [
    (m.TutorProfile, "fa fa-chalkboard-teacher"),
    (m.Subject, "fa fa-book"),
    (m.Service, "fa fa-briefcase"),
    (m.Lesson, "fa fa-calendar"),
    (m.Booking, "fa fa-ticket-alt"),
    (m.Classroom, "fa fa-school"),
    (m.ClassroomMembership, "fa fa-users"),
    (m.ClassroomSession, "fa fa-video"),
    (m.AvailabilityWindow, "fa fa-clock"),
    (m.AvailabilityOverride, "fa fa-calendar-times"),
    (m.BusyBlock, "fa fa-ban"),
    (m.SignInAttempt, "fa fa-user-lock"),
]


def build_admin() -> Admin:
    admin = Admin(
        _CurrentEngineSessions(),
        title="TutorBook admin",
        base_url=ADMIN_PATH,
        auth_provider=SessionCookieAdminAuth(),
        secret_key=get_settings().secret_key,  # fixed key: admin CSRF survives restarts/workers
        timezone_config=ADMIN_TIMEZONE,
        templates_dir=str(ADMIN_TEMPLATES),
        static_dir=str(ADMIN_STATIC),
    )
    admin.add_view(UserView(m.User, icon="fa fa-user"))
    admin.add_view(NotificationView(m.Notification, icon="fa fa-bell", menu_label="Outbox"))
    for model, icon in VIEWS:
        admin.add_view(AdminModelView(model, icon=icon))
    return admin
