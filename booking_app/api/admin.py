"""The admin view (starlette-admin) over every table, behind the app's own session cookie.

Only users whose role in the database is `admin` get in (re-checked on every request,
with the server-side session: a signed-out or ended session is refused); the admin
sign-in form goes through the same throttled `accounts.authenticate`. Bookings, lessons,
accounts and the outbox change only through row actions that call the services and
write the audit log (`admin_actions`); so does the tutor's offer: profiles, services,
special hours and busy time (`admin_offer`); weekly hours, classrooms, memberships, rooms
and sign-in attempts are read-only. Generic forms remain only where no rule applies
(subjects; a user's name and contacts). What every view guarantees (forms that save or say
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
from booking_app.api.admin_actions import (
    AuditLogView,
    BookingView,
    LessonView,
    NotificationView,
    ReadOnlyView,
    UserView,
)
from booking_app.api.admin_offer import (
    BusyBlockAdminView,
    OverrideAdminView,
    TutorProfileAdminView,
    TutorServiceAdminView,
)
from booking_app.api.admin_views import AdminModelView
from booking_app.api.auth import clear_session_cookie, set_session_cookie
from booking_app.api.client_ip import request_ip
from booking_app.config import get_settings
from booking_app.db import get_engine
from booking_app.services import accounts, sessions
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


class CalendarHealthView(AdminModelView):
    """Every connected calendar's health (issue 17), failing ones first, read-only. The
    feed URL (a secret address), the CalDAV user and sealed password are not fields."""

    fields = [
        "id", "tutor_id", "kind", "name", "failures", "last_error", "last_success_at",
        "last_attempt_at", "next_refresh_at", "event_count", "push_error", "pushed_at",
    ]  # fmt: skip
    searchable_fields = ["name", "last_error", "push_error"]
    sortable_fields = ["id", "tutor_id", "failures", "last_success_at", "event_count"]
    fields_default_sort = [("failures", True), ("id", False)]

    def can_create(self, request: Request) -> bool:
        return False

    def can_edit(self, request: Request) -> bool:
        return False

    def can_delete(self, request: Request) -> bool:
        return False


GENERIC: list[tuple[type, str]] = [(m.Subject, "fa fa-book")]
"""Models no rule protects: starlette-admin's create / edit / delete forms (with the
checks of admin_views.AdminModelView). Anything the scheduling engine, a service rule or
the audit log cares about is NOT added here (see admin_offer)."""


def new_admin() -> Admin:
    """An empty admin with the app's sign-in, timezone, templates and CSRF key (the tests
    use it to try the generic form machinery on models the app does not expose)."""
    return Admin(
        _CurrentEngineSessions(),
        title="TutorBook admin",
        base_url=ADMIN_PATH,
        auth_provider=SessionCookieAdminAuth(),
        secret_key=get_settings().secret_key,  # fixed key: admin CSRF survives restarts/workers
        timezone_config=ADMIN_TIMEZONE,
        templates_dir=str(ADMIN_TEMPLATES),
        static_dir=str(ADMIN_STATIC),
    )


def build_admin() -> Admin:
    admin = new_admin()
    admin.add_view(UserView(m.User, icon="fa fa-user"))
    admin.add_view(BookingView(m.Booking, icon="fa fa-ticket-alt"))
    admin.add_view(LessonView(m.Lesson, icon="fa fa-calendar"))
    admin.add_view(NotificationView(m.Notification, icon="fa fa-bell", menu_label="Outbox"))
    admin.add_view(AuditLogView(m.AuditLog, icon="fa fa-history", menu_label="Audit log"))
    # Membership decides who may book and enter rooms (services/students, invites): read-only.
    admin.add_view(ReadOnlyView(m.ClassroomMembership, icon="fa fa-users"))
    admin.add_view(ReadOnlyView(m.ClassroomSession, icon="fa fa-video"))
    admin.add_view(
        CalendarHealthView(
            m.CalendarSource,
            icon="fa fa-sync",
            menu_label="Calendar health",
        )
    )
    admin.add_view(TutorProfileAdminView(m.TutorProfile, icon="fa fa-chalkboard-teacher"))
    admin.add_view(TutorServiceAdminView(m.Service, icon="fa fa-briefcase"))
    admin.add_view(
        ReadOnlyView(m.AvailabilityWindow, icon="fa fa-clock", menu_label="Weekly hours")
    )
    admin.add_view(OverrideAdminView(m.AvailabilityOverride, icon="fa fa-calendar-times"))
    admin.add_view(BusyBlockAdminView(m.BusyBlock, icon="fa fa-ban"))
    admin.add_view(ReadOnlyView(m.Classroom, icon="fa fa-school"))  # one per tutor, at sign-up
    admin.add_view(ReadOnlyView(m.SignInAttempt, icon="fa fa-user-lock"))  # the throttle's log
    for model, icon in GENERIC:
        admin.add_view(AdminModelView(model, icon=icon))
    return admin
