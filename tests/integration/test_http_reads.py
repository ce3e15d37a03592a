"""The read paths issue 15 made cheaper still answer the same (SQLite and PostgreSQL).

- The tutor dashboard runs in at most five statements (the header's numbers in one, the
  rows, the week's working hours in three): a statement counter on the app's engine
  proves it, and counts the old way's separate statements as more (negative control).
- The one-statement numbers equal the separate repository functions they replace, on
  data where each of them is non-zero.
- The session lookup (every API request, every page load) is one statement of plain
  columns and still refuses an ended session or a deactivated user.
- The read routes answer over HTTP as before (JSON bodies, the .ics file).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.db import get_engine, read_scope, session_scope
from booking_app.models import BookingStatus, LessonStatus, User
from booking_app.repositories import bookings as bookings_repo
from booking_app.repositories import classroom as classroom_repo
from booking_app.repositories import dashboard as dashboard_repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.services import dashboard, sessions
from tests.support import clock
from tests.support.builders import NOW, add_lesson, add_student, add_tutor

DASHBOARD_STATEMENTS = 5


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Every SQL statement (BEGIN excluded) sent to the database while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith("BEGIN"):
            statements.append(statement)

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def busy_tutor(db: str) -> dict[str, int]:
    """Done, upcoming, pending, cancelled and no-show lessons, two students."""
    tutor = add_tutor("olena@example.com")
    student = add_student("taras@example.com")
    other = add_student("ira@example.com")
    add_lesson(tutor, _at(16, 8), students=(student,), price="400")
    add_lesson(tutor, _at(20, 8), students=(student,), price="450", status=BookingStatus.no_show)
    add_lesson(tutor, _at(24, 8), minutes=90, students=(other,), price="300",
               status=BookingStatus.completed)  # fmt: skip
    add_lesson(tutor, _at(26, 8), students=(student,), price="500")
    add_lesson(tutor, _at(26, 12), students=(student,), lesson_status=LessonStatus.cancelled)
    add_lesson(tutor, _at(30, 8), students=(add_student("new@example.com"),),
               status=BookingStatus.pending)  # fmt: skip
    return {"tutor": tutor, "student": student}


def test_the_dashboard_runs_in_at_most_five_statements(busy_tutor: dict[str, int]) -> None:
    dashboard.tutor_dashboard(busy_tutor["tutor"], now=NOW)  # warm caches (zone data etc.)
    with count_statements() as sent:
        view = dashboard.tutor_dashboard(busy_tutor["tutor"], now=NOW)
    assert len(sent) <= DASHBOARD_STATEMENTS, sent
    assert (view.lessons_done, view.pending_requests, view.students) == (3, 1, 2)
    # Negative control: the same numbers asked one by one are counted as more statements.
    with count_statements() as separate, read_scope() as session:
        tutor = busy_tutor["tutor"]
        lessons_repo.tutor_timezone(session=session, tutor_id=tutor)
        classroom_repo.tutor_totals(session=session, tutor_id=tutor, now=NOW)
        bookings_repo.pending_count(session=session, tutor_id=tutor)
        classroom_repo.active_member_count(session=session, tutor_id=tutor)
        classroom_repo.tutor_currency(session=session, tutor_id=tutor)
    assert len(separate) == 6


@pytest.mark.parametrize("now_offset_days", [0, -10, 10])
def test_one_statement_numbers_equal_the_separate_queries(
    busy_tutor: dict[str, int], now_offset_days: int
) -> None:
    tutor, now = busy_tutor["tutor"], NOW + timedelta(days=now_offset_days)
    with read_scope() as session:
        numbers = dashboard_repo.tutor_numbers(session=session, tutor_id=tutor, now=now)
        done, revenue, upcoming = classroom_repo.tutor_totals(
            session=session, tutor_id=tutor, now=now
        )
        expected = (
            lessons_repo.tutor_timezone(session=session, tutor_id=tutor),
            classroom_repo.tutor_currency(session=session, tutor_id=tutor),
            done,
            float(revenue),
            upcoming,
            bookings_repo.pending_count(session=session, tutor_id=tutor),
            classroom_repo.active_member_count(session=session, tutor_id=tutor),
        )
    assert numbers is not None
    assert (*numbers[:3], float(numbers.revenue), *numbers[4:]) == expected
    assert numbers.lessons_done > 0 or now_offset_days < 0


def test_numbers_of_a_student_or_nobody_are_none(busy_tutor: dict[str, int]) -> None:
    with read_scope() as session:
        for user_id in (busy_tutor["student"], 999_999):
            assert dashboard_repo.tutor_numbers(session=session, tutor_id=user_id, now=NOW) is None


def test_the_session_lookup_is_one_statement_and_still_refuses(
    busy_tutor: dict[str, int],
) -> None:
    tutor = busy_tutor["tutor"]
    token = sessions.open_session(user_id=tutor, role="tutor", now=clock.now())
    with count_statements() as sent:
        user = sessions.session_user(token)
    assert user is not None and (user.id, user.email, user.role) == (
        tutor,
        "olena@example.com",
        "tutor",
    )
    assert len(sent) == 1, sent
    sessions.end_session(token)
    assert sessions.session_user(token) is None  # ended: refused
    token = sessions.open_session(user_id=tutor, role="tutor", now=clock.now())
    with session_scope(write=True) as session:
        row = session.get(User, tutor)
        assert row is not None
        row.is_active = False
    assert sessions.session_user(token) is None  # deactivated: refused


def test_the_read_routes_answer(busy_tutor: dict[str, int]) -> None:
    tutor = busy_tutor["tutor"]
    token = sessions.open_session(user_id=tutor, role="tutor", now=clock.now())
    client = TestClient(api)
    client.cookies.set("session", token)
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == "olena@example.com"
    board = client.get("/api/v1/dashboard")
    assert board.status_code == 200 and board.json()["students"] == 2
    listed = client.get("/api/v1/my-students")
    assert listed.status_code == 200 and listed.json()["count"] == 2
    with read_scope() as session:
        booking_token = session.execute(
            sa.text("SELECT booking_token FROM booking WHERE tutor_id = :t LIMIT 1"), {"t": tutor}
        ).scalar_one()
    booking = client.get(f"/api/v1/bookings/{booking_token}", params={"tz": "Europe/Kyiv"})
    assert booking.status_code == 200 and booking.json()["token"] == booking_token
    ics = client.get(f"/booking/{booking_token}.ics")
    assert ics.status_code == 200 and ics.text.startswith("BEGIN:VCALENDAR")
    assert TestClient(api).get("/api/v1/me").status_code == 401
