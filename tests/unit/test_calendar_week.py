"""The week snapshot's pure builder: wall times, colours/status, seats, payments and stats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from booking_app.pages.calendar.state import _fc_event
from booking_app.services.calendar import (
    CalendarBooking,
    CalendarBusy,
    CalendarLesson,
    CalendarSeat,
    build_week,
    parse_wall,
    wall_iso,
    week_bounds,
    week_stats,
)
from tests.support.builders import NOW

KYIV = ZoneInfo("Europe/Kyiv")
MONDAY = date(2026, 11, 30)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Kyiv wall time on 30 Nov + day, as a UTC instant."""
    local = datetime(2026, 11, 30, hour, minute, tzinfo=KYIV) + timedelta(days=day)
    return local.astimezone(UTC)


def seat(
    i: int, status: str = "confirmed", price: str = "40", paid: str | None = None
) -> CalendarSeat:
    return CalendarSeat(
        id=i,
        name=f"Student {i}",
        status=status,
        price=Decimal(price),
        payment="paid" if paid is not None else "unpaid",
        paid_amount=Decimal(paid) if paid else None,
    )


def lesson(i: int, start: datetime, minutes: int = 60, **kw: object) -> CalendarLesson:
    fields: dict[str, object] = {
        "title": "Algebra",
        "lesson_type": "individual",
        "capacity": 1,
        "status": "scheduled",
        "seats": (),
    }
    fields.update(kw)
    return CalendarLesson(id=i, start=start, end=start + timedelta(minutes=minutes), **fields)  # type: ignore[arg-type]


def test_wall_time_round_trip_across_dst() -> None:
    summer = datetime(2026, 7, 1, 6, 30, tzinfo=UTC)  # 09:30 in Kyiv (UTC+3)
    winter = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # 09:30 in Kyiv (UTC+2)
    assert wall_iso(summer, KYIV) == "2026-07-01T09:30:00Z"
    assert wall_iso(winter, KYIV) == "2026-12-01T09:30:00Z"
    assert parse_wall("2026-07-01T09:30:00Z", KYIV) == summer
    assert parse_wall("2026-12-01T09:30:00Z", KYIV) == winter


def test_week_bounds_are_local_midnights() -> None:
    start, end = week_bounds(MONDAY, KYIV)
    assert start == datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(days=7)


def test_events_carry_status_seats_and_payment() -> None:
    snap = build_week(
        monday=MONDAY,
        tz=KYIV,
        now=NOW,
        money=("UAH", "en"),
        lessons=[
            lesson(1, at(0, 10), seats=(seat(1, "pending"),)),
            lesson(2, at(0, 12), seats=(seat(2, paid="40"),)),
            lesson(
                3,
                at(1, 9),
                lesson_type="group",
                capacity=5,
                seats=(seat(3), seat(4, "cancelled"), seat(5, "pending")),
            ),
            lesson(4, at(2, 9), status="tentative"),
            lesson(5, at(2, 11)),
        ],
        busy=[CalendarBusy(9, "Dentist", at(3, 14), at(3, 15))],
    )
    by_id = {e.id: e for e in snap.events}
    assert by_id["lesson-1"].status == "pending"
    assert by_id["lesson-1"].title == "Student 1 · Algebra"  # the name first
    assert by_id["lesson-1"].subtitle == "Algebra"
    assert by_id["lesson-1"].start == "2026-11-30T10:00:00Z"
    assert by_id["lesson-2"].status == "confirmed"
    assert by_id["lesson-2"].pay == "paid 40 UAH"  # services/money.py
    assert by_id["lesson-3"].seats == "2/5"  # the cancelled seat does not count
    assert by_id["lesson-3"].status == "pending"  # a request waits in it
    assert by_id["lesson-4"].status == "tentative"
    assert by_id["lesson-5"].status == "open"
    assert by_id["busy-9"].kind == "busy" and by_id["busy-9"].title == "Dentist"
    assert [e.start for e in snap.events] == sorted(e.start for e in snap.events)
    assert snap.week_start == "2026-11-30"
    assert snap.now == "2026-11-25T10:00:00Z"
    assert all(e.editable for e in snap.events)


def test_past_events_are_not_editable() -> None:
    later = at(0, 11)
    snap = build_week(monday=MONDAY, tz=KYIV, now=later, lessons=[lesson(1, at(0, 10))])
    assert snap.events[0].editable is False


def test_student_rows_are_read_only_bookings() -> None:
    snap = build_week(
        monday=MONDAY,
        tz=KYIV,
        now=NOW,
        student=[CalendarBooking(7, "Algebra · Olena", at(0, 10), at(0, 11), "pending")],
    )
    (event,) = snap.events
    assert (event.id, event.kind, event.status, event.editable) == (
        "booking-7",
        "booking",
        "pending",
        False,
    )


