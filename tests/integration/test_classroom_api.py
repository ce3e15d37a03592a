"""The classroom HTTP routes: the seed's error contract and access by outsiders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.services.sessions import open_session
from tests.integration.booking_helpers import add_student, add_tutor
from tests.integration.classroom_helpers import add_lesson
from tests.support import clock


def _auth(user_id: int, role: str) -> dict[str, str]:
    token = open_session(user_id=user_id, role=role, now=clock.now())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def setup(db: str) -> dict[str, object]:
    tutor, other = add_tutor("olena@example.com"), add_tutor("petro@example.com")
    student, outsider = add_student("taras@example.com"), add_student("ira@example.com")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    lesson = add_lesson(tutor, start, students=(student,), room=False)
    return {"tutor": tutor, "other": other, "student": student, "outsider": outsider,
            "lesson": lesson, "client": TestClient(api)}  # fmt: skip


def test_room_backfill_and_outsiders(setup: dict) -> None:  # type: ignore[type-arg]
    c, lesson = setup["client"], setup["lesson"]
    assert c.get(f"/api/v1/lessons/{lesson}/room").json()["error"] == "unauthorized"
    first = c.get(f"/api/v1/lessons/{lesson}/room", headers=_auth(setup["student"], "student"))
    assert first.status_code == 200
    uuid = first.json()["session_uuid"]
    again = c.get(f"/api/v1/lessons/{lesson}/room", headers=_auth(setup["tutor"], "tutor"))
    assert again.json()["session_uuid"] == uuid
    for who, role in (("outsider", "student"), ("other", "tutor")):
        r = c.get(f"/api/v1/lessons/{lesson}/room", headers=_auth(setup[who], role))
        assert (r.status_code, r.json()["error"]) == (404, "lesson_not_found")
        r = c.get(f"/api/v1/classroom/{uuid}", headers=_auth(setup[who], role))
        assert (r.status_code, r.json()["error"]) == (404, "lesson_not_found")
    room = c.get(f"/api/v1/classroom/{uuid}", headers=_auth(setup["student"], "student")).json()
    assert room["lesson_id"] == lesson and room["can_join"] is False


def test_invites_contract(setup: dict) -> None:  # type: ignore[type-arg]
    c, lesson = setup["client"], setup["lesson"]
    r = c.post(f"/api/v1/lessons/{lesson}/invite", headers=_auth(setup["student"], "student"))
    assert (r.status_code, r.json()["error"]) == (403, "forbidden")
    r = c.post(f"/api/v1/lessons/{lesson}/invite", headers=_auth(setup["other"], "tutor"))
    assert (r.status_code, r.json()["error"]) == (404, "lesson_not_found")
    made = c.post(f"/api/v1/lessons/{lesson}/invite", headers=_auth(setup["tutor"], "tutor")).json()
    assert made["invite_url"].endswith(made["token"]) and made["expires_at"]
    ok = c.get("/api/v1/lesson-invites/resolve", params={"token": made["token"]},
               headers=_auth(setup["student"], "student"))  # fmt: skip
    assert ok.status_code == 200 and ok.json()["session_uuid"]
    r = c.get("/api/v1/lesson-invites/resolve", params={"token": made["token"]},
              headers=_auth(setup["outsider"], "student"))  # fmt: skip
    assert (r.status_code, r.json()["error"]) == (403, "not_a_member")
    r = c.get("/api/v1/lesson-invites/resolve", params={"token": made["token"] + "x"},
              headers=_auth(setup["student"], "student"))  # fmt: skip
    assert (r.status_code, r.json()["error"]) == (400, "invite_invalid")


def test_expired_invite_is_410(setup: dict) -> None:  # type: ignore[type-arg]
    from booking_app.services.invite_tokens import issue_lesson_invite

    token, _ = issue_lesson_invite(setup["lesson"], now=clock.now() - timedelta(hours=25))
    r = setup["client"].get("/api/v1/lesson-invites/resolve", params={"token": token},
                            headers=_auth(setup["student"], "student"))  # fmt: skip
    assert (r.status_code, r.json()["error"]) == (410, "invite_expired")


def test_students_and_lessons(setup: dict) -> None:  # type: ignore[type-arg]
    c = setup["client"]
    r = c.get("/api/v1/my-students", headers=_auth(setup["student"], "student"))
    assert (r.status_code, r.json()["error"]) == (403, "forbidden")
    body = c.get("/api/v1/my-students", params={"q": "taras"},
                 headers=_auth(setup["tutor"], "tutor")).json()  # fmt: skip
    assert body["count"] == 1 and body["results"][0]["status"] == "active"
    start = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    r = c.post("/api/v1/lessons", json={"student_id": setup["outsider"], "start_local": start},
               headers=_auth(setup["tutor"], "tutor"))  # fmt: skip
    assert (r.status_code, r.json()["error"]) == (403, "not_a_member")
    r = c.post("/api/v1/lessons", json={"student_id": setup["student"], "start_local": start},
               headers=_auth(setup["tutor"], "tutor"))  # fmt: skip
    assert r.status_code == 200 and r.json()["session_uuid"]
    dash = c.get("/api/v1/dashboard", headers=_auth(setup["student"], "student")).json()
    assert dash["upcoming"] == 2 and dash["tutor_name"] == "Tutor olena"
