"""Bookings and slots over HTTP (issue 16 part B), on SQLite and PostgreSQL.

- The slots endpoint lists exactly what the public page offers, and a listed slot books.
- POST /api/v1/bookings: guest and student, the page's field errors, Idempotency-Key
  replay (same key + body -> same answer, one booking) and misuse (other body -> 422),
  and concurrent retries with one key (one booking); negative control: without a key a
  retry books again (the guard is the key, not luck).
- GET/PATCH/DELETE by id: who sees what (others' -> 404), each action's role rule with
  its refusal, and the private-link token route next to the id route.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from booking_app.api.app import api
from booking_app.db import read_scope, session_scope
from booking_app.models import Booking, IdempotencyRecord, Role, User
from booking_app.services import idempotency, tutor_public
from booking_app.services.booking import create_booking
from booking_app.services.sessions import open_session
from tests.support.builders import (
    GUEST,
    MONDAY_10,
    NOW,
    add_service,
    add_student,
    add_tutor,
    counts,
    run_together,
    utc,
)
from tests.support.clock import freeze

GUEST_BODY = {
    "start": MONDAY_10,
    "name": "Ivan Guest",
    "phone": "+380671112233",
    "telegram_username": "@ivan_guest",
}


def auth(user_id: int, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=NOW)}"}


def add_admin(email: str = "admin@example.com") -> int:
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380500000000", name="Admin")
        user.role, user.password_hash = Role.admin, "-"
        session.add(user)
        session.flush()
        return user.id or 0


@pytest.fixture
def world(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    freeze(monkeypatch, NOW)
    tutor = add_tutor("olena@example.com")
    other_tutor = add_tutor("petro@example.com")
    service = add_service(tutor)
    yield {
        "db": db,
        "tutor": tutor,
        "other_tutor": other_tutor,
        "service": service,
        "student": add_student("taras@example.com"),
        "other_student": add_student("ira@example.com"),
        "admin": add_admin(),
        "client": TestClient(api),
    }


def book(w: dict[str, Any], headers: dict[str, str] | None = None, **body: Any) -> Any:
    payload = {"tutor_id": w["tutor"], "service_id": w["service"], **GUEST_BODY, **body}
    return w["client"].post("/api/v1/bookings", json=payload, headers=headers or {})


def test_slots_are_the_public_offer_and_a_listed_slot_books(world: dict[str, Any]) -> None:
    c = world["client"]
    r = c.get("/api/v1/tutors/olena/slots",
              params={"from": "2026-11-30", "to": "2026-12-06", "tz": "Europe/Kyiv"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    week = tutor_public.week_slots(
        world["tutor"], service_id=world["service"], week_start=date(2026, 11, 30),
        viewer_tz="Europe/Kyiv", now=NOW,
    )  # fmt: skip
    page = [s.start for d in week.days for s in d.slots]
    listed = [s["start"] for d in body["days"] for s in d["slots"]]
    assert listed and listed == page  # the page's week, slot for slot
    assert body["service"]["id"] == world["service"] and len(body["days"]) == 7
    assert body["slot_count"] == len(listed)
    # A range across two weeks is cut from the page's two weeks, day by day.
    across = c.get("/api/v1/tutors/olena/slots",
                   params={"from": "2026-12-03", "to": "2026-12-09", "tz": "Europe/Kyiv"}).json()  # fmt: skip
    assert [d["date"] for d in across["days"]][::6] == ["2026-12-03", "2026-12-09"]
    assert across["days"][:4] == body["days"][3:]
    assert across["slot_count"] == sum(len(d["slots"]) for d in across["days"]) > 0
    made = book(world, start=listed[0])
    assert made.status_code == 201, made.text
    again = c.get("/api/v1/tutors/olena/slots",
                  params={"from": "2026-11-30", "to": "2026-11-30", "tz": "Europe/Kyiv"})  # fmt: skip
    assert listed[0] not in [s["start"] for d in again.json()["days"] for s in d["slots"]]
    # Filters: no group service -> an empty offer; an unknown tutor or service -> 404.
    group = c.get("/api/v1/tutors/olena/slots", params={"lesson_type": "group"}).json()
    assert group["service"] is None and group["slot_count"] == 0
    assert c.get("/api/v1/tutors/nobody/slots").status_code == 404
    missing = c.get("/api/v1/tutors/olena/slots", params={"service": 999_999})
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    bad = c.get("/api/v1/tutors/olena/slots", params={"from": "2026-12-06", "to": "2026-11-30"})
    assert (bad.status_code, bad.json()["error"]) == (422, "validation_failed")


def test_guest_and_student_bookings_with_the_page_rules(world: dict[str, Any]) -> None:
    guest = book(world)
    assert guest.status_code == 201, guest.text
    made = guest.json()
    assert made["status"] == "confirmed" and made["token"] and made["price"] == "450.00"
    assert made["student_id"] is None and made["client_phone"] == ""
    # The page's field errors, all at once, nothing written.
    before = counts()
    bad = book(world, start=utc("2026-11-30T11:00"), name="", telegram_username="")
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) >= {"name", "telegram_username"}
    assert counts() == before
    # The same slot again: the engine's refusal with its reason.
    taken = book(world)
    assert (taken.status_code, taken.json()["error"]) == (409, "slot_unavailable")
    assert taken.json()["reason"]
    # A signed-in student books without Telegram; a bad token is 401, never a guest.
    student = book(world, auth(world["student"], "student"),
                   start=utc("2026-11-30T12:00"), telegram_username="")  # fmt: skip
    assert student.status_code == 201 and student.json()["student_id"] == world["student"]
    forged = book(world, {"Authorization": "Bearer nonsense"}, start=utc("2026-11-30T13:00"))
    assert forged.status_code == 401
    tutor = book(world, auth(world["other_tutor"], "tutor"), start=utc("2026-11-30T13:00"))
    assert tutor.status_code == 403


def test_idempotency_key_replays_and_refuses_another_body(world: dict[str, Any]) -> None:
    key = {"Idempotency-Key": "3f1e5c2a-7d4b-4a57-9a42-1f0c9c0e7b11"}
    first = book(world, key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = book(world, key)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert counts()[0] == 1
    other = book(world, key, start=utc("2026-11-30T11:00"))
    assert (other.status_code, other.json()["error"]) == (422, "idempotency_key_reused")
    assert counts()[0] == 1
    # The same key of another caller (a student) is another key.
    mine = book(world, {**key, **auth(world["student"], "student")},
                start=utc("2026-11-30T12:00"), telegram_username="")  # fmt: skip
    assert mine.status_code == 201 and counts()[0] == 2
    # A refused request stores nothing: a retry is judged afresh.
    refused_key = {"Idempotency-Key": "refused-1"}
    assert book(world, refused_key, name="").status_code == 422
    with read_scope() as session:
        keys = session.exec(select(IdempotencyRecord.key)).all()
    assert "refused-1" not in keys
    # Negative control: without a key, a retry of a slot request is a new request.
    plain = book(world, start=utc("2026-11-30T14:00"))
    retry = book(world, start=utc("2026-11-30T14:00"))
    assert plain.status_code == 201 and retry.status_code == 409


def test_concurrent_retries_with_one_key_make_one_booking(world: dict[str, Any]) -> None:
    """Six retries at once through the key's service (threads share no client): one
    booking, one answer for all. PostgreSQL makes the later claims wait on the unique
    index; SQLite runs the units one after the other."""
    form = replace(GUEST, tutor_id=world["tutor"], service_id=world["service"])
    request_print = idempotency.fingerprint("POST", "/api/v1/bookings", asdict(form))

    def attempt(_: int) -> idempotency.Outcome:
        def run() -> tuple[int, Any]:
            return 201, asdict(create_booking(form, student_id=None, now=NOW))

        return idempotency.run_once(
            scope="guest", key="race-key-0001", request_print=request_print, now=NOW, run=run
        )

    results = run_together(6, attempt)
    assert all(isinstance(r, idempotency.Outcome) for r in results), results
    assert len({r.body["token"] for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert counts()[0] == 1


def test_who_sees_a_booking_by_id(world: dict[str, Any]) -> None:
    c = world["client"]
    made = book(world, auth(world["student"], "student"), telegram_username="").json()
    path = f"/api/v1/bookings/{made['id']}"
    mine = c.get(path, headers=auth(world["student"], "student"))
    assert mine.status_code == 200 and mine.json()["token"] == made["token"]
    tutor = c.get(path, headers=auth(world["tutor"], "tutor")).json()
    assert tutor["token"] == "" and tutor["client_phone"]  # never the client's capability
    assert c.get(path, headers=auth(world["admin"], "admin")).status_code == 200
    for who, role in (("other_student", "student"), ("other_tutor", "tutor")):
        r = c.get(path, headers=auth(world[who], role))
        assert (r.status_code, r.json()["error"]) == (404, "not_found")
    assert c.get(path).status_code == 401
    # The private link's route still answers by token.
    by_token = c.get(f"/api/v1/bookings/{made['token']}")
    assert by_token.status_code == 200 and by_token.json()["token"] == made["token"]


def test_actions_each_with_its_role(world: dict[str, Any]) -> None:
    c = world["client"]
    with session_scope(write=True) as session:  # this tutor confirms requests by hand
        from booking_app.models import TutorProfile

        profile = session.exec(
            select(TutorProfile).where(TutorProfile.user_id == world["tutor"])
        ).one()
        profile.requires_confirmation = True
    made = book(world, auth(world["student"], "student"), telegram_username="").json()
    assert made["status"] == "pending"
    path = f"/api/v1/bookings/{made['id']}"
    student, tutor = auth(world["student"], "student"), auth(world["tutor"], "tutor")
    # A student cannot confirm their own request; another tutor cannot see it.
    r = c.patch(path, json={"action": "confirm"}, headers=student)
    assert (r.status_code, r.json()["error"]) == (403, "action_not_allowed")
    r = c.patch(path, json={"action": "confirm"}, headers=auth(world["other_tutor"], "tutor"))
    assert r.status_code == 404
    r = c.patch(path, json={"action": "confirm"}, headers=tutor)
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = c.patch(path, json={"action": "confirm"}, headers=tutor)
    assert (r.status_code, r.json()["error"]) == (409, "already_answered")
    r = c.patch(path, json={"action": "mark_paid", "amount": "400"}, headers=student)
    assert r.status_code == 403
    r = c.patch(path, json={"action": "mark_paid", "amount": "400"}, headers=tutor)
    assert (r.json()["payment_status"], r.json()["paid_amount"]) == ("paid", "400.00")
    # Reschedule: the student (to an offered slot), not the tutor.
    r = c.patch(path, json={"action": "reschedule", "start": utc("2026-12-01T10:00")},
                headers=tutor)  # fmt: skip
    assert (r.status_code, r.json()["error"]) == (403, "action_not_allowed")
    r = c.patch(path, json={"action": "reschedule", "start": utc("2026-12-01T10:00")},
                headers=student)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["start"] == utc("2026-12-01T10:00")
    # DELETE = cancel, by the student; then it is already cancelled for everyone.
    r = c.delete(path, headers=student)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = c.delete(path, headers=tutor)
    assert (r.status_code, r.json()["error"]) == (409, "already_cancelled")


def test_tutor_declines_and_cancels(world: dict[str, Any]) -> None:
    c, tutor = world["client"], auth(world["tutor"], "tutor")
    confirmed = book(world).json()
    r = c.delete(f"/api/v1/bookings/{confirmed['id']}", params={"reason": "Ill"}, headers=tutor)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.json()["status_reason"] == "Ill"
    with read_scope() as session:
        row = session.get(Booking, confirmed["id"])
        assert row is not None and row.cancelled_at is not None
    r = c.patch(f"/api/v1/bookings/{confirmed['id']}", json={"action": "fly"}, headers=tutor)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_request")
