"""The booking journey: book a slot or a seat, the private link, requests, cancel, move.

Why every write looks the same: the double bookings of Cal.com and Easy!Appointments came
from checking availability in one place and inserting in another. Here every write that
takes time or a seat (book, join, confirm, reschedule) runs in ONE write transaction:
``lock_tutor`` (PostgreSQL: the tutor's profile row FOR UPDATE; SQLite: the transaction
already began with BEGIN IMMEDIATE), then the schedule is re-loaded and the same engine
predicate that produced the offered slots (``check_booking`` / ``check_join`` /
``check_conflicts``) judges it, then the rows are written. Group seats are counted by
that re-load, under the lock. On PostgreSQL the exclusion constraint on lessons is the
last line of defence; its IntegrityError is reported as "this time was just taken".

Access: the private link's token is the capability for the guest/student actions; the
tutor acts by (tutor_id, booking_id). Anything outside that scope is NotFound.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from booking_app import realtime
from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.integrations import ical
from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    Booking,
    BookingKind,
    BookingSource,
    BookingStatus,
    Lesson,
    LessonStatus,
    LessonType,
    Service,
)
from booking_app.models.lesson import EXCLUSION_NAME
from booking_app.repositories import bookings as repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import (
    LATE_CANCEL,
    Reason,
    ServiceSpec,
    cancellation_kind,
    check_booking,
    check_conflicts,
    check_join,
)
from booking_app.services import availability as av
from booking_app.services import notifications, timefmt
from booking_app.services import offer_fields as f
from booking_app.services.errors import (
    AlreadyAnswered,
    AlreadyCancelled,
    Forbidden,
    LessonStarted,
    NotFound,
    SlotUnavailable,
    TooLateToMove,
    TrialNeedsAccount,
    TrialTaken,
    ValidationFailed,
)
from booking_app.services.validation import (
    FieldError,
    clean_email,
    clean_name,
    clean_phone,
    clean_telegram_username,
)


def _no_pause() -> None:
    """Production value of the test hook below."""


_between_check_and_write: Callable[[], None] = _no_pause
"""Called after the in-transaction check and before the insert. Tests replace it with a
short sleep to widen the race window; production leaves it a no-op."""

JUST_TAKEN = "This time was just taken."
BOOKING_NOT_FOUND = "This booking does not exist."
SERVICE_NOT_FOUND = "This service is not offered."
NOT_A_STUDENT = "Sign in with a student account to book as a student."
TRIAL_INDEX = "uq_booking_one_trial_per_student"
SQLITE_TRIAL_INDEX = "booking.tutor_id, booking.student_id"
SOURCES = (BookingSource.marketplace.value, BookingSource.public_page.value)
STATUS_LABELS = {
    "pending": "Waiting for the tutor",
    "confirmed": "Confirmed",
    "cancelled": "Cancelled",
    "late_cancel": "Cancelled late",
    "completed": "Completed",
    "no_show": "Missed",
}


# --- views -------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class BookingDetailView:
    token: str
    status: str  # pending|confirmed|cancelled|late_cancel|completed|no_show
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
    tutor_tz: str
    requires_confirmation: bool
    student_id: int | None
    student_tz: str | None


# --- labels and views ----------------------------------------------------------------------


def long_label(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """ "Mon 30 Nov 2026, 09:00–10:00": the year matters on a page kept as a link."""
    first, last = start.astimezone(tz), end.astimezone(tz)
    if first.date() != last.date():
        return timefmt.span_label(start, end, tz)
    hours = f"{timefmt.format_hhmm(first.time())}{timefmt.DASH}{timefmt.format_hhmm(last.time())}"
    return f"{timefmt.date_label(first.date())}, {hours}"


def announce(session: Session, booking: Booking, event: str, *, now: datetime) -> None:
    """Tell everyone a booking changed, inside the writer's transaction: the outbox rows for
    Telegram (written or rolled back with the change) and a live update to the tutor's and
    the student's open pages once it commits. Every booking write ends with this call."""
    notifications.booking_changed(session, booking.id or 0, event, now=now)
    realtime.publish_on_commit(session, (booking.tutor_id, booking.student_id))


def telegram_link(token: str) -> str:
    return f"https://t.me/{get_settings().telegram_bot_username}?start={token}"


def _holds_seat(booking: Booking) -> bool:
    return booking.status in SEAT_HOLDING_STATUSES