def test_stats_totals_paid_unpaid_and_utilization() -> None:
    working = [(at(d, 9), at(d, 18)) for d in range(5)]  # 45 h
    lessons = [
        lesson(1, at(0, 10), seats=(seat(1, price="40", paid="40"),)),
        lesson(2, at(0, 12), 90, seats=(seat(2, price="60"),)),
        lesson(3, at(1, 9), lesson_type="group", capacity=5,
               seats=(seat(3, price="20", paid="15"), seat(4, price="20"), seat(5, "pending"))),
        lesson(4, at(5, 10)),  # Saturday: outside working hours
    ]  # fmt: skip
    stats = week_stats(lessons, working, week_bounds(MONDAY, KYIV), ("UAH", "uk"))
    assert stats.lessons == 4
    assert stats.hours == "4.5"
    assert stats.revenue == "140 UAH"  # pending seats are not revenue yet
    assert stats.paid == "55 UAH"  # the amount actually received
    assert stats.unpaid == "85 UAH"
    # The sums read in the viewer's locale (services/money.py), zero included.
    big = [lesson(1, at(0, 10), seats=(seat(1, price="1450.5"),))]
    assert week_stats(big, working, week_bounds(MONDAY, KYIV), ("UAH", "uk")).revenue == (
        "1\u00a0450,50 UAH"
    )
    assert week_stats([], working, week_bounds(MONDAY, KYIV), ("UAH", "en")).paid == "0 UAH"
    assert stats.utilization == "8%"  # 3.5 h of 45 h


def test_stats_without_working_hours() -> None:
    stats = week_stats([lesson(1, at(0, 10))], [], week_bounds(MONDAY, KYIV))
    assert (stats.lessons, stats.hours, stats.utilization) == (1, "1", "—")


def test_tooltip_has_every_detail_and_the_badge_stays_off_the_name() -> None:
    snap = build_week(
        monday=MONDAY,
        tz=KYIV,
        now=NOW,
        lessons=[
            lesson(1, at(0, 10), seats=(seat(1, paid="40"),)),
            lesson(2, at(1, 9), lesson_type="group", capacity=5, title="Speaking club",
                   seats=(seat(3), seat(4))),
        ],
    )  # fmt: skip
    one, group = snap.events
    assert one.tooltip.split("\n") == [
        "Student 1", "Algebra", "Mon 30 Nov, 10:00–11:00", "Confirmed", "Paid 40"
    ]  # fmt: skip
    assert "Students (2/5): Student 3, Student 4" in group.tooltip
    fc = _fc_event(one, payments=True)
    assert fc["extendedProps"]["name"] == "Student 1"  # drawn first, on its own line
    assert fc["extendedProps"]["badge"] == "paid 40"  # its own line, never in the name
    assert fc["extendedProps"]["tooltip"] == one.tooltip
    assert _fc_event(one, payments=False)["extendedProps"]["badge"] == ""
    assert _fc_event(group, payments=False)["extendedProps"]["badge"] == "2/5"


def test_working_hours_become_business_hours_in_the_viewers_wall_time() -> None:
    working = [(at(0, 9), at(0, 13)), (at(0, 14), at(0, 18)), (at(5, 22), at(6, 2))]
    snap = build_week(monday=MONDAY, tz=KYIV, now=NOW, working=working, step_min=45)
    assert snap.business_hours == [
        {"daysOfWeek": [0], "startTime": "00:00", "endTime": "02:00"},  # Sunday, after midnight
        {"daysOfWeek": [1], "startTime": "09:00", "endTime": "13:00"},
        {"daysOfWeek": [1], "startTime": "14:00", "endTime": "18:00"},
        {"daysOfWeek": [6], "startTime": "22:00", "endTime": "24:00"},  # Saturday evening
    ]
    assert snap.snap == "00:45:00"  # drags snap to the tutor's slot step
    berlin = build_week(monday=MONDAY, tz=ZoneInfo("Europe/Berlin"), now=NOW, working=working[:1])
    assert berlin.business_hours[0]["startTime"] == "08:00"  # the viewer's zone, not the tutor's
    assert build_week(monday=MONDAY, tz=KYIV, now=NOW).business_hours == []


def test_snap_duration_follows_the_slot_step() -> None:
    from booking_app.services.calendar_display import snap_duration

    assert [snap_duration(m) for m in (15, 30, 60, 90)] == [
        "00:15:00", "00:30:00", "01:00:00", "01:30:00"
    ]  # fmt: skip


def test_a_lesson_that_took_place_still_names_its_student() -> None:
    """After the lesson the seat is `completed` (or `no_show`): the event still says who,
    as before it; a cancelled seat does not name anyone."""
    later = at(2, 12)
    snap = build_week(
        monday=MONDAY,
        tz=KYIV,
        now=later,
        lessons=[
            lesson(1, at(0, 10), status="completed", seats=(seat(1, status="completed"),)),
            lesson(2, at(1, 10), status="completed", seats=(seat(2, status="no_show"),)),
            lesson(3, at(1, 12), seats=(seat(3, status="cancelled"),)),
        ],
    )
    names = [_fc_event(e, payments=False)["extendedProps"]["name"] for e in snap.events]
    assert names == ["Student 1", "Student 2", "Algebra"]
