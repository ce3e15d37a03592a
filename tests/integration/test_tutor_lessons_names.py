"""The tutor's Lessons page names who comes (issue 14: it showed no student names).

An individual lesson shows its student; a group shows up to two names, else "N students"
with every name in the tooltip; cancelled seats are not named; another tutor's lesson ids
name nobody.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking_app.models import BookingStatus
from booking_app.pages.tutor_lessons.state import TutorLessonsState
from booking_app.services import lessons
from tests.support import clock
from tests.support.builders import NOW, add_booking, add_lesson, add_tutor
from tests.support.states import open_page


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def test_lessons_page_shows_names_or_a_count_with_the_names(db: str) -> None:
    tutor = add_tutor()
    one = add_lesson(tutor, NOW + timedelta(days=1))
    add_booking(tutor, one, BookingStatus.confirmed, name="Taras Koval")
    group = add_lesson(tutor, NOW + timedelta(days=2), capacity=5)
    for name in ("Mila", "Ostap", "Iryna"):
        add_booking(tutor, group, BookingStatus.confirmed, name=name)
    add_booking(tutor, group, BookingStatus.cancelled, name="Gone")
    pair = add_lesson(tutor, NOW + timedelta(days=3), capacity=4)
    add_booking(tutor, pair, BookingStatus.pending, name="Mila")
    add_booking(tutor, pair, BookingStatus.confirmed, name="Ostap")
    empty = add_lesson(tutor, NOW + timedelta(days=4))

    tab, _ = open_page("/tutor/lessons", user=(tutor, "tutor"))
    rows = {r.id: r for r in tab.state(TutorLessonsState).lessons}
    assert rows[one].students == "Taras Koval"
    assert rows[group].students == "3 students"
    assert rows[group].students_all == "Mila, Ostap, Iryna"  # the tooltip; no cancelled seat
    assert rows[pair].students == "Mila, Ostap"
    assert rows[empty].students == ""

    other = add_tutor("petro@example.com")
    assert lessons.seat_names(other, [one, group]) == {}
