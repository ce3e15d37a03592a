"""iCalendar (.ics): one booking ("Add to calendar") and subscription feeds; plus the
"open a prefilled event" links of Google Calendar and Outlook.

Why a stable UID (``<token>@tutorbook`` for a booking, ``lesson-<id>@tutorbook`` for a
tutor's lesson): calendar apps match events by UID, so downloading the file again after a
reschedule or cancel, or the next refresh of a feed, updates the same event instead of
adding a second one; a SEQUENCE that only grows (a stored counter, see models/base.py)
tells them which copy is newer. Times are written in UTC (``...Z``) so no VTIMEZONE
block is needed: every client shows them in the viewer's own zone.

This module knows no models: callers pass `EventData` (plain values).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from icalendar import Calendar, Event

PRODID = "-//TutorBook//Booking//EN"
UID_DOMAIN = "tutorbook"
# A lesson that took place (or was missed) stays in the calendar as it was planned.
_STATUS = {
    "pending": "TENTATIVE",
    "tentative": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "scheduled": "CONFIRMED",
    "completed": "CONFIRMED",
    "no_show": "CONFIRMED",
}
# How often subscribed clients should poll (honoured by Apple and Outlook; Google picks
# its own interval, typically several hours).
REFRESH_INTERVAL = timedelta(hours=1)
GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"
OUTLOOK_COMPOSE = "https://outlook.live.com/calendar/0/action/compose"


@dataclass(frozen=True)
class EventData:
    """Everything one VEVENT needs; plain values so this module knows no models."""

    token: str  # the booking token (UID `<token>@tutorbook`) unless `uid` is given
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    url: str
    status: str  # booking or lesson status: pending|confirmed|cancelled|scheduled|...
    stamp: datetime
    sequence: int = 0
    uid: str = ""


def event_uid(token: str) -> str:
    return f"{token}@{UID_DOMAIN}"


def lesson_uid(lesson_id: int) -> str:
    """A tutor's lesson in their feed: one event per lesson, whoever holds its seats."""
    return f"lesson-{lesson_id}@{UID_DOMAIN}"


def ical_status(status: str) -> str:
    """Pending -> TENTATIVE; confirmed, scheduled, completed, no-show -> CONFIRMED;
    cancelled, late cancel (and anything unknown) -> CANCELLED."""
    return _STATUS.get(status, "CANCELLED")


def _event(data: EventData) -> Event:
    event = Event()
    event.add("uid", data.uid or event_uid(data.token))
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
    return event


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def booking_calendar(data: EventData) -> bytes:
    """A VCALENDAR with one VEVENT, as bytes ready to send as text/calendar."""
    calendar = _calendar()
    calendar.add_component(_event(data))
    return calendar.to_ical()


def feed_calendar(name: str, events: Iterable[EventData]) -> bytes:
    """A subscription feed: every event, the calendar's display name, and how often to
    poll. Cancelled events stay in it (STATUS:CANCELLED) so clients remove them."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "UTC")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for data in events:
        calendar.add_component(_event(data))
    return calendar.to_ical()


def _utc_compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def google_calendar_url(data: EventData) -> str:
    """Google Calendar's "create event" page, prefilled (times in UTC)."""
    query = {
        "action": "TEMPLATE",
        "text": data.summary,
        "dates": f"{_utc_compact(data.start)}/{_utc_compact(data.end)}",
        "details": data.description,
        "location": data.location,
    }
    return f"{GOOGLE_TEMPLATE}?{urlencode({k: v for k, v in query.items() if v})}"


def outlook_calendar_url(data: EventData) -> str:
    """Outlook on the web's compose form, prefilled (times in UTC; works for personal
    and, through the same redirect, most work accounts)."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": data.summary,
        "startdt": _utc_iso(data.start),
        "enddt": _utc_iso(data.end),
        "body": data.description,
        "location": data.location,
    }
    return f"{OUTLOOK_COMPOSE}?{urlencode({k: v for k, v in query.items() if v})}"
