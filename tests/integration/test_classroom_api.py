"""The classroom HTTP routes: the seed's error contract and access by outsiders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.builders import add_lesson, add_student, add_tutor


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
    from booking_app.services.invites import create_lesson_invite

    made = create_lesson_invite(
        setup["lesson"], tutor_id=setup["tutor"], now=clock.now() - timedelta(hours=25)
    )
    r = setup["client"].get("/api/v1/lesson-invites/resolve", params={"token": made.token},
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


def _rename(user_id: int, name: str) -> None:
    from booking_app.db import session_scope
    from booking_app.models import User

    with session_scope(write=True) as session:
        user = session.get(User, user_id)
        assert user is not None
        user.name = name


def test_room_payload_lists_classmates_to_the_tutor_only(setup: dict) -> None:  # type: ignore[type-arg]
    """Negative control: on 421cbe7 a student's payload carried every classmate's name,
    booking id and seat status."""
    c, tutor, student, outsider = (
        setup["client"],
        setup["tutor"],
        setup["student"],
        setup["outsider"],
    )
    _rename(student, "Taras Shevchenko")
    _rename(outsider, "Iryna Classmate")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    group = add_lesson(tutor, start, students=(student, outsider), capacity=3)
    uuid = c.get(f"/api/v1/lessons/{group}/room", headers=_auth(tutor, "tutor")).json()[
        "session_uuid"
    ]
    as_tutor = c.get(f"/api/v1/classroom/{uuid}", headers=_auth(tutor, "tutor")).json()
    seats = {s["name"]: s["booking_id"] for s in as_tutor["students"]}
    assert set(seats) == {"Taras Shevchenko", "Iryna Classmate"}
    r = c.get(f"/api/v1/classroom/{uuid}", headers=_auth(student, "student"))
    assert r.status_code == 200 and r.json()["students"] == []
    assert "Iryna Classmate" not in r.text and r.json()["lesson_notes"] == ""
    assert f'"booking_id":{seats["Iryna Classmate"]}' not in r.text.replace(" ", "")


def test_invite_revocation_max_uses_and_removal(setup: dict) -> None:  # type: ignore[type-arg]
    from booking_app.services import students

    c, tutor, student, outsider = (
        setup["client"],
        setup["tutor"],
        setup["student"],
        setup["outsider"],
    )
    as_tutor, as_outsider = _auth(tutor, "tutor"), _auth(outsider, "student")
    r = c.post("/api/v1/classroom-invites", params={"max_uses": 0}, headers=as_tutor)
    assert (r.status_code, r.json()["error"]) == (422, "validation_failed")
    assert "max_uses" in r.json()["fields"]
    r = c.post("/api/v1/classroom-invites", params={"max_uses": "many"}, headers=as_tutor)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_request")
    r = c.post("/api/v1/classroom-invites", params={"ttl_hours": 10**12}, headers=as_tutor)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_request")  # was a 500
    made = c.post("/api/v1/classroom-invites", params={"max_uses": 2}, headers=as_tutor).json()
    assert made["max_uses"] == 2 and len(made["invite_id"]) == 32
    accept = "/api/v1/classroom-invites/accept"
    assert c.post(accept, params={"token": made["token"]}, headers=as_outsider).status_code == 200

    listed = c.get("/api/v1/invites", headers=as_tutor).json()
    assert listed["count"] == 1 and listed["results"][0]["uses"] == 1
    assert "token" not in listed["results"][0]
    r = c.get("/api/v1/invites", headers=_auth(student, "student"))
    assert (r.status_code, r.json()["error"]) == (403, "forbidden")
    r = c.post(
        f"/api/v1/invites/{made['invite_id']}/revoke", headers=_auth(setup["other"], "tutor")
    )
    assert (r.status_code, r.json()["error"]) == (404, "not_found")

    # removing the student takes the link back from them (and only from them)
    students.remove_student(tutor, outsider, now=clock.now())
    r = c.post(accept, params={"token": made["token"]}, headers=as_outsider)
    assert (r.status_code, r.json()["error"]) == (410, "invite_revoked")
    assert c.post(accept, params={"token": made["token"]},
                  headers=_auth(student, "student")).status_code == 200  # fmt: skip

    lesson_link = c.post(f"/api/v1/lessons/{setup['lesson']}/invite", headers=as_tutor).json()
    r = c.post(f"/api/v1/invites/{lesson_link['invite_id']}/revoke", headers=as_tutor)
    assert r.json() == {"invite_id": lesson_link["invite_id"], "revoked": True}
    r = c.get("/api/v1/lesson-invites/resolve", params={"token": lesson_link["token"]},
              headers=_auth(student, "student"))  # fmt: skip
    assert (r.status_code, r.json()["error"]) == (410, "invite_revoked")
    assert c.post("/api/v1/invites/revoke-all", headers=as_tutor).json() == {"revoked": 1}
    r = c.post(accept, params={"token": made["token"]}, headers=_auth(student, "student"))
    assert (r.status_code, r.json()["error"]) == (410, "invite_revoked")
    assert c.get("/api/v1/invites", headers=as_tutor).json()["count"] == 0


def test_shared_notes_over_the_api_replace_merge_and_refuse(setup: dict) -> None:  # type: ignore[type-arg]
    c, lesson = setup["client"], setup["lesson"]
    tutor, student = _auth(setup["tutor"], "tutor"), _auth(setup["student"], "student")
    uuid = c.get(f"/api/v1/lessons/{lesson}/room", headers=tutor).json()["session_uuid"]
    notes = f"/api/v1/classroom/{uuid}/notes"
    first = c.put(notes, headers=tutor, json={"text": "Plan: fractions", "base_version": 0})
    assert first.json() == {"notes": "Plan: fractions", "version": 1}
    # the student wrote from version 1 while the tutor, from the same base, adds a line:
    c.put(notes, headers=student,
          json={"text": "Plan: fractions\nQ: why?", "base_version": 1, "base_text": "Plan: fractions"})  # fmt: skip
    merged = c.put(notes, headers=tutor,
                   json={"text": "Homework: p. 12\nPlan: fractions", "base_version": 1,
                         "base_text": "Plan: fractions"})  # fmt: skip
    assert merged.json() == {"notes": "Homework: p. 12\nPlan: fractions\nQ: why?", "version": 3}
    room = c.get(f"/api/v1/classroom/{uuid}", headers=student).json()
    assert (room["shared_notes"], room["notes_version"]) == (merged.json()["notes"], 3)
    too_long = c.put(notes, headers=tutor, json={"text": "x" * 20_001, "base_version": 3})
    assert too_long.status_code == 422 and "notes" in too_long.json()["fields"]
    outsider = c.put(notes, headers=_auth(setup["outsider"], "student"), json={"text": "hi"})
    assert (outsider.status_code, outsider.json()["error"]) == (404, "lesson_not_found")
    assert c.get(f"/api/v1/classroom/{uuid}", headers=tutor).json()["notes_version"] == 3
