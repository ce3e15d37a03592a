"""Nobody sees or acts on a booking that is not theirs: for every action the other tutor,
another student's id and a wrong or malformed token get NotFound (never a 403 that
confirms the booking exists), and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from booking_app.models import BookingStatus
from booking_app.services import booking as bk
from booking_app.services.errors import NotFound
from tests.support.builders import (
    NOW,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    form,
    utc,
)

# A well-formed token nobody holds (fixed: pytest-xdist workers must collect the same ids).
WRONG_TOKENS = ("1d5c30c7-98b6-47a5-bd2e-91cdab4f62b6", "not-a-token", "", "' OR 1=1 --")


@pytest.fixture
def setup(db: str) -> dict[str, Any]:
    tutor = add_tutor(requires_confirmation=True)
    other_tutor = add_tutor("petro@example.com")
    service = add_service(tutor)
    student, other_student = add_student(), add_student("mark@example.com")
    view = bk.create_booking(form(tutor, service), student_id=student, now=NOW)
    return {
        "tutor": tutor,
        "other_tutor": other_tutor,
        "student": student,
        "other_student": other_student,
        "token": view.token,
        "booking_id": booking_row(view.token).id,
    }


TOKEN_ACTIONS: dict[str, Callable[[str], Any]] = {
    "get": lambda t: bk.get_booking(t, viewer_tz="UTC", now=NOW),
    "cancel": lambda t: bk.cancel_booking(t, now=NOW),
    "reschedule": lambda t: bk.reschedule_booking(t, start=utc("2026-12-01T10:00"), now=NOW),
    "ics": lambda t: bk.booking_ics(t),
    "reschedule_options": lambda t: bk.reschedule_options(
        t, week_start=None, viewer_tz="UTC", now=NOW
    ),
}


@pytest.mark.parametrize("action", sorted(TOKEN_ACTIONS))
@pytest.mark.parametrize("token", WRONG_TOKENS)
def test_wrong_token_is_not_found(setup: dict[str, Any], action: str, token: str) -> None:
    with pytest.raises(NotFound):
        TOKEN_ACTIONS[action](token)
    assert booking_row(setup["token"]).status is BookingStatus.pending


def test_the_token_holder_may_act(setup: dict[str, Any]) -> None:
    assert bk.get_booking(setup["token"], viewer_tz="UTC", now=NOW).status == "pending"
    assert bk.booking_ics(setup["token"])[1].startswith(b"BEGIN:VCALENDAR")


def test_other_tutor_cannot_confirm(setup: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        bk.confirm_booking(setup["other_tutor"], setup["booking_id"], now=NOW)
    assert booking_row(setup["token"]).status is BookingStatus.pending


def test_other_tutor_cannot_decline(setup: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        bk.decline_booking(setup["other_tutor"], setup["booking_id"], reason="no", now=NOW)
    assert booking_row(setup["token"]).status is BookingStatus.pending


def test_students_cannot_confirm_or_decline(setup: dict[str, Any]) -> None:
    for who in (setup["student"], setup["other_student"]):
        with pytest.raises(NotFound):
            bk.confirm_booking(who, setup["booking_id"], now=NOW)
        with pytest.raises(NotFound):
            bk.decline_booking(who, setup["booking_id"], reason="no", now=NOW)
    assert booking_row(setup["token"]).status is BookingStatus.pending


def test_unknown_booking_id_is_not_found(setup: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        bk.confirm_booking(setup["tutor"], 987654, now=NOW)
    with pytest.raises(NotFound):
        bk.decline_booking(setup["tutor"], 987654, reason="no", now=NOW)


def test_pending_list_is_the_tutors_own(setup: dict[str, Any]) -> None:
    [request] = bk.pending_requests(setup["tutor"], viewer_tz="UTC")
    assert request.booking_id == booking_row(setup["token"]).id
    assert bk.pending_requests(setup["other_tutor"], viewer_tz="UTC") == []
    assert bk.pending_count(setup["other_tutor"]) == 0
    for who in (setup["student"], 987654):
        with pytest.raises(NotFound):
            bk.pending_requests(who, viewer_tz="UTC")
        assert bk.pending_count(who) == 0


def test_student_list_is_the_students_own(setup: dict[str, Any]) -> None:
    mine = bk.student_bookings(setup["student"], viewer_tz="UTC", now=NOW)
    assert [b.token for b in mine.upcoming] == [setup["token"]]
    theirs = bk.student_bookings(setup["other_student"], viewer_tz="UTC", now=NOW)
    assert theirs.upcoming == [] and theirs.past == []
