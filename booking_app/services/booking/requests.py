"""The tutor's requests: pending bookings (trials, and every booking when the tutor
confirms by hand), their count for the badge, confirm and decline.

The tutor acts by (tutor_id, booking_id): another tutor's booking is NotFound. Answers
lock the tutor's calendar and re-read the booking; confirming re-checks the lesson with
the engine (no overlap, no overbooked group) before it holds for good.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from booking_app.db import read_scope
from booking_app.models import Booking, BookingEvent, BookingStatus, Lesson, LessonStatus
from booking_app.repositories import bookings as repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.scheduling import Reason
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.booking.seats import admit, release
from booking_app.services.booking.views import CANCELLED_BY_TUTOR, RequestView, request_view
from booking_app.services.errors import (
    AlreadyAnswered,
    AlreadyCancelled,
    LessonStarted,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from booking_app.services.schedule_write import ScheduleWrite, locked_schedule
from booking_app.services.validation import FieldError

BOOKING_NOT_FOUND = "This booking does not exist."
NOT_A_TUTOR = "Only tutors have requests."
REASON_REQUIRED = "Tell the student why (1 to 500 characters)."


def _tutor_zone(session: Session, tutor_id: int) -> ZoneInfo:
    name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
    if name is None:
        raise NotFound(NOT_A_TUTOR)
    return timefmt.zone_or_utc(name)


def pending_requests(tutor_id: int, *, viewer_tz: str) -> list[RequestView]:
    """The tutor's pending bookings (trials and requests), soonest lesson first."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        _tutor_zone(session, tutor_id)
        rows = repo.pending_details(session=session, tutor_id=tutor_id)
        return [request_view(row, tz) for row in rows]


def pending_count(tutor_id: int) -> int:
    """The badge number: pending bookings of this tutor (0 for anyone else)."""
    with read_scope() as session:
        return repo.pending_count(session=session, tutor_id=tutor_id)


def _locked_request(write: ScheduleWrite, tutor_id: int, booking_id: int) -> tuple[Booking, Lesson]:
    """The tutor's PENDING booking with its lesson, read after taking the tutor's lock."""
    _tutor_zone(write.session, tutor_id)  # NotFound for a non-tutor
    write.lock(tutor_id)
    booking = repo.for_tutor(session=write.session, tutor_id=tutor_id, booking_id=booking_id)
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    write.session.refresh(booking)
    if booking.status is not BookingStatus.pending:
        raise AlreadyAnswered()
    lesson = lessons_repo.get_lesson(session=write.session, lesson_id=booking.lesson_id)
    assert lesson is not None
    return booking, lesson


def _recheck_for_confirm(write: ScheduleWrite, lesson: Lesson, now: datetime) -> None:
    """Confirming must not create an overlap or an overbooked group (defence in depth)."""
    if lesson.status is LessonStatus.cancelled:
        raise AlreadyCancelled("This lesson was cancelled.")
    if lesson.starts_at <= now:
        raise LessonStarted("This lesson time has already passed.")
    verdict = write.span_verdict(lesson.starts_at, lesson.ends_at, lesson.id)
    if verdict.reason is Reason.OVERLAPS:  # a buffer the tutor accepts by confirming
        write.refuse(verdict)
    if repo.seats_taken(session=write.session, lesson_id=lesson.id or 0) > lesson.capacity:
        raise SlotUnavailable(Reason.FULL.value, "This lesson is already full.")


def _answered(write: ScheduleWrite, booking_id: int) -> RequestView:
    row = repo.detail_by_id(session=write.session, booking_id=booking_id)
    assert row is not None
    return request_view(row, timefmt.zone_or_utc(row.tutor_timezone))


def confirm_booking(tutor_id: int, booking_id: int, *, now: datetime) -> RequestView:
    """Accept a request: confirmed, the student an ACTIVE member, the lesson's room made."""
    with locked_schedule(by_tutor=True) as write:
        booking, lesson = _locked_request(write, tutor_id, booking_id)
        _recheck_for_confirm(write, lesson, now)
        booking.status = BookingStatus.confirmed
        booking.confirmed_at = booking.updated_at = now
        write.session.flush()
        admit(write, booking, now)
        write.announce(booking, BookingEvent.confirmed, now)
        return _answered(write, booking_id)


def decline_booking(tutor_id: int, booking_id: int, *, reason: str, now: datetime) -> RequestView:
    """Refuse a request with a reason; its seat (and a one-to-one lesson) is freed."""
    try:
        note = f.clean_text(reason, max_len=500, required=REASON_REQUIRED)
    except FieldError as exc:
        raise ValidationFailed({"reason": str(exc)}) from None
    with locked_schedule(by_tutor=True) as write:
        booking, lesson = _locked_request(write, tutor_id, booking_id)
        booking.status = BookingStatus.cancelled
        booking.status_reason = note
        booking.cancelled_by = CANCELLED_BY_TUTOR
        booking.cancelled_at = booking.updated_at = now
        write.session.flush()
        release(write, lesson, now)
        write.announce(booking, BookingEvent.declined, now)
        return _answered(write, booking_id)
