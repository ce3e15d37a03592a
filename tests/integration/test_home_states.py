"""The tutor's home as a browser tab sees it (handlers called directly, real SQLite).

Why (issue 14): a new tutor's home showed zeros and no way forward, and pending requests
could be answered only on the Requests page. Home now shows the onboarding checklist with
each step's state from the database, publishes only a bookable page, shares its link and
QR code, and lists pending requests with confirm / decline.
"""

from __future__ import annotations

import pytest

from booking_app.pages.home.onboarding import OnboardingState
from booking_app.pages.tutor_profile import TutorProfileState
from booking_app.services import accounts, availability, booking, profile
from booking_app.state.requests import TutorRequestsState
from tests.support import clock
from tests.support.builders import MONDAY_10, NOW, add_service, add_student, add_tutor, form
from tests.support.states import open_page, run, toasts


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _steps(st: OnboardingState) -> dict[str, bool]:
    return {s.key: s.done for s in st.steps}


def test_a_new_tutor_is_walked_to_a_published_page(sqlite_db: str) -> None:
    tutor = accounts.register(
        accounts.Registration(
            name="Iryna Nova", email="iryna@example.com", phone="+380671112233",
            password="correct horse 1", role="tutor", timezone="Europe/Kyiv",
        )
    ).id  # fmt: skip
    who = (tutor, "tutor")
    tab, _ = open_page("/home", user=who)
    st = tab.state(OnboardingState)
    assert st.loaded and not st.published and not st.all_done and st.qr == ""
    assert not any(_steps(st).values())
    assert [s.href for s in st.steps][:3] == ["/tutor/profile", "/tutor/services",
                                              "/tutor/availability"]  # fmt: skip

    run(st.publish())  # nothing to book yet: refused, named, nothing written
    assert "add an active service" in st.error and "working hours" in st.error
    assert not profile.get_profile(tutor).is_published

    profile.save_profile(tutor, {"headline": "Algebra, calmly"})
    add_service(tutor)
    availability.save_weekly_windows(tutor, [(0, "09:00", "17:00"), (2, "09:00", "17:00")])
    tab, _ = open_page("/home", user=who)
    st = tab.state(OnboardingState)
    assert _steps(st) == {"profile": True, "service": True, "hours": True, "preview": True,
                          "publish": False, "share": False}  # fmt: skip
    events = run(st.publish())
    assert toasts(events, "success") and st.error == ""
    assert st.published and st.all_done and profile.get_profile(tutor).is_published
    assert st.public_url.endswith("/t/" + profile.get_profile(tutor).slug)
    assert st.qr.startswith("data:image/svg+xml")
    copied = run(st.copy_link())
    assert any(st.public_url in str(e) for e in copied) and toasts(copied, "success")


def test_home_lists_pending_requests_and_answers_them(sqlite_db: str) -> None:
    tutor = add_tutor(requires_confirmation=True)
    service = add_service(tutor)
    booking.create_booking(form(tutor, service, start=MONDAY_10), student_id=add_student(),
                           now=NOW)  # fmt: skip
    tab, _ = open_page("/home", user=(tutor, "tutor"))
    requests = tab.state(TutorRequestsState)
    [req] = requests.requests
    run(requests.confirm(req.booking_id))
    assert requests.requests == [] and booking.pending_count(tutor) == 0


def test_students_get_no_onboarding_and_no_requests(sqlite_db: str) -> None:
    tab, _ = open_page("/home", user=(add_student(), "student"))
    assert not tab.state(OnboardingState).loaded
    assert tab.state(TutorRequestsState).requests == []


def test_the_profile_switch_refuses_to_publish_an_empty_page(sqlite_db: str) -> None:
    tutor = add_tutor("olena@example.com", is_published=False, hours=())
    tab, _ = open_page("/tutor/profile", user=(tutor, "tutor"))
    st = tab.state(TutorProfileState)
    st.set_is_published(True)
    run(st.save({"slug": "olena", "headline": "Hi", "bio": "", "default_price": "0"}))
    assert "working hours" in st.errors["is_published"] and not st.is_published
    assert st.headline == "Hi"  # what was typed stays
    assert not profile.get_profile(tutor).is_published


def test_the_pending_count_on_home_follows_the_live_channel(sqlite_db: str) -> None:
    tutor = add_tutor(requires_confirmation=True)
    service = add_service(tutor)
    tab, _ = open_page("/home", user=(tutor, "tutor"))
    requests = tab.state(TutorRequestsState)
    assert requests.requests == []
    booking.create_booking(form(tutor, service, start=MONDAY_10), student_id=add_student(),
                           now=NOW)  # fmt: skip
    run(requests.refresh())  # what the channel's bump runs in the open tab
    assert len(requests.requests) == 1
    # and home is wired to the channel: its live_refresh hook calls that handler
    from booking_app.pages.home import home_page

    hooks = " ".join(home_page()._get_all_hooks())
    assert "tutor_requests_state.refresh" in hooks
