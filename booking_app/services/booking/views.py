"""What booking pages show: the private link's booking, a tutor's request, a student's list.

Views carry finished labels in the viewer's zone (pages do no time-zone math) and never
carry what the viewer may not hold: a request shows its tutor no client token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from booking_app.config import get_settings
from booking_app.db import read_scope
from booking_app.models import SEAT_HOLDING_STATUSES, Booking, BookingStatus, Lesson
from booking_app.repositories import bookings as repo
from booking_app.repositories.bookings import BookingDetail
from booking_app.scheduling import LATE_CANCEL, cancellation_kind
from booking_app.services import calendar_events, timefmt
from booking_app.services import offer_fields as f
from booking_app.services.errors import NotFound

STATUS_LABELS = {
    "pending": "Waiting for the tutor",
    "confirmed": "Confirmed",
    "cancelled": "Cancelled",
    "late_cancel": "Cancelled late",
    "completed": "Completed",
    "no_show": "Missed",
    "tutor_no_show": "The tutor did not come",
    # Not statuses: how a `cancelled` row reads when we know who ended it and when.
    "declined": "Declined - pick another time",
    "withdrawn": "Withdrawn",
}
CANCELLED_BY_TUTOR = "tutor"
CANCELLED_BY_CLIENT = "client"


def shown_status(booking: Booking) -> str:
    """The status a page shows: a request the tutor declined is "declined" (with a link to
    pick another time), a request withdrawn before any answer is "withdrawn"; late-cancel
    rules only ever applied to confirmed lessons (issue 14, item 5)."""
    status = booking.status.value
    if booking.status is BookingStatus.cancelled and booking.confirmed_at is None:
        if booking.cancelled_by == CANCELLED_BY_TUTOR:
            return "declined"
        if booking.cancelled_by == CANCELLED_BY_CLIENT:
            return "withdrawn"
    return status


@dataclass(frozen=True)
class BookingDetailView:
    token: str
    status: str  # pending|confirmed|cancelled|late_cancel|completed|no_show|tutor_no_show
    status_label: str
    kind: str
    tutor_name: str
    tutor_slug: str
    service_name: str
    start: str  # UTC ISO
    end: str
    label: str  # "Mon 30 Nov 2026, 09:00–10:00" in the viewer's zone
    timezone: str
    mode: str
    location: str
    meeting_url: str
    price: str
    currency: str
    client_name: str
    can_cancel: bool
    cancel_is_late: bool
    can_reschedule: bool
    telegram_link: str  # https://t.me/<bot>?start=<token>
    status_reason: str
    shown_status: str = ""  # `status`, or "declined" / "withdrawn" (see shown_status)
    # "Add to calendar" (services/calendar_events.py): "" when it offers none (cancelled,
    # declined, withdrawn, past).
    ics_url: str = ""
    google_calendar_url: str = ""
    outlook_calendar_url: str = ""


@dataclass(frozen=True)
class RequestView:
    """A pending request as its tutor sees it: never the client's private-link token (it
    would let the tutor's browser act as the client)."""

    booking_id: int
    kind: str
    client_name: str
    client_phone: str
    client_email: str
    telegram_username: str
    service_name: str
    label: str
    created_label: str


@dataclass(frozen=True)
class StudentBookingsView:
    upcoming: list[BookingDetailView]
    past: list[BookingDetailView]


