"""The tutor's administration of one lesson: move or resize it, its seats and payments,
its private notes (the calendar's details dialog and drag and drop).

A move is checked like publishing (``check_conflicts`` under the tutor's lock, the lesson
itself ignored), so a drag can never double-book; its students are told. Payments and
notes change no time and need no lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from booking_app import realtime
from booking_app.db import read_scope, session_scope
from booking_app.models import BookingEvent, LessonStatus, PaymentStatus
from booking_app.repositories import calendar as calendar_repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.scheduling import Reason
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.calendar import parse_span, tutor_zone, wall_iso
from booking_app.services.errors import (
    LessonStarted,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from booking_app.services.money import price_label
from booking_app.services.schedule_write import locked_schedule
from booking_app.services.validation import FieldError

LESSON_NOT_FOUND = "This lesson does not exist or is not yours."
BOOKING_NOT_FOUND = "This booking does not exist or is not yours."
MAX_NOTES = 2000


@dataclass(frozen=True)
class SeatView:
    booking_id: int
    name: str
    status: str
    price: str  # "450 UAH" / "Free" in the viewer's locale (services/money.py)
    payment: str
    paid_amount: str


@dataclass(frozen=True)
class LessonDetail:
    id: int
    title: str
    label: str
    lesson_type: str
    capacity: int
    status: str
    notes: str
    seats: list[SeatView] = field(default_factory=list)


def move_lesson(tutor_id: int, lesson_id: int, *, start: str, end: str, now: datetime) -> None:
    """Move/resize a future lesson (wall-time strings of the tutor's calendar).

    Checked under the tutor's lock against every other lesson and busy block, like
    publishing; refused -> SlotUnavailable and nothing changes. Its students are told.
    """
    with locked_schedule(by_tutor=True) as write:
        tz = tutor_zone(write.session, tutor_id)
        new_start, new_end = parse_span(start, end, tz)
        if new_start <= now:
            raise SlotUnavailable(Reason.TOO_SOON.value, "This time has already passed.")
        write.lock(tutor_id)
        lesson = lessons_repo.tutor_lesson(
            session=write.session, tutor_id=tutor_id, lesson_id=lesson_id
        )
        if lesson is None or lesson.status is LessonStatus.cancelled:
            raise NotFound(LESSON_NOT_FOUND)
        if lesson.starts_at <= now:
            raise LessonStarted("This lesson has already started.")
        write.refuse(write.span_verdict(new_start, new_end, lesson_id))
        lesson.starts_at, lesson.ends_at, lesson.updated_at = new_start, new_end, now
        write.session.flush()
        write.announce_lesson(lesson, write.seats(lesson), BookingEvent.moved, now)


def move_lesson_to(
    tutor_id: int, lesson_id: int, *, start_local: str, end_local: str = "", now: datetime
) -> None:
    """The keyboard's move (the calendar's "Move" dialog): a new start as "YYYY-MM-DDTHH:MM"
    in the tutor's zone, the same length. ``end_local`` (the HTTP API) also sets a new end,
    as dragging the lesson's edge does, within a lesson's length when publishing (15 to
    480 minutes). Goes through ``move_lesson``, so the same lock, rules and notifications
    apply as to a drag; a bad date/time is a field error."""
    with read_scope() as session:
        tz = tutor_zone(session, tutor_id)
        lesson = lessons_repo.tutor_lesson(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
        if lesson is None or lesson.status is LessonStatus.cancelled:
            raise NotFound(LESSON_NOT_FOUND)
        length = lesson.ends_at - lesson.starts_at
    try:
        start = timefmt.parse_local(start_local, tz)
    except FieldError as exc:
        raise ValidationFailed({"start": str(exc)}) from None
    end = start + length
    if (end_local or "").strip():
        try:
            end = timefmt.parse_local(end_local, tz)
            if end > start:
                f.clean_duration(int((end - start).total_seconds() // 60))
        except FieldError as exc:
            raise ValidationFailed({"end": str(exc)}) from None
    move_lesson(
        tutor_id,
        lesson_id,
        start=wall_iso(start, tz),
        end=wall_iso(end, tz),
        now=now,
    )


def seat_names(tutor_id: int, lesson_ids: list[int]) -> dict[int, list[str]]:
    """Who holds a seat (pending or confirmed) in each of the tutor's lessons, by lesson id,
    in booking order: one query for the whole list (the Lessons page's names)."""
    with read_scope() as session:
        rows = lessons_repo.seat_holder_names(
            session=session, tutor_id=tutor_id, lesson_ids=list(lesson_ids)
        )
    names: dict[int, list[str]] = {}
    for lesson_id, name in rows:
        names.setdefault(lesson_id, []).append(name)
    return names


def lesson_detail(tutor_id: int, lesson_id: int, *, locale: str = "en") -> LessonDetail:
    """The lesson with every booking (name, status, payment) for the details dialog, the
    seats' prices in the tutor's currency and the viewer's `locale`."""
    with read_scope() as session:
        tz = tutor_zone(session, tutor_id)
        currency = lessons_repo.tutor_currency(session=session, tutor_id=tutor_id) or ""
        lesson = lessons_repo.tutor_lesson(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
        if lesson is None:
            raise NotFound(LESSON_NOT_FOUND)
        bookings = calendar_repo.bookings_of_lessons(session=session, lesson_ids=[lesson_id])
    return LessonDetail(
        id=lesson_id,
        title=lesson.title or "Lesson",
        label=timefmt.span_label(lesson.starts_at, lesson.ends_at, tz),
        lesson_type=lesson.lesson_type.value,
        capacity=lesson.capacity,
        status=lesson.status.value,
        notes=lesson.notes or "",
        seats=[
            SeatView(
                booking_id=b.id or 0,
                name=b.client_name,
                status=b.status.value,
                price=price_label(b.price, currency, locale),
                payment=b.payment_status.value,
                paid_amount=f.format_price(b.paid_amount) if b.paid_amount is not None else "",
            )
            for b in bookings
        ],
    )


def set_payment(tutor_id: int, booking_id: int, *, paid: bool, amount: str, now: datetime) -> None:
    """Mark a booking paid (with the amount received; blank = its price) or unpaid."""
    with session_scope(write=True) as session:
        booking = calendar_repo.booking_for_tutor(
            session=session, tutor_id=tutor_id, booking_id=booking_id
        )
        if booking is None:
            raise NotFound(BOOKING_NOT_FOUND)
        if paid:
            try:
                value = f.clean_price(amount) if str(amount or "").strip() else booking.price
            except FieldError as exc:
                raise ValidationFailed({"amount": str(exc)}) from None
            booking.payment_status, booking.paid_amount, booking.paid_at = (
                PaymentStatus.paid,
                value,
                now,
            )
        else:
            booking.payment_status, booking.paid_amount, booking.paid_at = (
                PaymentStatus.unpaid,
                None,
                None,
            )
        booking.updated_at = now
        session.flush()
        realtime.publish_on_commit(session, (tutor_id, booking.student_id))


def set_lesson_notes(tutor_id: int, lesson_id: int, notes: str, *, now: datetime) -> None:
    """The tutor's private notes on a lesson (up to 2000 characters)."""
    text = str(notes or "").strip()
    if len(text) > MAX_NOTES:
        raise ValidationFailed({"notes": f"Notes are limited to {MAX_NOTES} characters."})
    with session_scope(write=True) as session:
        lesson = lessons_repo.tutor_lesson(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
        if lesson is None:
            raise NotFound(LESSON_NOT_FOUND)
        lesson.notes, lesson.updated_at = text, now
        session.flush()
        realtime.publish_on_commit(session, (tutor_id,))
