"""The tutor's workspace over HTTP: services (CRUD) and availability (read and replace).

Every route is the page's use case (``tutor_services``, ``availability``), so a program
gets the page's rules and its messages: bad input is 422 ``validation_failed`` with
``fields`` {field: the message the page shows next to it}. Bodies are typed loosely
(strings where the page has text inputs) on purpose: the service, not the schema,
decides what is valid, so there is one rule and one message for both.

Services are never deleted (bookings point at them): DELETE deactivates, as the page's
switch does. Weekly hours are replaced as a whole (errors keyed ``window-<index>``); busy
times are added, moved or resized (the calendar's drag, PATCH) and deleted.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from pydantic import BaseModel, Field

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import Id
from booking_app.services import availability, tutor_services
from booking_app.services.errors import NotFound

router = APIRouter(tags=["workspace"])
Short = Annotated[str, Field(max_length=200)]
Long = Annotated[str, Field(max_length=4000)]
Day = Annotated[str, Path(min_length=1, max_length=20, description="YYYY-MM-DD")]
Num = Annotated[int | float | str, Field(union_mode="left_to_right")]


def _tutor(request: Request, authorization: str | None, write: bool = False) -> int:
    return caller(request, authorization, "tutor", write=write).id


# --- services ------------------------------------------------------------------------------


class ServiceBody(BaseModel):
    name: Short
    subject_id: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    description: Long = ""
    duration_min: Num = 60
    price: Annotated[str, Field(max_length=20)] = Field(description="Decimal, e.g. 450.00.")
    lesson_type: Annotated[str, Field(max_length=20)] = "individual"
    capacity: Num = 1
    mode: Annotated[str, Field(max_length=20)] = "online"
    location: Short = ""
    meeting_url: Annotated[str, Field(max_length=500)] = ""
    is_trial: bool = False

    model_config = {
        "json_schema_extra": {
            "examples": [{"name": "Algebra", "duration_min": 60, "price": "450.00",
                          "lesson_type": "individual", "mode": "online"}]
        }
    }  # fmt: skip


class ActiveBody(BaseModel):
    is_active: bool


class ServiceList(BaseModel):
    count: int
    results: list[tutor_services.ServiceView]


class WeeklyOut(BaseModel):
    windows: list[availability.WindowView]


def _services(request: Request, authorization: str | None) -> Response:
    found = tutor_services.list_services(_tutor(request, authorization))
    return json_response({"count": len(found), "results": [asdict(s) for s in found]})


@router.get("/api/v1/services", response_model=ServiceList)
async def list_services(request: Request, authorization: str | None = Header(None)) -> Response:
    """The tutor's services, active first (inactive ones too)."""
    return await off_loop(_services, request, authorization)


def _service(request: Request, authorization: str | None, service_id: int) -> Response:
    found = tutor_services.list_services(_tutor(request, authorization))
    match = next((s for s in found if s.id == service_id), None)
    if match is None:
        raise NotFound(tutor_services.SERVICE_NOT_FOUND)
    return json_response(asdict(match))


