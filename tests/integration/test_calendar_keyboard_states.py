"""The calendar's keyboard paths as a tab sees them: "New lesson" and "Move" dialogs go
through the same services as a drag (same rules, same refusals), with field messages.

Why (issue 14): create and move needed a pointer. These handlers are what the dialogs
submit; the browser test drives them by keyboard only.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from booking_app.pages.calendar.state import CalendarState
from booking_app.services import lessons
from tests.support import clock
from tests.support.builders import (
    MONDAY_10,
    NOW,
    add_bare_tutor,
    add_lesson,
    add_service,
    add_student,
    add_tutor,
)
from tests.support.states import Tab, open_page, page_spec, run, toasts

MONDAY = "2026-11-30"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _calendar(tutor: int) -> CalendarState:
    tab, _ = open_page("/calendar", user=(tutor, "tutor"))
    st = tab.state(CalendarState)
    run(st.pick_date(MONDAY))
    return st


def test_new_lesson_by_keyboard_uses_the_service_and_its_rules(sqlite_db: str) -> None:
    tutor = add_bare_tutor()
    service = add_service(tutor, name="Algebra", minutes=45)
    st = _calendar(tutor)
    run(st.open_new())
    assert st.new_open and st.new_service == str(service) and st.new_duration == "45"
    events = run(st.submit_new({"date": MONDAY, "time": "12:00", "duration": "45",
                                "service": str(service)}))  # fmt: skip
    assert toasts(events, "success") and not st.new_open
    [event] = [e for e in st.items if e.kind == "lesson"]
    assert (event.start, event.end) == ("2026-11-30T12:00:00Z", "2026-11-30T12:45:00Z")
    assert event.title == "Algebra"
    # the same time again: refused by the same rule as a drag, message in the dialog
    run(st.open_new())
    run(st.submit_new({"date": MONDAY, "time": "12:15", "duration": "30", "service": "0"}))
    assert st.new_open and "overlaps" in st.new_errors["form"]
    # bad input: next to the field, nothing written
    run(st.submit_new({"date": "", "time": "", "duration": "30"}))
    assert set(st.new_errors) == {"date", "time"}
    run(st.submit_new({"date": MONDAY, "time": "14:00", "duration": "0"}))
    assert "duration" in st.new_errors
    assert len([e for e in st.items if e.kind == "lesson"]) == 1


def test_a_foreign_service_id_is_not_used(sqlite_db: str) -> None:
    tutor, other = add_bare_tutor(), add_tutor("petro@example.com")
    foreign = add_service(other, minutes=90)
    st = _calendar(tutor)
    run(st.open_new())
    run(st.submit_new({"date": MONDAY, "time": "12:00", "duration": "60",
                       "service": str(foreign)}))  # fmt: skip
    [event] = [e for e in st.items if e.kind == "lesson"]
    assert event.end == "2026-11-30T13:00:00Z"  # an individual lesson of its own, no service


def test_move_by_keyboard_keeps_the_length_and_refuses_like_a_drag(sqlite_db: str) -> None:
    tutor = add_bare_tutor()
    st = _calendar(tutor)
    for at in ("10:00", "15:00"):
        run(st.open_new())
        run(st.submit_new({"date": MONDAY, "time": at, "duration": "60", "service": "0"}))
    first, second = sorted((e for e in st.items if e.kind == "lesson"), key=lambda e: e.start)
    run(st.on_click(first.id))
    assert st.detail_open and (st.move_date, st.move_time) == (MONDAY, "10:00")
    run(st.submit_move({"date": MONDAY, "time": "14:30"}))  # onto the 15:00 lesson
    assert st.detail_open and "overlaps" in st.move_errors["start"]
    run(st.submit_move({"date": "2026-11-31", "time": "10:00"}))
    assert st.move_errors["start"]  # not a date: a message, no exception
    events = run(st.submit_move({"date": "2026-12-01", "time": "09:00"}))
    assert toasts(events, "success") and not st.detail_open
    moved = next(e for e in st.items if e.id == first.id)
    assert (moved.start, moved.end) == ("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z")
    assert second.id in {e.id for e in st.items}


def test_students_cannot_use_the_keyboard_paths(sqlite_db: str) -> None:
    tutor = add_bare_tutor()
    st = _calendar(tutor)
    run(st.open_new())
    run(st.submit_new({"date": MONDAY, "time": "10:00", "duration": "60", "service": "0"}))
    lesson_id = int(next(e for e in st.items if e.kind == "lesson").id.split("-")[1])
    tab, _ = open_page("/calendar", user=(add_student(), "student"))
    student = tab.state(CalendarState)
    student.detail_id = lesson_id  # the browser may send anything
    assert toasts(run(student.open_new()), "error")
    assert toasts(run(student.submit_move({"date": "2026-12-01", "time": "09:00"})), "error")
    detail = lessons.lesson_detail(tutor, lesson_id)
    assert "30 Nov" in detail.label


def test_week_sums_read_in_the_viewers_locale(sqlite_db: str) -> None:
    """The calendar's stats and payment badges go through services/money.py: the tutor's
    currency, the browser's locale ("1 450 UAH" in Ukrainian), like every other price."""
    tutor = add_tutor()
    add_lesson(tutor, datetime.fromisoformat(MONDAY_10), students=(add_student(),), price="1450")
    tab = Tab("/calendar", user=(tutor, "tutor"))
    tab.root.router.headers.__dict__["accept_language"] = "uk-UA,uk;q=0.9"
    for handler in page_spec("/calendar").events:
        run(getattr(tab.state(handler.state), handler.fn.__name__)())
    st = tab.state(CalendarState)
    run(st.pick_date(MONDAY))
    assert (st.stats.revenue, st.stats.unpaid) == ("1\u00a0450 UAH", "1\u00a0450 UAH")
    assert st.stats.paid == "0 UAH"
    [event] = [e for e in st.items if e.kind == "lesson"]
    assert event.pay == "unpaid 1\u00a0450 UAH"
    run(st.on_click(event.id))  # the lesson's dialog lists the seat at the same price
    assert [seat.price for seat in st.detail.seats] == ["1\u00a0450 UAH"]
