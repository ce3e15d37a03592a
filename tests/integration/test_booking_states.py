"""The booking journey's page states with handlers called directly (real SQLite, no browser).

What must hold: a guest's bad input lands next to its field and writes nothing; success
sends the browser to the private page; a slot taken in the meantime gives the "just taken"
message and fresh slots (never an exception); only tutors can confirm or decline.
"""

from __future__ import annotations

from typing import Any

import pytest

from booking_app import routes
from booking_app.pages import landing, my_bookings, tutor_profile
from booking_app.pages.booking import BookingPageState
from booking_app.pages.tutor_public.state import TutorPublicState
from booking_app.pages.tutor_requests import TutorRequestsState
from booking_app.services import booking
from booking_app.services.errors import SlotUnavailable
from tests.support import clock
from tests.support.builders import (
    MONDAY_10,
    NOW,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    counts,
    form,
)
from tests.support.states import open_page, run, state, toasts

MONDAY = "2026-11-30"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _slot_starts(state: Any) -> list[str]:
    return [s["start"] for d in state.days for s in d["slots"]]


def _public_page(tutor_slug: str = "olena", user: tuple[int, str] | None = None) -> Any:
    st = state(TutorPublicState, f"/t/{tutor_slug}", user=user)
    run(st.on_load())
    assert st.loaded and not st.not_found
    run(st.set_timezone("Europe/Kyiv"))
    run(st.pick_date(MONDAY))
    assert MONDAY_10 in _slot_starts(st)
    return st


GUEST_FORM = {
    "name": "Ivan Guest",
    "phone": "+380671112233",
    "email": "",
    "telegram_username": "@ivan_guest",
}


def test_public_page_opens_on_the_service_and_week_of_a_marketplace_card(
    sqlite_db: str,
) -> None:
    tutor = add_tutor()
    add_service(tutor, name="Algebra")
    trial = add_service(tutor, name="Trial", price="0", trial=True)
    geometry = add_service(tutor, name="Geometry")  # (a guest never gets a trial: issue 14)
    path = f"/t/olena?from=marketplace&service={geometry}&week=2026-12-09"
    st = state(TutorPublicState, path)
    run(st.on_load())
    assert st.service_id == str(geometry) and st.source == "marketplace"
    assert st.week_start == "2026-12-07"  # the Monday of the card's date
    plain = state(TutorPublicState, "/t/olena?week=not-a-date")
    run(plain.on_load())
    assert plain.loaded and plain.week_start != "" and plain.service_id != str(trial)


def test_public_page_of_unknown_slug_is_not_found(sqlite_db: str) -> None:
    st = state(TutorPublicState, "/t/nobody")
    run(st.on_load())
    assert st.loaded and st.not_found


def test_guest_with_bad_telegram_gets_a_field_error_and_nothing_is_written(
    sqlite_db: str,
) -> None:
    tutor = add_tutor()
    add_service(tutor)
    st = _public_page()
    run(st.pick_slot({"start": MONDAY_10, "label": "Mon 30 Nov, 10:00"}))
    assert st.dialog_open and st.is_guest
    events = run(st.submit({**GUEST_FORM, "telegram_username": "ivan"}))
    assert list(st.errors) == ["telegram_username"]  # next to its field, nothing else
    assert st.dialog_open and not st.submitting
    assert not [e for e in events if "/booking/" in str(e)]
    assert counts() == (0, 0)


def test_guest_booking_redirects_to_the_private_page(sqlite_db: str) -> None:
    tutor = add_tutor()
    add_service(tutor)
    st = _public_page()
    run(st.pick_slot({"start": MONDAY_10, "label": "Mon 30 Nov, 10:00"}))
    events = run(st.submit(GUEST_FORM))
    [redirect] = [str(e) for e in events if "/booking/" in str(e)]
    token = redirect.split("/booking/")[1].split("?")[0]
    assert "new=1" in redirect
    row = booking_row(token)
    assert row.client_name == "Ivan Guest" and not st.dialog_open

    page = state(BookingPageState, f"/booking/{token}?new=1")
    run(page.on_load())
    assert page.loaded and not page.not_found and page.is_new
    assert page.b.status == "confirmed" and page.b.ics_url.endswith(routes.booking_ics_url(token))