def long_label(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """ "Mon 30 Nov 2026, 09:00–10:00": the year matters on a page kept as a link."""
    first, last = start.astimezone(tz), end.astimezone(tz)
    if first.date() != last.date():
        return timefmt.span_label(start, end, tz)
    hours = f"{timefmt.format_hhmm(first.time())}{timefmt.DASH}{timefmt.format_hhmm(last.time())}"
    return f"{timefmt.date_label(first.date())}, {hours}"


def telegram_link(token: str) -> str:
    return f"https://t.me/{get_settings().telegram_bot_username}?start={token}"


def holds_seat(booking: Booking) -> bool:
    return booking.status in SEAT_HOLDING_STATUSES


def is_late(booking: Booking, lesson: Lesson, notice_hours: int, now: datetime) -> bool:
    """Inside the tutor's cancellation notice (cancelling is allowed, but counts late).
    Only a confirmed lesson can be cancelled late: a pending request is withdrawn."""
    if booking.status is not BookingStatus.confirmed:
        return False
    return cancellation_kind(lesson.starts_at, now, notice_hours * 60) == LATE_CANCEL


def detail_view(row: BookingDetail, tz: ZoneInfo, now: datetime) -> BookingDetailView:
    booking, lesson = row.booking, row.lesson
    can_cancel = holds_seat(booking) and lesson.starts_at > now
    late = can_cancel and is_late(booking, lesson, row.notice_hours, now)
    shown = shown_status(booking)
    offers_links = holds_seat(booking) and lesson.ends_at > now
    links = calendar_events.links_for(row) if offers_links else calendar_events.NO_LINKS
    return BookingDetailView(
        token=booking.booking_token,
        status=booking.status.value,
        status_label=STATUS_LABELS.get(shown, shown),
        kind=booking.kind.value,
        tutor_name=row.tutor_name,
        tutor_slug=row.tutor_slug,
        service_name=row.service_name or lesson.title,
        start=timefmt.iso_utc(lesson.starts_at),
        end=timefmt.iso_utc(lesson.ends_at),
        label=long_label(lesson.starts_at, lesson.ends_at, tz),
        timezone=tz.key,
        mode=lesson.mode.value,
        location=lesson.location or row.service_location or "",
        meeting_url=lesson.meeting_url or row.service_meeting_url or "",
        price=f.format_price(booking.price),
        currency=row.currency,
        client_name=booking.client_name,
        can_cancel=can_cancel,
        cancel_is_late=late,
        can_reschedule=can_cancel and not late,
        telegram_link=telegram_link(booking.booking_token),
        status_reason=booking.status_reason or "",
        shown_status=shown,
        ics_url=links.ics,
        google_calendar_url=links.google,
        outlook_calendar_url=links.outlook,
    )


def request_view(row: BookingDetail, tz: ZoneInfo) -> RequestView:
    booking, lesson = row.booking, row.lesson
    return RequestView(
        booking_id=booking.id or 0,
        kind=booking.kind.value,
        client_name=booking.client_name,
        client_phone=booking.client_phone,
        client_email=booking.client_email or "",
        telegram_username=f"@{booking.telegram_username}" if booking.telegram_username else "",
        service_name=row.service_name or lesson.title,
        label=long_label(lesson.starts_at, lesson.ends_at, tz),
        created_label=timefmt.instant_label(booking.created_at, tz),
    )


def owner_zone(row: BookingDetail, student_tz: str | None = None) -> ZoneInfo:
    """Zone for views returned by writes: the student's, else the tutor's."""
    return timefmt.zone_or_utc(student_tz or row.tutor_timezone)


def student_bookings(student_id: int, *, viewer_tz: str, now: datetime) -> StudentBookingsView:
    """The student's bookings: upcoming (seat held, not ended) soonest first; past latest first."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        rows = repo.student_details(session=session, student_id=student_id)
    upcoming = [r for r in rows if holds_seat(r.booking) and r.lesson.ends_at > now]
    past = [r for r in rows if not (holds_seat(r.booking) and r.lesson.ends_at > now)]
    return StudentBookingsView(
        upcoming=[detail_view(r, tz, now) for r in upcoming],
        past=[detail_view(r, tz, now) for r in reversed(past)],
    )


def student_booking_token(student_id: int, booking_id: int) -> str:
    """The private-link token of the student's own booking (clicked on their calendar);
    anyone else's booking is NotFound, like everywhere else."""
    with read_scope() as session:
        booking = repo.for_student(session=session, student_id=student_id, booking_id=booking_id)
        if booking is None:
            raise NotFound("This booking does not exist.")
        return booking.booking_token
