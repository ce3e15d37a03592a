"""Pure helpers of the pages and their states (no database, no browser: signed-out tabs)."""

from __future__ import annotations

from booking_app.pages.calendar import CalendarState
from booking_app.pages.classroom import _clock
from booking_app.pages.login import LoginState
from booking_app.services.errors import NotFound, SlotUnavailable, ValidationFailed
from booking_app.state.forms import FORM, refusal
from booking_app.state.week_nav import monday_of, shift_week
from tests.support.states import redirects, run, spec_name, state


def test_clock_format() -> None:
    assert (_clock(59), _clock(61), _clock(3600 + 62), _clock(-5)) == (
        "0:59",
        "1:01",
        "1:01:02",
        "0:00",
    )


def test_refusal_puts_field_messages_next_to_fields_and_joins_the_rest() -> None:
    exc = ValidationFailed({"name": "Too short.", "price": "Not a number.", "form": "Nope."})
    shown = refusal(exc, ("name", "price"))
    assert shown.fields == {"name": "Too short.", "price": "Not a number."}
    assert shown.message == "Nope."
    assert refusal(exc).message == "Too short. Not a number. Nope."  # a form without fields


def test_refusal_of_other_errors_is_their_detail() -> None:
    engine = "The tutor needs at least 15 minutes free between lessons."
    assert refusal(SlotUnavailable("buffer", engine), ("start",)) == refusal(
        SlotUnavailable("buffer", engine)
    )
    assert refusal(SlotUnavailable("buffer", engine)).message == engine
    assert refusal(NotFound("No such booking.")).fields == {}


def test_form_errors_show_and_clear() -> None:
    login = state(LoginState, "/login")
    events = login._show_refusal(
        ValidationFailed({"email": "Enter a valid email.", "x": "Other."}),
        ("email", "password"),
        focus_prefix="",
    )
    assert login.errors == {"email": "Enter a valid email.", FORM: "Other."}
    assert [spec_name(e) for e in events] == ["_set_focus"]
    login._clear_errors("email")
    assert login.errors == {FORM: "Other."}
    login._clear_errors()
    assert login.errors == {}


def test_week_navigation() -> None:
    assert shift_week("2026-12-02", -1) == "2026-11-23" and shift_week("", 1) == ""
    assert monday_of("2026-12-06") == "2026-11-30" and monday_of("garbage") == ""
    calendar = state(CalendarState, "/calendar")  # signed out: loading sends to sign-in
    calendar.week_start = "2026-11-30"
    assert redirects(run(calendar.next_week())) and calendar.week_start == "2026-12-07"
    run(calendar.prev_week())
    run(calendar.pick_date(""))  # a cleared date input keeps the week
    assert calendar.week_start == "2026-11-30"
    run(calendar.pick_date("2026-12-10"))
    assert calendar.week_start == "2026-12-07"
    run(calendar.this_week())
    assert calendar.week_start == ""
