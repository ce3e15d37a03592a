"""Issue 14 (student and guest side) through the page states, handlers called directly
(real SQLite, no browser): a guest is never put into a trial, sign-in keeps the tutor,
service, week and slot, a student's own account email always books, and a student's own
lessons are marked on the slots and asked about before a double booking."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from booking_app.pages.login import LoginState
from booking_app.pages.register import RegisterState
from booking_app.pages.tutor_public.state import TutorPublicState
from booking_app.state.auth import AuthState
from tests.support import clock
from tests.support.builders import (
    MONDAY_10,
    NOW,
    add_lesson,
    add_service,
    add_student,
    add_tutor,
    counts,
)
from tests.support.states import open_page, redirects, run, state

WEEK = "2026-11-30"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _next_of(href: str) -> str:
    return parse_qs(urlsplit(href).query)["next"][0]


def _page(path: str, user: tuple[int, str] | None = None) -> Any:
    """The tutor page opened as the browser does (guard first, then the page's on_load)."""
    tab, _ = open_page(path, user=user)
    st = tab.state(TutorPublicState)
    assert st.loaded and not st.not_found
    return st


def test_a_guest_from_the_marketplace_is_not_put_into_a_trial(sqlite_db: str) -> None:
    tutor = add_tutor()
    regular = add_service(tutor, name="Algebra")
    trial = add_service(tutor, name="Trial", price="0", trial=True)
    st = _page(f"/t/olena?from=marketplace&service={trial}&week={WEEK}")
    assert st.service_id == str(regular) and not st.trial_needs_sign_in
    # Choosing the trial says "sign in" up front, and the links come back here.
    run(st.set_service(str(trial)))
    assert st.trial_needs_sign_in
    run(st.pick_slot({"start": MONDAY_10, "label": "Mon 30 Nov, 10:00"}))
    back = _next_of(st.sign_in_href)
    assert back.startswith("/t/olena?") and _next_of(st.register_href) == back
    query = parse_qs(urlsplit(back).query)
    assert query["service"] == [str(trial)] and query["week"] == [WEEK]
    assert query["slot"] == [MONDAY_10] and query["from"] == ["marketplace"]
    assert "role=student" in st.register_href


def test_after_sign_in_the_student_is_back_on_the_same_service_week_and_slot(
    sqlite_db: str,
) -> None:
    tutor = add_tutor()
    add_service(tutor, name="Algebra")
    trial = add_service(tutor, name="Trial", minutes=30, price="0", trial=True)
    student = add_student()
    guest = _page(f"/t/olena?service={trial}&week={WEEK}")
    run(guest.set_service(str(trial)))
    run(guest.pick_slot({"start": MONDAY_10, "label": "Mon 30 Nov, 10:00"}))
    back = _next_of(guest.sign_in_href)

    # The sign-in page keeps it (links, the form's fallback post) and hands it on.
    login = state(LoginState, guest.sign_in_href)
    login.on_load()
    assert login.next_path == back and _next_of(login.register_href) == back
    register = state(RegisterState, login.register_href)
    run(register.on_load())
    assert register.next_path == back and _next_of(register.login_href) == back

    st = _page(back, user=(student, "student"))
    assert st.service_id == str(trial) and st.week_start == WEEK
    assert st.dialog_open and st.pick_start == MONDAY_10 and not st.trial_needs_sign_in


def test_a_hostile_next_is_dropped_everywhere(sqlite_db: str) -> None:
    student = add_student()
    login = state(LoginState, "/login?next=//evil.example/x")
    login.on_load()
    assert login.next_path == "" and login.register_href == "/register"
    tab, events = open_page("/login?next=https://evil.example", user=(student, "student"))
    assert redirects(events) and all("evil" not in r for r in redirects(events))
    tab, events = open_page("/login?next=/my/bookings", user=(student, "student"))
    assert any("/my/bookings" in r for r in redirects(events))
    assert tab.state(AuthState).signed_in


def test_the_prefilled_account_email_always_books(sqlite_db: str) -> None:
    """Issue 14, item 1: the form pre-fills the account email; the app must accept it,
    even an address on a special-use domain it stored itself (the old demo's)."""
    tutor = add_tutor()
    add_service(tutor)
    student = add_student("taras.student@demo.local", tz="Europe/Kyiv")
    st = _page(f"/t/olena?week={WEEK}", user=(student, "student"))
    run(st.pick_slot({"start": MONDAY_10, "label": "Mon 30 Nov, 10:00"}))
    assert st.f_email == "taras.student@demo.local"
    filled = {
        "name": st.f_name,
        "phone": st.f_phone,
        "email": st.f_email,
        "telegram_username": st.f_telegram,
    }
    events = run(st.submit(filled))
    assert st.errors == {} and [e for e in events if "/booking/" in str(e)]


def test_own_lessons_are_marked_and_a_double_booking_is_asked_first(sqlite_db: str) -> None:
    tutor = add_tutor()
    add_service(tutor)
    other = add_tutor("iryna@example.com", name="Iryna K")
    student = add_student(tz="Europe/Kyiv")
    monday_10 = datetime.fromisoformat(MONDAY_10)
    add_lesson(other, monday_10, students=(student,))
    st = _page(f"/t/olena?week={WEEK}", user=(student, "student"))
    assert "Iryna K" in st.busy[MONDAY_10] and len(st.busy) >= 1
    free = "2026-11-30T12:00:00+00:00"
    assert free not in st.busy  # negative control: a free slot is not marked

    run(st.pick_slot({"start": MONDAY_10, "label": "Mon 30 Nov, 10:00"}))
    assert "Iryna K" in st.pick_busy
    before = counts()
    filled = {"name": "Taras Student", "phone": "+380501234567", "email": ""}
    events = run(st.submit(filled))
    assert "Book anyway?" in st.overlap_question and "10:00" in st.overlap_question
    assert st.dialog_open and not [e for e in events if "/booking/" in str(e)]
    assert counts() == before
    events = run(st.book_anyway())
    assert [e for e in events if "/booking/" in str(e)] and st.overlap_question == ""

    guest = _page(f"/t/olena?week={WEEK}")
    assert guest.busy == {}  # a guest has no lessons to mark
