"""/api/v1/webhooks: the contract, and who may see or change an endpoint.

A tutor's endpoint is invisible to another tutor (404 `webhook_not_found` for every
route, never a hint it exists), refused to students (403) and to anonymous callers
(401); its owner (the negative control) and admins may do everything. The secret is in
the creation and rotation answers only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.services import booking as svc
from booking_app.services.sessions import open_session
from tests.integration.webhook_helpers import add_admin, deliveries, webhook_settings
from tests.support import clock
from tests.support.builders import NOW, add_service, add_student, add_tutor, form

URL = "https://hooks.example.com/in"


def _auth(user_id: int, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=clock.now())}"}


@pytest.fixture
def setup(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:  # type: ignore[type-arg]
    with webhook_settings(monkeypatch, WEBHOOK_ALLOW_PRIVATE="false"):
        tutor, other = add_tutor("olena@example.com"), add_tutor("petro@example.com")
        yield {
            "tutor": _auth(tutor, "tutor"), "other": _auth(other, "tutor"),
            "student": _auth(add_student(), "student"), "admin": _auth(add_admin(), "admin"),
            "tutor_id": tutor, "client": TestClient(api),
        }  # fmt: skip


def test_create_read_change_rotate_delete(setup: dict) -> None:  # type: ignore[type-arg]
    c, me = setup["client"], setup["tutor"]
    made = c.post("/api/v1/webhooks", json={"url": URL, "events": ["booking.created"]}, headers=me)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("whsec_") and body["active"] and body["scope"] == "own"
    hook = body["id"]
    got = c.get(f"/api/v1/webhooks/{hook}", headers=me).json()
    assert "secret" not in got and got["events"] == ["booking.created"]
    assert [e["id"] for e in c.get("/api/v1/webhooks", headers=me).json()] == [hook]
    changed = c.patch(
        f"/api/v1/webhooks/{hook}", json={"events": ["lesson.moved", "booking.created"], "active": False},
        headers=me,
    ).json()  # fmt: skip
    assert changed["events"] == ["booking.created", "lesson.moved"] and not changed["active"]
    rotated = c.post(f"/api/v1/webhooks/{hook}/rotate-secret", headers=me).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != body["secret"]
    assert c.delete(f"/api/v1/webhooks/{hook}", headers=me).status_code == 204
    gone = c.get(f"/api/v1/webhooks/{hook}", headers=me)
    assert (gone.status_code, gone.json()["error"]) == (404, "webhook_not_found")


def test_bad_input_is_a_clear_422(setup: dict) -> None:  # type: ignore[type-arg]
    c, me = setup["client"], setup["tutor"]
    cases = [
        ({"url": "http://hooks.example.com/x", "events": ["booking.created"]}, "url"),
        ({"url": "https://127.0.0.1/x", "events": ["booking.created"]}, "url"),
        ({"url": URL, "events": ["booking.exploded"]}, "events"),
        ({"url": URL, "events": []}, "events"),
    ]
    for payload, field in cases:
        r = c.post("/api/v1/webhooks", json=payload, headers=me)
        assert (r.status_code, r.json()["error"]) == (422, "validation_failed"), payload
        assert field in r.json()["fields"], r.json()
    hook = c.post("/api/v1/webhooks", json={"url": URL, "events": ["lesson.moved"]}, headers=me)
    r = c.patch(f"/api/v1/webhooks/{hook.json()['id']}", json={}, headers=me)
    assert (r.status_code, r.json()["error"]) == (422, "validation_failed")
    assert len(c.get("/api/v1/webhooks", headers=me).json()) == 1  # nothing half-written


def test_only_the_owner_and_admins_reach_an_endpoint(setup: dict) -> None:  # type: ignore[type-arg]
    c = setup["client"]
    hook = c.post(
        "/api/v1/webhooks", json={"url": URL, "events": ["booking.created"]}, headers=setup["tutor"]
    ).json()["id"]
    tutor = setup["tutor_id"]
    service = add_service(tutor)
    svc.create_booking(form(tutor, service), student_id=None, now=NOW)
    [delivery] = deliveries(hook)
    base = f"/api/v1/webhooks/{hook}"
    routes = [
        ("get", base, None), ("patch", base, {"active": False}),
        ("post", f"{base}/rotate-secret", None), ("get", f"{base}/deliveries", None),
        ("post", f"{base}/deliveries/{delivery.id}/redeliver", None),
    ]  # fmt: skip
    expected = {"other": (404, "webhook_not_found"), "student": (403, "forbidden")}
    for who, (status, code) in expected.items():
        for method, path, payload in routes + [("delete", base, None)]:
            r = c.request(method, path, json=payload, headers=setup[who])
            assert (r.status_code, r.json()["error"]) == (status, code), (who, method, path)
    for method, path, payload in routes:
        assert c.request(method, path, json=payload).json()["error"] == "unauthorized"
    assert c.get("/api/v1/webhooks", headers=setup["other"]).json() == []
    for who in ("tutor", "admin"):  # the negative control: the same requests succeed
        for method, path, payload in routes:
            r = c.request(method, path, json=payload, headers=setup[who])
            assert r.status_code == 200, (who, method, path, r.text)
    log = c.get(f"{base}/deliveries", headers=setup["tutor"]).json()
    assert [d["event_type"] for d in log] == ["booking.created"] and log[0]["status"] == "pending"
    listed = c.get("/api/v1/webhooks", headers=setup["admin"]).json()
    assert [(e["id"], e["scope"], e["owner_name"]) for e in listed] == [
        (hook, "own", "Tutor olena")
    ]
    assert c.delete(base, headers=setup["admin"]).status_code == 204
