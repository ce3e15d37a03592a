"""Free slots of a published tutor: ``GET /api/v1/tutors/{slug}/slots``.

The same offer as the public tutor page (``tutor_public``: one loader, then the engine's
``free_slots``), so every listed ``start`` is one ``POST /api/v1/bookings`` accepts, bar
a booking made in between (then 409 ``slot_unavailable`` with the engine's reason).
No sign-in needed: the page is public too. ``lesson_type`` / ``mode`` (seed 004) pick
which of the tutor's active services are offered; without ``service`` the first match
(the tutor's oldest) is used, and the answer names it.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from booking_app import clock
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import Day, Id, TimeZoneName
from booking_app.services import timefmt
from booking_app.services import tutor_public as offer
from booking_app.services.errors import NotFound

router = APIRouter(tags=["slots"])
DEFAULT_DAYS = 7


class SlotOut(BaseModel):
    start: str = Field(description="UTC ISO 8601; send it back as `start` to book.")
    time: str = Field(description="HH:MM in `tz`.")
    label: str


class DayOut(BaseModel):
    date: str
    label: str
    slots: list[SlotOut]


class JoinableOut(BaseModel):
    lesson_id: int = Field(description="Send it as `lesson_id` to book a seat.")
    start: str
    label: str
    free_spots: int
    title: str


class ServiceRef(BaseModel):
    id: int
    name: str
    duration_min: int
    price: str = Field(description="Decimal string, e.g. 450.00.")
    currency: str
    lesson_type: Literal["individual", "group"]
    mode: Literal["online", "offline"]
    is_trial: bool


class SlotsOut(BaseModel):
    tutor_id: int
    slug: str
    service: ServiceRef | None
    first_day: str
    last_day: str
    timezone: str
    slot_count: int
    days: list[DayOut]
    joinable: list[JoinableOut]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "tutor_id": 7, "slug": "olena",
                    "service": {"id": 3, "name": "Algebra", "duration_min": 60,
                                "price": "450.00", "currency": "UAH",
                                "lesson_type": "individual", "mode": "online",
                                "is_trial": False},
                    "first_day": "2026-11-30", "last_day": "2026-11-30",
                    "timezone": "Europe/Kyiv", "slot_count": 1,
                    "days": [{"date": "2026-11-30", "label": "Mon 30 Nov", "slots": [
                        {"start": "2026-11-30T07:00:00+00:00", "time": "09:00",
                         "label": "Mon 30 Nov, 09:00"}]}],
                    "joinable": [],
                }
            ]
        }
    }  # fmt: skip


def _pick(page: offer.TutorPublicView, service: int | None, lesson_type: str | None,
          mode: str | None) -> offer.PublicServiceView | None:  # fmt: skip
    """The requested active service (NotFound if it is not offered or does not match the
    filters), else the tutor's oldest active one matching them (None: nothing matches)."""
    matching = [
        s
        for s in page.services
        if (lesson_type is None or s.lesson_type == lesson_type)
        and (mode is None or s.mode == mode)
    ]
    if service is None:
        return matching[0] if matching else None
    chosen = next((s for s in matching if s.id == service), None)
    if chosen is None:
        raise NotFound(offer.SERVICE_NOT_FOUND)
    return chosen


def _slots(slug: str, service: int | None, first: date | None, last: date | None, tz: str,
           lesson_type: str | None, mode: str | None) -> Response:  # fmt: skip
    now = clock.now()
    timefmt.viewer_zone(tz)  # a bad zone is a field error before any database work
    page = offer.tutor_public_page(slug)
    chosen = _pick(page, service, lesson_type, mode)
    start = first or now.astimezone(timefmt.viewer_zone(tz)).date()
    end = last or start + timedelta(days=DEFAULT_DAYS - 1)
    if chosen is None:  # the filters leave nothing to book: an empty range, not an error
        days = (end - start).days + 1
        body: dict[str, Any] = {
            "first_day": start.isoformat(), "last_day": end.isoformat(), "timezone": tz,
            "slot_count": 0, "joinable": [],
            "days": [{"date": (start + timedelta(days=i)).isoformat(),
                      "label": timefmt.day_label(start + timedelta(days=i)), "slots": []}
                     for i in range(max(0, min(days, offer.MAX_RANGE_DAYS)))],
        }  # fmt: skip
    else:
        body = asdict(
            offer.range_slots(
                page.tutor_id,
                service_id=chosen.id,
                first_day=start,
                last_day=end,
                viewer_tz=tz,
                now=now,
                include_joinable=chosen.lesson_type == "group",
            )
        )
    ref = None
    if chosen is not None:
        ref = {k: getattr(chosen, k) for k in ServiceRef.model_fields}
    return json_response({"tutor_id": page.tutor_id, "slug": page.slug, "service": ref, **body})


@router.get("/api/v1/tutors/{slug}/slots", response_model=SlotsOut)
async def tutor_slots(
    slug: Annotated[str, Path(min_length=1, max_length=64)],
    service: Id | None = None,
    from_: Annotated[Day | None, Query(alias="from", description="First day (in `tz`).")] = None,
    to: Annotated[Day | None, Query(description="Last day, inclusive (default: 7 days).")] = None,
    tz: TimeZoneName = "UTC",
    lesson_type: Literal["individual", "group"] | None = None,
    mode: Literal["online", "offline"] | None = None,
) -> Response:
    """Bookable start times of a published tutor's service, by day in ``tz``; group
    services also list the lessons with a free seat (``joinable``)."""
    return await off_loop(_slots, slug, service, from_, to, tz, lesson_type, mode)
