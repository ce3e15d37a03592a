"""The tutor workspace states with handlers called directly (no browser, a real SQLite DB).

Why here: the pages only translate between widgets and services, so what must hold is that
a save lands in the state's lists and refreshes the preview, that a service's field errors
land in the per-field error vars, and that nobody but a tutor can change anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from booking_app.db import read_scope
from booking_app.models import AvailabilityWindow, BusyBlock, Lesson, Service
from booking_app.pages.tutor_availability import AvailabilityState
from booking_app.pages.tutor_availability.busy import BusyState
from booking_app.pages.tutor_availability.common import TimeRange
from booking_app.pages.tutor_availability.hours import HoursState
from booking_app.pages.tutor_availability.overrides import OverridesState
from booking_app.pages.tutor_availability.preview import PreviewState
from booking_app.pages.tutor_availability.rules import RulesState
from booking_app.pages.tutor_lessons import TutorLessonsState
from booking_app.pages.tutor_services import TutorServicesState
from booking_app.services import accounts
from booking_app.state.auth import NOT_A_TUTOR
from booking_app.state.forms import FORM
from tests.support import clock
from tests.support.states import Tab, open_page, redirects, run, state, toasts

# A Wednesday; the tutor is in Kyiv (UTC+2 in early March), "next week" is 11-17 March 2030.
NOW = datetime(2030, 3, 6, 8, 0, tzinfo=timezone.utc)
NEXT_MONDAY = date(2030, 3, 11)
TZ = "Europe/Kyiv"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _user(role: str, email: str) -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration("Olena Kovalenko", email, "+380671234567", "secret-pass-1", role, TZ)
    )


def _count(model: Any) -> int:
    with read_scope() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _day(av: Availability, day: date) -> list[str]:
    [row] = [d for d in av.preview.days if d["date"] == day.isoformat()]
    return [slot["time"] for slot in row["slots"]]


SERVICE_FORM = {  # the dialog's uncontrolled inputs; the offer fields live in the state
    "name": "English conversation",
    "subject_id": "",
    "description": "Speaking practice",
    "duration_min": "60",
    "price": "450",
}


def _offer(st: Any, **fields: str) -> None:
    """Type into the offer fields (lesson type, mode, capacity, location, link)."""
    for name, value in fields.items():
        if name in ("lesson_type", "mode"):
            getattr(st, f"set_{name}")(value)
        else:
            st.set_field(name, value)


# ---------------------------------------------------------------- services


def test_service_create_edit_and_deactivate_update_the_list(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    st = state(TutorServicesState, "/tutor/services", user=tutor)
    assert run(st.on_load()) == []
    assert st.loaded and st.services == []
    assert st.subjects[0].label == "No subject"

    st.open_create()
    assert st.dialog_open and st.editing_id == 0
    _offer(st, meeting_url="https://meet.example.com/olena")
    events = run(st.save(SERVICE_FORM))
    assert toasts(events, "success") and not st.dialog_open and not st.saving
    [row] = st.services
    assert (row.name, row.duration_min, row.price, row.lesson_type, row.mode) == (
        "English conversation", 60, "450.00", "individual", "online",
    )  # fmt: skip

    st.open_edit(row.id)
    assert st.editing_id == row.id and st.f_name == "English conversation"
    _offer(st, lesson_type="group", mode="offline", capacity="6", location="Kyiv, Khreshchatyk 1")
    st.set_is_trial(True)
    run(st.save({**SERVICE_FORM, "name": "Club"}))
    [row] = st.services
    assert (row.name, row.lesson_type, row.capacity, row.mode, row.location, row.is_trial) == (
        "Club", "group", 6, "offline", "Kyiv, Khreshchatyk 1", True,
    )  # fmt: skip

    events = run(st.set_active(row.id, False))
    assert toasts(events, "success") and st.services[0].is_active is False
    run(st.set_active(row.id, True))
    assert st.services[0].is_active is True


def test_service_prices_read_in_the_viewers_locale(sqlite_db: str) -> None:
    """The services page shows prices through services/money.py, as the tutor page does:
    "1,450 UAH" in English, "1 450 UAH" to a Ukrainian browser, "Free" for a trial."""
    tutor = _user("tutor", "olena@example.com")
    st = state(TutorServicesState, "/tutor/services", user=tutor)
    run(st.on_load())
    st.open_create()
    _offer(st, meeting_url="https://meet.example.com/olena")
    run(st.save({**SERVICE_FORM, "price": "1450"}))
    st.open_create()
    _offer(st, meeting_url="https://meet.example.com/olena")
    st.set_is_trial(True)
    run(st.save({**SERVICE_FORM, "name": "Trial", "price": "0"}))
    labels = {s.name: s.price_label for s in st.services}
    assert labels == {"English conversation": "1,450 UAH", "Trial": "Free"}
    uk = Tab("/tutor/services", user=tutor)
    uk.root.router.headers.__dict__["accept_language"] = "uk-UA,uk;q=0.9"
    page = uk.state(TutorServicesState)
    run(page.on_load())
    assert {s.name: s.price_label for s in page.services}["English conversation"] == (
        "1\u00a0450 UAH"
    )


def test_service_validation_errors_land_next_to_their_fields(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    st = state(TutorServicesState, "/tutor/services", user=tutor)
    run(st.on_load())
    st.open_create()
    _offer(st, lesson_type="group", mode="offline", capacity="1")
    bad = {**SERVICE_FORM, "name": " ", "duration_min": "7", "price": "12.345"}
    events = run(st.save(bad))
    assert set(st.errors) == {"name", "duration_min", "price", "capacity", "location"}
    assert st.dialog_open and not st.saving and st.services == []
    assert not toasts(events, "success") and any("ref_service_name" in str(e) for e in events)
    assert _count(Service) == 0

    _offer(st, capacity="4")
    assert set(st.errors) == {"name", "duration_min", "price", "location"}  # typing clears
    _offer(st, location="Room 5")
    run(st.save(SERVICE_FORM))  # fixed: errors clear
    assert st.errors == {} and len(st.services) == 1


# ---------------------------------------------------------------- availability


@dataclass
class Availability:
    """The availability page's editors in one tab (each has its own state)."""

    page: AvailabilityState
    hours: HoursState
    overrides: OverridesState
    busy: BusyState
    rules: RulesState
    preview: PreviewState


