"""The write side: one delivery row per (subscribed endpoint, event), written in the
transaction of the change, so a rolled-back change calls no one.

Where events come from, once each:
- booking events are named by the services through the write skeleton's `announce`
  (services/schedule_write.py), the same call that writes the Telegram outbox: a
  booking change IS a decision (confirmed vs declined vs cancelled) only the service
  knows, so it is said there, not guessed from columns;
- lesson events are read off the session at flush: a lesson row inserted
  (`lesson.created`), its time changed (`lesson.moved`), its status turned `cancelled` or
  `completed`. Lessons change in many use cases (publishing, a booking's own lesson, a
  reschedule, a decline that frees it, the classroom's "mark completed"); watching the
  row catches every present and future writer, in its own transaction, with no call to
  forget. `install()` registers the listener once per process (this module's import).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlmodel import Session

from booking_app import clock
from booking_app.models import Booking, BookingEvent, Lesson, LessonStatus, WebhookDelivery
from booking_app.repositories import notifications as notify_repo
from booking_app.repositories import webhooks as repo
from booking_app.services import timefmt

BOOKING_EVENTS = {
    BookingEvent.created: "booking.created",
    BookingEvent.confirmed: "booking.confirmed",
    BookingEvent.declined: "booking.declined",
    BookingEvent.cancelled: "booking.cancelled",
    BookingEvent.moved: "booking.rescheduled",
}
LESSON_EVENTS = ("lesson.created", "lesson.moved", "lesson.cancelled", "lesson.completed")
EVENT_TYPES: tuple[str, ...] = (*BOOKING_EVENTS.values(), *LESSON_EVENTS)
_PENDING_KEY = "webhook_lesson_events"


def _iso(value: datetime | None) -> str | None:
    return timefmt.iso_utc(value) if value is not None else None


def body(event_id: str, event_type: str, data: dict[str, Any], now: datetime) -> str:
    """The exact JSON text sent and signed (stable key order, no spaces)."""
    envelope = {"id": event_id, "type": event_type, "created_at": _iso(now), "data": data}
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), default=str)


def record(
    session: Session,
    *,
    tutor_id: int,
    event_type: str,
    subject: str,
    data: dict[str, Any],
    now: datetime,
) -> int:
    """A pending delivery for each endpoint subscribed to this tutor's event; how many."""
    endpoints = repo.subscribed(session=session, tutor_id=tutor_id, event_type=event_type)
    if not endpoints:
        return 0
    event_id = f"evt_{uuid.uuid4().hex}"
    payload = body(event_id, event_type, data, now)
    for endpoint in endpoints:
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id or 0, event_id=event_id, event_type=event_type,
                subject=subject, payload=payload, next_attempt_at=now, created_at=now,
            )
        )  # fmt: skip
    return len(endpoints)


def lesson_data(lesson: Lesson) -> dict[str, Any]:
    return {
        "lesson_id": lesson.id, "tutor_id": lesson.tutor_id, "service_id": lesson.service_id,
        "title": lesson.title, "status": _value(lesson.status),
        "starts_at": _iso(lesson.starts_at), "ends_at": _iso(lesson.ends_at),
        "lesson_type": _value(lesson.lesson_type), "capacity": lesson.capacity,
        "mode": _value(lesson.mode), "price": str(lesson.price),
    }  # fmt: skip


def _value(member: Any) -> Any:
    return getattr(member, "value", member)


def booking_event(session: Session, booking_id: int, event: BookingEvent, *, now: datetime) -> int:
    """Deliveries of a booking change (called by ScheduleWrite.announce / announce_lesson)."""
    ctx = notify_repo.booking_context(session=session, booking_id=booking_id)
    if ctx is None:
        return 0
    booking: Booking = ctx.booking
    data = {
        "booking_id": booking.id, "status": _value(booking.status), "kind": _value(booking.kind),
        "tutor_id": booking.tutor_id, "student_id": booking.student_id,
        "client_name": booking.client_name, "service": ctx.service_name,
        "price": str(booking.price), "payment_status": _value(booking.payment_status),
        "reason": booking.status_reason, "cancelled_by": booking.cancelled_by,
        "lesson": lesson_data(ctx.lesson),
    }  # fmt: skip
    return record(
        session, tutor_id=booking.tutor_id, event_type=BOOKING_EVENTS[BookingEvent(event)],
        subject=f"booking:{booking.id}", data=data, now=now,
    )  # fmt: skip


# --- lesson events, read off the flush ----------------------------------------------------------


def _changed(lesson: Lesson, name: str) -> bool:
    return bool(sa.inspect(lesson).attrs[name].history.added)


def _lesson_event(lesson: Lesson, *, new: bool) -> str | None:
    if new:
        return "lesson.created"
    if _changed(lesson, "status"):
        if lesson.status is LessonStatus.cancelled:
            return "lesson.cancelled"
        if lesson.status is LessonStatus.completed:
            return "lesson.completed"
    if _changed(lesson, "starts_at") or _changed(lesson, "ends_at"):
        return "lesson.moved"
    return None


def _after_flush(session: Session, _context: Any) -> None:
    """Note what happened to lessons (their history is still readable here)."""
    found = [(obj, True) for obj in session.new if isinstance(obj, Lesson)]
    found += [(obj, False) for obj in session.dirty if isinstance(obj, Lesson)]
    for lesson, new in found:
        kind = _lesson_event(lesson, new=new)
        if kind is not None and lesson.id is not None:
            session.info.setdefault(_PENDING_KEY, []).append(
                (kind, lesson.id, lesson.tutor_id, lesson_data(lesson))
            )


def _after_flush_postexec(session: Session, _context: Any) -> None:
    """Write their deliveries (SQLAlchemy allows adding rows here; they are flushed with
    the rest of the transaction, or rolled back with it)."""
    noted = session.info.pop(_PENDING_KEY, [])
    for kind, lesson_id, tutor_id, data in noted:
        record(
            session, tutor_id=tutor_id, event_type=kind, subject=f"lesson:{lesson_id}",
            data=data, now=clock.now(),  # no caller's `now` reaches a flush listener
        )  # fmt: skip


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING_KEY, None)


_installed: list[bool] = []


def install() -> None:
    """Register the lesson listener on every session (once per process)."""
    if _installed:
        return
    sa_event.listen(Session, "after_flush", _after_flush)
    sa_event.listen(Session, "after_flush_postexec", _after_flush_postexec)
    sa_event.listen(Session, "after_soft_rollback", _forget)
    _installed.append(True)


install()
