"""What a lesson looks like in someone's calendar: the one place its title, description and
location are worded, for the single .ics download, the "Google Calendar" / "Outlook" links
and both subscription feeds (services/calendar_feeds.py).

The student's event is their booking (UID = booking token, SEQUENCE = the booking's
counter); the tutor's is the lesson (UID = lesson id, SEQUENCE = the lesson's counter,
names of everyone holding a seat). Counters: models/calendar_sequence.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking_app import routes
from booking_app.config import get_settings
from booking_app.integrations import ical
from booking_app.models import LessonStatus
from booking_app.repositories.bookings import BookingDetail
from booking_app.repositories.calendar_feeds import BookingFeedRow, LessonFeedRow


@dataclass(frozen=True)
class CalendarLinks:
    """ "Add to calendar" targets of one booking; all "" when it offers none."""

    ics: str = ""
    google: str = ""
    outlook: str = ""


NO_LINKS = CalendarLinks()


def _public(path: str) -> str:
    return f"{get_settings().public_url}{path}"


def _description(*lines: tuple[str, str | None]) -> str:
    return "\n".join(f"{label}: {value}" for label, value in lines if value)


def booking_event(
    *,
    token: str,
    status: str,
    sequence: int,
    stamp: datetime,
    starts_at: datetime,
    ends_at: datetime,
    what: str,
    tutor_name: str,
    location: str | None,
    meeting_url: str | None,
    room_uuid: str | None = None,
) -> ical.EventData:
    """The student's event for one booking (their feed, the download, the links)."""
    room = _public(routes.classroom_url(room_uuid)) if room_uuid else ""
    return ical.EventData(
        token=token,
        start=starts_at,
        end=ends_at,
        summary=f"{what or 'Lesson'} with {tutor_name}",
        description=_description(
            ("Booking", _public(routes.booking_url(token))),
            ("Room", room),
            ("Meeting link", meeting_url),
        ),
        location=location or meeting_url or "",
        url=meeting_url or room,
        status=status,
        stamp=stamp,
        sequence=sequence,
    )


def detail_event(row: BookingDetail) -> ical.EventData:
    """`booking_event` of a booking loaded for its private page."""
    booking, lesson = row.booking, row.lesson
    return booking_event(
        token=booking.booking_token,
        status=booking.status.value,
        sequence=booking.calendar_sequence,
        stamp=booking.updated_at,
        starts_at=lesson.starts_at,
        ends_at=lesson.ends_at,
        what=row.service_name or lesson.title,
        tutor_name=row.tutor_name,
        location=lesson.location or row.service_location,
        meeting_url=lesson.meeting_url or row.service_meeting_url,
    )


def links_for(row: BookingDetail) -> CalendarLinks:
    """Download, Google and Outlook links of a booking that holds its seat."""
    event = detail_event(row)
    return CalendarLinks(
        ics=_public(routes.booking_ics_url(row.booking.booking_token)),
        google=ical.google_calendar_url(event),
        outlook=ical.outlook_calendar_url(event),
    )


def feed_booking_event(row: BookingFeedRow) -> ical.EventData:
    return booking_event(
        token=row.token,
        status=row.status.value,
        sequence=row.sequence,
        stamp=row.updated_at,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        what=row.service_name or row.title,
        tutor_name=row.tutor_name,
        location=row.location or row.service_location,
        meeting_url=row.meeting_url or row.service_meeting_url,
        room_uuid=row.room_uuid,
    )


def _lesson_status(row: LessonFeedRow) -> str:
    if row.status is not LessonStatus.scheduled:
        return row.status.value  # cancelled, tentative, completed
    if row.confirmed:
        return "confirmed"
    return "pending" if row.pending else "scheduled"


def lesson_event(row: LessonFeedRow, names: list[str]) -> ical.EventData:
    """The tutor's event for one lesson: who comes, the room, the meeting link."""
    what = row.service_name or row.title or "Lesson"
    who = ", ".join(names) if names else "no students yet"
    room = _public(routes.classroom_url(row.room_uuid)) if row.room_uuid else ""
    meeting_url = row.meeting_url or row.service_meeting_url
    return ical.EventData(
        token="",
        uid=ical.lesson_uid(row.lesson_id),
        start=row.starts_at,
        end=row.ends_at,
        summary=f"{what}: {who}",
        description=_description(
            ("Students", ", ".join(names)),
            ("Room", room),
            ("Meeting link", meeting_url),
            ("Calendar", _public(routes.CALENDAR)),
        ),
        location=row.location or row.service_location or meeting_url or "",
        url=meeting_url or room,
        status=_lesson_status(row),
        stamp=row.updated_at,
        sequence=row.sequence,
    )
