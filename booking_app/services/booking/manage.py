"""The private link (/booking/<token>): see the booking, cancel it, move it, add it to a calendar.

The token (UUID4) is the capability: whoever holds it acts as the client, and any other
token is NotFound. Cancels and moves lock the tutor's calendar first (the tutor is known
from the booking), then read the booking fresh; a move takes the new time or seat before
letting go of the old one, in one ``locked_schedule`` write.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlmodel import Session

from booking_app.db import read_connection, read_scope
from booking_app.integrations import ical
from booking_app.models import Booking, BookingEvent, BookingStatus, Lesson, LessonType
from booking_app.repositories import bookings as repo
from booking_app.repositories import classroom as classroom_repo
from booking_app.repositories.bookings import BookingDetail
from booking_app.scheduling import ServiceSpec
from booking_app.services import calendar_events, timefmt
from booking_app.services import offer_fields as f
from booking_app.services.booking.create import clean_target, joinable_lesson
from booking_app.services.booking.overlap import check_overlap
from booking_app.services.booking.seats import add_service_lesson, release, spec_of
from booking_app.services.booking.views import (
    CANCELLED_BY_CLIENT,
    BookingDetailView,
    detail_view,
    holds_seat,
    is_late,
    owner_zone,
)
from booking_app.services.errors import (
    AlreadyCancelled,
    LessonStarted,
    NotFound,
    TooLateToMove,
    ValidationFailed,
)
from booking_app.services.schedule_write import ScheduleWrite, locked_schedule
from booking_app.services.tutor_public import WeekView, week_slots
from booking_app.services.validation import FieldError

BOOKING_NOT_FOUND = "This booking does not exist."


def _valid_token(token: str) -> str:
    """Only UUID4-shaped text reaches the database; anything else is simply not found."""
    try:
        return str(uuid.UUID(str(token or "").strip()))
    except ValueError:
        raise NotFound(BOOKING_NOT_FOUND) from None


def _row_by_token(session: Session, token: str) -> BookingDetail:
    row = repo.detail_by_token(session=session, token=_valid_token(token))
    if row is None:
        raise NotFound(BOOKING_NOT_FOUND)
    return row


def _reloaded_view(write: ScheduleWrite, booking: Booking, now: datetime) -> BookingDetailView:
    row = repo.detail_by_id(session=write.session, booking_id=booking.id or 0)
    assert row is not None
    return detail_view(row, owner_zone(row), now)


def get_booking(token: str, *, viewer_tz: str, now: datetime) -> BookingDetailView:
    """The booking behind a private link, in the viewer's zone; NotFound for any other token."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        return detail_view(_row_by_token(session, token), tz, now)


def booking_version(token: str, *, viewer_tz: str = "UTC") -> tuple[int, int]:
    """What a private link's answer depends on that writes signal: the data versions of
    its tutor and student (services/data_versions.py), bumped by every change of the
    booking, its lesson or the lesson's other seats. NotFound for any other token; a bad
    zone is refused first, as `get_booking` does."""
    timefmt.viewer_zone(viewer_tz)
    with read_connection() as connection:
        found = repo.versions_by_token(connection=connection, token=_valid_token(token))
    if found is None:
        raise NotFound(BOOKING_NOT_FOUND)
    return found


def _locked_by_token(
    write: ScheduleWrite, token: str, now: datetime
) -> tuple[Booking, Lesson, int]:
    """Find the booking, lock its tutor's calendar, then read it fresh: (booking, its
    lesson, the tutor's cancellation notice in hours). Refuses what cannot change any more."""
    booking = repo.by_token(session=write.session, token=_valid_token(token))
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    write.lock(booking.tutor_id)
    write.session.refresh(booking)
    row = repo.detail_by_id(session=write.session, booking_id=booking.id or 0)
    assert row is not None
    if booking.status in (BookingStatus.cancelled, BookingStatus.late_cancel):
        raise AlreadyCancelled()
    if not holds_seat(booking) or row.lesson.starts_at <= now:
        raise LessonStarted()
    return booking, row.lesson, row.notice_hours


def _clean_reason(reason: str) -> str:
    try:
        return f.clean_text(reason, max_len=500)
    except FieldError as exc:
        raise ValidationFailed({"reason": str(exc)}) from None


def cancel_booking(token: str, *, now: datetime, reason: str = "") -> BookingDetailView:
    """Cancel by private link; inside the tutor's notice it is ``late_cancel`` (allowed)."""
    note = _clean_reason(reason)
    with locked_schedule() as write:
        booking, lesson, notice_hours = _locked_by_token(write, token, now)
        late = is_late(booking, lesson, notice_hours, now)  # never for a pending request
        booking.status = BookingStatus.late_cancel if late else BookingStatus.cancelled
        booking.status_reason = note or None
        booking.cancelled_by = CANCELLED_BY_CLIENT
        booking.cancelled_at = booking.updated_at = now
        write.session.flush()
        release(write, lesson, now)
        write.announce(booking, BookingEvent.cancelled, now)
        return _reloaded_view(write, booking, now)


