"""The .ics builder: stable UID, UTC times, status mapping, optional fields, the feed, and\nthe Google / Outlook prefilled-event links."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import vobject
from icalendar import Calendar

from booking_app.integrations.ical import (
    EventData,
    booking_calendar,
    event_uid,
    feed_calendar,
    google_calendar_url,
    ical_status,
    lesson_uid,
    outlook_calendar_url,
)

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
    """A lesson that took place (or was missed) stays in the calendar as planned (issue
    17: it used to turn CANCELLED and vanish from the student's history)."""
    assert ical_status("pending") == ical_status("tentative") == "TENTATIVE"
    for status in ("confirmed", "scheduled", "completed", "no_show"):
        assert ical_status(status) == "CONFIRMED"
    for status in ("cancelled", "late_cancel", "anything-else"):
        assert ical_status(status) == "CANCELLED"


def test_google_and_outlook_links_are_prefilled_in_utc() -> None:
    google = parse_qs(urlsplit(google_calendar_url(DATA)).query)
    assert google == {
        "action": ["TEMPLATE"],
        "text": ["Algebra with Olena"],
        "dates": ["20261130T080000Z/20261130T090000Z"],
        "details": ["Booking: http://localhost/booking/0f8f"],
        "location": ["Kyiv, Khreshchatyk 1"],
    }
    outlook = parse_qs(urlsplit(outlook_calendar_url(DATA)).query)
    assert outlook["startdt"] == ["2026-11-30T08:00:00Z"]
    assert outlook["enddt"] == ["2026-11-30T09:00:00Z"]
    assert outlook["subject"] == ["Algebra with Olena"] and outlook["rru"] == ["addevent"]


def test_feed_has_every_event_a_name_and_a_refresh_hint() -> None:
    second = replace(DATA, uid=lesson_uid(7), status="cancelled", sequence=4)
    calendar = Calendar.from_ical(feed_calendar("TutorBook lessons: Olena", [DATA, second]))
    assert str(calendar["X-WR-CALNAME"]) == "TutorBook lessons: Olena"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    uids = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(uids) == {event_uid(DATA.token), "lesson-7@tutorbook"}
    assert str(uids["lesson-7@tutorbook"]["STATUS"]) == "CANCELLED"
    assert int(uids["lesson-7@tutorbook"]["SEQUENCE"]) == 4


def test_optional_fields_are_left_out() -> None:
    text = booking_calendar(replace(DATA, location="", url="", description="")).decode()
    assert "LOCATION" not in text and "URL" not in text and "DESCRIPTION" not in text
    assert event_uid("abc") == "abc@tutorbook"


def test_text_is_escaped_and_long_lines_folded_for_both_parsers() -> None:
    """The writer is our own (icalendar was ~10x slower for a 2,000-lesson feed): hostile
    text and long non-ASCII lines must come back unchanged through icalendar and vobject."""
    nasty = 'Ана; Бо, \\ "q"\nline2 ' + "ї" * 60 + "\x00\x07"
    data = replace(DATA, summary=nasty, description=nasty * 3, location="a,b;c")
    body = booking_calendar(data)
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    body.decode("utf-8")  # no character split by folding
    clean = nasty.replace("\x00", "").replace("\x07", "")
    event = event_of(data)
    assert str(event["SUMMARY"]) == clean and str(event["DESCRIPTION"]) == clean * 3
    assert str(event["LOCATION"]) == "a,b;c"
    parsed = vobject.readOne(body.decode())
    assert parsed.vevent.summary.value == clean
    assert parsed.vevent.description.value == clean * 3
