"""Lessons a tutor publishes by hand: a group class, a tentative slot, an extra lesson.

A tutor may place a lesson anywhere on their own calendar (outside bookable hours, off
the slot grid, past the daily limit), but never on top of another lesson or a busy block,
and never closer to another lesson than the buffer. That is ``scheduling.check_conflicts``
(the OVERLAPS and BUFFER rules of ``check_booking``), run INSIDE the ``locked_schedule``
write (services/schedule_write.py): a check made before the lock could be stale by the
time we insert. On PostgreSQL the exclusion constraint ``ex_lesson_tutor_no_overlap`` is
the last line of defence and is reported the same way (SlotUnavailable "overlaps").

Cancelling never deletes: the lesson and its bookings get status "cancelled", the
bookings keep who booked, the reason and when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from booking_app.db import read_scope
from booking_app.models import BookingEvent, Lesson, LessonStatus, Service
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import tutor_services as services_repo
from booking_app.repositories.lessons import LessonListRow
from booking_app.scheduling import Reason
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.errors import (
    AlreadyCancelled,
    LessonCompleted,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from booking_app.services.money import price_label
from booking_app.services.schedule_write import locked_schedule
from booking_app.services.validation import FieldError

NOT_A_TUTOR = "Only tutors publish lessons."
LESSON_NOT_FOUND = "This lesson does not exist or is not yours."
SERVICE_NOT_FOUND = "This service does not exist or is not yours."
DEFAULT_TITLE = "Lesson"
DEFAULT_CANCEL_REASON = "Cancelled by the tutor."
PASSED = "This time has already passed."


@dataclass(frozen=True)
class PublishInput:
    """Raw form input; ``publish_lesson`` validates every field."""

    start_local: str  # "YYYY-MM-DDTHH:MM" in the tutor's zone
    duration_min: int | str
    service_id: int | None
    title: str
    lesson_type: str
    capacity: int | str
    mode: str
    location: str
    meeting_url: str
    tentative: bool
    price: str


@dataclass(frozen=True)
class LessonView:
    id: int
    title: str
    start: str  # UTC ISO
    end: str  # UTC ISO
    label: str  # "Mon 30 Nov, 09:00–10:00" in the tutor's zone
    lesson_type: str
    capacity: int
    seats_taken: int
    free_spots: int
    mode: str
    location: str
    status: str
    service_name: str
    price: str
    price_label: str = ""  # "450 UAH" / "Free" in the viewer's locale (the lessons list)


def _view(lesson: Lesson, service_name: str | None, seats_taken: int, tz: ZoneInfo) -> LessonView:
    return LessonView(
        id=lesson.id or 0,
        title=lesson.title,
        start=timefmt.iso_utc(lesson.starts_at),
        end=timefmt.iso_utc(lesson.ends_at),
        label=timefmt.span_label(lesson.starts_at, lesson.ends_at, tz),
        lesson_type=lesson.lesson_type.value,
        capacity=lesson.capacity,
        seats_taken=seats_taken,
        free_spots=max(lesson.capacity - seats_taken, 0),
        mode=lesson.mode.value,
        location=lesson.location or "",
        status=lesson.status.value,
        service_name=service_name or "",
        price=f.format_price(lesson.price),
    )


def _row_view(row: LessonListRow, tz: ZoneInfo) -> LessonView:
    return _view(row.lesson, row.service_name, row.seats_taken or 0, tz)


def _tutor_context(tutor_id: int, service_id: int | None) -> tuple[ZoneInfo, Service | None]:
    """The tutor's zone and the chosen service; NotFound for a non-tutor or foreign service."""
    with read_scope() as session:
        tz_name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
        if tz_name is None:
            raise NotFound(NOT_A_TUTOR)
        service = None
        if service_id:
            service = services_repo.get_service(
                session=session, tutor_id=tutor_id, service_id=service_id
            )
            if service is None:
                raise NotFound(SERVICE_NOT_FOUND)
    return timefmt.zone_or_utc(tz_name), service


def _clean(data: PublishInput, tz: ZoneInfo, service: Service | None) -> dict[str, Any]:
    """Every field error at once; blank title and price fall back to the service's."""
    fields = f.Fields()
    start = fields.take("start_local", lambda: timefmt.parse_local(data.start_local, tz))
    minutes = fields.take("duration_min", lambda: f.clean_duration(data.duration_min))
    fallback_title = service.name if service is not None else DEFAULT_TITLE
    fields.take("title", lambda: f.clean_text(data.title, max_len=200) or fallback_title)
    kind = fields.take("lesson_type", lambda: f.clean_lesson_type(data.lesson_type))
    fields.take("capacity", lambda: f.clean_capacity(data.capacity, kind))
    mode = fields.take("mode", lambda: f.clean_mode(data.mode))
    fields.take("location", lambda: f.clean_location(data.location, mode))
    fields.take("meeting_url", lambda: f.clean_meeting_url(data.meeting_url))
    fields.take("price", lambda: _price(data.price, service))
    fields.raise_if_invalid()
    assert start is not None and minutes is not None  # no errors means every field parsed
    return {**fields.values, "start": start, "end": start + timedelta(minutes=minutes)}


def _price(raw: str, service: Service | None) -> Any:
    if not (raw or "").strip():
        return service.price if service is not None else f.clean_price("0")
    return f.clean_price(raw)


