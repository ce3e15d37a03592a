"""The tutor pages' remaining actions over HTTP, so a script with a personal access token
can do what the pages do: a lesson's outcome, confirming a tentative lesson, the tutor
profile, removing a student, a seat's payment, cancelling one seat and the lesson's notes.

Each route calls the service its page calls (pages/home/routine.py, pages/calendar/state.py,
pages/tutor_profile.py, pages/tutor_students): the rules and messages are the service's,
domain errors propagate (api/errors.py maps them). Changes need a write-scope credential.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import MAX_ID, Id
from booking_app.services import lessons, morning_confirm, profile, students
from booking_app.services.booking import by_id
from booking_app.services.booking.by_id import BookingRecord, Caller
from booking_app.services.errors import NotFound
from booking_app.services.lessons import outcome
from booking_app.services.lessons.admin import BOOKING_NOT_FOUND
from booking_app.services.money import locale_of

router = APIRouter(tags=["tutor actions"])
Short = Annotated[str, Field(max_length=200)]
SubjectId = Annotated[int, Field(ge=0, le=MAX_ID)]


class OutcomeBody(BaseModel):
    outcome: Literal["held", "student_no_show", "tutor_no_show"]
    booking_id: Annotated[int, Field(ge=0, le=MAX_ID)] = Field(
        0, description="One seat; 0 (default): every seat that took place."
    )

    model_config = {"json_schema_extra": {"examples": [{"outcome": "held"},
                    {"outcome": "student_no_show", "booking_id": 42}]}}  # fmt: skip


class OutcomeResult(BaseModel):
    lesson_id: int
    outcome: str
    changed: int = Field(description="How many seats changed.")


class PaymentBody(BaseModel):
    booking_id: Id
    paid: bool
    amount: Annotated[str, Field(max_length=20)] = Field(
        "", description="Paid: the amount received (blank: the price)."
    )

    model_config = {"json_schema_extra": {"examples": [
        {"booking_id": 42, "paid": True, "amount": "450.00"},
        {"booking_id": 42, "paid": False}]}}  # fmt: skip


class NotesBody(BaseModel):
    notes: Annotated[str, Field(max_length=10000)] = Field(
        description="The tutor's private notes (the service allows up to 2000 characters)."
    )

    model_config = {"json_schema_extra": {"examples": [{"notes": "Bring the workbook."}]}}


class ProfileChange(BaseModel):
    """Only the fields sent change (like the page's sections)."""

    slug: Short | None = None
    headline: Short | None = None
    bio: Annotated[str, Field(max_length=10000)] | None = None
    default_price: Annotated[str, Field(max_length=20)] | None = None
    currency: Annotated[str, Field(max_length=10)] | None = None
    subject_ids: Annotated[list[SubjectId], Field(max_length=200)] | None = None
    is_published: bool | None = None
    requires_confirmation: bool | None = None

    model_config = {"json_schema_extra": {"examples": [
        {"headline": "Maths for grades 5-11", "default_price": "450.00"},
        {"is_published": True}]}}  # fmt: skip


def _locale(request: Request) -> str:
    return locale_of(request.headers.get("accept-language"))


# --- lesson outcome --------------------------------------------------------------------------


def _outcome(request: Request, authorization: str | None, lesson_id: int,
             body: OutcomeBody) -> Response:  # fmt: skip
    user = caller(request, authorization, "tutor", "admin", write=True)
    changed = outcome.set_outcome(
        user.id, lesson_id, body.outcome, booking_id=body.booking_id, now=clock.now()
    )
    return json_response({"lesson_id": lesson_id, "outcome": body.outcome, "changed": changed})


@router.put("/api/v1/lessons/{lesson_id}/outcome", response_model=OutcomeResult)
async def set_lesson_outcome(
    lesson_id: Id, body: OutcomeBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Held / student no-show / tutor no-show, for one seat or every seat (the lesson's
    tutor or an admin; once it has started, for a few days after it ends)."""
    return await off_loop(_outcome, request, authorization, lesson_id, body)


# --- confirm a tentative lesson --------------------------------------------------------------


def _confirm(request: Request, authorization: str | None, lesson_id: int) -> Response:
    tutor = caller(request, authorization, "tutor", write=True).id
    morning_confirm.confirm_tentative(tutor, lesson_id, now=clock.now())
    return json_response(asdict(lessons.lesson_detail(tutor, lesson_id, locale=_locale(request))))


@router.post("/api/v1/lessons/{lesson_id}/confirm", response_model=lessons.LessonDetail)
async def confirm_lesson(
    lesson_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Tentative -> scheduled; the confirmed seats' students are told. Cancel it with
    DELETE /api/v1/lessons/{id}."""
    return await off_loop(_confirm, request, authorization, lesson_id)


# --- payment and notes -----------------------------------------------------------------------


def _payment(request: Request, authorization: str | None, lesson_id: int,
             body: PaymentBody) -> Response:  # fmt: skip
    tutor = caller(request, authorization, "tutor", write=True).id
    locale = _locale(request)
    detail = lessons.lesson_detail(tutor, lesson_id, locale=locale)  # the tutor's lesson or 404
    if body.booking_id not in {seat.booking_id for seat in detail.seats}:
        raise NotFound(BOOKING_NOT_FOUND)
    lessons.set_payment(tutor, body.booking_id, paid=body.paid, amount=body.amount,
                        now=clock.now())  # fmt: skip
    return json_response(asdict(lessons.lesson_detail(tutor, lesson_id, locale=locale)))


@router.put("/api/v1/lessons/{lesson_id}/payment", response_model=lessons.LessonDetail)
async def set_lesson_payment(
    lesson_id: Id, body: PaymentBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Mark one seat of the lesson paid (with the amount received) or unpaid."""
    return await off_loop(_payment, request, authorization, lesson_id, body)


def _notes(request: Request, authorization: str | None, lesson_id: int,
           body: NotesBody) -> Response:  # fmt: skip
    tutor = caller(request, authorization, "tutor", write=True).id
    lessons.set_lesson_notes(tutor, lesson_id, body.notes, now=clock.now())
    return json_response(asdict(lessons.lesson_detail(tutor, lesson_id, locale=_locale(request))))


@router.put("/api/v1/lessons/{lesson_id}/notes", response_model=lessons.LessonDetail)
async def set_lesson_notes(
    lesson_id: Id, body: NotesBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Replace the tutor's private notes on the lesson."""
    return await off_loop(_notes, request, authorization, lesson_id, body)


def _cancel_seat(request: Request, authorization: str | None, lesson_id: int, booking_id: int,
                 reason: str) -> Response:  # fmt: skip
    user = caller(request, authorization, "tutor", "admin", write=True)
    who = Caller(id=user.id, role=user.role, timezone=user.timezone or "UTC")
    record = by_id.cancel_seat(lesson_id, booking_id, who, reason=reason, now=clock.now())
    return json_response(asdict(record))


@router.delete("/api/v1/lessons/{lesson_id}/seats/{booking_id}", response_model=BookingRecord)
async def cancel_seat(
    lesson_id: Id,
    booking_id: Id,
    request: Request,
    reason: Annotated[str, Query(max_length=500)] = "",
    authorization: str | None = Header(None),
) -> Response:
    """Cancel one student's seat before the lesson starts (the other seats of a group
    lesson stay; a one-to-one lesson leaves the calendar). The student is told, with
    ``reason`` (default "Cancelled by the tutor."). The lesson's tutor, or an admin
    (audited, as the admin panel's "Cancel"). Answers the booking, now cancelled."""
    return await off_loop(_cancel_seat, request, authorization, lesson_id, booking_id, reason)


# --- profile ---------------------------------------------------------------------------------


def _profile(request: Request, authorization: str | None) -> Response:
    tutor = caller(request, authorization, "tutor").id
    return json_response(asdict(profile.get_profile(tutor)))


@router.get("/api/v1/profile", response_model=profile.ProfileView)
async def get_profile(request: Request, authorization: str | None = Header(None)) -> Response:
    """The tutor's public profile as the edit form shows it."""
    return await off_loop(_profile, request, authorization)


def _save_profile(request: Request, authorization: str | None, body: ProfileChange) -> Response:
    tutor = caller(request, authorization, "tutor", write=True).id
    data = body.model_dump(exclude_unset=True, exclude_none=True)
    return json_response(asdict(profile.save_profile(tutor, data, now=clock.now())))


@router.patch("/api/v1/profile", response_model=profile.ProfileView)
async def update_profile(
    body: ProfileChange, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Change the fields sent. Publishing a page that offers nothing to book is 409
    ``not_bookable`` (the publish rule), as on the page."""
    return await off_loop(_save_profile, request, authorization, body)


# --- students --------------------------------------------------------------------------------


def _remove(request: Request, authorization: str | None, student_id: int) -> Response:
    tutor = caller(request, authorization, "tutor", write=True).id
    students.remove_student(tutor, student_id, now=clock.now())
    return Response(status_code=204)


@router.delete("/api/v1/my-students/{student_id}", status_code=204)
async def remove_student(
    student_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Remove the student from the classroom (their bookings stay; the invite links they
    used stop working for them)."""
    return await off_loop(_remove, request, authorization, student_id)