@router.get("/api/v1/services/{service_id}", response_model=tutor_services.ServiceView)
async def get_service(
    service_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    return await off_loop(_service, request, authorization, service_id)


def _create(request: Request, authorization: str | None, body: ServiceBody) -> Response:
    tutor = _tutor(request, authorization, write=True)
    view = tutor_services.create_service(tutor, tutor_services.ServiceInput(**body.model_dump()))
    return json_response(asdict(view), status_code=201)


@router.post("/api/v1/services", status_code=201, response_model=tutor_services.ServiceView)
async def create_service(
    body: ServiceBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    return await off_loop(_create, request, authorization, body)


def _update(request: Request, authorization: str | None, service_id: int,
            body: ServiceBody) -> Response:  # fmt: skip
    tutor = _tutor(request, authorization, write=True)
    data = tutor_services.ServiceInput(**body.model_dump())
    return json_response(asdict(tutor_services.update_service(tutor, service_id, data)))


@router.put("/api/v1/services/{service_id}", response_model=tutor_services.ServiceView)
async def replace_service(
    service_id: Id, body: ServiceBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Replace every field (lessons already published keep theirs)."""
    return await off_loop(_update, request, authorization, service_id, body)


def _active(request: Request, authorization: str | None, service_id: int, on: bool) -> Response:
    tutor = _tutor(request, authorization, write=True)
    return json_response(asdict(tutor_services.set_service_active(tutor, service_id, on)))


@router.patch("/api/v1/services/{service_id}", response_model=tutor_services.ServiceView)
async def activate_service(
    service_id: Id, body: ActiveBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Show or hide the service for new bookings."""
    return await off_loop(_active, request, authorization, service_id, body.is_active)


@router.delete("/api/v1/services/{service_id}", response_model=tutor_services.ServiceView)
async def deactivate_service(
    service_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Deactivate (never deleted: bookings point at it); PATCH is_active brings it back."""
    return await off_loop(_active, request, authorization, service_id, False)


# --- availability --------------------------------------------------------------------------


class WindowIn(BaseModel):
    weekday: Annotated[int, Field(ge=0, le=6, description="0 = Monday")]
    start: Annotated[str, Field(max_length=5)] = Field(description="HH:MM")
    end: Annotated[str, Field(max_length=5)] = Field(description="HH:MM; 24:00 = midnight")


class WeeklyBody(BaseModel):
    windows: Annotated[list[WindowIn], Field(max_length=100)]

    model_config = {
        "json_schema_extra": {
            "examples": [{"windows": [{"weekday": 0, "start": "09:00", "end": "13:00"}]}]
        }
    }


class SpanIn(BaseModel):
    start: Annotated[str, Field(max_length=5)]
    end: Annotated[str, Field(max_length=5)]


class OverrideBody(BaseModel):
    closed: bool = False
    windows: Annotated[list[SpanIn], Field(max_length=20)] = []
    confirm: bool = Field(False, description="Save even if booked lessons fall outside.")


class BusyBody(BaseModel):
    start_local: Annotated[str, Field(max_length=40)] = Field(description="YYYY-MM-DDTHH:MM")
    end_local: Annotated[str, Field(max_length=40)]
    title: Short = ""


class RulesBody(BaseModel):
    """Keys left out stay as they are."""

    buffer_before_min: Num | None = None
    buffer_after_min: Num | None = None
    max_lessons_per_day: Num | None = None
    min_notice_hours: Num | None = None
    horizon_days: Num | None = None
    slot_step_min: Num | None = None
    cancellation_notice_hours: Num | None = None
    reminder_offsets_hours: Annotated[list[int], Field(max_length=10)] | str | None = None
    requires_confirmation: bool | None = None


def _availability(request: Request, authorization: str | None) -> Response:
    tutor = _tutor(request, authorization)
    return json_response(asdict(availability.get_availability(tutor, now=clock.now())))


@router.get("/api/v1/availability", response_model=availability.AvailabilityView)
async def get_availability(request: Request, authorization: str | None = Header(None)) -> Response:
    """Weekly hours, date overrides (today on), busy blocks (not over), booking rules."""
    return await off_loop(_availability, request, authorization)


def _weekly(request: Request, authorization: str | None, body: WeeklyBody) -> Response:
    tutor = _tutor(request, authorization, write=True)
    rows = [(w.weekday, w.start, w.end) for w in body.windows]
    saved = availability.save_weekly_windows(tutor, rows)
    return json_response({"windows": [asdict(w) for w in saved]})


@router.put("/api/v1/availability/weekly", response_model=WeeklyOut)
async def replace_weekly(
    body: WeeklyBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Replace all weekly hours (an empty list: no weekly hours)."""
    return await off_loop(_weekly, request, authorization, body)


def _override(
    request: Request, authorization: str | None, day: str, body: OverrideBody
) -> Response:
    tutor = _tutor(request, authorization, write=True)
    view = availability.set_override(
        tutor, day, closed=body.closed, windows=[(w.start, w.end) for w in body.windows],
        now=clock.now(), confirmed=body.confirm,
    )  # fmt: skip
    return json_response(asdict(view))


@router.put("/api/v1/availability/overrides/{day}", response_model=availability.OverrideView)
async def replace_override(
    day: Day, body: OverrideBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Special hours (or closed) on one date; 409 ``lessons_on_that_day`` lists booked
    lessons the new hours would leave out (send ``confirm: true`` to save anyway)."""
    return await off_loop(_override, request, authorization, day, body)


def _drop_override(request: Request, authorization: str | None, day: str) -> Response:
    availability.remove_override(_tutor(request, authorization, write=True), day)
    return Response(status_code=204)


@router.delete("/api/v1/availability/overrides/{day}", status_code=204)
async def delete_override(
    day: Day, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Back to the weekly hours on that date."""
    return await off_loop(_drop_override, request, authorization, day)


def _busy(request: Request, authorization: str | None, body: BusyBody) -> Response:
    tutor = _tutor(request, authorization, write=True)
    view = availability.add_busy_block(
        tutor, body.start_local, body.end_local, body.title, now=clock.now()
    )
    return json_response(asdict(view), status_code=201)


@router.post(
    "/api/v1/availability/busy-blocks", status_code=201, response_model=availability.BusyBlockView
)
async def add_busy_block(
    body: BusyBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Block personal time (booked lessons in it are kept)."""
    return await off_loop(_busy, request, authorization, body)


class BusyMove(BaseModel):
    start_local: Annotated[str, Field(max_length=40)] = Field(description="YYYY-MM-DDTHH:MM")
    end_local: Annotated[str, Field(max_length=40)]

    model_config = {"json_schema_extra": {"examples": [
        {"start_local": "2026-12-02T13:00", "end_local": "2026-12-02T15:00"}]}}  # fmt: skip


def _move_busy(request: Request, authorization: str | None, block_id: int,
               body: BusyMove) -> Response:  # fmt: skip
    tutor = _tutor(request, authorization, write=True)
    view = availability.move_busy_block_to(
        tutor, block_id, body.start_local, body.end_local, now=clock.now()
    )
    return json_response(asdict(view))


@router.patch(
    "/api/v1/availability/busy-blocks/{block_id}", response_model=availability.BusyBlockView
)
async def move_busy_block(
    block_id: Id, body: BusyMove, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Move or resize a busy time (the calendar's drag); its title stays."""
    return await off_loop(_move_busy, request, authorization, block_id, body)


def _drop_busy(request: Request, authorization: str | None, block_id: int) -> Response:
    availability.remove_busy_block(_tutor(request, authorization, write=True), block_id)
    return Response(status_code=204)


@router.delete("/api/v1/availability/busy-blocks/{block_id}", status_code=204)
async def delete_busy_block(
    block_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    return await off_loop(_drop_busy, request, authorization, block_id)


def _rules(request: Request, authorization: str | None, body: RulesBody) -> Response:
    tutor = _tutor(request, authorization, write=True)
    return json_response(
        asdict(availability.save_rules(tutor, body.model_dump(exclude_unset=True)))
    )


@router.put("/api/v1/availability/rules", response_model=availability.RulesView)
async def replace_rules(
    body: RulesBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Booking rules; keys left out are unchanged."""
    return await off_loop(_rules, request, authorization, body)
