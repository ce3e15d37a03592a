"""The tutor's bookings page and the reports page, driven through their states (SQLite:
the numbers themselves are proven on both databases in test_reports / test_booking_list)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from booking_app.db import read_scope
from booking_app.models import Booking, BookingStatus, PaymentStatus
from booking_app.pages.reports import ReportsState
from booking_app.pages.tutor_bookings import TutorBookingsState
from booking_app.services import accounts
from tests.support import clock
from tests.support.builders import add_booking, add_lesson, add_student, add_tutor
from tests.support.states import open_page, redirects, run, toasts

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    clock.freeze(monkeypatch, NOW)
    olena, petro = add_tutor("olena@example.com", name="Olena"), add_tutor("petro@example.com")
    taras = add_student("taras@example.com")
    past = add_lesson(
        olena, NOW - timedelta(days=2), students=(taras,), status=BookingStatus.completed
    )
    soon = add_lesson(olena, NOW + timedelta(days=1))
    theirs = add_lesson(petro, NOW + timedelta(days=1))
    with read_scope() as s:
        done = s.exec(select(Booking.id).where(Booking.lesson_id == past)).one() or 0
    return {
        "olena": olena, "petro": petro, "taras": taras, "done": done,
        "pending": add_booking(olena, soon, BookingStatus.pending, name="Ira"),
        "foreign": add_booking(petro, theirs, BookingStatus.confirmed),
    }  # fmt: skip


def _payment(booking_id: int) -> PaymentStatus:
    with read_scope() as s:
        row = s.get(Booking, booking_id)
        assert row is not None
        return row.payment_status


def test_the_bookings_page_filters_pages_and_marks_paid(world: dict[str, int]) -> None:
    tab, _ = open_page("/tutor/bookings", user=(world["olena"], "tutor"))
    page = tab.state(TutorBookingsState)
    assert page.loaded and page.total == 2 and [r.student for r in page.rows] == ["S", "Ira"]
    assert page.showing == "Showing 1\u20132 of 2" and not page.has_next
    assert [o.label for o in page.student_options] == ["Any student", "Taras Student"]
    run(page.apply({"bk-status": "pending", "bk-sort": "-start"}))
    assert [r.id for r in page.rows] == [world["pending"]]
    assert page.export_href == "/api/v1/bookings/export.csv?status=pending&sort=-start"
    run(page.apply({"bk-from": "2026-11-30", "bk-to": "2026-11-01"}))
    assert page.errors == {"to": "The end date is before the start date."} and page.rows == []
    run(page.apply({}))
    # A forged selection with another tutor's booking: refused, nothing changes.
    page.selected = [world["pending"], world["foreign"]]
    events = run(page.mark_paid())
    assert toasts(events, "error") and _payment(world["pending"]) is PaymentStatus.unpaid
    run(page.toggle_all(True))
    assert sorted(page.selected) == sorted([world["done"], world["pending"]])
    events = run(page.mark_paid())
    assert toasts(events, "success") and page.selected == []
    assert _payment(world["pending"]) is PaymentStatus.paid
    assert all(r.paid for r in page.rows) and _payment(world["foreign"]) is PaymentStatus.unpaid


def test_a_student_cannot_open_or_use_the_bookings_page(world: dict[str, int]) -> None:
    tab, events = open_page("/tutor/bookings", user=(world["taras"], "student"))
    assert redirects(events) and tab.state(TutorBookingsState).rows == []
    page = tab.state(TutorBookingsState)
    page.selected = [world["pending"]]
    assert toasts(run(page.mark_paid()), "error")
    assert _payment(world["pending"]) is PaymentStatus.unpaid


def test_the_reports_page_for_a_tutor_and_an_admin(world: dict[str, int]) -> None:
    tab, _ = open_page("/reports", user=(world["olena"], "tutor"))
    page = tab.state(ReportsState)
    assert page.loaded and [r.name for r in page.rows] == ["Olena"]
    assert (page.date_from, page.date_to) == ("2026-11-01", "2026-11-30")
    olena = page.rows[0]
    assert (olena.held, olena.hours, olena.expected) == (1, "1.00", "500.00 UAH")
    assert page.chart == [{"name": "Olena", "lessons": 1, "hours": 1.0}]
    assert page.csv_href.startswith("/api/v1/reports/teacher-load?format=csv&from=2026-11-01")
    run(page.apply({"rp-kind": "subject", "rp-period": "last_month"}))
    assert (page.date_from, page.rows) == ("2026-10-01", [])
    run(
        page.apply(
            {
                "rp-kind": "tutor",
                "rp-period": "custom",
                "rp-from": "2026-11-31",
                "rp-to": "2026-11-30",
            }
        )
    )
    assert "from" in page.errors
    admin = accounts.create_admin(email="admin@example.com", name="Ada", phone="+380671110000",
                                  password="admin-pass-1")  # fmt: skip
    tab, _ = open_page("/reports", user=(admin, "admin"))
    assert sorted(r.name for r in tab.state(ReportsState).rows) == ["Olena", "Tutor petro"]
    tab, events = open_page("/reports", user=(world["taras"], "student"))
    assert redirects(events) and tab.state(ReportsState).rows == []
