"""The rows behind a seat: a new lesson from a service, confirming, freeing, a tutor's gift.

Shared by every booking use case (create, move, answer a request) and by the tutor's
own tools (a lesson for a student, a lesson invite), so a seat means the same thing
wherever it is written. Everything here runs inside the caller's ``locked_schedule``
write, after the engine said yes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from booking_app.models import (
    Booking,
    BookingEvent,
    BookingKind,
    BookingSource,
    BookingStatus,
    Lesson,
    LessonStatus,
    LessonType,
    Service,
    User,
)
from booking_app.repositories import bookings as repo
from booking_app.repositories import classroom as classroom_repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.scheduling import ServiceSpec
from booking_app.services.schedule_write import ScheduleWrite


def spec_of(service: Service) -> ServiceSpec:
    """What the engine needs to know of a service."""
    return ServiceSpec(
        service.duration_min, service.lesson_type is LessonType.group, service.capacity
    )


def add_service_lesson(
    write: ScheduleWrite, tutor_id: int, service: Service, start: datetime, now: datetime
) -> Lesson:
    """A new lesson of ``service`` at ``start`` (its fields copied from the service)."""
    lesson = Lesson(
        tutor_id=tutor_id,
        service_id=service.id,
        title=service.name,
        starts_at=start,
        ends_at=start + timedelta(minutes=service.duration_min),
        lesson_type=service.lesson_type,
        capacity=service.capacity,
        mode=service.mode,
        location=service.location,
        meeting_url=service.meeting_url,
        price=service.price,
        status=LessonStatus.scheduled,
        created_at=now,
        updated_at=now,
    )
    return lessons_repo.add_lesson(session=write.session, lesson=lesson)


def admit(write: ScheduleWrite, booking: Booking, now: datetime) -> None:
    """What confirming means: the room of the lesson, and (for a student) ACTIVE membership."""
    classroom_repo.ensure_room(session=write.session, lesson_id=booking.lesson_id, at=now)
    if booking.student_id is not None:
        classroom_repo.activate_membership(
            session=write.session, tutor_id=booking.tutor_id, student_id=booking.student_id, at=now
        )


def release(write: ScheduleWrite, lesson: Lesson, now: datetime) -> None:
    """An individual lesson whose only seat was freed leaves the calendar (status only)."""
    session = write.session
    if lesson.lesson_type is LessonType.individual and not repo.seats_taken(
        session=session, lesson_id=lesson.id or 0
    ):
        lesson.status = LessonStatus.cancelled
        lesson.updated_at = now
        session.flush()


def add_student_seat(
    write: ScheduleWrite,
    lesson: Lesson,
    student: User,
    now: datetime,
    *,
    source: BookingSource,
    kind: BookingKind = BookingKind.regular,
    confirmed: bool = True,
) -> Booking:
    """A seat for a student account in ``lesson``, with the account's contact details, at
    the lesson's price; announced like any booking (outbox rows, a live update)."""
    booking = Booking(
        lesson_id=lesson.id or 0,
        tutor_id=lesson.tutor_id,
        student_id=student.id,
        client_name=student.name,
        client_phone=student.phone,
        client_email=student.email,
        telegram_username=student.telegram_username,
        telegram_chat_id=student.telegram_chat_id,
        status=BookingStatus.confirmed if confirmed else BookingStatus.pending,
        kind=kind,
        source=source,
        price=lesson.price,
        created_at=now,
        updated_at=now,
        confirmed_at=now if confirmed else None,
    )
    repo.add(session=write.session, row=booking)
    write.announce(booking, BookingEvent.created, now)
    return booking


def add_tutor_seat(write: ScheduleWrite, lesson: Lesson, student: User, now: datetime) -> Booking:
    """A confirmed seat the tutor gives ``student`` (a lesson for them, a lesson invite):
    no request, born confirmed, but announced like any other (the student's confirmation
    and reminders in the outbox, a live update to both after commit)."""
    return add_student_seat(write, lesson, student, now, source=BookingSource.tutor)
