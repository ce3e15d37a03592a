"""Seed 003 shapes of the classroom routes: resolve -> {lesson_id, session_uuid}, the room
with its URL and join window, My Students with q&limit&offset (page/page_size kept)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from booking_app.api.app import api
from booking_app.db import session_scope
from booking_app.models import Booking
from booking_app.services import invites
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.builders import add_lesson, add_student, add_tutor


def _auth(user_id: int, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=clock.now())}"}


def test_resolve_and_room(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    now = clock.freeze(monkeypatch, clock.now().replace(microsecond=0))
    tutor, student = add_tutor(), add_student()
    soon = add_lesson(tutor, now + timedelta(minutes=5), students=(student,))
    later = add_lesson(tutor, now + timedelta(days=2), students=(student,))
    client = TestClient(api)
    link = invites.create_lesson_invite(later, tutor_id=tutor, now=now)
    got = client.get("/api/v1/lesson-invites/resolve", params={"token": link.token},
                     headers=_auth(student, "student"))  # fmt: skip
    assert got.status_code == 200
    assert set(got.json()) == {"lesson_id", "session_uuid"} and got.json()["lesson_id"] == later
    rooms = {
        lesson: client.get(f"/api/v1/lessons/{lesson}/room", headers=_auth(student, "student"))
        for lesson in (soon, later)
    }
    open_now, closed = rooms[soon].json(), rooms[later].json()
    assert open_now["can_join"] is True and closed["can_join"] is False
    assert closed["session_uuid"] == got.json()["session_uuid"]
    assert closed["room_url"].endswith(f"/classroom/{closed['session_uuid']}")
    assert closed["opens_in_seconds"] > 0
    # Booking -> classroom: the same room, for the booking's student (and tutor) only.
    with session_scope() as session:
        token = session.exec(select(Booking.booking_token).where(Booking.lesson_id == soon)).one()
    by_booking = client.get(f"/api/v1/classroom/by-booking/{token}",
                            headers=_auth(student, "student"))  # fmt: skip
    assert by_booking.json() == open_now
    outsider = add_student("ira@example.com")
    refused = client.get(f"/api/v1/classroom/by-booking/{token}",
                         headers=_auth(outsider, "student"))  # fmt: skip
    assert (refused.status_code, refused.json()["error"]) == (404, "lesson_not_found")


def test_my_students_limit_offset_and_page_aliases(db: str) -> None:
    tutor = add_tutor()
    names = [f"Student {n:02d}" for n in range(12)]
    ids = [add_student(f"s{n}@example.com", name=name) for n, name in enumerate(names)]
    add_lesson(tutor, clock.now() + timedelta(days=3), students=tuple(ids), capacity=12)
    client, auth = TestClient(api), _auth(tutor, "tutor")
    window = client.get("/api/v1/my-students", params={"limit": 5, "offset": 10}, headers=auth)
    body = window.json()
    assert (body["count"], body["limit"], body["offset"], len(body["results"])) == (12, 5, 10, 2)
    paged = client.get("/api/v1/my-students", params={"page": 2, "page_size": 10}, headers=auth)
    assert (paged.json()["page"], len(paged.json()["results"])) == (2, 2)
    same = [r["student_id"] for r in body["results"]]
    assert same == [r["student_id"] for r in paged.json()["results"]]
    found = client.get("/api/v1/my-students", params={"q": "Student 03", "limit": 50}, headers=auth)
    assert [r["name"] for r in found.json()["results"]] == ["Student 03"]
    bad = client.get("/api/v1/my-students", params={"limit": 0}, headers=auth)
    assert bad.status_code == 422 and "limit" in bad.json()["fields"]
