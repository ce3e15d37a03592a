"""Webhooks over HTTP: endpoints CRUD, secret rotation, the delivery log, redelivery.

Who: tutors (their own endpoints; events of their bookings and lessons) and admins (every
endpoint; theirs receive every tutor's events), through `api/access.py:caller` (changes
with `write=True`). Someone else's endpoint -> 404 `webhook_not_found`; students -> 403
`forbidden`; a bad URL or event -> 422 `validation_failed` with `fields`; redelivering a
delivery that is on its way -> 409 `webhook_delivery_in_flight`. The secret is in the
answer of POST /api/v1/webhooks and of /rotate-secret only. Every rule is in
services/webhooks/manage.py; these routes translate.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field, RootModel

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import Id
from booking_app.services.webhooks import EVENT_TYPES, manage

router = APIRouter(tags=["webhooks"])
ROLES = ("tutor", "admin")
EventList = Annotated[
    list[Annotated[str, Field(max_length=40)]],
    Field(max_length=len(EVENT_TYPES), description=f"Any of: {', '.join(EVENT_TYPES)}."),
]
Url = Annotated[str, Field(max_length=2000, description="https:// URL receiving the events.")]


class NewEndpoint(BaseModel):
    url: Url
    events: EventList

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"url": "https://example.com/hooks", "events": ["booking.created", "lesson.moved"]}
            ]
        }
    }


class EndpointChange(BaseModel):
    url: Url | None = None
    events: EventList | None = None
    active: bool | None = None


class Endpoint(BaseModel):
    """An endpoint as the API shows it (never its secret, except right after creation)."""

    id: int
    url: str
    events: list[str]
    active: bool
    consecutive_failures: int
    disabled_reason: str
    disabled_at: str = Field(description="UTC ISO 8601, or empty while active")
    scope: str = Field(description='"own": a tutor\'s bookings and lessons; "all": every tutor\'s')
    owner_name: str
    created_at: str


class EndpointWithSecret(Endpoint):
    secret: str = Field(description="Shown only in this answer (creation, rotation)")


class EndpointList(RootModel[list[Endpoint]]):
    """Your endpoints, newest first (an admin: every endpoint)."""


class Delivery(BaseModel):
    """One event sent (or being sent) to one endpoint."""

    id: int
    event_id: str
    event_type: str
    subject: str = Field(description='The order key: "booking:12" / "lesson:7"')
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: str
    last_attempt_at: str
    next_attempt_at: str
    delivered_at: str
    payload: str = Field(description="The exact JSON body sent and signed")


class DeliveryList(RootModel[list[Delivery]]):
    """The delivery log, newest first."""


def _created(made: manage.Created) -> dict[str, Any]:
    return {**asdict(made.endpoint), "secret": made.secret}


def _deliveries(request: Request, auth: str | None, endpoint_id: int, limit: int) -> Response:
    user = caller(request, auth, *ROLES)
    rows = manage.deliveries(user.id, user.role, endpoint_id, limit=limit)
    return json_response([asdict(r) for r in rows])


@router.get("/api/v1/webhooks", response_model=EndpointList)
async def list_webhooks(request: Request, authorization: str | None = Header(None)) -> Response:
    """Your endpoints (an admin: every endpoint), newest first."""

    def work() -> Response:
        user = caller(request, authorization, *ROLES)
        return json_response([asdict(e) for e in manage.list_endpoints(user.id, user.role)])

    return await off_loop(work)


@router.post("/api/v1/webhooks", status_code=201, response_model=EndpointWithSecret)
async def create_webhook(
    body: NewEndpoint, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Register an endpoint; the answer's `secret` is shown this once."""

    def work() -> Response:
        user = caller(request, authorization, *ROLES, write=True)
        made = manage.create(user.id, user.role, url=body.url, events=body.events, now=clock.now())
        response = json_response(_created(made))
        response.status_code = 201
        return response

    return await off_loop(work)


@router.get("/api/v1/webhooks/{endpoint_id}", response_model=Endpoint)
async def get_webhook(
    endpoint_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    def work() -> Response:
        user = caller(request, authorization, *ROLES)
        return json_response(asdict(manage.get_endpoint(user.id, user.role, endpoint_id)))

    return await off_loop(work)


@router.patch("/api/v1/webhooks/{endpoint_id}", response_model=Endpoint)
async def change_webhook(
    endpoint_id: Id,
    body: EndpointChange,
    request: Request,
    authorization: str | None = Header(None),
) -> Response:
    """Change url / events, or `active` (true again: failures reset, waiting events go)."""

    def work() -> Response:
        user = caller(request, authorization, *ROLES, write=True)
        manage.require_fields(url=body.url, events=body.events, active=body.active)
        view = manage.update(
            user.id, user.role, endpoint_id, now=clock.now(),
            url=body.url, events=body.events, active=body.active,
        )  # fmt: skip
        return json_response(asdict(view))

    return await off_loop(work)


@router.delete("/api/v1/webhooks/{endpoint_id}", status_code=204)
async def delete_webhook(
    endpoint_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    def work() -> Response:
        user = caller(request, authorization, *ROLES, write=True)
        manage.delete(user.id, user.role, endpoint_id)
        return Response(status_code=204)

    return await off_loop(work)


@router.post("/api/v1/webhooks/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret)
async def rotate_webhook_secret(
    endpoint_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """A new secret (shown this once) replaces the old one at once."""

    def work() -> Response:
        user = caller(request, authorization, *ROLES, write=True)
        made = manage.rotate_secret(user.id, user.role, endpoint_id, now=clock.now())
        return json_response(_created(made))

    return await off_loop(work)


@router.get("/api/v1/webhooks/{endpoint_id}/deliveries", response_model=DeliveryList)
async def webhook_deliveries(
    endpoint_id: Id,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=manage.MAX_LOG)] = 50,
    authorization: str | None = Header(None),
) -> Response:
    """The delivery log, newest first: status, attempts, last response code and error."""
    return await off_loop(_deliveries, request, authorization, endpoint_id, limit)


@router.post(
    "/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response_model=Delivery,
)
async def redeliver_webhook(
    endpoint_id: Id,
    delivery_id: Id,
    request: Request,
    authorization: str | None = Header(None),
) -> Response:
    """Send this event again (same X-Webhook-Id and body) at the next scan."""

    def work() -> Response:
        user = caller(request, authorization, *ROLES, write=True)
        view = manage.redeliver(user.id, user.role, endpoint_id, delivery_id, now=clock.now())
        return json_response(asdict(view))

    return await off_loop(work)
