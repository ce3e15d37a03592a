"""Booking an offered slot (a new lesson) or a seat in a group lesson.

The form is cleaned first (every field error at once), the service and the student are
read, then ONE ``locked_schedule`` write re-checks the time with the engine and writes
the lesson and the booking (see services/schedule_write.py). Guests must give a Telegram
username; trials are for signed-in students, one live trial per tutor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from booking_app.db import read_scope
from booking_app.models import (
    Booking,
    BookingEvent,
    BookingKind,
    BookingSource,
    BookingStatus,
    Lesson,
    Service,
)
from booking_app.repositories import bookings as repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.services import offer_fields as f
from booking_app.services.booking.overlap import check_overlap
from booking_app.services.booking.seats import add_service_lesson, admit, spec_of
from booking_app.services.booking.views import BookingDetailView, detail_view, owner_zone
from booking_app.services.errors import (
    Forbidden,
    NotFound,
    TrialNeedsAccount,
    TrialTaken,
)
from booking_app.services.schedule_write import ScheduleWrite, locked_schedule
from booking_app.services.validation import (
    FieldError,
    clean_email,
    clean_name,
    clean_phone,
    clean_telegram_username,
)

SERVICE_NOT_FOUND = "This service is not offered."
NOT_A_STUDENT = "Sign in with a student account to book as a student."
LESSON_NOT_FOUND = "This lesson does not exist."
SOURCES = (BookingSource.marketplace.value, BookingSource.public_page.value)


@dataclass(frozen=True)
class BookingForm:
    tutor_id: int
    service_id: int
    start: str = ""  # UTC ISO of an offered slot (new lesson) ...
    lesson_id: int = 0  # ... or a joinable group lesson
    name: str = ""
    phone: str = ""
    email: str = ""
    telegram_username: str = ""
    source: str = "public_page"  # "marketplace" | "public_page"
    # The student answered "book anyway?" (STUDENT_OVERLAP=warn); re-checked in the write.
    confirm_overlap: bool = False


@dataclass(frozen=True)
class _Client:
    """A validated booking form."""

    name: str
    phone: str
    email: str | None
    telegram: str | None
    source: BookingSource
    start: datetime | None
    lesson_id: int


@dataclass(frozen=True)
class _Offer:
    """What is being booked, read before the transaction (the write path re-checks time)."""

    service: Service
    requires_confirmation: bool
    student_id: int | None
    student_tz: str | None


@dataclass(frozen=True)
class _Seat:
    """Price and kind of what is booked, as the database has them: the new lesson's service,
    or the group lesson being joined (its own price; a trial only if its service is one).
    Never the service the client's page last had selected: a forged event sequence could
    pair a group lesson with a cheaper or trial service (issue 12, item 9)."""

    price: Decimal
    is_trial: bool


# --- input -------------------------------------------------------------------------------


def parse_start(raw: str) -> datetime:
    """An offered slot's UTC ISO string ("2026-11-30T07:00:00+00:00") as aware UTC."""
    text = (raw or "").strip() if isinstance(raw, str) else ""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError("Choose a time from the list.") from None
    if value.tzinfo is None:
        raise FieldError("Choose a time from the list.")
    return value.astimezone(UTC)


def _lesson_id(raw: Any) -> int:
    value = f.parse_int(raw or 0, "Choose a lesson from the list.")
    if value < 0:
        raise FieldError("Choose a lesson from the list.")
    return value


def clean_target(fields: f.Fields, start: str, lesson_id: Any) -> tuple[datetime | None, int]:
    """Exactly one of a new slot (``start``) or a group lesson (``lesson_id``)."""
    seat = fields.take("lesson_id", lambda: _lesson_id(lesson_id)) or 0
    if seat:
        return None, seat
    if not isinstance(start, str) or not start.strip():
        fields.add_error("start", "Choose a time.")
        return None, 0
    return fields.take("start", lambda: parse_start(start)), 0


def _clean_email(raw: str, account_email: str | None) -> str | None:
    """Optional; the signed-in student's own account email is always accepted as it is.

    The form pre-fills it, and an address the app stored itself (an older demo on a
    special-use domain, a rule tightened since registration) must never be what stops a
    student from booking (issue 14, item 1).
    """
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        return None
    if account_email and value.casefold() == account_email.strip().casefold():
        return account_email.strip()
    return clean_email(value)


def _clean_form(form: BookingForm, *, guest: bool, account_email: str | None = None) -> _Client:
    fields = f.Fields()
    name = fields.take("name", lambda: clean_name(form.name))
    phone = fields.take("phone", lambda: clean_phone(form.phone))
    email = fields.take("email", lambda: _clean_email(form.email, account_email))
    telegram = fields.take(
        "telegram_username",
        lambda: clean_telegram_username(form.telegram_username, required=guest),
    )
    if form.source not in SOURCES:
        fields.add_error("source", "Unknown booking source.")
    start, lesson_id = clean_target(fields, form.start, form.lesson_id)
    fields.raise_if_invalid()
    assert name is not None and phone is not None  # no errors means both parsed
    return _Client(name, phone, email, telegram, BookingSource(form.source), start, lesson_id)


