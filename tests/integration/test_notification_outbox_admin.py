"""The admin outbox: with no bot token, due messages are kept as `skipped` and shown
read-only to admins (and to nobody else)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.models import NotificationStatus
from booking_app.services import booking as svc
from booking_app.services import notifications
from tests.integration.notify_helpers import rows
from tests.integration.test_admin_view import _cookie_for, _people
from tests.support.builders import NOW, add_service, add_tutor, form


def test_skipped_messages_are_visible_read_only_to_admins(db: str) -> None:
    admin_id, student = _people()
    tutor = add_tutor()
    svc.create_booking(form(tutor, add_service(tutor)), student_id=None, now=NOW)
    notifications.scan(NOW + timedelta(minutes=1))  # no token configured in tests
    client = TestClient(api)
    client.cookies.set("session", _cookie_for(student.id, "student"))
    [created] = [r for r in rows() if r.kind == "created"]
    assert created.status is NotificationStatus.skipped
    detail = "/admin/notification/detail"
    page = client.get(detail, params={"pk": created.id}, follow_redirects=False)
    assert page.status_code == 303  # a student is sent to the login page
    client.cookies.set("session", _cookie_for(admin_id, "admin"))
    page = client.get(detail, params={"pk": created.id})
    assert page.status_code == 200
    assert "skipped" in page.text and "TELEGRAM_BOT_TOKEN" in page.text
    assert "Booked: Algebra" in page.text
    assert client.get("/admin/notification/list").status_code == 200
    assert client.get("/admin/notification/create").status_code in (403, 404)
    assert client.get("/admin/notification/edit", params={"pk": created.id}).status_code in (
        403,
        404,
    )
