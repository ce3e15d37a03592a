"""Admin resources over HTTP: search, create with field errors, deactivation ending
access, and deletes that refuse (409 `in_use` with a reason) while rows refer to them."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.db import session_scope
from booking_app.models import Service
from booking_app.services import api_tokens
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.acl import add_admin
from tests.support.builders import add_lesson, add_service, add_student, add_subject, add_tutor


def _auth(user_id: int, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=clock.now())}"}


def test_users_search_create_and_field_errors(db: str) -> None:
    admin = _auth(add_admin(), "admin")
    add_student("taras@example.com", name="Taras Shevchenko")
    add_student("ira@example.com", name="Iryna")
    client = TestClient(api)
    found = client.get("/api/v1/admin/users", params={"q": "SHEV"}, headers=admin).json()
    assert [u["email"] for u in found["results"]] == ["taras@example.com"]
    students = client.get("/api/v1/admin/users", params={"role": "student", "limit": 1},
                          headers=admin).json()  # fmt: skip
    assert students["count"] == 2 and len(students["results"]) == 1
    made = client.post("/api/v1/admin/users", headers=admin, json={
        "name": "Olena", "email": "olena@example.com", "phone": "+380671234567",
        "password": "long-enough-1", "role": "tutor", "timezone": "Europe/Kyiv"})  # fmt: skip
    assert made.status_code == 201 and made.json()["role"] == "tutor"
    assert "password_hash" not in made.json()
    tutors = client.get("/api/v1/admin/tutors", params={"q": "olena"}, headers=admin).json()
    assert tutors["count"] == 1 and tutors["results"][0]["slug"]
    bad = client.post("/api/v1/admin/users", headers=admin, json={
        "name": "", "email": "olena@example.com", "phone": "1", "password": "x",
        "role": "student"})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"] == "validation_failed"
    assert {"name", "phone", "password"} <= set(bad.json()["fields"])


def test_deactivation_ends_sessions_and_tokens(db: str) -> None:
    admin = _auth(add_admin(), "admin")
    student = add_student()
    session = _auth(student, "student")
    pat = api_tokens.create_token(
        student, name="x", scope="write", expires_in_days=None, now=clock.now()
    )
    client = TestClient(api)
    assert client.get("/api/v1/me", headers=session).status_code == 200
    off = client.patch(f"/api/v1/admin/users/{student}", headers=admin, json={"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=session).status_code == 401
    on = client.patch(f"/api/v1/admin/users/{student}", headers=admin, json={"is_active": True})
    assert on.status_code == 200
    # Reactivation does not revive what deactivation ended.
    assert client.get("/api/v1/me", headers=session).status_code == 401
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {pat.secret}"}).status_code
        == 401
    )
    assert client.get("/api/v1/me", headers=_auth(student, "student")).status_code == 200


def test_deletes_refuse_while_referenced(db: str) -> None:
    admin_id = add_admin()
    admin = _auth(admin_id, "admin")
    tutor, student, loner = add_tutor(), add_student(), add_student("ira@example.com")
    add_lesson(tutor, clock.now() + timedelta(days=2), students=(student,))
    client = TestClient(api)
    for user_id, reason in ((tutor, "lessons"), (student, "bookings"), (admin_id, "self")):
        refused = client.delete(f"/api/v1/admin/users/{user_id}", headers=admin)
        assert refused.status_code == 409, refused.text
        assert (refused.json()["error"], refused.json()["reason"]) == ("in_use", reason)
        assert "IntegrityError" not in refused.text and "FOREIGN KEY" not in refused.text
    assert client.delete(f"/api/v1/admin/tutors/{loner}", headers=admin).status_code == 404
    assert client.delete(f"/api/v1/admin/users/{loner}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/admin/users/{loner}", headers=admin).status_code == 404

    used, free = add_subject("Algebra"), add_subject("Geometry")
    service = add_service(tutor)
    with session_scope(write=True) as session:
        session.get(Service, service).subject_id = used  # type: ignore[union-attr]
    refused = client.delete(f"/api/v1/admin/subjects/{used}", headers=admin)
    assert (refused.status_code, refused.json()["reason"]) == (409, "services")
    taken = client.patch(f"/api/v1/admin/subjects/{free}", headers=admin, json={"name": "algebra"})
    assert taken.status_code == 422 and "name" in taken.json()["fields"]
    assert client.delete(f"/api/v1/admin/subjects/{free}", headers=admin).status_code == 204
    listed = client.get("/api/v1/admin/subjects", headers=admin).json()
    assert [s["name"] for s in listed["results"]] == ["Algebra"]


def test_nul_and_control_characters_are_field_errors_not_500(db: str) -> None:
    """Found by the fuzzer on PostgreSQL (NUL in a token name was a 500)."""
    admin = _auth(add_admin(), "admin")
    client = TestClient(api, raise_server_exceptions=False)
    for path, body in (("/api/v1/tokens", {"name": "a\x00b"}),
                       ("/api/v1/admin/subjects", {"name": "Alg\x00ebra"}),
                       ("/api/v1/admin/users", {"name": "Ol\x00ena", "email": "o@example.com",
                        "phone": "+380671234567", "password": "long-enough-1"})):  # fmt: skip
        refused = client.post(path, json=body, headers=admin)
        assert refused.status_code == 422 and "name" in refused.json()["fields"], refused.text
    for path in ("/api/v1/admin/users", "/api/v1/admin/subjects", "/api/v1/admin/tutors"):
        assert client.get(path, params={"q": "a\x00"}, headers=admin).status_code == 200
    login = client.post("/api/v1/auth/token", json={"email": "x\x00@example.com", "password": "p"})
    assert login.status_code == 401
