"""The API's personal reads served again while nothing of the caller changed
(booking_app/api/read_cache.py), on SQLite and PostgreSQL.

- A repeated dashboard read sends one statement (the credential with the data version)
  and the same bytes; `If-None-Match` with its ETag is a 304.
- A write that refreshes the tutor's pages (a lesson cancelled over the API) changes the
  answer and the tag at once; the next minute recomputes too.
- Negative control: a change made behind the services (no data-version bump) is not seen
  until the minute moves: the version in the key is what keeps answers fresh.
- my-students: each query and page is its own entry; callers never share one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from booking_app.api import read_cache
from booking_app.api.app import api
from booking_app.db import session_scope
from booking_app.models import Booking, Lesson, User
from tests.integration.test_api_calendar import auth
from tests.integration.test_http_reads import count_statements
from tests.support.builders import NOW, add_lesson, add_student, add_tutor
from tests.support.clock import freeze

DASH, STUDENTS = "/api/v1/dashboard", "/api/v1/my-students"


@pytest.fixture
def world(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("API_READ_CACHE_SIZE", "64")  # conftest turns it off for other tests
    read_cache._ANSWERS.clear()  # ids and versions repeat across test databases
    freeze(monkeypatch, NOW)
    tutor, student = add_tutor("olena@example.com"), add_student("taras@example.com")
    later = add_lesson(tutor, NOW + timedelta(days=2), students=(student,))
    add_lesson(tutor, NOW + timedelta(days=3), students=(add_student("ira@example.com"),))
    yield {
        "tutor": tutor, "student": student, "later": later, "client": TestClient(api),
        "t": auth(tutor, "tutor"), "s": auth(student, "student"), "monkeypatch": monkeypatch,
    }  # fmt: skip
    read_cache._ANSWERS.clear()


def test_repeated_reads_cost_one_statement_and_a_tag_gets_304(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    first = c.get(DASH, headers=t)
    assert first.status_code == 200 and first.json()["upcoming"] == 2
    with count_statements() as sent:
        again = c.get(DASH, headers=t)
    assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
    assert len(sent) == 1, sent  # the credential with the data version
    cached = c.get(DASH, headers={**t, "If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and cached.content == b""
    other = c.get(DASH, headers=world["s"])  # the student's own answer, own tag
    assert other.status_code == 200 and other.headers["ETag"] != first.headers["ETag"]
    assert "tutor_name" in other.json() and "students" not in other.json()


def test_a_signalled_write_or_the_next_minute_refreshes(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    tag = c.get(DASH, headers=t).headers["ETag"]
    assert c.delete(f"/api/v1/lessons/{world['later']}", headers=t).status_code in (200, 204)
    fresh = c.get(DASH, headers={**t, "If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.json()["upcoming"] == 1
    tag = fresh.headers["ETag"]
    freeze(world["monkeypatch"], NOW + timedelta(minutes=1))
    assert c.get(DASH, headers={**t, "If-None-Match": tag}).status_code == 200


def test_negative_control_an_unsignalled_change_waits_for_the_minute(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    before = c.get(STUDENTS, headers=t).json()
    with session_scope(write=True) as session:  # behind the services: no version bump
        session.execute(sa.update(User).where(User.id == world["student"]).values(name="Renamed"))
    stale = c.get(STUDENTS, headers=t).json()
    assert stale == before and "Renamed" not in str(stale)
    freeze(world["monkeypatch"], NOW + timedelta(minutes=1))
    assert "Renamed" in str(c.get(STUDENTS, headers=t).json())


def test_each_query_and_page_is_its_own_entry(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    both = c.get(STUDENTS, headers=t).json()
    one = c.get(STUDENTS, params={"limit": 1}, headers=t).json()
    ira = c.get(STUDENTS, params={"q": "ira"}, headers=t).json()
    assert (both["count"], len(both["results"])) == (2, 2)
    assert (one["count"], len(one["results"])) == (2, 1)
    assert ira["count"] == 1 and "ira@example.com" in str(ira)
    assert c.get(STUDENTS, headers=world["s"]).status_code == 403  # tutors only, never cached


def _token(lesson_id: int) -> tuple[int, str]:
    with session_scope() as session:
        row = session.execute(
            sa.select(Booking.id, Booking.booking_token).where(Booking.lesson_id == lesson_id)
        ).one()
    return int(row[0]), str(row[1])


def test_a_private_link_is_read_again_from_the_cache_until_a_write(world: dict[str, Any]) -> None:
    """The booking by token (JSON and .ics): one statement per repeated read, a 304 for
    its tag; a change of the booking (the tutor cancels it) is seen at once."""
    c, t = world["client"], world["t"]
    booking_id, token = _token(world["later"])
    path, ics = f"/api/v1/bookings/{token}?tz=Europe/Kyiv", f"/api/v1/bookings/{token}/calendar.ics"
    first, calendar = c.get(path), c.get(ics)
    assert first.status_code == 200 and first.json()["status"] == "confirmed"
    with count_statements() as sent:
        again, calendar_again = c.get(path), c.get(ics)
    assert (again.content, calendar_again.content) == (first.content, calendar.content)
    assert len(sent) == 2, sent  # one versions read per request
    assert c.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    cancelled = c.delete(f"/api/v1/bookings/{booking_id}", headers=t)
    assert cancelled.status_code == 200, cancelled.text
    fresh = c.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and fresh.json()["status"] == "cancelled"
    assert b"STATUS:CANCELLED" in c.get(ics).content and b"STATUS:CANCELLED" not in calendar.content
    assert c.get("/api/v1/bookings/7c1f8d7e-0d5b-4e43-9a55-3f0c8a1e2b44").status_code == 404


def test_negative_control_a_private_link_misses_an_unsignalled_change(
    world: dict[str, Any],
) -> None:
    c = world["client"]
    _, token = _token(world["later"])
    path = f"/api/v1/bookings/{token}"
    assert c.get(path).json()["location"] == ""
    with session_scope(write=True) as session:  # behind the services: no version bump
        session.execute(
            sa.update(Lesson).where(Lesson.id == world["later"]).values(location="Room 5")
        )
    assert c.get(path).json()["location"] == ""  # the versions are the key
    freeze(world["monkeypatch"], NOW + timedelta(minutes=1))
    assert c.get(path).json()["location"] == "Room 5"