def _account_email(student_id: int | None) -> str | None:
    """The signed-in student's stored email (None for guests and unknown ids)."""
    if student_id is None or not isinstance(student_id, int):
        return None
    with read_scope() as session:
        student = repo.active_student(session=session, student_id=student_id)
        return student.email if student is not None else None


def _offer(form: BookingForm, student_id: int | None) -> _Offer:
    """The active service of a published tutor, and the student; NotFound/Forbidden."""
    if not isinstance(form.tutor_id, int) or not isinstance(form.service_id, int):
        raise NotFound(SERVICE_NOT_FOUND)
    with read_scope() as session:
        found = repo.bookable_service(
            session=session, tutor_id=form.tutor_id, service_id=form.service_id
        )
        if found is None or not found.profile.is_published:
            raise NotFound(SERVICE_NOT_FOUND)
        student_tz = None
        if student_id is not None:
            student = repo.active_student(session=session, student_id=student_id)
            if student is None:
                raise Forbidden(NOT_A_STUDENT)
            student_tz = student.timezone
    if found.service.is_trial and student_id is None and not form.lesson_id:
        raise TrialNeedsAccount()
    return _Offer(found.service, found.profile.requires_confirmation, student_id, student_tz)


# --- inside the write --------------------------------------------------------------------


def joinable_lesson(
    write: ScheduleWrite, lesson_id: int, service_id: int | None, now: datetime
) -> Lesson:
    """The group lesson with its seats counted under the lock; ``check_join`` decides.

    The lesson must be the tutor's and of the same service (the price and kind of the
    booking come from the service), or a lesson published without a service.
    """
    assert write.tutor_id is not None
    lesson = lessons_repo.tutor_lesson(
        session=write.session, tutor_id=write.tutor_id, lesson_id=lesson_id
    )
    if lesson is None or lesson.service_id not in (None, service_id):
        raise NotFound(LESSON_NOT_FOUND)
    write.refuse(write.join_verdict(lesson, now))
    return lesson


def _seat_of_lesson(write: ScheduleWrite, lesson: Lesson) -> _Seat:
    service = repo.get_service(session=write.session, service_id=lesson.service_id)
    return _Seat(lesson.price, bool(service is not None and service.is_trial))


def _new_booking(
    form: BookingForm, client: _Client, offer: _Offer, seat: _Seat, lesson_id: int, now: datetime
) -> Booking:
    confirmed = not (seat.is_trial or offer.requires_confirmation)
    return Booking(
        lesson_id=lesson_id,
        tutor_id=form.tutor_id,
        student_id=offer.student_id,
        client_name=client.name,
        client_phone=client.phone,
        client_email=client.email,
        telegram_username=client.telegram,
        status=BookingStatus.confirmed if confirmed else BookingStatus.pending,
        kind=BookingKind.trial if seat.is_trial else BookingKind.regular,
        source=client.source,
        price=seat.price,
        created_at=now,
        updated_at=now,
        confirmed_at=now if confirmed else None,
    )


def _check_trial(write: ScheduleWrite, seat: _Seat, offer: _Offer, tutor_id: int) -> None:
    if not seat.is_trial:
        return
    if offer.student_id is None:
        raise TrialNeedsAccount()
    if repo.has_live_trial(session=write.session, tutor_id=tutor_id, student_id=offer.student_id):
        raise TrialTaken()


def create_booking(
    form: BookingForm, *, student_id: int | None, now: datetime
) -> BookingDetailView:
    """Book an offered slot (a new lesson) or a seat in a group lesson.

    Pending when the service is a trial or the tutor confirms requests, else confirmed
    (room + membership at once). The time is re-checked under the tutor's lock; a
    refusal is SlotUnavailable with the engine's reason and sentence.
    """
    client = _clean_form(form, guest=student_id is None, account_email=_account_email(student_id))
    offer = _offer(form, student_id)
    with locked_schedule(form.tutor_id) as write:
        lesson: Lesson | None = None
        if client.lesson_id:
            lesson = joinable_lesson(write, client.lesson_id, offer.service.id, now)
            seat = _seat_of_lesson(write, lesson)
        else:
            assert client.start is not None
            verdict = write.slot_verdict(spec_of(offer.service), client.start, now, None)
            write.refuse(verdict)
            seat = _Seat(offer.service.price, offer.service.is_trial)
        _check_trial(write, seat, offer, form.tutor_id)
        start = lesson.starts_at if lesson is not None else client.start
        assert start is not None
        check_overlap(
            write.session,
            student_id=offer.student_id,
            start=start,
            end=lesson.ends_at
            if lesson is not None
            else start + timedelta(minutes=offer.service.duration_min),
            confirmed=form.confirm_overlap is True,
            tz_name=offer.student_tz,
        )
        if lesson is None:
            assert client.start is not None
            lesson = add_service_lesson(write, form.tutor_id, offer.service, client.start, now)
        booking = repo.add(
            session=write.session,
            row=_new_booking(form, client, offer, seat, lesson.id or 0, now),
        )
        if booking.status is BookingStatus.confirmed:
            admit(write, booking, now)
        write.announce(booking, BookingEvent.created, now)
        row = repo.detail_by_id(session=write.session, booking_id=booking.id or 0)
        assert row is not None
        return detail_view(row, owner_zone(row, offer.student_tz), now)
