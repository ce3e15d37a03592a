"""The per-booking .ics: stable UID, UTC times, status mapping, optional fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from icalendar import Calendar

from booking_app.integrations.ical import EventData, booking_calendar, event_uid, ical_status

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DATA = EventData(
    token="0f8fad5b-d9cb-469f-a165-70867728950e",
    start=START,
    end=START + timedelta(hours=1),
    summary="Algebra with Olena",
    description="Booking: http://localhost/booking/0f8f",
    location="Kyiv, Khreshchatyk 1",
    url="https://meet.example.com/x",
    status="confirmed",
    stamp=START - timedelta(days=3),
)


def event_of(data: EventData) -> object:
    calendar = Calendar.from_ical(booking_calendar(data))
    [event] = calendar.walk("VEVENT")
    return event


def test_event_fields() -> None:
    event = event_of(DATA)
    assert str(event["UID"]) == "0f8fad5b-d9cb-469f-a165-70867728950e@tutorbook"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(hours=1)
    assert str(event["SUMMARY"]) == "Algebra with Olena"
    assert str(event["LOCATION"]) == "Kyiv, Khreshchatyk 1"
    assert str(event["URL"]) == "https://meet.example.com/x"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_times_are_written_in_utc() -> None:
    kyiv_like = timezone(timedelta(hours=2))
    text = booking_calendar(replace(DATA, start=START.astimezone(kyiv_like))).decode()
    assert "DTSTART:20261130T080000Z" in text and "VTIMEZONE" not in text


def test_status_mapping() -> None:
    assert ical_status("pending") == "TENTATIVE"
    assert ical_status("confirmed") == "CONFIRMED"
    for status in ("cancelled", "late_cancel", "completed", "no_show"):
        assert ical_status(status) == "CANCELLED"


def test_optional_fields_are_left_out() -> None:
    text = booking_calendar(replace(DATA, location="", url="", description="")).decode()
    assert "LOCATION" not in text and "URL" not in text and "DESCRIPTION" not in text
    assert event_uid("abc") == "abc@tutorbook"
