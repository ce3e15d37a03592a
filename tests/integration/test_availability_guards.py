"""The availability page's guards (issue 14): closing a date or narrowing its hours warns
about the booked lessons it would leave outside them and saves only when confirmed; the
date message matches the date picker (no "YYYY-MM-DD" next to a localized picker); the
time boxes are 24-hour text, never chromium's AM/PM time input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from booking_app.db import read_scope
from booking_app.models import AvailabilityOverride, BookingStatus, LessonStatus
from booking_app.pages.tutor_availability.busy import BusyState
from booking_app.pages.tutor_availability.common import time_input
from booking_app.pages.tutor_availability.overrides import OverridesState
from booking_app.services import accounts
from booking_app.services import availability as av
from booking_app.services.availability.views import tutor_zone
from booking_app.services.errors import LessonsOnThatDay, ValidationFailed
from tests.support import clock
from tests.support.builders import NOW, add_booking, add_lesson, add_student
from tests.support.builders import add_bare_tutor as add_tutor
from tests.support.states import open_page, run, toasts

DAY = "2026-12-01"  # a Tuesday after NOW (Wed 25 Nov 2026, 10:00 in Kyiv)
KYIV = timedelta(hours=2)  # UTC+2 in December


def _at(hour: int, day: int = 1) -> datetime:
    """`hour`:00 in Kyiv on `day` December 2026, as UTC."""
    return datetime(2026, 12, day, hour, tzinfo=UTC) - KYIV


def _overrides() -> list[AvailabilityOverride]:
    with read_scope() as session:
        return list(session.exec(select(AvailabilityOverride)).all())


def test_closing_a_day_with_booked_lessons_lists_them_and_writes_nothing(db: str) -> None:
    tutor = add_tutor()
    student = add_student()
    add_lesson(tutor, _at(10), students=(student,))
    pending = add_lesson(tutor, _at(16), minutes=90)
    add_booking(tutor, pending, BookingStatus.pending)
    with pytest.raises(LessonsOnThatDay) as caught:
        av.set_override(tutor, DAY, closed=True, windows=[], now=NOW)
    assert caught.value.code == "lessons_on_that_day"
    assert caught.value.lessons == [
        "10:00–11:00 Algebra (1 student)",
        "16:00–17:30 Algebra (1 student)",
    ]
    assert "2 booked lessons are outside these hours" in caught.value.detail
    assert _overrides() == []  # nothing half written

    # Special hours that keep the 10:00 lesson inside only report the other one.
    with pytest.raises(LessonsOnThatDay) as caught:
        av.set_override(tutor, DAY, closed=False, windows=[("09:00", "12:00")], now=NOW)
    assert caught.value.lessons == ["16:00–17:30 Algebra (1 student)"]

    # Confirmed: saved, and the lessons stay as they are.
    saved = av.set_override(tutor, DAY, closed=True, windows=[], now=NOW, confirmed=True)
    assert saved.closed and len(_overrides()) == 1


def test_no_warning_when_nothing_booked_is_left_outside(db: str) -> None:
    tutor = add_tutor()
    student = add_student()
    add_lesson(tutor, _at(10), students=(student,))  # inside 09:00-12:00
    cancelled = add_lesson(tutor, _at(14))  # only a cancelled booking: nobody expects it
    add_booking(tutor, cancelled, BookingStatus.cancelled)
    add_lesson(tutor, _at(15), students=(student,), lesson_status=LessonStatus.cancelled)
    add_lesson(tutor, _at(10, day=2), students=(student,))  # another date
    saved = av.set_override(tutor, DAY, closed=False, windows=[("09:00", "12:00")], now=NOW)
    assert saved.windows == [("09:00", "12:00")]


def test_lessons_already_over_today_do_not_count(db: str) -> None:
    tutor = add_tutor()
    student = add_student()
    add_lesson(tutor, NOW - timedelta(hours=2), students=(student,))  # 08:00-09:00 today
    today = NOW.astimezone(tutor_zone(tutor)).date().isoformat()
    assert av.set_override(tutor, today, closed=True, windows=[], now=NOW).closed


def test_a_bad_date_is_described_like_the_picker_shows_it(db: str) -> None:
    tutor = add_tutor()
    for raw in ("30.11.2026", "12/01/2026", "2026-02-30", ""):
        with pytest.raises(ValidationFailed) as caught:
            av.set_override(tutor, raw, closed=True, windows=[], now=NOW)
        assert caught.value.field_errors == {"day": "Choose a date in the date picker."}, raw
        assert "YYYY" not in caught.value.field_errors["day"]


def test_the_page_asks_before_saving_over_booked_lessons(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.freeze(monkeypatch, NOW)
    user = accounts.register(
        accounts.Registration(
            "Olena Kovalenko", "olena@example.com", "+380671234567", "secret-pass-1", "tutor",
            "Europe/Kyiv",
        )
    )  # fmt: skip
    add_lesson(user.id, _at(10), students=(add_student(),))
    tab, _ = open_page("/tutor/availability", user=user)
    ov = tab.state(OverridesState)
    ov.set_day(DAY)
    ov.set_closed(True)

    events = run(ov.save())
    assert ov.confirming and ov.clashes == ["10:00–11:00 Algebra (1 student)"]
    assert not toasts(events, "success") and ov.overrides == [] and _overrides() == []

    ov.set_confirming(False)  # "Keep editing" or Escape: nothing saved, list gone
    assert not ov.confirming and ov.clashes == [] and _overrides() == []

    run(ov.save())
    assert ov.confirming
    events = run(ov.save_anyway())
    assert toasts(events, "success") and not ov.confirming and ov.clashes == []
    assert [o.day for o in ov.overrides] == [DAY] and ov.overrides[0].closed


def test_time_boxes_are_24_hour_text_inputs() -> None:
    """Chromium draws <input type=time> in the browser's locale (AM/PM in en-US)."""
    rendered = str(time_input("09:00", OverridesState.set_day, "Monday start", "w0-start", ""))
    assert 'type:"text"' in rendered and 'type:"time"' not in rendered
    assert 'placeholder:"HH:MM"' in rendered and 'inputMode:"numeric"' in rendered


def test_busy_times_come_from_a_date_picker_and_a_24_hour_box(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.freeze(monkeypatch, NOW)
    user = accounts.register(
        accounts.Registration(
            "Olena Kovalenko", "olena@example.com", "+380671234567", "secret-pass-1", "tutor",
            "Europe/Kyiv",
        )
    )  # fmt: skip
    tab, _ = open_page("/tutor/availability", user=user)
    busy = tab.state(BusyState)
    form = {"start_day": DAY, "start_time": "9:00", "end_day": DAY, "end_time": "13:30"}
    events = run(busy.add({**form, "title": "Dentist"}))
    assert toasts(events, "success") and [b.title for b in busy.busy] == ["Dentist"]
    assert "09:00" in busy.busy[0].label and "13:30" in busy.busy[0].label

    events = run(busy.add({**form, "start_time": "9 am", "end_day": ""}))
    message = "Pick a date and type the time as HH:MM (24-hour)."
    assert busy.errors == {"start": message, "end": message}
    assert len(busy.busy) == 1 and not toasts(events, "success")
