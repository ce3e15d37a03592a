"""Availability on SQLite and PostgreSQL: weekly windows, overrides, busy blocks, rules,
and the week preview (``week_slots``), including DST weeks and another viewer's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from booking_app.db import read_scope, session_scope
from booking_app.models import (
    AvailabilityOverride,
    AvailabilityWindow,
    BookingStatus,
    BusyBlock,
    Lesson,
    LessonType,
    TutorProfile,
)
from booking_app.services import availability as av
from booking_app.services import tutor_public, tutor_services
from booking_app.services.errors import NotFound, ValidationFailed
from tests.support.builders import NOW, add_booking
from tests.support.builders import add_bare_tutor as add_tutor

MONDAY = date(2026, 11, 30)


def count(model: type) -> int:
    with read_scope() as session:
        return len(session.exec(select(model)).all())


def slot_times(week: tutor_public.WeekView) -> dict[str, list[str]]:
    return {day.date: [slot.time for slot in day.slots] for day in week.days if day.slots}


def service(tutor: int, **fields: object) -> int:
    values = {
        "name": "Maths",
        "subject_id": None,
        "description": "",
        "duration_min": 60,
        "price": "450",
        "lesson_type": "individual",
        "capacity": 1,
        "mode": "online",
        "location": "",
        "meeting_url": "",
        "is_trial": False,
        **fields,
    }
    return tutor_services.create_service(tutor, tutor_services.ServiceInput(**values)).id


# --- weekly windows ----------------------------------------------------------------------


def test_weekly_windows_replace_and_round_trip_midnight(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(4, "10:00", "12:00")])
    saved = av.save_weekly_windows(
        tutor, [(0, "14:00", "24:00"), (0, "09:00", "13:00"), (2, "20:00", "00:00")]
    )
    assert saved == [
        av.WindowView(0, "09:00", "13:00"),
        av.WindowView(0, "14:00", "24:00"),
        av.WindowView(2, "20:00", "24:00"),
    ]
    assert av.get_availability(tutor, now=NOW).windows == saved
    assert count(AvailabilityWindow) == 3


def test_touching_windows_are_fine(db: str) -> None:
    tutor = add_tutor()
    saved = av.save_weekly_windows(tutor, [(1, "09:00", "13:00"), (1, "13:00", "17:00")])
    assert len(saved) == 2


def test_window_errors_are_keyed_by_index_and_nothing_changes(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(4, "10:00", "12:00")])
    with pytest.raises(ValidationFailed) as caught:
        av.save_weekly_windows(
            tutor,
            [
                (0, "09:00", "13:00"),
                (0, "12:00", "14:00"),
                (1, "10:00", "09:00"),
                (7, "10:00", "11:00"),
                (2, "9am", "11:00"),
                (3, "10:00", "10:00"),
                (3, "24:00", "10:00"),
                (0, "08:00", "09:00"),
            ],
        )
    assert caught.value.field_errors == {
        "window-1": "Overlaps 09:00–13:00 on Monday.",
        "window-2": "Ends before it starts.",
        "window-3": "Choose a day of the week.",
        "window-4": "Enter a time as HH:MM, e.g. 09:00.",
        "window-5": "Starts and ends at the same time.",
        "window-6": "Enter a time between 00:00 and 23:59.",
    }
    assert av.get_availability(tutor, now=NOW).windows == [av.WindowView(4, "10:00", "12:00")]


def test_malformed_rows_are_field_errors_not_exceptions(db: str) -> None:
    tutor = add_tutor()
    with pytest.raises(ValidationFailed) as caught:
        av.save_weekly_windows(tutor, [(0, "09:00"), (1, None, 5), ("Mon", "09:00", "10:00")])  # type: ignore[list-item]
    assert caught.value.field_errors == {
        "window-0": "Choose a day of the week.",
        "window-1": "Enter a time as HH:MM, e.g. 09:00.",
        "window-2": "Choose a day of the week.",
    }
    with pytest.raises(ValidationFailed) as caught:
        av.set_override(tutor, None, closed=False, windows=[("09:00",)], now=NOW)  # type: ignore[arg-type, list-item]
    assert caught.value.field_errors == {
        "day": "Choose a date in the date picker.",
        "window-0": "Enter a time as HH:MM, e.g. 09:00.",
    }


def test_windows_of_a_non_tutor_are_not_found(db: str) -> None:
    with pytest.raises(NotFound):
        av.save_weekly_windows(12345, [(0, "09:00", "10:00")])
    with pytest.raises(NotFound):
        av.get_availability(12345, now=NOW)


# --- overrides ---------------------------------------------------------------------------


def test_override_closed_then_special_hours_replace_each_other(db: str) -> None:
    tutor = add_tutor()
    closed = av.set_override(
        tutor, "2026-12-01", closed=True, windows=[("10:00", "11:00")], now=NOW
    )
    assert closed == av.OverrideView("2026-12-01", "Tue 1 Dec 2026", True, [])
    special = av.set_override(
        tutor, "2026-12-01", closed=False, windows=[("15:00", "18:00"), ("08:00", "09:30")], now=NOW
    )
    assert special == av.OverrideView(
        "2026-12-01", "Tue 1 Dec 2026", False, [("08:00", "09:30"), ("15:00", "18:00")]
    )
    assert count(AvailabilityOverride) == 2
    assert av.get_availability(tutor, now=NOW).overrides == [special]


def test_override_errors(db: str) -> None:
    tutor = add_tutor()
    cases = [
        ("2026-11-24", True, [], {"day": "Choose today or a later date."}),
        ("30.11.2026", True, [], {"day": "Choose a date in the date picker."}),
        ("2026-02-30", True, [], {"day": "Choose a date in the date picker."}),
        ("2026-12-01", False, [], {"day": "Add at least one time range, or mark the day closed."}),
        (
            "2026-12-01",
            False,
            [("09:00", "12:00"), ("11:00", "13:00"), ("14:00", "13:00")],
            {"window-1": "Overlaps 09:00–12:00.", "window-2": "Ends before it starts."},
        ),
    ]
    for day, closed, windows, errors in cases:
        with pytest.raises(ValidationFailed) as caught:
            av.set_override(tutor, day, closed=closed, windows=windows, now=NOW)
        assert caught.value.field_errors == errors, day
    assert count(AvailabilityOverride) == 0
    today = av.set_override(tutor, "2026-11-25", closed=True, windows=[], now=NOW)
    assert today.closed


def test_remove_override_and_acl(db: str) -> None:
    olena = add_tutor()
    ivan = add_tutor("ivan@example.com")
    av.set_override(olena, "2026-12-01", closed=True, windows=[], now=NOW)
    with pytest.raises(NotFound):
        av.remove_override(ivan, "2026-12-01")
    assert count(AvailabilityOverride) == 1
    with pytest.raises(ValidationFailed) as caught:
        av.remove_override(olena, "tomorrow")
    assert caught.value.field_errors == {"day": "Enter a date as YYYY-MM-DD."}
    av.remove_override(olena, "2026-12-01")
    with pytest.raises(NotFound):
        av.remove_override(olena, "2026-12-01")
    assert count(AvailabilityOverride) == 0


def test_override_changes_the_week_at_once(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(d, "09:00", "11:00") for d in range(7)])
    av.set_override(tutor, "2026-12-01", closed=True, windows=[], now=NOW)
    av.set_override(tutor, "2026-12-02", closed=False, windows=[("18:00", "19:00")], now=NOW)
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=MONDAY, viewer_tz="Europe/Kyiv", now=NOW
    )
    times = slot_times(week)
    assert "2026-12-01" not in times
    assert times["2026-12-02"] == ["18:00"]
    assert times["2026-11-30"] == ["09:00", "09:30", "10:00"]


# --- busy blocks -------------------------------------------------------------------------


def test_busy_block_in_tutor_time_with_labels(db: str) -> None:
    tutor = add_tutor()
    block = av.add_busy_block(tutor, "2026-11-30T14:00", "2026-11-30T15:30", " Dentist ", now=NOW)
    assert (block.start_local, block.end_local) == ("2026-11-30T14:00", "2026-11-30T15:30")
    assert block.label == "Mon 30 Nov, 14:00–15:30"
    assert (block.title, block.source) == ("Dentist", "manual")
    with read_scope() as session:
        row = session.exec(select(BusyBlock)).one()
    assert row.starts_at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    long = av.add_busy_block(tutor, "2026-12-01T22:00", "2026-12-03T08:00", "", now=NOW)
    assert long.title == "Busy"
    assert long.label == "Tue 1 Dec, 22:00 – Thu 3 Dec, 08:00"


def test_busy_block_errors(db: str) -> None:
    tutor = add_tutor()
    cases = [
        (
            "2026-11-30 25:00",
            "soon",
            "x" * 201,
            {
                "start": "Enter a real date and a time between 00:00 and 23:59.",
                "end": "Pick a date and type the time as HH:MM (24-hour).",
                "title": "Use at most 200 characters.",
            },
        ),
        ("2026-11-30T15:00", "2026-11-30T14:00", "", {"end": "Ends before it starts."}),
        ("2026-11-30T15:00", "2026-11-30T15:00", "", {"end": "Starts and ends at the same time."}),
        ("2026-11-20T09:00", "2026-11-25T09:30", "", {"end": "This time has already passed."}),
        (
            "2027-03-28T03:30",  # Kyiv jumps from 03:00 to 04:00
            "2027-03-28T05:00",
            "",
            {
                "start": "03:30 does not exist on Sun 28 Mar 2027: the clocks jump forward "
                "then. Pick another time."
            },
        ),
    ]
    for start, end, title, errors in cases:
        with pytest.raises(ValidationFailed) as caught:
            av.add_busy_block(tutor, start, end, title, now=NOW)
        assert caught.value.field_errors == errors, start
    assert count(BusyBlock) == 0
    running = av.add_busy_block(tutor, "2026-11-25T09:00", "2026-11-25T11:00", "", now=NOW)
    assert running.id  # started before now, still running: allowed


def test_availability_lists_upcoming_blocks_only_and_acl(db: str) -> None:
    olena = add_tutor()
    ivan = add_tutor("ivan@example.com")
    later = av.add_busy_block(olena, "2026-12-02T10:00", "2026-12-02T11:00", "B", now=NOW)
    sooner = av.add_busy_block(olena, "2026-11-30T10:00", "2026-11-30T11:00", "A", now=NOW)
    view = av.get_availability(olena, now=NOW)
    assert [b.id for b in view.busy_blocks] == [sooner.id, later.id]
    after = av.get_availability(olena, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert [b.id for b in after.busy_blocks] == [later.id]
    assert av.get_availability(ivan, now=NOW).busy_blocks == []
    with pytest.raises(NotFound):
        av.remove_busy_block(ivan, sooner.id)
    assert count(BusyBlock) == 2
    av.remove_busy_block(olena, sooner.id)
    with pytest.raises(NotFound):
        av.remove_busy_block(olena, sooner.id)


def test_busy_block_removes_slots_from_the_week(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(0, "09:00", "13:00")])
    av.add_busy_block(tutor, "2026-11-30T10:15", "2026-11-30T11:00", "", now=NOW)
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=MONDAY, viewer_tz="Europe/Kyiv", now=NOW
    )
    assert slot_times(week) == {"2026-11-30": ["09:00", "11:00", "11:30", "12:00"]}


# --- rules -------------------------------------------------------------------------------


def test_rules_save_and_view(db: str) -> None:
    tutor = add_tutor()
    rules = av.save_rules(
        tutor,
        {
            "buffer_before_min": "5",
            "buffer_after_min": 15,
            "max_lessons_per_day": "4",
            "min_notice_hours": "1,5",
            "horizon_days": "30",
            "slot_step_min": "15",
            "cancellation_notice_hours": 12,
            "reminder_offsets_hours": "2, 24; 48, 24",
            "requires_confirmation": "on",
        },
    )
    assert rules == av.RulesView(5, 15, 4, 1.5, 30, 15, 12, [48, 24, 2], True)
    assert av.get_availability(tutor, now=NOW).rules == rules
    with read_scope() as session:
        profile = session.exec(select(TutorProfile)).one()
    assert (profile.min_notice_min, profile.max_lessons_per_day) == (90, 4)
    unlimited = av.save_rules(tutor, {"max_lessons_per_day": 0, "reminder_offsets_hours": []})
    assert (unlimited.max_lessons_per_day, unlimited.reminder_offsets_hours) == (0, [])
    assert unlimited.buffer_after_min == 15  # keys not sent stay as they were
    with read_scope() as session:
        assert session.exec(select(TutorProfile)).one().max_lessons_per_day is None


def test_rules_errors_keyed_by_field_and_nothing_saved(db: str) -> None:
    tutor = add_tutor()
    before = av.get_availability(tutor, now=NOW).rules
    with pytest.raises(ValidationFailed) as caught:
        av.save_rules(
            tutor,
            {
                "buffer_before_min": "241",
                "buffer_after_min": "-1",
                "max_lessons_per_day": "25",
                "min_notice_hours": "721",
                "horizon_days": "0",
                "slot_step_min": "25",
                "cancellation_notice_hours": "169",
                "reminder_offsets_hours": "1, 2, 3, 4, 5, 6",
                "requires_confirmation": "maybe",
            },
        )
    assert caught.value.field_errors == {
        "buffer_before_min": "Enter 0 to 240 minutes.",
        "buffer_after_min": "Enter 0 to 240 minutes.",
        "max_lessons_per_day": "Enter 0 (no limit) to 24 lessons.",
        "min_notice_hours": "Enter 0 to 720 hours, e.g. 12 or 1.5.",
        "horizon_days": "Enter 1 to 365 days.",
        "slot_step_min": "Choose 5, 10, 15, 20, 30, 45, 60, 90 or 120 minutes.",
        "cancellation_notice_hours": "Enter 0 to 168 hours.",
        "reminder_offsets_hours": "Use at most 5 reminders.",
        "requires_confirmation": "Choose yes or no.",
    }
    for offsets in ("0", "24, x", [169]):
        with pytest.raises(ValidationFailed) as caught:
            av.save_rules(tutor, {"reminder_offsets_hours": offsets})
        assert list(caught.value.field_errors) == ["reminder_offsets_hours"]
    with pytest.raises(ValidationFailed):
        av.save_rules(tutor, {"min_notice_hours": "nan"})
    assert av.get_availability(tutor, now=NOW).rules == before


def test_rules_change_the_preview_at_once(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(0, "09:00", "12:00")])

    def monday() -> list[str]:
        week = tutor_public.week_slots(
            tutor, service_id=None, week_start=MONDAY, viewer_tz="Europe/Kyiv", now=NOW
        )
        return slot_times(week).get("2026-11-30", [])

    assert monday() == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    av.save_rules(tutor, {"slot_step_min": 60})
    assert monday() == ["09:00", "10:00", "11:00"]
    av.save_rules(tutor, {"horizon_days": 5})  # up to Mon 30 Nov 10:00 Kyiv, inclusive
    assert monday() == ["09:00", "10:00"]
    av.save_rules(tutor, {"horizon_days": 4})
    assert monday() == []


# --- the week ----------------------------------------------------------------------------


def add_lesson(
    tutor: int, start: datetime, minutes: int = 60, *, capacity: int = 1, **kw: object
) -> int:
    with session_scope(write=True) as session:
        lesson = Lesson(
            tutor_id=tutor,
            title=str(kw.pop("title", "Lesson")),
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            lesson_type=LessonType.group if capacity > 1 else LessonType.individual,
            capacity=capacity,
            **kw,
        )
        session.add(lesson)
        session.flush()
        return lesson.id or 0


def test_week_has_seven_days_monday_first_with_labels(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(1, "09:00", "10:00")])
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=date(2026, 12, 3), viewer_tz="Europe/Kyiv", now=NOW
    )
    assert (week.week_start, week.label, week.timezone) == (
        "2026-11-30",
        "30 Nov – 6 Dec 2026",
        "Europe/Kyiv",
    )
    assert [d.label for d in week.days] == [
        "Mon 30 Nov",
        "Tue 1 Dec",
        "Wed 2 Dec",
        "Thu 3 Dec",
        "Fri 4 Dec",
        "Sat 5 Dec",
        "Sun 6 Dec",
    ]
    tuesday = week.days[1].slots
    assert tuesday == [
        tutor_public.SlotView("2026-12-01T07:00:00+00:00", "09:00", "Tue 1 Dec, 09:00")
    ]
    assert week.slot_count == 1
    this_week = tutor_public.week_slots(
        tutor, service_id=None, week_start=None, viewer_tz="UTC", now=NOW
    )
    assert this_week.week_start == "2026-11-23"
    year_end = tutor_public.week_slots(
        tutor, service_id=None, week_start=date(2026, 12, 28), viewer_tz="UTC", now=NOW
    )
    assert year_end.label == "28 Dec 2026 – 3 Jan 2027"


def test_week_in_the_viewers_zone(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(0, "09:00", "10:00"), (0, "23:00", "24:00")])
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=MONDAY, viewer_tz="America/New_York", now=NOW
    )
    # Kyiv Mon 09:00 = New York Mon 02:00; Kyiv Mon 23:00 = New York Mon 16:00.
    assert slot_times(week) == {"2026-11-30": ["02:00", "16:00"]}
    assert week.days[0].slots[0].label == "Mon 30 Nov, 02:00"
    with pytest.raises(ValidationFailed) as caught:
        tutor_public.week_slots(
            tutor, service_id=None, week_start=MONDAY, viewer_tz="Mars/Base", now=NOW
        )
    assert caught.value.field_errors == {"viewer_tz": "Choose a timezone from the list."}


def test_dst_week_keeps_nine_oclock_on_both_sides_of_the_change(db: str) -> None:
    """Kyiv falls back on Sun 25 Oct 2026 (04:00 EEST -> 03:00 EET)."""
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(d, "09:00", "10:00") for d in range(7)])
    now = datetime(2026, 10, 1, tzinfo=UTC)
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=date(2026, 10, 25), viewer_tz="Europe/Kyiv", now=now
    )
    assert week.week_start == "2026-10-19"
    assert [[s.time for s in d.slots] for d in week.days] == [["09:00"]] * 7
    starts = [d.slots[0].start for d in week.days]
    assert starts[5] == "2026-10-24T06:00:00+00:00"  # Saturday, summer time (UTC+3)
    assert starts[6] == "2026-10-25T07:00:00+00:00"  # Sunday, winter time (UTC+2)
    assert [d.slots[0].label for d in week.days][5:] == ["Sat 24 Oct, 09:00", "Sun 25 Oct, 09:00"]
    after = tutor_public.week_slots(
        tutor, service_id=None, week_start=date(2026, 10, 26), viewer_tz="Europe/Kyiv", now=now
    )
    assert {d.slots[0].time for d in after.days} == {"09:00"}


def test_week_uses_the_first_active_service_or_a_default_hour(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(0, "09:00", "11:00")])

    def monday(service_id: int | None) -> list[str]:
        week = tutor_public.week_slots(
            tutor, service_id=service_id, week_start=MONDAY, viewer_tz="Europe/Kyiv", now=NOW
        )
        return slot_times(week).get("2026-11-30", [])

    assert monday(None) == ["09:00", "09:30", "10:00"]  # 60 minutes by default
    long = service(tutor, name="Long", duration_min=120)
    short = service(tutor, name="Short", duration_min=30)
    assert monday(None) == ["09:00"]  # oldest active: Long
    tutor_services.set_service_active(tutor, long, False)
    assert monday(None) == ["09:00", "09:30", "10:00", "10:30"]  # now Short
    assert monday(long) == ["09:00"]  # the tutor may still preview an inactive one
    assert monday(short) == ["09:00", "09:30", "10:00", "10:30"]


def test_unknown_or_foreign_service_is_not_found(db: str) -> None:
    olena = add_tutor()
    ivan = add_tutor("ivan@example.com")
    his = service(ivan)
    for tutor, service_id in ((olena, his), (olena, his + 99)):
        with pytest.raises(NotFound):
            tutor_public.week_slots(
                tutor, service_id=service_id, week_start=MONDAY, viewer_tz="UTC", now=NOW
            )
    with pytest.raises(NotFound):
        tutor_public.week_slots(99999, service_id=None, week_start=MONDAY, viewer_tz="UTC", now=NOW)


def test_lessons_and_pending_requests_block_and_groups_are_joinable(db: str) -> None:
    tutor = add_tutor(buffer_after_min=30)
    av.save_weekly_windows(tutor, [(0, "09:00", "15:00")])
    kyiv = timedelta(hours=2)
    pending = add_lesson(tutor, datetime(2026, 11, 30, 9, tzinfo=UTC) - kyiv)  # 09:00 local
    add_booking(tutor, pending, BookingStatus.pending)
    group = add_lesson(
        tutor, datetime(2026, 11, 30, 12, tzinfo=UTC) - kyiv, capacity=3, title="Group B1"
    )
    add_booking(tutor, group, BookingStatus.confirmed)
    add_booking(tutor, group, BookingStatus.cancelled)
    full = add_lesson(
        tutor, datetime(2026, 11, 30, 14, tzinfo=UTC) - kyiv, capacity=2, title="Full"
    )
    add_booking(tutor, full, BookingStatus.confirmed)
    add_booking(tutor, full, BookingStatus.pending)
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=MONDAY, viewer_tz="Europe/Kyiv", now=NOW
    )
    assert slot_times(week) == {"2026-11-30": ["10:30"]}
    assert week.joinable == [
        tutor_public.JoinableView(
            group, "2026-11-30T10:00:00+00:00", "Mon 30 Nov, 12:00", 2, "Group B1"
        )
    ]