def _is_late(lesson: Lesson, notice_hours: int, now: datetime) -> bool:
    kind = cancellation_kind(lesson.starts_at, now, notice_hours * 60)
    return kind == LATE_CANCEL


def _detail_view(row: Any, tz: ZoneInfo, now: datetime) -> BookingDetailView:
    booking: Booking = row[0]
    lesson: Lesson = row[1]
    can_cancel = _holds_seat(booking) and lesson.starts_at > now
    late = can_cancel and _is_late(lesson, row.notice_hours, now)
    return BookingDetailView(
        token=booking.booking_token,
        status=booking.status.value,
        status_label=STATUS_LABELS.get(booking.status.value, booking.status.value),
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
    )


def _request_view(row: Any, tz: ZoneInfo) -> RequestView:
    booking: Booking = row[0]
    lesson: Lesson = row[1]
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


def _owner_zone(row: Any, student_tz: str | None = None) -> ZoneInfo:
    """Zone for views returned by writes: the student's, else the tutor's."""
    return timefmt.zone_or_utc(student_tz or row.tutor_timezone)


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


def _clean_target(fields: f.Fields, start: str, lesson_id: Any) -> tuple[datetime | None, int]:
    """Exactly one of a new slot (``start``) or a group lesson (``lesson_id``)."""
    seat = fields.take("lesson_id", lambda: _lesson_id(lesson_id)) or 0
    if seat:
        return None, seat
    if not isinstance(start, str) or not start.strip():
        fields.add_error("start", "Choose a time.")
        return None, 0
    return fields.take("start", lambda: parse_start(start)), 0


def _clean_form(form: BookingForm, *, guest: bool) -> _Client:
    fields = f.Fields()
    name = fields.take("name", lambda: clean_name(form.name))
    phone = fields.take("phone", lambda: clean_phone(form.phone))
    email = fields.take("email", lambda: clean_email(form.email) if form.email.strip() else None)
    telegram = fields.take(
        "telegram_username",
        lambda: clean_telegram_username(form.telegram_username, required=guest),
    )
    if form.source not in SOURCES:
        fields.add_error("source", "Unknown booking source.")
    start, lesson_id = _clean_target(fields, form.start, form.lesson_id)
    fields.raise_if_invalid()
    assert name is not None and phone is not None  # no errors means both parsed
    return _Client(name, phone, email, telegram, BookingSource(form.source), start, lesson_id)


def _offer(form: BookingForm, student_id: int | None) -> _Offer:
    """The active service of a published tutor, and the student; NotFound/ValidationFailed."""
    if not isinstance(form.tutor_id, int) or not isinstance(form.service_id, int):
        raise NotFound(SERVICE_NOT_FOUND)
    with read_scope() as session:
        found = repo.booking_context(
            session=session, tutor_id=form.tutor_id, service_id=form.service_id
        )
        if found is None or not found[1].is_published:
            raise NotFound(SERVICE_NOT_FOUND)
        service, profile, tutor = found
        student_tz = None
        if student_id is not None:
            student = repo.active_student(session=session, student_id=student_id)
            if student is None:
                raise Forbidden(NOT_A_STUDENT)
            student_tz = student.timezone
    if service.is_trial and student_id is None and not form.lesson_id:
        raise TrialNeedsAccount()
    return _Offer(service, tutor.timezone, profile.requires_confirmation, student_id, student_tz)


# --- checks inside the write transaction -----------------------------------------------------


def _refusal(reason: Reason, detail: str) -> SlotUnavailable:
    if reason is Reason.OVERLAPS:
        return SlotUnavailable(reason.value, JUST_TAKEN)
    if reason is Reason.FULL:
        return SlotUnavailable(reason.value, "The last seat was just taken.")
    return SlotUnavailable(reason.value, detail)


def _spec(service: Service) -> ServiceSpec:
    return ServiceSpec(
        service.duration_min, service.lesson_type is LessonType.group, service.capacity
    )


def _verify_slot(
    session: Session,
    tutor_id: int,
    spec: ServiceSpec,
    start: datetime,
    now: datetime,
    ignore_lesson_id: int | None = None,
) -> None:
    """Re-load the calendar under the lock and run ``check_booking``; refusal -> raise."""
    end = start + timedelta(minutes=spec.duration_min)
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=start, range_end=end
    )
    if loaded is None:
        raise NotFound(SERVICE_NOT_FOUND)
    verdict = check_booking(loaded.schedule, spec, start, now, ignore_lesson_id=ignore_lesson_id)
    if not verdict.ok:
        raise _refusal(verdict.reason, verdict.detail)