def _move_individual(
    write: ScheduleWrite, booking: Booking, lesson: Lesson, start: datetime, now: datetime
) -> Lesson:
    """The booking's own lesson moves; the engine ignores that lesson while checking."""
    service = repo.get_service(session=write.session, service_id=lesson.service_id)
    minutes = int((lesson.ends_at - lesson.starts_at).total_seconds() // 60)
    spec = ServiceSpec(service.duration_min if service else minutes)
    write.refuse(write.slot_verdict(spec, start, now, lesson.id))
    lesson.starts_at, lesson.ends_at = start, start + timedelta(minutes=spec.duration_min)
    lesson.updated_at = now
    write.session.flush()
    return lesson


def _move_group(
    write: ScheduleWrite,
    booking: Booking,
    lesson: Lesson,
    start: datetime | None,
    seat: int,
    now: datetime,
) -> Lesson:
    """Take the new seat first (join or a new lesson), then let go of the old one."""
    if seat:
        if seat == lesson.id:
            raise ValidationFailed({"lesson_id": "Choose a different lesson."})
        target = joinable_lesson(write, seat, lesson.service_id, now)
    else:
        service = repo.get_service(session=write.session, service_id=lesson.service_id)
        if service is None:
            raise ValidationFailed(
                {"start": "This group lesson can only move to another group lesson."}
            )
        assert start is not None
        write.refuse(write.slot_verdict(spec_of(service), start, now, None))
        target = add_service_lesson(write, booking.tutor_id, service, start, now)
    booking.lesson_id = target.id or 0
    write.session.flush()
    if booking.status is BookingStatus.confirmed:
        classroom_repo.ensure_room(session=write.session, lesson_id=booking.lesson_id, at=now)
    return target


def _check_student_overlap(
    write: ScheduleWrite, booking: Booking, moved_to: Lesson, confirmed: bool
) -> None:
    """The STUDENT_OVERLAP rule a new booking meets, for the new time of a student's own
    booking (their other lessons, not this one); a guest's booking is never asked."""
    if booking.student_id is None:
        return
    student = repo.active_student(session=write.session, student_id=booking.student_id)
    check_overlap(
        write.session,
        student_id=booking.student_id,
        start=moved_to.starts_at,
        end=moved_to.ends_at,
        confirmed=confirmed is True,
        tz_name=student.timezone if student is not None else None,
        exclude_booking_id=booking.id,
        question="Move anyway?",
    )


def reschedule_booking(
    token: str,
    *,
    start: str = "",
    lesson_id: int = 0,
    now: datetime,
    confirm_overlap: bool = False,
) -> BookingDetailView:
    """Move the booking atomically: the old seat is released only if the new one is taken.
    A student's clash with another of their lessons refuses per STUDENT_OVERLAP (in warn
    mode until `confirm_overlap` is True), the whole move rolled back."""
    fields = f.Fields()
    new_start, seat = clean_target(fields, start, lesson_id)
    fields.raise_if_invalid()
    with locked_schedule() as write:
        booking, lesson, notice_hours = _locked_by_token(write, token, now)
        if is_late(booking, lesson, notice_hours, now):
            raise TooLateToMove()
        if lesson.lesson_type is LessonType.individual:
            if seat or new_start is None:
                raise ValidationFailed({"start": "Choose a new time."})
            moved_to = _move_individual(write, booking, lesson, new_start, now)
        else:
            moved_to = _move_group(write, booking, lesson, new_start, seat, now)
        _check_student_overlap(write, booking, moved_to, confirm_overlap)
        booking.updated_at = now
        write.session.flush()
        write.announce(booking, BookingEvent.moved, now)
        return _reloaded_view(write, booking, now)


def booking_ics(token: str) -> tuple[str, bytes]:
    """("booking-<8 chars>.ics", text/calendar bytes) for the private link's booking.
    A cancelled booking still answers (STATUS:CANCELLED), so a calendar that imported it
    can drop it; the page offers no link then."""
    with read_scope() as session:
        row = _row_by_token(session, token)
    event = calendar_events.detail_event(row)
    return f"booking-{row.booking.booking_token[:8]}.ics", ical.booking_calendar(event)


def reschedule_options(
    token: str, *, week_start: date | None, viewer_tz: str, now: datetime
) -> WeekView:
    """Free times of one week for the booking's service, its own lesson not counted.

    ``week_slots`` with ``ignore_lesson_id`` = the lesson being moved (an individual
    booking moves its lesson), the same value ``reschedule_booking`` re-checks with; a
    group booking moves to another group lesson or a new one, so it keeps joinable lessons.
    """
    with read_scope() as session:
        lesson = _row_by_token(session, token).lesson
    individual = lesson.lesson_type is LessonType.individual
    minutes = int((lesson.ends_at - lesson.starts_at).total_seconds() // 60)
    return week_slots(
        lesson.tutor_id,
        service_id=lesson.service_id,
        week_start=week_start,
        viewer_tz=viewer_tz,
        now=now,
        ignore_lesson_id=lesson.id if individual else None,
        include_joinable=not individual,
        default_minutes=minutes,
    )