def test_slot_taken_meanwhile_shows_the_message_and_fresh_slots(sqlite_db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    st = _public_page()
    run(st.pick_slot({"start": MONDAY_10, "label": "Mon 30 Nov, 10:00"}))
    booking.create_booking(  # someone else is faster
        form(tutor, service, name="Other Guest", telegram_username="@other_guest"),
        student_id=None,
        now=NOW,
    )
    events = run(st.submit(GUEST_FORM))
    with pytest.raises(SlotUnavailable) as refused:  # what the service says, the page shows
        booking.create_booking(form(tutor, service), student_id=None, now=NOW)
    assert st.taken_message == refused.value.detail != ""
    assert MONDAY_10 not in _slot_starts(st)
    assert not st.submitting and not [e for e in events if "/booking/" in str(e)]
    assert counts() == (1, 1)


def test_the_engines_reason_reaches_the_guest(sqlite_db: str) -> None:
    """Issue 13: a refused slot says why (here the tutor's buffer), not "just taken"."""
    tutor = add_tutor(buffer_after_min=15)
    service = add_service(tutor)
    st = _public_page()
    eleven = "2026-11-30T09:00:00+00:00"  # Mon 30 Nov, 11:00 Kyiv
    assert eleven in _slot_starts(st)
    booking.create_booking(form(tutor, service), student_id=None, now=NOW)  # 10:00-11:00
    run(st.pick_slot({"start": eleven, "label": "Mon 30 Nov, 11:00"}))
    events = run(st.submit(GUEST_FORM))
    assert "15 minutes" in st.taken_message and "between lessons" in st.taken_message
    assert any("15 minutes" in t for t in toasts(events, "error"))
    assert eleven not in _slot_starts(st) and counts() == (1, 1)


def test_private_page_of_unknown_token_is_not_found(sqlite_db: str) -> None:
    page = state(BookingPageState, "/booking/not-a-token")
    run(page.on_load())
    assert page.loaded and page.not_found


def _pending_trial(tutor: int, student: int, start: str = MONDAY_10) -> booking.BookingDetailView:
    trial = add_service(tutor, name="Trial", minutes=30, price="0", trial=True)
    return booking.create_booking(
        form(tutor, trial, start=start, name="Taras Student", telegram_username=""),
        student_id=student,
        now=NOW,
    )


def test_confirm_and_decline_refuse_non_tutors(sqlite_db: str) -> None:
    tutor = add_tutor()
    student = add_student()
    view = _pending_trial(tutor, student)
    assert view.status == "pending"
    [req] = booking.pending_requests(tutor, viewer_tz="Europe/Kyiv")

    for who in ((student, "student"), None):
        st = state(TutorRequestsState, "/tutor/requests", user=who)
        events = run(st.confirm(req.booking_id))
        assert any("__toast" in str(e) and '["error"]' in str(e) for e in events)
        st.open_decline(req.booking_id, "Taras")
        run(st.decline({"reason": "No"}))
    assert booking.get_booking(view.token, viewer_tz="UTC", now=NOW).status == "pending"


def test_tutor_confirms_and_declines_with_a_reason(sqlite_db: str) -> None:
    tutor = add_tutor()
    student = add_student()
    view = _pending_trial(tutor, student)
    st = state(TutorRequestsState, "/tutor/requests", user=(tutor, "tutor"))
    run(st.on_load())
    [req] = st.requests
    assert req.kind == "trial"
    run(st.confirm(req.booking_id))
    assert st.requests == []
    assert booking.get_booking(view.token, viewer_tz="UTC", now=NOW).status == "confirmed"

    other = add_student("mila@example.com")
    second = _pending_trial(tutor, other, "2026-11-30T10:00:00+00:00")
    run(st.on_load())
    [req] = st.requests
    st.open_decline(req.booking_id, req.client_name)
    run(st.decline({"reason": "  "}))
    assert st.errors.get("reason", "") and st.decline_open
    run(st.decline({"reason": "Fully booked this month"}))
    assert not st.decline_open and st.requests == []
    detail = booking.get_booking(second.token, viewer_tz="UTC", now=NOW)
    assert detail.status == "cancelled" and detail.status_reason == "Fully booked this month"


def test_private_page_reschedules_then_cancels(sqlite_db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    view = booking.create_booking(form(tutor, service), student_id=None, now=NOW)
    page = state(BookingPageState, f"/booking/{view.token}")
    run(page.on_load())
    run(page.set_timezone("Europe/Kyiv"))
    assert page.b.can_reschedule and page.b.can_cancel
    page.open_reschedule()
    run(page.pick_date(MONDAY))
    starts = [s["start"] for d in page.days for s in d["slots"]]
    assert MONDAY_10 in starts  # its own time is offered again (the lesson being moved)
    new_start = "2026-11-30T12:00:00+00:00"
    run(page.reschedule_to({"start": new_start, "label": "Mon 30 Nov, 14:00"}))
    run(page.confirm_move())  # "Move from X to Y?" (issue 14)
    assert not page.resched_open and page.r_message == ""
    assert page.b.start == new_start

    page.set_cancel_open(True)
    run(page.cancel())
    assert not page.cancel_open and page.b.status in ("cancelled", "late_cancel")
    assert not page.b.can_cancel


def test_my_bookings_lists_the_students_own_bookings(sqlite_db: str) -> None:
    tutor = add_tutor()
    student = add_student()
    view = _pending_trial(tutor, student)
    st = state(my_bookings.MyBookingsState, "/my/bookings", user=(student, "student"))
    run(st.on_load())
    assert st.loaded and [b.token for b in st.upcoming] == [view.token] and st.past == []
    tab, events = open_page("/my/bookings", user=(tutor, "tutor"))
    assert not tab.state(my_bookings.MyBookingsState).loaded and toasts(events, "error")


def test_marketplace_lists_tutors_and_shows_price_errors_by_field(sqlite_db: str) -> None:
    st = state(landing.MarketplaceState, "/")
    run(st.on_load())
    assert st.loaded and st.results == [] and not st.searched  # "no tutors yet"

    tutor = add_tutor()
    add_service(tutor, price="450")
    run(st.on_load())
    [card] = st.results
    assert (card.slug, card.price_from) == ("olena", "450.00") and card.next_free

    run(st.search({"text": "", "price_min": "500", "price_max": ""}))
    assert st.results == [] and st.searched and not st.invalid  # "no tutors match"
    run(st.search({"text": "olena", "price_min": "abc", "price_max": "10"}))
    # Issue 14: only the field's message, not also "No tutors match" (invalid hides it).
    assert st.errors.get("price_min", "") and st.results == [] and st.invalid
    events = run(st.clear())
    assert len(st.results) == 1 and st.errors.get("price_min", "") == "" and not st.invalid
    # Issue 14: "Clear filters" empties the typed name and prices in the browser too.
    assert st.q_text == "" and not st.searched
    cleared = " ".join(str(e) for e in events)
    refs = [f'"ref_{field.replace("-", "_")}"' for field in landing.TEXT_INPUTS]
    assert all(ref in cleared for ref in refs) and "_set_value" in cleared


def test_tutor_profile_saves_and_shows_field_errors(sqlite_db: str) -> None:
    tutor = add_tutor()
    st = state(tutor_profile.TutorProfileState, "/tutor/profile", user=(tutor, "tutor"))
    run(st.on_load())
    assert st.loaded and st.slug == "olena" and st.public_path == "/t/olena"
    base = {"slug": "olena", "headline": "Maths", "bio": "Hi", "default_price": "500"}
    run(st.save({**base, "slug": "No Spaces!"}))
    assert st.errors.get("slug", "") and not st.saving
    st.set_requires_confirmation(True)
    events = run(st.save({**base, "slug": "olena-k"}))
    assert any('["success"]' in str(e) for e in events)
    assert st.slug == "olena-k" and st.requires_confirmation and st.errors.get("slug", "") == ""

    student = add_student()
    other = state(tutor_profile.TutorProfileState, "/tutor/profile", user=(student, "student"))
    events = run(other.save({**base, "slug": "hijack"}))
    assert any('["error"]' in str(e) for e in events)


def test_forged_event_sequence_books_the_lesson_at_its_own_price(sqlite_db: str) -> None:
    """Issue 12, item 9: set_service(group) -> pick_lesson -> set_service(cheap) -> submit.
    Changing the service drops the picked lesson, and a submit that still names a lesson
    books it at the lesson's price (the service decides it on the server). Negative
    control: on 855d6d1 the seat was booked at the cheap service's 100.00."""
    from decimal import Decimal

    from booking_app.services.lessons import PublishInput, publish_lesson

    tutor = add_tutor()
    group = add_service(tutor, name="Club", price="300", group=6)
    cheap = add_service(tutor, name="Cheap", price="100", group=6)
    lesson = publish_lesson(
        tutor,
        PublishInput(
            start_local="2026-11-30T12:00", duration_min=60, service_id=None, title="Workshop",
            lesson_type="group", capacity="6", mode="online", location="",
            meeting_url="https://meet.example.com/w", tentative=False, price="700",
        ),
        now=NOW,
    )  # fmt: skip
    st = _public_page()
    run(st.set_service(str(group)))
    run(st.pick_lesson(lesson.id, "Workshop"))
    assert st.dialog_open and st.pick_lesson_id == lesson.id
    run(st.set_service(str(cheap)))
    assert st.pick_lesson_id == 0 and not st.dialog_open  # a new service, a new choice
    run(st.pick_lesson(lesson.id, "Workshop"))  # forged: the page lists it under Club only
    events = run(st.submit(GUEST_FORM))
    [redirect] = [str(e) for e in events if "/booking/" in str(e)]
    row = booking_row(redirect.split("/booking/")[1].split("?")[0])
    assert (row.lesson_id, row.price) == (lesson.id, Decimal("700.00"))