def _verify_join(
    session: Session, tutor_id: int, lesson_id: int, service_id: int | None, now: datetime
) -> Lesson:
    """The group lesson with its seats counted under the lock; ``check_join`` decides.

    The lesson must be the tutor's and of the same service (the price and kind of the
    booking come from the service), or a lesson published without a service.
    """
    lesson = repo.tutor_lesson(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
    if lesson is None or lesson.service_id not in (None, service_id):
        raise NotFound("This lesson does not exist.")
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=lesson.starts_at, range_end=lesson.ends_at
    )
    assert loaded is not None  # the lesson is the tutor's, so the tutor exists
    engine_lesson = next((x for x in loaded.schedule.lessons if x.id == lesson_id), None)
    if engine_lesson is None:  # only cancelled lessons are not loaded
        raise SlotUnavailable(Reason.INVALID.value, "This lesson was cancelled.")
    verdict = check_join(engine_lesson, loaded.schedule.rules, now)
    if not verdict.ok:
        raise _refusal(verdict.reason, verdict.detail)
    return lesson


def _new_lesson(tutor_id: int, service: Service, start: datetime, now: datetime) -> Lesson:
    return Lesson(
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


@dataclass(frozen=True)
class _Seat:
    """Price and kind of what is booked, as the database has them: the new lesson's service,
    or the group lesson being joined (its own price; a trial only if its service is one).
    Never the service the client's page last had selected: a forged event sequence could
    pair a group lesson with a cheaper or trial service (issue 12, item 9)."""

    price: Decimal
    is_trial: bool


def _seat_of_lesson(session: Session, lesson: Lesson) -> _Seat:
    service = repo.get_service(session=session, service_id=lesson.service_id)
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


def _admit(session: Session, booking: Booking, now: datetime) -> None:
    """What confirming means: the room of the lesson, and (for a student) ACTIVE membership."""
    repo.ensure_classroom_session(session=session, lesson_id=booking.lesson_id, at=now)
    if booking.student_id is not None:
        repo.activate_membership(
            session=session, tutor_id=booking.tutor_id, student_id=booking.student_id, at=now
        )


def _translate(exc: IntegrityError) -> Exception:
    """A constraint the lock should have made unreachable, in the user's words."""
    text = str(exc.orig)
    if EXCLUSION_NAME in text:
        return SlotUnavailable(Reason.OVERLAPS.value, JUST_TAKEN)
    if TRIAL_INDEX in text or SQLITE_TRIAL_INDEX in text:
        return TrialTaken()
    return exc


# --- booking -------------------------------------------------------------------------------


def _book(form: BookingForm, client: _Client, offer: _Offer, now: datetime) -> BookingDetailView:
    with session_scope(write=True) as session:
        schedules_repo.lock_tutor(session=session, tutor_id=form.tutor_id)
        if client.lesson_id:
            lesson: Lesson | None = _verify_join(
                session, form.tutor_id, client.lesson_id, offer.service.id, now
            )
            assert lesson is not None
            seat = _seat_of_lesson(session, lesson)
        else:
            assert client.start is not None
            _verify_slot(session, form.tutor_id, _spec(offer.service), client.start, now)
            lesson, seat = None, _Seat(offer.service.price, offer.service.is_trial)
        if seat.is_trial and offer.student_id is None:
            raise TrialNeedsAccount()
        if seat.is_trial and repo.has_live_trial(
            session=session, tutor_id=form.tutor_id, student_id=offer.student_id or 0
        ):
            raise TrialTaken()
        _between_check_and_write()
        if lesson is None:
            lesson = repo.add(
                session=session, row=_new_lesson(form.tutor_id, offer.service, client.start, now)
            )
        booking = repo.add(
            session=session, row=_new_booking(form, client, offer, seat, lesson.id or 0, now)
        )
        if booking.status is BookingStatus.confirmed:
            _admit(session, booking, now)
        announce(session, booking, "created", now=now)
        row = repo.detail_by_id(session=session, booking_id=booking.id or 0)
        return _detail_view(row, _owner_zone(row, offer.student_tz), now)


def create_booking(
    form: BookingForm, *, student_id: int | None, now: datetime
) -> BookingDetailView:
    """Book an offered slot (a new lesson) or a seat in a group lesson.

    Guests must give a Telegram username; trials are for signed-in students, one live
    trial per tutor. Pending when the service is a trial or the tutor confirms requests,
    else confirmed (room + membership at once). The time is re-checked under the tutor's
    lock; a refusal is SlotUnavailable ("overlaps": "This time was just taken.").
    """
    client = _clean_form(form, guest=student_id is None)
    offer = _offer(form, student_id)
    try:
        return _book(form, client, offer, now)
    except IntegrityError as exc:
        raise _translate(exc) from None


# --- the private link ------------------------------------------------------------------------


def _valid_token(token: str) -> str:
    """Only UUID4-shaped text reaches the database; anything else is simply not found."""
    try:
        return str(uuid.UUID(str(token or "").strip()))
    except ValueError:
        raise NotFound(BOOKING_NOT_FOUND) from None


def _row_by_token(session: Session, token: str) -> Any:
    row = repo.detail_by_token(session=session, token=_valid_token(token))
    if row is None:
        raise NotFound(BOOKING_NOT_FOUND)
    return row


def get_booking(token: str, *, viewer_tz: str, now: datetime) -> BookingDetailView:
    """The booking behind a private link, in the viewer's zone; NotFound for any other token."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        return _detail_view(_row_by_token(session, token), tz, now)


def _locked_by_token(session: Session, token: str) -> Booking:
    """Find the booking, lock its tutor's calendar, then read the booking fresh."""
    booking = repo.by_token(session=session, token=_valid_token(token))
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    schedules_repo.lock_tutor(session=session, tutor_id=booking.tutor_id)
    session.refresh(booking)
    return booking


def _ensure_changeable(booking: Booking, lesson: Lesson, now: datetime) -> None:
    if booking.status in (BookingStatus.cancelled, BookingStatus.late_cancel):
        raise AlreadyCancelled()
    if not _holds_seat(booking) or lesson.starts_at <= now:
        raise LessonStarted()


def _release(session: Session, lesson: Lesson, now: datetime) -> None:
    """An individual lesson whose only seat was freed leaves the calendar (status only)."""
    if lesson.lesson_type is LessonType.individual and not repo.seats_taken(
        session=session, lesson_id=lesson.id or 0
    ):
        lesson.status = LessonStatus.cancelled
        lesson.updated_at = now
        session.flush()


def _clean_reason(reason: str, *, required: bool) -> str:
    message = "Tell the student why (1 to 500 characters)." if required else None
    try:
        return f.clean_text(reason, max_len=500, required=message)
    except FieldError as exc:
        raise ValidationFailed({"reason": str(exc)}) from None


def cancel_booking(token: str, *, now: datetime, reason: str = "") -> BookingDetailView:
    """Cancel by private link; inside the tutor's notice it is ``late_cancel`` (allowed)."""
    note = _clean_reason(reason, required=False)
    with session_scope(write=True) as session:
        booking = _locked_by_token(session, token)
        lesson = repo.get_lesson(session=session, lesson_id=booking.lesson_id)
        assert lesson is not None
        _ensure_changeable(booking, lesson, now)
        row = repo.detail_by_id(session=session, booking_id=booking.id or 0)
        late = _is_late(lesson, row.notice_hours, now)
        booking.status = BookingStatus.late_cancel if late else BookingStatus.cancelled
        booking.status_reason = note or None
        booking.cancelled_at = booking.updated_at = now
        session.flush()
        _release(session, lesson, now)
        announce(session, booking, "cancelled", now=now)
        row = repo.detail_by_id(session=session, booking_id=booking.id or 0)
        return _detail_view(row, _owner_zone(row), now)


def _move_individual(
    session: Session, booking: Booking, lesson: Lesson, start: datetime, now: datetime
) -> None:
    """The booking's own lesson moves; the engine ignores that lesson while checking."""
    service = repo.get_service(session=session, service_id=lesson.service_id)
    minutes = int((lesson.ends_at - lesson.starts_at).total_seconds() // 60)
    spec = ServiceSpec(service.duration_min if service else minutes)
    _verify_slot(session, booking.tutor_id, spec, start, now, ignore_lesson_id=lesson.id)
    _between_check_and_write()
    lesson.starts_at, lesson.ends_at = start, start + timedelta(minutes=spec.duration_min)
    lesson.updated_at = now
    session.flush()


def _move_group(
    session: Session,
    booking: Booking,
    lesson: Lesson,
    start: datetime | None,
    seat: int,
    now: datetime,
) -> None:
    """Take the new seat first (join or a new lesson), then let go of the old one."""
    if seat:
        if seat == lesson.id:
            raise ValidationFailed({"lesson_id": "Choose a different lesson."})
        target = _verify_join(session, booking.tutor_id, seat, lesson.service_id, now)
        _between_check_and_write()
    else:
        service = repo.get_service(session=session, service_id=lesson.service_id)
        if service is None:
            raise ValidationFailed(
                {"start": "This group lesson can only move to another group lesson."}
            )
        assert start is not None
        _verify_slot(session, booking.tutor_id, _spec(service), start, now)
        _between_check_and_write()
        target = repo.add(session=session, row=_new_lesson(booking.tutor_id, service, start, now))
    booking.lesson_id = target.id or 0
    session.flush()
    if booking.status is BookingStatus.confirmed:
        repo.ensure_classroom_session(session=session, lesson_id=booking.lesson_id, at=now)


def _reschedule(token: str, start: datetime | None, seat: int, now: datetime) -> BookingDetailView:
    with session_scope(write=True) as session:
        booking = _locked_by_token(session, token)
        lesson = repo.get_lesson(session=session, lesson_id=booking.lesson_id)
        assert lesson is not None
        _ensure_changeable(booking, lesson, now)
        row = repo.detail_by_id(session=session, booking_id=booking.id or 0)
        if _is_late(lesson, row.notice_hours, now):
            raise TooLateToMove()
        if lesson.lesson_type is LessonType.individual:
            if seat or start is None:
                raise ValidationFailed({"start": "Choose a new time."})
            _move_individual(session, booking, lesson, start, now)
        else:
            _move_group(session, booking, lesson, start, seat, now)
        booking.updated_at = now
        session.flush()
        announce(session, booking, "moved", now=now)
        row = repo.detail_by_id(session=session, booking_id=booking.id or 0)
        return _detail_view(row, _owner_zone(row), now)


def reschedule_booking(
    token: str, *, start: str = "", lesson_id: int = 0, now: datetime
) -> BookingDetailView:
    """Move the booking atomically: the old seat is released only if the new one is taken."""
    fields = f.Fields()
    new_start, seat = _clean_target(fields, start, lesson_id)
    fields.raise_if_invalid()
    try:
        return _reschedule(token, new_start, seat, now)
    except IntegrityError as exc:
        raise _translate(exc) from None


def booking_ics(token: str) -> tuple[str, bytes]:
    """("booking-<8 chars>.ics", text/calendar bytes) for the private link's booking."""
    with read_scope() as session:
        row = _row_by_token(session, token)
    booking, lesson = row[0], row[1]
    tutor = row.tutor_name
    where = lesson.location or row.service_location or ""
    url = lesson.meeting_url or row.service_meeting_url or ""
    data = ical.EventData(
        token=booking.booking_token,
        start=lesson.starts_at,
        end=lesson.ends_at,
        summary=f"{row.service_name or lesson.title} with {tutor}",
        description=f"Booking: {get_settings().public_url}/booking/{booking.booking_token}",
        location=where or url,
        url=url,
        status=booking.status.value,
        stamp=booking.updated_at,
        sequence=int(booking.updated_at.timestamp()) % 2_000_000_000,
    )
    return f"booking-{booking.booking_token[:8]}.ics", ical.booking_calendar(data)


def reschedule_options(
    token: str, *, week_start: date | None, viewer_tz: str, now: datetime
) -> av.WeekView:
    """Free times of one week for the booking's service, its own lesson not counted.

    ``week_slots`` with ``ignore_lesson_id`` = the lesson being moved (an individual
    booking moves its lesson), the same value ``reschedule_booking`` re-checks with; a
    group booking moves to another group lesson or a new one, so it keeps joinable lessons.
    """
    with read_scope() as session:
        lesson: Lesson = _row_by_token(session, token)[1]
    individual = lesson.lesson_type is LessonType.individual
    minutes = int((lesson.ends_at - lesson.starts_at).total_seconds() // 60)
    return av.week_slots(
        lesson.tutor_id,
        service_id=lesson.service_id,
        week_start=week_start,
        viewer_tz=viewer_tz,
        now=now,
        ignore_lesson_id=lesson.id if individual else None,
        include_joinable=not individual,
        default_minutes=minutes,
    )


def _tutor_zone(session: Session, tutor_id: int) -> ZoneInfo:
    name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
    if name is None:
        raise NotFound("Only tutors have requests.")
    return timefmt.zone_or_utc(name)


def pending_requests(tutor_id: int, *, viewer_tz: str) -> list[RequestView]:
    """The tutor's pending bookings (trials and requests), soonest lesson first."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        _tutor_zone(session, tutor_id)
        rows = repo.pending_details(session=session, tutor_id=tutor_id)
        return [_request_view(row, tz) for row in rows]


def pending_count(tutor_id: int) -> int:
    """The badge number: pending bookings of this tutor (0 for anyone else)."""
    with read_scope() as session:
        return repo.pending_count(session=session, tutor_id=tutor_id)


def _locked_request(session: Session, tutor_id: int, booking_id: int) -> tuple[Booking, Lesson]:
    """The tutor's PENDING booking with its lesson, read after taking the tutor's lock."""
    _tutor_zone(session, tutor_id)  # NotFound for a non-tutor
    schedules_repo.lock_tutor(session=session, tutor_id=tutor_id)
    booking = repo.for_tutor(session=session, tutor_id=tutor_id, booking_id=booking_id)
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    session.refresh(booking)
    if booking.status is not BookingStatus.pending:
        raise AlreadyAnswered()
    lesson = repo.get_lesson(session=session, lesson_id=booking.lesson_id)
    assert lesson is not None
    return booking, lesson


def _recheck_for_confirm(session: Session, lesson: Lesson, now: datetime) -> None:
    """Confirming must not create an overlap or an overbooked group (defence in depth)."""
    if lesson.status is LessonStatus.cancelled:
        raise AlreadyCancelled("This lesson was cancelled.")
    if lesson.starts_at <= now:
        raise LessonStarted("This lesson time has already passed.")
    loaded = schedules_repo.load_schedule(
        session=session,
        tutor_id=lesson.tutor_id,
        range_start=lesson.starts_at,
        range_end=lesson.ends_at,
    )
    assert loaded is not None
    verdict = check_conflicts(
        loaded.schedule, lesson.starts_at, lesson.ends_at, ignore_lesson_id=lesson.id
    )
    if verdict.reason is Reason.OVERLAPS:
        raise _refusal(verdict.reason, verdict.detail)
    if repo.seats_taken(session=session, lesson_id=lesson.id or 0) > lesson.capacity:
        raise SlotUnavailable(Reason.FULL.value, "This lesson is already full.")


def confirm_booking(tutor_id: int, booking_id: int, *, now: datetime) -> RequestView:
    """Accept a request: confirmed, the student an ACTIVE member, the lesson's room made."""
    with session_scope(write=True) as session:
        booking, lesson = _locked_request(session, tutor_id, booking_id)
        _recheck_for_confirm(session, lesson, now)
        booking.status = BookingStatus.confirmed
        booking.confirmed_at = booking.updated_at = now
        session.flush()
        _admit(session, booking, now)
        announce(session, booking, "confirmed", now=now)
        row = repo.detail_by_id(session=session, booking_id=booking_id)
        return _request_view(row, timefmt.zone_or_utc(row.tutor_timezone))


def decline_booking(tutor_id: int, booking_id: int, *, reason: str, now: datetime) -> RequestView:
    """Refuse a request with a reason; its seat (and a one-to-one lesson) is freed."""
    note = _clean_reason(reason, required=True)
    with session_scope(write=True) as session:
        booking, lesson = _locked_request(session, tutor_id, booking_id)
        booking.status = BookingStatus.cancelled
        booking.status_reason = note
        booking.cancelled_at = booking.updated_at = now
        session.flush()
        _release(session, lesson, now)
        announce(session, booking, "declined", now=now)
        row = repo.detail_by_id(session=session, booking_id=booking_id)
        return _request_view(row, timefmt.zone_or_utc(row.tutor_timezone))


# --- the student's list ------------------------------------------------------------------------


def student_bookings(student_id: int, *, viewer_tz: str, now: datetime) -> StudentBookingsView:
    """The student's bookings: upcoming (seat held, not ended) soonest first; past latest first."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        rows = repo.student_details(session=session, student_id=student_id)
    upcoming = [r for r in rows if _holds_seat(r[0]) and r[1].ends_at > now]
    past = [r for r in rows if not (_holds_seat(r[0]) and r[1].ends_at > now)]
    return StudentBookingsView(
        upcoming=[_detail_view(r, tz, now) for r in upcoming],
        past=[_detail_view(r, tz, now) for r in reversed(past)],
    )
