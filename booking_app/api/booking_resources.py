"""Bookings by id: ``POST /api/v1/bookings``, ``GET/PATCH/DELETE /api/v1/bookings/{id}``.

- POST books an offered slot (``start`` from the slots endpoint) or a seat
  (``lesson_id``), as a guest (no credential) or as the signed-in student: the booking
  page's use case (``booking.create_booking``: same field rules, same locked re-check
  with the engine). An ``Idempotency-Key`` header makes retries safe
  (services/idempotency.py): the same key and body replay the first answer (header
  ``Idempotent-Replayed: true``), the same key with another body is 422
  ``idempotency_key_reused``.
- GET / PATCH / DELETE need a sign-in; who may see and do what is
  services/booking/by_id.py (others' bookings are 404).

The id routes only match digits (``{booking_id:int}``), so the private link's
``/api/v1/bookings/{token}`` (a UUID) keeps working next to them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.auth import request_token
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import MAX_ID, Id, TimeZoneName
from booking_app.services import booking as booking_service
from booking_app.services import idempotency
from booking_app.services.booking import by_id
from booking_app.services.booking.by_id import BookingAction, BookingRecord, Caller

router = APIRouter(tags=["bookings"])
BOOKING_PATH = "/api/v1/bookings/{booking_id:int}"
Text = Annotated[str, Field(max_length=500)]


class NewBooking(BaseModel):
    """The booking form: a slot (``start``) or a group lesson's seat (``lesson_id``)."""

    tutor_id: Id
    service_id: Id
    start: Text = Field("", description="UTC ISO of a slot from the slots endpoint.")
    lesson_id: Annotated[int, Field(ge=0, le=MAX_ID)] = 0
    name: Text = ""
    phone: Text = ""
    email: Text = ""
    telegram_username: Text = Field("", description="Required for guests.")
    source: Literal["public_page", "marketplace"] = "public_page"
    confirm_overlap: bool = Field(False, description="Book even if you have a lesson then.")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"tutor_id": 7, "service_id": 3, "start": "2026-11-30T08:00:00+00:00",
                 "name": "Ivan Guest", "phone": "+380671112233",
                 "telegram_username": "@ivan_guest"}
            ]
        }
    }  # fmt: skip


class BookingChange(BaseModel):
    """PATCH body: one action and what it needs."""

    action: Literal["confirm", "decline", "cancel", "reschedule", "mark_paid", "mark_unpaid"]
    reason: Text = Field("", description="decline: required; cancel: optional.")
    start: Text = Field("", description="reschedule: UTC ISO of a new slot.")
    lesson_id: Annotated[int, Field(ge=0, le=MAX_ID)] = 0
    confirm_overlap: bool = False
    amount: Annotated[str, Field(max_length=20)] = Field(
        "", description="mark_paid: amount received (blank: the price)."
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"action": "decline", "reason": "I am away that week."},
                {"action": "mark_paid", "amount": "450.00"},
                {"action": "reschedule", "start": "2026-12-01T09:00:00+00:00"},
            ]
        }
    }  # fmt: skip


def _caller(user: Any) -> Caller:
    return Caller(id=user.id, role=user.role, timezone=user.timezone or "UTC")


def _create(request: Request, authorization: str | None, body: NewBooking, key: str | None,
            tz: str) -> Response:  # fmt: skip
    now = clock.now()
    # A credential, if sent, must be valid (a typo must not silently book as a guest).
    user = (
        caller(request, authorization, write=True)
        if request_token(request, authorization)
        else None
    )
    student_id = user.id if user is not None else None
    clean_key = idempotency.clean_key(key)
    form = booking_service.BookingForm(**body.model_dump())

    def run() -> tuple[int, Any]:
        view = booking_service.create_booking(form, student_id=student_id, now=now)
        who = Caller(id=student_id or 0, role="student", timezone=tz)
        return 201, asdict(by_id.record_by_token(view.token, who, viewer_tz=tz, now=now))

    if clean_key is None:
        status, payload = run()
        return json_response(payload, status_code=status)
    outcome = idempotency.run_once(
        scope=idempotency.scope_of(student_id),
        key=clean_key,
        request_print=idempotency.fingerprint("POST", "/api/v1/bookings", body.model_dump()),
        now=now,
        run=run,
    )
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return json_response(outcome.body, status_code=outcome.status_code, headers=headers)


@router.post("/api/v1/bookings", status_code=201, response_model=BookingRecord)
async def create_booking(
    body: NewBooking,
    request: Request,
    tz: TimeZoneName = "UTC",
    authorization: str | None = Header(None),
    idempotency_key: str | None = Header(None, max_length=255),
) -> Response:
    """Book a slot or a seat (guest, or the signed-in student). 201 with the booking;
    the private-link ``token`` in it is the guest's only handle on it."""
    return await off_loop(_create, request, authorization, body, idempotency_key, tz)


def _get(request: Request, authorization: str | None, booking_id: int, tz: str | None) -> Response:
    who = _caller(caller(request, authorization))
    record = by_id.booking_record(booking_id, who, viewer_tz=tz or who.timezone, now=clock.now())
    return json_response(asdict(record))


@router.get(BOOKING_PATH, response_model=BookingRecord)
async def get_booking(
    booking_id: Id,
    request: Request,
    tz: TimeZoneName | None = None,
    authorization: str | None = Header(None),
) -> Response:
    """One booking: the student's own, the tutor's, any for an admin (else 404)."""
    return await off_loop(_get, request, authorization, booking_id, tz)


def _change(request: Request, authorization: str | None, booking_id: int,
            change: BookingAction) -> Response:  # fmt: skip
    who = _caller(caller(request, authorization, write=True))
    record = by_id.act_on_booking(booking_id, who, change, now=clock.now())
    return json_response(asdict(record))


@router.patch(BOOKING_PATH, response_model=BookingRecord)
async def change_booking(
    booking_id: Id,
    body: BookingChange,
    request: Request,
    authorization: str | None = Header(None),
) -> Response:
    """confirm / decline (tutor, admin), cancel (student, tutor, admin), reschedule
    (student, admin), mark_paid / mark_unpaid (tutor, admin)."""
    change = BookingAction(**body.model_dump())
    return await off_loop(_change, request, authorization, booking_id, change)


@router.delete(BOOKING_PATH, response_model=BookingRecord)
async def cancel_booking(
    booking_id: Id,
    request: Request,
    reason: Annotated[str, Query(max_length=500)] = "",
    authorization: str | None = Header(None),
) -> Response:
    """Cancel (= PATCH with ``action: cancel``); the booking stays, with its status."""
    change = BookingAction(action="cancel", reason=reason)
    return await off_loop(_change, request, authorization, booking_id, change)
