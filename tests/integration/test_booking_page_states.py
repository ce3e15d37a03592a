"""Issue 14, items 5 and 6 through the page states (real SQLite, no browser): the private
booking page says what happened (declined, withdrawn, never "cancelled late" for a
request), moves only after "Move from X to Y?", links the meeting only when it is a web
address, copies its own link; prices read "Free" at zero, in the tutor's currency and the
viewer's locale."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from booking_app.pages import my_bookings, tutor_profile
from booking_app.pages.booking import BookingPageState
from booking_app.pages.tutor_public.state import TutorPublicState
from booking_app.services import booking
from booking_app.state.rows import web_link
from tests.support import clock
from tests.support.builders import (
    MONDAY_10,
    NOW,
    add_lesson,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    form,
)
from tests.support.states import Tab, open_page, run, state, toasts

MONDAY = "2026-11-30"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _private_page(token: str, accept_language: str = "") -> Any:
    tab = Tab(f"/booking/{token}")
    if accept_language:
        tab.root.router.headers.__dict__["accept_language"] = accept_language  # frozen
    page = tab.state(BookingPageState)
    run(page.on_load())
    assert page.loaded and not page.not_found
    return page


def _trial_request(tutor: int, student: int) -> booking.BookingDetailView:
    trial = add_service(tutor, name="Trial", minutes=30, price="0", trial=True)
    return booking.create_booking(form(tutor, trial), student_id=student, now=NOW)


def test_a_declined_request_says_so_and_links_back_to_the_tutor(sqlite_db: str) -> None:
    tutor = add_tutor(cancellation_notice_hours=24 * 30)  # everything is inside the notice
    student = add_student()
    view = _trial_request(tutor, student)
    booking.decline_booking(tutor, booking_row(view.token).id or 0, reason="Full", now=NOW)
    page = _private_page(view.token)
    assert page.b.status == "cancelled"  # the stored status (API, bot) is unchanged
    assert page.b.shown_status == "declined"
    assert page.b.status_label == "Declined - pick another time"
    assert page.b.tutor_slug == "olena" and page.b.price_label == "Free"
    mine = state(my_bookings.MyBookingsState, "/my/bookings", user=(student, "student"))
    run(mine.on_load())
    [row] = mine.past
    assert row.status_label == "Declined - pick another time"


def test_withdrawing_a_pending_request_is_never_a_late_cancel(sqlite_db: str) -> None:
    tutor = add_tutor(cancellation_notice_hours=24 * 30)
    student = add_student()
    view = _trial_request(tutor, student)
    page = _private_page(view.token)
    assert page.b.can_cancel and not page.b.cancel_is_late  # a request, not a lesson
    page.set_cancel_open(True)
    run(page.cancel())
    assert page.b.status == "cancelled" and page.b.status_label == "Withdrawn"
    # Negative control: a confirmed lesson inside the notice still cancels late.
    service = add_service(tutor)
    confirmed = booking.create_booking(
        form(tutor, service, start="2026-11-30T12:00:00+00:00"), student_id=None, now=NOW
    )
    page = _private_page(confirmed.token)
    assert page.b.cancel_is_late
    run(page.cancel())
    assert page.b.status == "late_cancel" and page.b.status_label == "Cancelled late"


def test_reschedule_asks_before_it_moves(sqlite_db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    view = booking.create_booking(form(tutor, service), student_id=None, now=NOW)
    page = _private_page(view.token)
    run(page.set_timezone("Europe/Kyiv"))
    page.open_reschedule()
    run(page.pick_date(MONDAY))
    new_start = "2026-11-30T12:00:00+00:00"
    run(page.reschedule_to({"start": new_start, "label": "Mon 30 Nov, 14:00"}))
    assert page.move_open and page.move_label == "Mon 30 Nov, 14:00"
    assert page.b.start == MONDAY_10  # nothing moved on the click
    page.set_move_open(False)  # "Keep the current time"
    assert not page.move_open and page.b.start == MONDAY_10
    events = run(page.confirm_move())  # a stray confirm without a question does nothing
    assert events == [] and page.b.start == MONDAY_10
    run(page.reschedule_to({"start": new_start, "label": "Mon 30 Nov, 14:00"}))
    events = run(page.confirm_move())
    assert page.b.start == new_start and not page.move_open and toasts(events, "success")


def test_a_move_onto_the_students_other_lesson_asks_move_anyway(sqlite_db: str) -> None:
    """STUDENT_OVERLAP=warn (the default) on a move: the dialog stays open with "You have
    ... then. Move anyway?"; the second press moves; another time asks afresh."""
    tutor = add_tutor()
    service = add_service(tutor)
    iryna = add_tutor("iryna@example.com", name="Iryna K")
    student = add_student()
    two_pm = "2026-11-30T12:00:00+00:00"  # 14:00 Kyiv
    add_lesson(iryna, datetime.fromisoformat(two_pm), students=(student,))
    view = booking.create_booking(form(tutor, service), student_id=student, now=NOW)
    page = _private_page(view.token)
    page.open_reschedule()
    run(page.reschedule_to({"start": two_pm, "label": "Mon 30 Nov, 14:00"}))
    events = run(page.confirm_move())
    assert page.move_open and not page.r_saving and page.b.start == MONDAY_10  # not moved
    assert "Iryna K" in page.move_clash and page.move_clash.endswith("Move anyway?")
    assert not toasts(events, "success")
    page.set_move_open(False)  # "Keep the current time": the question goes with it
    run(page.reschedule_to({"start": two_pm, "label": "Mon 30 Nov, 14:00"}))
    assert page.move_clash == ""
    run(page.confirm_move())
    assert page.move_clash  # asked again
    events = run(page.confirm_move())  # "Move anyway"
    assert page.b.start == two_pm and not page.move_open and toasts(events, "success")