def _new_lesson(tutor_id: int, values: dict[str, Any], data: PublishInput, now: datetime) -> Lesson:
    return Lesson(
        tutor_id=tutor_id,
        service_id=data.service_id or None,
        title=values["title"],
        starts_at=values["start"],
        ends_at=values["end"],
        lesson_type=values["lesson_type"],
        capacity=values["capacity"],
        mode=values["mode"],
        location=values["location"],
        meeting_url=values["meeting_url"],
        price=values["price"],
        status=LessonStatus.tentative if data.tentative else LessonStatus.scheduled,
        created_at=now,
        updated_at=now,
    )


def publish_lesson(tutor_id: int, data: PublishInput, *, now: datetime) -> LessonView:
    """Put a lesson on the tutor's calendar (individual or group, tentative or not).

    Field errors -> ValidationFailed; a start not in the future -> SlotUnavailable
    "too_soon"; overlapping a lesson or busy block -> "overlaps"; inside the buffer of
    another lesson -> "buffer" (the engine's sentence, addressed to the tutor).
    """
    tz, service = _tutor_context(tutor_id, data.service_id)
    values = _clean(data, tz, service)
    if values["start"] <= now:
        raise SlotUnavailable(Reason.TOO_SOON.value, PASSED)
    with locked_schedule(tutor_id, by_tutor=True) as write:
        write.refuse(write.span_verdict(values["start"], values["end"]))
        lesson = lessons_repo.add_lesson(
            session=write.session, lesson=_new_lesson(tutor_id, values, data, now)
        )
        write.tell(tutor_id)
        row = lessons_repo.lesson_row(
            session=write.session, tutor_id=tutor_id, lesson_id=lesson.id or 0
        )
        assert row is not None
        return _row_view(row, tz)


def upcoming_lessons(
    tutor_id: int, *, now: datetime, limit: int = 50, locale: str = "en"
) -> list[LessonView]:
    """Lessons still to come or running now (not cancelled), soonest first; prices in the
    tutor's currency and the viewer's `locale` (services/money.py)."""
    with read_scope() as session:
        tz = _zone_of(session, tutor_id)
        currency = lessons_repo.tutor_currency(session=session, tutor_id=tutor_id) or ""
        rows = lessons_repo.upcoming_lesson_rows(
            session=session, tutor_id=tutor_id, after=now, limit=max(1, limit)
        )
        return [
            replace(v, price_label=price_label(v.price, currency, locale))
            for v in (_row_view(row, tz) for row in rows)
        ]


def lessons_between(tutor_id: int, start: datetime, end: datetime) -> list[LessonView]:
    """The tutor's lessons overlapping ``[start, end)``, cancelled ones included, as the
    Lessons page shows them (labels in the tutor's zone)."""
    with read_scope() as session:
        tz = _zone_of(session, tutor_id)
        rows = lessons_repo.lesson_rows_between(
            session=session, tutor_id=tutor_id, start=start, end=end
        )
        return [_row_view(row, tz) for row in rows]


def lesson_view(tutor_id: int, lesson_id: int) -> LessonView:
    """One of the tutor's lessons as the Lessons page shows it; NotFound for others'."""
    with read_scope() as session:
        tz = _zone_of(session, tutor_id)
        row = lessons_repo.lesson_row(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
        if row is None:
            raise NotFound(LESSON_NOT_FOUND)
        return _row_view(row, tz)


def _zone_of(session: Any, tutor_id: int) -> ZoneInfo:
    tz_name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
    if tz_name is None:
        raise NotFound(NOT_A_TUTOR)
    return timefmt.zone_or_utc(tz_name)


def cancel_lesson(tutor_id: int, lesson_id: int, *, now: datetime, reason: str = "") -> LessonView:
    """Cancel the lesson and the seats held in it; every row stays, with the reason."""
    try:
        note = f.clean_text(reason, max_len=500) or DEFAULT_CANCEL_REASON
    except FieldError as exc:
        raise ValidationFailed({"reason": str(exc)}) from None
    with locked_schedule(by_tutor=True) as write:
        tz = _zone_of(write.session, tutor_id)
        write.lock(tutor_id)
        lesson = lessons_repo.tutor_lesson(
            session=write.session, tutor_id=tutor_id, lesson_id=lesson_id
        )
        if lesson is None:
            raise NotFound(LESSON_NOT_FOUND)
        _ensure_cancellable(lesson)
        lesson.status = LessonStatus.cancelled
        lesson.updated_at = now
        write.session.flush()
        seats = write.seats(lesson)
        lessons_repo.cancel_seat_bookings(
            session=write.session, lesson_id=lesson_id, reason=note, at=now
        )
        write.announce_lesson(
            lesson, seats, BookingEvent.cancelled, now
        )  # reminders are cancelled too
        row = lessons_repo.lesson_row(session=write.session, tutor_id=tutor_id, lesson_id=lesson_id)
        assert row is not None
        return _row_view(row, tz)


def _ensure_cancellable(lesson: Lesson) -> None:
    if lesson.status is LessonStatus.cancelled:
        raise AlreadyCancelled("This lesson is already cancelled.")
    if lesson.status is LessonStatus.completed:
        raise LessonCompleted()
