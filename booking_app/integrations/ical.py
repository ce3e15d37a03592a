"""iCalendar (.ics) for one booking: what "Add to calendar" downloads.

Why a stable UID (``<token>@tutorbook``): calendar apps match events by UID, so
downloading the file again after a reschedule or cancel updates the same event instead
of adding a second one; a SEQUENCE that grows with every change tells them which copy
is newer. Times are written in UTC (``...Z``) so no VTIMEZONE block is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODID = "-//TutorBook//Booking//EN"
UID_DOMAIN = "tutorbook"
_STATUS = {"pending": "TENTATIVE", "confirmed": "CONFIRMED"}


@dataclass(frozen=True)
class EventData:
    """Everything the .ics needs; plain values so this module knows no models."""

    token: str
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    url: str
    status: str  # booking status: pending|confirmed|cancelled|...
    stamp: datetime
    sequence: int = 0


def event_uid(token: str) -> str:
    return f"{token}@{UID_DOMAIN}"


def ical_status(booking_status: str) -> str:
    """Pending -> TENTATIVE, confirmed -> CONFIRMED, everything else -> CANCELLED."""
    return _STATUS.get(booking_status, "CANCELLED")


def booking_calendar(data: EventData) -> bytes:
    """A VCALENDAR with one VEVENT, as bytes ready to send as text/calendar."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", event_uid(data.token))
    event.add("dtstamp", data.stamp.astimezone(UTC))
    event.add("dtstart", data.start.astimezone(UTC))
    event.add("dtend", data.end.astimezone(UTC))
    event.add("summary", data.summary)
    event.add("status", ical_status(data.status))
    event.add("sequence", data.sequence)
    if data.description:
        event.add("description", data.description)
    if data.location:
        event.add("location", data.location)
    if data.url:
        event.add("url", data.url)
    calendar.add_component(event)
    return calendar.to_ical()
