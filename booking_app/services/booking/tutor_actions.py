"""The tutor's own actions on one seat: cancel one booking, give a student a seat.

Why a module of its own: ``cancel_lesson`` ends a whole lesson and the private link's
``cancel_booking`` acts as the client; a tutor (or an admin acting for the tutor,
services/admin_ops.py) cancelling one student's seat is neither. Both go through the
write skeleton: the tutor's calendar locked, the booking re-read, the seat released, the
student told through the outbox, and the open calendars updated after commit.
"""

from __future__ import annotations

from datetime import datetime

from booking_app.models import BookingEvent, BookingStatus
from booking_app.repositories import bookings as repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.services import offer_fields as f
from booking_app.services.booking.seats import release
from booking_app.services.booking.views import CANCELLED_BY_TUTOR, holds_seat
from booking_app.services.errors import (
    AlreadyCancelled,
    LessonNotFound,
    LessonStarted,
    NotFound,
    ValidationFailed,
)
from booking_app.services.invites.links import take_seat
from booking_app.services.schedule_write import locked_schedule
from booking_app.services.validation import FieldError

BOOKING_NOT_FOUND = "This booking does not exist or is not yours."
LESSON_NOT_FOUND = "This lesson does not exist or is not yours."
DEFAULT_REASON = "Cancelled by the tutor."


def cancel_for_tutor(tutor_id: int, booking_id: int, *, reason: str, now: datetime) -> None:
    """Cancel one seat of the tutor's lesson before it starts; an individual lesson whose
    only seat it was leaves the calendar. The student gets the cancellation notice and
    their reminders are withdrawn (``notifications.booking_changed``)."""
    try:
        note = f.clean_text(reason, max_len=500) or DEFAULT_REASON
    except FieldError as exc:
        raise ValidationFailed({"reason": str(exc)}) from None
    with locked_schedule(tutor_id, by_tutor=True) as write:
        booking = repo.for_tutor(session=write.session, tutor_id=tutor_id, booking_id=booking_id)
        if booking is None:
            raise NotFound(BOOKING_NOT_FOUND)
        write.session.refresh(booking)
        if booking.status in (BookingStatus.cancelled, BookingStatus.late_cancel):
            raise AlreadyCancelled()
        lesson = lessons_repo.get_lesson(session=write.session, lesson_id=booking.lesson_id)
        assert lesson is not None
        if not holds_seat(booking) or lesson.starts_at <= now:
            raise LessonStarted()
        booking.status = BookingStatus.cancelled
        booking.status_reason = note
        booking.cancelled_by = CANCELLED_BY_TUTOR
        booking.cancelled_at = booking.updated_at = now
        write.session.flush()
        release(write, lesson, now)
        write.announce(booking, BookingEvent.cancelled, now)


def give_seat(tutor_id: int, lesson_id: int, student_id: int, *, now: datetime) -> None:
    """A confirmed seat for an ACTIVE member of the tutor's classroom in one of the
    tutor's lessons: the rule a lesson invite applies (``invites.links.take_seat``:
    membership, a live lesson, a free seat)."""
    with locked_schedule(tutor_id, by_tutor=True) as write:
        lesson = lessons_repo.tutor_lesson(
            session=write.session, tutor_id=tutor_id, lesson_id=lesson_id
        )
        if lesson is None:
            raise LessonNotFound(LESSON_NOT_FOUND)
        take_seat(write, lesson, student_id, now)
