"""The admin view: only admins get in (cookie or its own form), secrets never shown,
read-only views offer no way to write (forms: test_admin_forms.py, export:
test_admin_export.py)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.services import accounts, sessions
from tests.integration.admin_helpers import build_world, client_for, csrf_token, first_pk
from tests.support import clock


def _cookie_for(user_id: int, role: str) -> str:
    return sessions.open_session(user_id=user_id, role=role, now=clock.now())


def _people() -> tuple[int, accounts.SessionUser]:
    admin_id = accounts.create_admin(
        email="admin@example.com", name="Ada Admin", phone="+380671110000", password="admin-pass-1"
    )
    student = accounts.register(
        accounts.Registration(
            "Stan Student", "stan@example.com", "+380671110001", "student-pass", "student", "UTC"
        )
    )
    return admin_id, student


def test_only_admins_pass_the_cookie_check(db: str) -> None:
    admin_id, student = _people()
    client = TestClient(api)
    assert client.get("/admin/", follow_redirects=False).status_code == 303
    client.cookies.set("session", _cookie_for(student.id, "student"))
    assert client.get("/admin/", follow_redirects=False).status_code == 303
    # A forged role claim doesn't help: the role is re-read from the database.
    client.cookies.set("session", _cookie_for(student.id, "admin"))
    assert client.get("/admin/", follow_redirects=False).status_code == 303
    client.cookies.set("session", _cookie_for(admin_id, "admin"))
    page = client.get("/admin/user/list")
    assert page.status_code == 200


def test_user_list_never_exposes_password_hashes(db: str) -> None:
    admin_id, _ = _people()
    client = TestClient(api)
    client.cookies.set("session", _cookie_for(admin_id, "admin"))
    listing = client.get("/admin/user/list")
    assert listing.status_code == 200
    assert "stan@example.com" in listing.text
    assert "argon2" not in listing.text and "password_hash" not in listing.text.lower()
    detail = client.get("/admin/user/detail", params={"pk": admin_id})
    assert detail.status_code == 200 and "argon2" not in detail.text


def _csrf(html: str) -> dict[str, str]:
    match = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert match, "the admin login form carries a CSRF token"
    return {"csrftoken": match.group(1)}


def test_admin_form_login_refuses_students_and_admits_admins(db: str) -> None:
    _people()
    client = TestClient(api)
    form = client.get("/admin/login")
    student = client.post(
        "/admin/login",
        data={"username": "stan@example.com", "password": "student-pass", **_csrf(form.text)},
        follow_redirects=False,
    )
    assert student.status_code == 400 and "not an administrator" in student.text
    form = client.get("/admin/login")
    admin = client.post(
        "/admin/login",
        data={"username": "admin@example.com", "password": "admin-pass-1", **_csrf(form.text)},
        follow_redirects=False,
    )
    assert admin.status_code == 303 and "session=" in admin.headers["set-cookie"]


def test_read_only_views_offer_no_import_create_edit_or_delete(db: str) -> None:
    """The outbox, bookings, lessons and the audit log are read-only (their rows change by
    row actions through the services): none offers an import (it would create rows) and
    the routes refuse what the page hides. Users are created only as tutors through the
    sign-up service (test_admin_operations.py), never imported."""
    world = build_world()
    client = client_for(world.admin_id)
    headers = {"X-CSRFToken": csrf_token(client)}
    upload = {"file": ("rows.csv", b"Id,Kind\n99,digest\n", "text/csv")}
    pk = first_pk(client, "notification")
    for key in ("notification", "booking", "lesson", "audit-log", "user"):
        listing = client.get(f"/admin/{key}/list").text
        assert "#modal-import" not in listing
        if key != "user":
            assert f"/admin/{key}/create" not in listing
            assert client.get(f"/admin/{key}/create").status_code == 403
        for preview in ("1", "0"):
            imported = client.post(
                f"/admin/_api/{key}/import",
                params={"preview": preview},
                data={"format": "csv"},
                files=upload,
                headers=headers,
            )
            assert imported.status_code == 403, (key, imported.status_code)
    listing = client.get("/admin/notification/list").text
    assert 'data-sa-name="delete"' not in listing and "/admin/notification/edit" not in listing
    assert client.get("/admin/notification/edit", params={"pk": pk}).status_code == 403
    edit = client.post("/admin/notification/edit", params={"pk": pk}, data={}, headers=headers)
    assert edit.status_code == 403
    for route, params in (("row-action", {"pk": pk}), ("action", {"pks": pk})):
        deleted = client.post(
            f"/admin/_api/notification/{route}",
            params={"name": "delete", **params},
            headers=headers,
        )
        assert deleted.status_code == 400 and deleted.json() == {"msg": "Forbidden"}
    assert client.get("/admin/notification/detail", params={"pk": pk}).status_code == 200
    # An editable view still offers import (preview only here: nothing is written).
    assert "#modal-import" in client.get("/admin/subject/list").text


def test_admin_without_trailing_slash_redirects_to_the_panel(db: str) -> None:
    """/admin is what the "Admin panel" link opens; the panel lives at /admin/."""
    admin_id, _ = _people()
    client = TestClient(api)
    client.cookies.set("session", _cookie_for(admin_id, "admin"))
    moved = client.get("/admin", follow_redirects=False)
    assert moved.status_code in (301, 302, 303, 307, 308)
    assert moved.headers["location"].endswith("/admin/")
    assert "TutorBook admin" in client.get("/admin").text