def test_meeting_link_only_for_web_addresses_and_the_private_link_is_copied(
    sqlite_db: str,
) -> None:
    assert web_link("https://meet.example.com/x") == "https://meet.example.com/x"
    assert web_link("http://zoom.example/j/1") == "http://zoom.example/j/1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "/relative", "meet.example.com", ""):
        assert web_link(bad) == ""
    tutor = add_tutor()
    service = add_service(tutor)  # meeting_url https://meet.example.com/x
    view = booking.create_booking(form(tutor, service), student_id=None, now=NOW)
    page = _private_page(view.token)
    assert page.b.meeting_href == "https://meet.example.com/x"
    assert page.share_url.endswith(f"/booking/{view.token}")
    student = add_student()
    booking.create_booking(
        form(tutor, service, start="2026-11-30T12:00:00+00:00"), student_id=student, now=NOW
    )
    mine = state(my_bookings.MyBookingsState, "/my/bookings", user=(student, "student"))
    run(mine.on_load())
    assert [b.meeting_href for b in mine.upcoming] == ["https://meet.example.com/x"]
    events = run(page.copy_link())
    assert any("set_clipboard" in str(e) or "clipboard" in str(e).lower() for e in events)
    assert toasts(events, "success")


def test_prices_free_in_the_tutors_currency_and_the_viewers_locale(sqlite_db: str) -> None:
    tutor = add_tutor()
    add_service(tutor, name="Algebra", price="1450")
    add_service(tutor, name="Trial", price="0", trial=True)
    st = state(tutor_profile.TutorProfileState, "/tutor/profile", user=(tutor, "tutor"))
    run(st.on_load())
    base = {"slug": "olena", "headline": "Maths", "bio": "Hi", "default_price": "500"}
    run(st.save({**base, "currency": "usd1"}))
    assert st.errors.get("currency", "")  # next to the field, nothing saved
    events = run(st.save({**base, "currency": "usd"}))
    assert toasts(events, "success") and st.currency == "USD"

    tab, _ = open_page("/t/olena")
    labels = {s.name: s.price_label for s in tab.state(TutorPublicState).services}
    assert labels == {"Algebra": "1,450 USD", "Trial": "Free"}
    uk = Tab("/t/olena")
    uk.root.router.headers.__dict__["accept_language"] = "uk-UA,uk;q=0.9"
    page = uk.state(TutorPublicState)
    run(page.on_load())
    assert {s.name: s.price_label for s in page.services}["Algebra"] == "1\u00a0450 USD"
