"""Bookings by id for signed-in callers (the HTTP API): who may see one, and who may do
what to it. Every action is the use case a page already runs; this module only decides
which one applies to this caller and this booking:

| action      | student (own)              | tutor (own) / admin (any)                       |
| ----------- | -------------------------- | ----------------------------------------------- |
| confirm     | -                          | ``confirm_booking`` (Requests page)              |
| decline     | -                          | ``decline_booking`` with a reason (Requests)     |
| cancel      | ``cancel_booking`` (link)  | pending: decline; one-to-one: ``cancel_lesson``  |
| reschedule  | ``reschedule_booking``     | admin only, as the client's private link would   |
| mark_paid   | -                          | ``set_payment`` (calendar's details dialog)      |
| mark_unpaid | -                          | ``set_payment``                                  |

One seat of a lesson (``DELETE /api/v1/lessons/{id}/seats/{booking}``, ``cancel_seat``):
the lesson's tutor runs ``tutor_actions.cancel_for_tutor``, an admin the admin panel's
audited "Cancel" (``admin_ops.cancel``, the same service); students cancel their own
seat with ``cancel`` above.

Anyone else's booking is NotFound (a 404 never confirms it exists), a known booking with
an action the caller's role may not take is ActionNotAllowed (403). The view never
carries the private-link token except to the booking's own student: the token acts as
the client, and a tutor's or admin's program must not hold it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking_app.db import read_scope
from booking_app.models import BookingStatus, LessonType, PaymentStatus
from booking_app.repositories import bookings as repo
from booking_app.repositories.bookings import BookingDetail
from booking_app.services import admin_ops, timefmt
from booking_app.services import offer_fields as f
from booking_app.services.booking.manage import cancel_booking, reschedule_booking
from booking_app.services.booking.requests import confirm_booking, decline_booking
from booking_app.services.booking.tutor_actions import cancel_for_tutor
from booking_app.services.booking.views import detail_view
from booking_app.services.errors import (
    ActionNotAllowed,
    AlreadyCancelled,
    NotFound,
    ValidationFailed,
)
from booking_app.services.lessons import cancel_lesson, set_payment

BOOKING_NOT_FOUND = "This booking does not exist."
TUTOR_CANCEL_REASON = "Cancelled by the tutor."
ACTIONS = ("confirm", "decline", "cancel", "reschedule", "mark_paid", "mark_unpaid")
TUTOR_ACTIONS = frozenset({"confirm", "decline", "cancel", "mark_paid", "mark_unpaid"})
STUDENT_ACTIONS = frozenset({"cancel", "reschedule"})
ADMIN_ACTIONS = frozenset(ACTIONS)


@dataclass(frozen=True)
class BookingRecord:
    """One booking as the API shows it to a caller allowed to see it."""

    id: int
    token: str  # the private link's token: only for the booking's own student
    status: str
    shown_status: str  # status, or "declined" / "withdrawn"
    status_label: str
    status_reason: str
    kind: str
    source: str
    tutor_id: int
    tutor_name: str
    tutor_slug: str
    student_id: int | None
    lesson_id: int
    service_id: int | None
    service_name: str
    lesson_type: str
    start: str  # UTC ISO
    end: str
    label: str  # in the viewer's zone
    timezone: str
    mode: str
    location: str
    meeting_url: str
    price: str  # decimal string "450.00"
    currency: str
    payment_status: str  # "unpaid" | "paid"
    paid_amount: str | None
    client_name: str
    client_phone: str  # tutor/admin only ("" for the student: it is their own)
    client_email: str
    telegram_username: str
    can_cancel: bool
    cancel_is_late: bool
    can_reschedule: bool
    created_at: str


@dataclass(frozen=True)
class Caller:
    id: int
    role: str  # "student" | "tutor" | "admin"
    timezone: str = "UTC"


@dataclass(frozen=True)
class BookingAction:
    """What PATCH asks for; fields not used by ``action`` are ignored."""

    action: str
    reason: str = ""
    start: str = ""  # reschedule: UTC ISO of an offered slot ...
    lesson_id: int = 0  # ... or a joinable group lesson
    confirm_overlap: bool = False
    amount: str = ""  # mark_paid: the amount received (blank: the price)


def _visible(row: BookingDetail | None, caller: Caller) -> BookingDetail:
    booking = row.booking if row is not None else None
    if booking is None or row is None:
        raise NotFound(BOOKING_NOT_FOUND)
    if caller.role == "admin":
        return row
    if caller.role == "tutor" and booking.tutor_id == caller.id:
        return row
    if caller.role == "student" and booking.student_id == caller.id:
        return row
    raise NotFound(BOOKING_NOT_FOUND)


def _record(row: BookingDetail, caller: Caller, viewer_tz: str, now: datetime) -> BookingRecord:
    view = detail_view(row, timefmt.viewer_zone(viewer_tz), now)
    booking, lesson = row.booking, row.lesson
    own_client = caller.role == "student"  # _visible: a student sees only their own
    return BookingRecord(
        id=booking.id or 0,
        token=booking.booking_token if own_client else "",
        status=view.status,
        shown_status=view.shown_status,
        status_label=view.status_label,
        status_reason=view.status_reason,
        kind=view.kind,
        source=booking.source.value,
        tutor_id=booking.tutor_id,
        tutor_name=view.tutor_name,
        tutor_slug=view.tutor_slug,
        student_id=booking.student_id,
        lesson_id=booking.lesson_id,
        service_id=lesson.service_id,
        service_name=view.service_name,
        lesson_type=lesson.lesson_type.value,
        start=view.start,
        end=view.end,
        label=view.label,
        timezone=view.timezone,
        mode=view.mode,
        location=view.location,
        meeting_url=view.meeting_url,
        price=f.format_price(booking.price),
        currency=view.currency,
        payment_status=booking.payment_status.value,
        paid_amount=f.format_price(booking.paid_amount)
        if booking.payment_status is PaymentStatus.paid
        else None,
        client_name=booking.client_name,
        client_phone="" if own_client else booking.client_phone,
        client_email="" if own_client else booking.client_email or "",
        telegram_username="" if own_client else booking.telegram_username or "",
        can_cancel=view.can_cancel,
        cancel_is_late=view.cancel_is_late,
        can_reschedule=view.can_reschedule,
        created_at=timefmt.iso_utc(booking.created_at),
    )


def _load(booking_id: int, caller: Caller) -> BookingDetail:
    with read_scope() as session:
        return _visible(repo.detail_by_id(session=session, booking_id=booking_id), caller)


def booking_record(
    booking_id: int, caller: Caller, *, viewer_tz: str, now: datetime
) -> BookingRecord:
    """The booking if the caller may see it (their own, their tutor's, any for an admin)."""
    return _record(_load(booking_id, caller), caller, viewer_tz, now)


def record_by_token(token: str, caller: Caller, *, viewer_tz: str, now: datetime) -> BookingRecord:
    """A booking just made by this caller (POST's answer), read by its private-link token."""
    with read_scope() as session:
        row = repo.detail_by_token(session=session, token=token)
        if row is None:
            raise NotFound(BOOKING_NOT_FOUND)
    return _record(row, caller, viewer_tz, now)


def _allowed(caller: Caller, action: str) -> None:
    allowed = {"admin": ADMIN_ACTIONS, "tutor": TUTOR_ACTIONS, "student": STUDENT_ACTIONS}
    if action not in allowed.get(caller.role, frozenset()):
        who = {
            "confirm": "the booking's tutor or an admin",
            "decline": "the booking's tutor or an admin",
            "mark_paid": "the booking's tutor or an admin",
            "mark_unpaid": "the booking's tutor or an admin",
            "reschedule": "the booking's student or an admin (tutors move the lesson)",
        }.get(action, "the booking's student, tutor or an admin")
        raise ActionNotAllowed(f"Only {who} can {action.replace('_', ' ')} this booking.")


def _tutor_cancel(row: BookingDetail, reason: str, now: datetime) -> None:
    booking = row.booking
    if booking.status in (BookingStatus.cancelled, BookingStatus.late_cancel):
        raise AlreadyCancelled()
    note = reason or TUTOR_CANCEL_REASON
    if booking.status is BookingStatus.pending:
        decline_booking(booking.tutor_id, booking.id or 0, reason=note, now=now)
    elif row.lesson.lesson_type is LessonType.individual:
        cancel_lesson(booking.tutor_id, booking.lesson_id, now=now, reason=note)
    else:
        raise ActionNotAllowed(
            "A seat in a group lesson is cancelled by its student; the tutor cancels the "
            "whole lesson (DELETE /api/v1/lessons/{id})."
        )


def act_on_booking(
    booking_id: int, caller: Caller, change: BookingAction, *, now: datetime
) -> BookingRecord:
    """Run ``change.action`` as the caller's role allows (see the module table), then
    answer the booking as it is now."""
    if change.action not in ACTIONS:
        raise ValidationFailed({"action": f"Choose one of: {', '.join(ACTIONS)}."})
    row = _load(booking_id, caller)
    _allowed(caller, change.action)
    booking = row.booking
    tutor, token = booking.tutor_id, booking.booking_token
    if change.action == "confirm":
        confirm_booking(tutor, booking_id, now=now)
    elif change.action == "decline":
        decline_booking(tutor, booking_id, reason=change.reason, now=now)
    elif change.action in ("mark_paid", "mark_unpaid"):
        set_payment(
            tutor, booking_id, paid=change.action == "mark_paid", amount=change.amount, now=now
        )
    elif change.action == "reschedule":
        reschedule_booking(
            token,
            start=change.start,
            lesson_id=change.lesson_id,
            now=now,
            confirm_overlap=change.confirm_overlap,
        )
    elif caller.role == "student":
        cancel_booking(token, now=now, reason=change.reason)
    else:
        _tutor_cancel(row, change.reason, now)
    return booking_record(booking_id, caller, viewer_tz=caller.timezone, now=now)


def cancel_seat(
    lesson_id: int, booking_id: int, caller: Caller, *, reason: str, now: datetime
) -> BookingRecord:
    """Cancel one seat of a lesson (a group lesson's other seats stay) as its tutor, or as
    an admin acting for the tutor (audited); the student is told. A booking of another
    lesson is NotFound, like anyone else's."""
    row = _load(booking_id, caller)
    if row.booking.lesson_id != lesson_id:
        raise NotFound(BOOKING_NOT_FOUND)
    if caller.role == "admin":
        admin_ops.cancel(caller.id, booking_id, reason=reason, now=now)
    elif caller.role == "tutor":
        cancel_for_tutor(caller.id, booking_id, reason=reason, now=now)
    else:
        raise ActionNotAllowed("Only the lesson's tutor or an admin can cancel a seat.")
    return booking_record(booking_id, caller, viewer_tz=caller.timezone, now=now)
