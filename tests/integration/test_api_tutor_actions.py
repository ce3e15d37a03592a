"""The tutor pages' actions over /api/v1 (tutor_actions.py), on SQLite and PostgreSQL: each
route changes what its page shows, through the page's own service.

- outcome (home routine / calendar) -> the seat's status; before the lesson starts 409;
- confirm a tentative lesson (home routine) -> scheduled; twice -> 409 not_tentative;
- payment and notes (calendar details) -> the lesson detail the dialog shows;
- profile GET/PATCH (tutor profile page) -> get_profile; bad slug 422 with the page's field;
  publishing a page with nothing to book -> 409 not_bookable (the publish rule);
- remove a student (students page) -> membership removed; twice -> 409 already_removed;
- cancel one seat of a group lesson (``booking.tutor_actions.cancel_for_tutor``; admins
  through the admin panel's audited "Cancel") -> that seat cancelled, the student told,
  the other seat and the lesson kept; a started lesson -> 409 lesson_started.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.db import read_scope
from booking_app.models import AuditLog, Booking, LessonStatus, Notification
from booking_app.services import lessons, profile, students
from tests.integration.test_api_calendar import auth
from tests.support.acl import add_admin
from tests.support.builders import NOW, add_bare_tutor, add_lesson, add_student, add_tutor
from tests.support.clock import freeze


@pytest.fixture
def world(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    freeze(monkeypatch, NOW)
    tutor, student = add_tutor("olena@example.com"), add_student("taras@example.com")
    started = add_lesson(tutor, datetime(2026, 11, 25, 7, 0, tzinfo=UTC), students=(student,))
    future = add_lesson(tutor, datetime(2026, 11, 26, 8, 0, tzinfo=UTC), students=(student,))
    tentative = add_lesson(
        tutor, datetime(2026, 11, 27, 8, 0, tzinfo=UTC), lesson_status=LessonStatus.tentative
    )
    yield {
        "tutor": tutor, "student": student, "started": started, "future": future,
        "tentative": tentative, "client": TestClient(api), "t": auth(tutor, "tutor"),
    }  # fmt: skip


def _detail(world: dict[str, Any], lesson_id: int) -> lessons.LessonDetail:
    return lessons.lesson_detail(world["tutor"], lesson_id)


def test_outcome_marks_the_seat(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    seat = _detail(world, world["started"]).seats[0]
    answer = c.put(
        f"/api/v1/lessons/{world['started']}/outcome",
        json={"outcome": "student_no_show", "booking_id": seat.booking_id},
        headers=t,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"lesson_id": world["started"], "outcome": "student_no_show",
                             "changed": 1}  # fmt: skip
    assert _detail(world, world["started"]).seats[0].status == "no_show"
    early = c.put(f"/api/v1/lessons/{world['future']}/outcome", json={"outcome": "held"}, headers=t)
    assert early.status_code == 409 and early.json()["error"] == "lesson_not_started"
    bad = c.put(f"/api/v1/lessons/{world['started']}/outcome", json={"outcome": "x"}, headers=t)
    assert bad.status_code == 422


def test_confirm_tentative(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    path = f"/api/v1/lessons/{world['tentative']}/confirm"
    answer = c.post(path, headers=t)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "scheduled"
    assert _detail(world, world["tentative"]).status == "scheduled"
    again = c.post(path, headers=t)
    assert again.status_code == 409 and again.json()["error"] == "not_tentative"


def test_payment_and_notes(world: dict[str, Any]) -> None:
    c, t, lesson = world["client"], world["t"], world["future"]
    seat = _detail(world, lesson).seats[0]
    paid = c.put(
        f"/api/v1/lessons/{lesson}/payment",
        json={"booking_id": seat.booking_id, "paid": True, "amount": "450"},
        headers=t,
    )
    assert paid.status_code == 200, paid.text
    after = _detail(world, lesson).seats[0]
    assert after.payment == "paid" and after.paid_amount.startswith("450")
    assert paid.json()["seats"][0]["payment"] == "paid"
    unpaid = c.put(
        f"/api/v1/lessons/{lesson}/payment",
        json={"booking_id": seat.booking_id, "paid": False},
        headers=t,
    )
    assert unpaid.status_code == 200 and _detail(world, lesson).seats[0].payment == "unpaid"
    # A booking of another lesson is not this lesson's seat.
    elsewhere = c.put(
        f"/api/v1/lessons/{world['started']}/payment",
        json={"booking_id": seat.booking_id, "paid": True},
        headers=t,
    )
    assert elsewhere.status_code == 404
    notes = c.put(f"/api/v1/lessons/{lesson}/notes", json={"notes": " Workbook p. 12 "}, headers=t)
    assert notes.status_code == 200, notes.text
    assert _detail(world, lesson).notes == "Workbook p. 12" == notes.json()["notes"]
    long = c.put(f"/api/v1/lessons/{lesson}/notes", json={"notes": "x" * 2001}, headers=t)
    assert long.status_code == 422 and "notes" in long.json()["fields"]


def test_profile_get_and_patch(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    got = c.get("/api/v1/profile", headers=t)
    assert got.status_code == 200, got.text
    assert got.json()["slug"] == profile.get_profile(world["tutor"]).slug
    changed = c.patch("/api/v1/profile", json={"headline": "Maths for grades 5-11"}, headers=t)
    assert changed.status_code == 200, changed.text
    view = profile.get_profile(world["tutor"])
    assert view.headline == "Maths for grades 5-11" and view.slug == got.json()["slug"]
    bad = c.patch("/api/v1/profile", json={"slug": "A!"}, headers=t)
    assert bad.status_code == 422 and "slug" in bad.json()["fields"]
    assert profile.get_profile(world["tutor"]).slug == got.json()["slug"]


def test_remove_student(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    path = f"/api/v1/my-students/{world['student']}"
    assert c.delete(path, headers=t).status_code == 204
    page = students.list_students(world["tutor"], now=NOW)
    assert [s.status for s in page.rows if s.student_id == world["student"]] in ([], ["removed"])
    again = c.delete(path, headers=t)
    assert again.status_code == 409 and again.json()["error"] == "already_removed"


def test_publishing_follows_the_publish_rule(world: dict[str, Any]) -> None:
    """A page that offers nothing to book stays hidden (onboarding.require_bookable)."""
    bare = add_bare_tutor("bare@example.com", is_published=False)
    c, t = world["client"], auth(bare, "tutor")
    refused = c.patch("/api/v1/profile", json={"is_published": True}, headers=t)
    assert refused.status_code == 409 and refused.json()["error"] == "not_bookable"
    assert profile.get_profile(bare).is_published is False
    hidden = c.patch("/api/v1/profile", json={"is_published": False}, headers=world["t"])
    assert hidden.status_code == 200 and profile.get_profile(world["tutor"]).is_published is False


def _seats(lesson_id: int) -> dict[int, tuple[str, str | None]]:
    """booking id -> (status, reason) of every row of the lesson, cancelled ones too."""
    with read_scope() as session:
        rows = session.execute(sa.select(Booking).where(Booking.lesson_id == lesson_id))
        return {b.id: (b.status.value, b.status_reason) for b in rows.scalars()}


def _told(booking_id: int) -> set[str]:
    with read_scope() as session:
        rows = session.execute(sa.select(Notification.kind).where(
            Notification.booking_id == booking_id))  # fmt: skip
        return set(rows.scalars())


def test_cancel_one_seat_of_a_group_lesson(world: dict[str, Any]) -> None:
    c, t, tutor = world["client"], world["t"], world["tutor"]
    other = add_student("ira@example.com")
    group = add_lesson(tutor, datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
                       students=(world["student"], other), capacity=4)  # fmt: skip
    first, second = sorted(_seats(group))
    path = f"/api/v1/lessons/{group}/seats/{first}"

    # Negative controls first: nothing changes for these.
    student = auth(world["student"], "student")
    assert c.delete(path, headers=student).json()["error"] == "forbidden"
    stranger = auth(add_tutor("petro@example.com"), "tutor")
    assert c.delete(path, headers=stranger).status_code == 404
    wrong_lesson = c.delete(f"/api/v1/lessons/{world['future']}/seats/{first}", headers=t)
    assert wrong_lesson.status_code == 404
    assert {s for s, _ in _seats(group).values()} == {"confirmed"}

    answer = c.delete(path, params={"reason": "Moved to the evening group"}, headers=t)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["id"], body["status"], body["lesson_id"]) == (first, "cancelled", group)
    assert body["token"] == ""  # the private link's capability is the student's only
    assert _seats(group) == {first: ("cancelled", "Moved to the evening group"),
                             second: ("confirmed", None)}  # fmt: skip
    assert "cancelled" in _told(first) and "cancelled" not in _told(second)
    assert _detail(world, group).status == "scheduled"  # the lesson goes on for the other

    again = c.delete(path, headers=t)
    assert again.status_code == 409 and again.json()["error"] == "already_cancelled"
    started_seat = _detail(world, world["started"]).seats[0].booking_id
    late = c.delete(f"/api/v1/lessons/{world['started']}/seats/{started_seat}", headers=t)
    assert late.status_code == 409 and late.json()["error"] == "lesson_started"


def test_an_admin_cancels_a_seat_with_an_audit_row(world: dict[str, Any]) -> None:
    admin = add_admin()
    seat = _detail(world, world["future"]).seats[0].booking_id
    answer = world["client"].delete(
        f"/api/v1/lessons/{world['future']}/seats/{seat}", headers=auth(admin, "admin")
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status_reason"] == "Cancelled by the tutor."
    # its only seat: the one-to-one lesson leaves the calendar, as on the admin panel
    assert _detail(world, world["future"]).status == "cancelled"
    with read_scope() as session:
        log = session.execute(sa.select(AuditLog.actor_id, AuditLog.action)).all()
    assert [tuple(row) for row in log] == [(admin, "booking.cancel")]