def _availability(user: accounts.SessionUser) -> Availability:
    tab, events = open_page("/tutor/availability", user=user)
    assert events == [] or not toasts(events, "error")
    states = [tab.state(cls) for cls in (AvailabilityState, HoursState, OverridesState)]
    states += [tab.state(cls) for cls in (BusyState, RulesState, PreviewState)]
    return Availability(*states)


def _weekday_hours(hours: HoursState, start: str, end: str) -> None:
    """Monday 09:00–12:00 through the editor, then copied to Tuesday–Friday."""
    hours.add_window(0)
    [index] = [i for i, w in enumerate(hours.ranges) if w.weekday == 0]
    hours.set_time(index, "start", start)
    hours.set_time(index, "end", end)
    hours.copy_monday_to_weekdays()


def _hourly_rules(av: Availability) -> None:
    av.rules.min_notice_hours, av.rules.slot_step_min = "0", "60"
    assert toasts(run(av.rules.save()), "success")


def test_saving_windows_and_rules_refreshes_the_preview(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    av = _availability(tutor)
    assert av.page.loaded and av.preview.timezone == TZ and len(av.preview.days) == 7

    _hourly_rules(av)
    assert av.rules.slot_step_min == "60"

    _weekday_hours(av.hours, "09:00", "12:00")
    assert [w.weekday for w in av.hours.ranges] == [0, 1, 2, 3, 4] and av.hours.dirty
    events = run(av.hours.save())
    assert toasts(events, "success") and not av.hours.dirty
    assert [(w.weekday, w.start, w.end) for w in av.hours.ranges] == [
        (d, "09:00", "12:00") for d in range(5)
    ]

    run(av.preview.next_week())
    assert av.preview.week_start == NEXT_MONDAY.isoformat()
    for offset in range(5):
        assert _day(av, NEXT_MONDAY + timedelta(days=offset)) == ["09:00", "10:00", "11:00"]
    assert _day(av, NEXT_MONDAY + timedelta(days=5)) == []
    assert av.preview.slot_count == 15

    av.rules.set_rule("slot_step_min", "30")  # the preview follows the saved rules at once
    run(av.rules.save())
    assert _day(av, NEXT_MONDAY) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert av.preview.week_start == NEXT_MONDAY.isoformat()  # the chosen week is kept

    run(av.preview.pick_date((NEXT_MONDAY + timedelta(days=9)).isoformat()))  # a Wednesday
    assert av.preview.week_start == (NEXT_MONDAY + timedelta(days=7)).isoformat()
    run(av.preview.prev_week())
    assert av.preview.week_start == NEXT_MONDAY.isoformat()


def test_busy_blocks_and_overrides_show_in_the_preview(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    av = _availability(tutor)
    _hourly_rules(av)
    _weekday_hours(av.hours, "09:00", "12:00")
    run(av.hours.save())
    run(av.preview.next_week())

    monday = NEXT_MONDAY.isoformat()
    form = {"start": f"{monday}T09:00", "end": f"{monday}T10:00", "title": "Dentist"}
    key = av.busy.form_key
    events = run(av.busy.add(form))
    assert toasts(events, "success") and av.busy.form_key == key + 1
    [block] = av.busy.busy
    assert block.title == "Dentist"
    assert _day(av, NEXT_MONDAY) == ["10:00", "11:00"]

    bad = {"start": f"{monday}T11:00", "end": f"{monday}T10:00", "title": ""}
    events = run(av.busy.add(bad))
    assert av.busy.errors.get("end") and len(av.busy.busy) == 1
    assert not toasts(events, "success")

    tuesday = (NEXT_MONDAY + timedelta(days=1)).isoformat()
    av.overrides.set_day(tuesday)
    av.overrides.set_closed(True)
    run(av.overrides.save())
    assert [o.day for o in av.overrides.overrides] == [tuesday] and av.overrides.overrides[0].closed
    assert _day(av, NEXT_MONDAY + timedelta(days=1)) == []

    av.overrides.set_day((NEXT_MONDAY + timedelta(days=2)).isoformat())
    av.overrides.set_closed(False)  # special hours: 14:00–16:00 replace Wednesday's 09:00–12:00
    av.overrides.set_time(0, "start", "14:00")
    av.overrides.set_time(0, "end", "16:00")
    run(av.overrides.save())
    assert _day(av, NEXT_MONDAY + timedelta(days=2)) == ["14:00", "15:00"]

    run(av.overrides.remove(tuesday))
    assert _day(av, NEXT_MONDAY + timedelta(days=1)) == ["09:00", "10:00", "11:00"]
    run(av.busy.remove(block.id))
    assert av.busy.busy == [] and _day(av, NEXT_MONDAY) == ["09:00", "10:00", "11:00"]


def test_window_errors_land_on_the_offending_row(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    hours = _availability(tutor).hours
    hours.add_window(0)
    hours.add_window(2)
    wednesday = next(i for i, w in enumerate(hours.ranges) if w.weekday == 2)
    hours.set_time(wednesday, "start", "15:00")
    hours.set_time(wednesday, "end", "11:00")
    events = run(hours.save())
    assert toasts(events, "error") and not hours.saving
    assert hours.ranges[wednesday].error != ""
    assert all(w.error == "" for i, w in enumerate(hours.ranges) if i != wednesday)
    assert hours.dirty and _count(AvailabilityWindow) == 0  # nothing written


def test_override_without_a_date_or_with_a_bad_range(sqlite_db: str) -> None:
    overrides = _availability(_user("tutor", "olena@example.com")).overrides
    run(overrides.save())
    assert overrides.errors == {"day": "Pick a date."}
    overrides.set_day((NEXT_MONDAY + timedelta(days=2)).isoformat())
    assert overrides.errors == {}
    overrides.set_closed(False)
    overrides.set_time(0, "start", "16:00")
    overrides.set_time(0, "end", "14:00")
    run(overrides.save())
    assert overrides.ranges[0].error != "" and overrides.overrides == []


def test_rule_errors_land_in_their_fields(sqlite_db: str) -> None:
    rules = _availability(_user("tutor", "olena@example.com")).rules
    rules.set_rule("slot_step_min", "7")
    rules.set_rule("horizon_days", "0")
    rules.set_rule("buffer_before_min", "-5")
    events = run(rules.save())
    assert {"slot_step_min", "horizon_days", "buffer_before_min"} <= set(rules.errors)
    assert "buffer_after_min" not in rules.errors and not rules.saving
    assert any("ref_rule_" in str(e) for e in events)  # the first field in error gets the focus
    rules.set_rule("horizon_days", "30")  # editing a field clears its message
    assert "horizon_days" not in rules.errors


# ---------------------------------------------------------------- lessons


def test_publish_list_and_cancel_a_lesson(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    services = state(TutorServicesState, "/tutor/services", user=tutor)
    run(services.on_load())
    services.open_create()
    _offer(services, lesson_type="group", capacity="5")
    run(services.save(SERVICE_FORM | {"name": "Club", "duration_min": "90"}))

    st = state(TutorLessonsState, "/tutor/lessons", user=tutor)
    run(st.on_load())
    assert st.loaded and st.lessons == []
    st.choose_service(str(services.services[0].id))  # prefills
    assert (st.duration_min, st.lesson_type, st.capacity, st.title) == ("90", "group", "5", "Club")
    st.set_field("start_local", f"{NEXT_MONDAY.isoformat()}T18:00")
    st.set_field("price", "1450")
    events = run(st.publish())
    assert toasts(events, "success") and st.start_local == ""
    [lesson] = st.lessons
    assert (lesson.capacity, lesson.seats_taken, lesson.free_spots) == (5, 0, 5)
    assert lesson.status == "scheduled" and "18:00" in lesson.label
    assert lesson.price == "1,450 UAH"  # services/money.py, in the viewer's locale:
    uk = Tab("/tutor/lessons", user=tutor)
    uk.root.router.headers.__dict__["accept_language"] = "uk-UA,uk;q=0.9"
    run(uk.state(TutorLessonsState).on_load())
    assert [r.price for r in uk.state(TutorLessonsState).lessons] == ["1\u00a0450 UAH"]

    st.set_field("start_local", f"{NEXT_MONDAY.isoformat()}T18:30")  # overlaps the first
    events = run(st.publish())
    assert toasts(events, "error") and st.errors[FORM] and len(st.lessons) == 1

    st.set_field("start_local", "")
    st.set_field("duration_min", "3")
    run(st.publish())
    assert {"start_local", "duration_min"} <= set(st.errors) and len(st.lessons) == 1

    st.ask_cancel(lesson.id)
    assert st.cancel_open and st.cancel_label == lesson.label
    st.set_cancel_reason("Ill")
    events = run(st.confirm_cancel())
    assert toasts(events, "success") and not st.cancel_open and st.lessons == []


# ---------------------------------------------------------------- only tutors


def test_a_student_can_neither_open_nor_change_the_workspace(sqlite_db: str) -> None:
    student = _user("student", "stud@example.com")
    for path, cls in (
        ("/tutor/services", TutorServicesState),
        ("/tutor/availability", AvailabilityState),
        ("/tutor/lessons", TutorLessonsState),
    ):
        tab, events = open_page(path, user=student)
        assert any(NOT_A_TUTOR in t for t in toasts(events, "error"))
        assert any('"/home"' in r for r in redirects(events))
        assert not tab.state(cls).loaded

    services = state(TutorServicesState, "/tutor/services", user=student)
    events = run(services.save(SERVICE_FORM))
    assert toasts(events, "error") and services.services == []

    hours = state(HoursState, "/tutor/availability", user=student)
    hours.ranges = [TimeRange("09:00", "12:00", "", 0)]
    for handler in (
        hours.save(),
        state(RulesState, "/tutor/availability", user=student).save(),
        state(BusyState, "/tutor/availability", user=student).add(
            {"start": "2030-03-11T09:00", "end": "2030-03-11T10:00", "title": "x"}
        ),
        state(PreviewState, "/tutor/availability", user=student).next_week(),
    ):
        assert toasts(run(handler), "error")

    lessons = state(TutorLessonsState, "/tutor/lessons", user=student)
    lessons.start_local = "2030-03-11T09:00"
    assert toasts(run(lessons.publish()), "error")

    tab, events = open_page("/tutor/services")
    assert [r for r in redirects(events) if "/login?next=/tutor/services" in r] and not toasts(
        events, "error"
    )
    anonymous = tab.state(TutorServicesState)
    assert toasts(run(anonymous.save(SERVICE_FORM)), "error")

    for model in (Service, AvailabilityWindow, BusyBlock, Lesson):
        assert _count(model) == 0
