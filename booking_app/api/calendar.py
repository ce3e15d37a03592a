"""The week calendar and lessons over HTTP (seeds 000 and 003).

- ``GET /api/v1/calendar/week?start=&includePayments=&includeStats=``: the calendar
  page's snapshot (``calendar.week_snapshot``) with a strong ``ETag``. The tag is made
  from the caller's data version (services/data_versions.py; read with the credential in
  one indexed statement, api/access.py:caller_version), the request and the current
  minute; the body is built with ``now`` cut to that minute, so the same tag always
  means the same bytes. ``If-None-Match`` with it -> 304 without
  building the week. A write that would refresh the calendar page moves the version.
- ``GET /api/v1/lessons?from=&to=``: the caller's lessons (role from the account).
- ``POST /api/v1/calendar/lessons``, ``PATCH`` / ``DELETE /api/v1/lessons/{id}``:
  publish, move and cancel, the calendar page's use cases (``lessons.publish_lesson``,
  ``move_lesson_to``, ``cancel_lesson``) with the same checks under the tutor's lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field

from booking_app import clock
from booking_app.api.access import caller, caller_version
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import MAX_ID, Day, Id, TimeZoneName
from booking_app.api.read_cache import etag_matches
from booking_app.services import calendar, lesson_range, lessons, timefmt
from booking_app.services.money import locale_of

router = APIRouter(tags=["calendar"])
# The route programs poll, included FIRST by api/app.py: a request is matched against the
# routes in order, and ~100 routes tried before it were a fifth of a 304's CPU.
polled = APIRouter(tags=["calendar"])


class WeekOut(BaseModel):
    """The calendar page's snapshot; ``stats`` only with ``includeStats``."""

    week_start: str = Field(description="Monday, YYYY-MM-DD.")
    label: str
    timezone: str
    now: str = Field(description="The viewer's wall time written as UTC (to the minute).")
    events: list[calendar.CalEvent]
    stats: calendar.WeekStats | None
    business_hours: list[dict[str, Any]]
    snap: str = Field(description="The tutor's slot step, HH:MM:SS.")


class LessonsOut(BaseModel):
    """A tutor's lessons (``LessonView``) or a student's (``StudentLesson``)."""

    count: int
    results: list[lessons.LessonView | lesson_range.StudentLesson]


# The week's query and headers as two parameter models, not seven parameters: FastAPI
# then reads and validates each group in one pass, a quarter of a 304's CPU less (the
# document and the 422 answers are the same as with separate parameters).
class WeekParams(BaseModel):
    start: Day | None = Field(None, description="Any day of the week (default: now).")
    include_payments: bool = Field(False, alias="includePayments")
    include_stats: bool = Field(False, alias="includeStats")
    tz: TimeZoneName | None = None


class WeekHeaders(BaseModel):
    authorization: str | None = None
    if_none_match: Annotated[str, Field(max_length=2000)] | None = Field(
        None, title="If-None-Match"
    )
    accept_language: Annotated[str, Field(max_length=500)] | None = Field(
        None, title="Accept-Language"
    )


class WeekQuery(BaseModel):
    start: date | None
    include_payments: bool
    include_stats: bool
    tz: str | None
    locale: str


def _etag(user: Any, version: int, monday: date, tz: str, q: WeekQuery, minute: datetime) -> str:
    key = "|".join(
        str(part)
        for part in (user.id, user.role, version, monday, tz, q.locale, q.include_payments,
                     q.include_stats, minute.isoformat())
    )  # fmt: skip
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:40] + '"'


def _without_payments(snapshot: calendar.WeekSnapshot) -> calendar.WeekSnapshot:
    events = [replace(e, pay="", tooltip=e.tooltip) for e in snapshot.events]
    stats = replace(snapshot.stats, revenue="", paid="", unpaid="", amounts={})
    return replace(snapshot, events=events, stats=stats)


def _week(request: Request, authorization: str | None, q: WeekQuery,
          if_none_match: str | None) -> Response:  # fmt: skip
    # The credential and the data version in one read, BEFORE the body: a body is never
    # older than its tag, and an unchanged week costs this one indexed read.
    user, version = caller_version(request, authorization, "tutor", "student")
    tz = q.tz or user.timezone or "UTC"
    zone = timefmt.viewer_zone(tz)
    now = clock.now()
    minute = now.replace(second=0, microsecond=0)
    monday = calendar.monday_of(q.start or now.astimezone(zone).date())
    tag = _etag(user, version, monday, tz, q, minute)
    headers = {"ETag": tag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    snapshot = calendar.week_snapshot(
        user.id, user.role, week_start=monday, viewer_tz=tz, now=minute, locale=q.locale
    )
    if not q.include_payments:
        snapshot = _without_payments(snapshot)
    body = asdict(snapshot)
    if not q.include_stats:
        body["stats"] = None
    return json_response(body, headers=headers)


@polled.get(
    "/api/v1/calendar/week",
    response_model=WeekOut,
    responses={304: {"description": "Not modified: `If-None-Match` holds the current ETag."}},
)
async def calendar_week(
    request: Request,
    params: Annotated[WeekParams, Query()],
    headers: Annotated[WeekHeaders, Header()],
) -> Response:
    """The caller's week (tutor: lessons, busy time, working hours; student: bookings),
    wall times written as UTC (see services/calendar.py). Sends ``ETag``; answer 304 to
    ``If-None-Match``. ``includePayments`` adds pay labels and sums, ``includeStats``
    the week's numbers (``stats.amounts`` as decimal strings)."""
    q = WeekQuery(
        start=params.start,
        include_payments=params.include_payments,
        include_stats=params.include_stats,
        tz=params.tz,
        locale=locale_of(headers.accept_language),
    )
    return await off_loop(_week, request, headers.authorization, q, headers.if_none_match)


def _lessons(request: Request, authorization: str | None, first: date, last: date,
             tz: str | None) -> Response:  # fmt: skip
    user = caller(request, authorization, "tutor", "student")
    found = lesson_range.lessons_in_range(
        user.id, user.role, first=first, last=last, viewer_tz=tz or user.timezone or "UTC"
    )
    return json_response({"count": len(found), "results": found})


@router.get("/api/v1/lessons", response_model=LessonsOut)
async def lessons_range(
    request: Request,
    from_: Annotated[Day, Query(alias="from", description="First day, in `tz`.")],
    to: Annotated[Day, Query(description="Last day, inclusive.")],
    tz: TimeZoneName | None = None,
    authorization: str | None = Header(None),
) -> Response:
    """The caller's lessons in the range: a tutor's own (cancelled ones too), a
    student's booked ones with the booking's status. Role from the account (seed 003)."""
    return await off_loop(_lessons, request, authorization, from_, to, tz)


class PublishBody(BaseModel):
    start_local: Annotated[str, Field(max_length=40)] = Field(
        description="YYYY-MM-DDTHH:MM in the tutor's time zone."
    )
    duration_min: Annotated[int, Field(ge=1, le=24 * 60)] = 60
    service_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    title: Annotated[str, Field(max_length=200)] = ""
    lesson_type: Literal["individual", "group"] = "individual"
    capacity: Annotated[int, Field(ge=1, le=1000)] = 1
    mode: Literal["online", "offline"] = "online"
    location: Annotated[str, Field(max_length=300)] = ""
    meeting_url: Annotated[str, Field(max_length=500)] = ""
    tentative: bool = False
    price: Annotated[str, Field(max_length=20)] = Field("", description="Blank: the service's.")

    model_config = {
        "json_schema_extra": {
            "examples": [{"start_local": "2026-11-30T16:00", "duration_min": 90,
                          "title": "Exam prep", "lesson_type": "group", "capacity": 6}]
        }
    }  # fmt: skip


class MoveBody(BaseModel):
    start_local: Annotated[str, Field(max_length=40)] = Field(
        description="New start, YYYY-MM-DDTHH:MM in the tutor's time zone."
    )
    end_local: Annotated[str, Field(max_length=40)] = Field(
        "", description="New end (the calendar's resize); blank: the same length."
    )

    model_config = {"json_schema_extra": {"examples": [
        {"start_local": "2026-12-01T16:00"},
        {"start_local": "2026-12-01T16:00", "end_local": "2026-12-01T17:30"}]}}  # fmt: skip


def _publish(request: Request, authorization: str | None, body: PublishBody) -> Response:
    user = caller(request, authorization, "tutor", write=True)
    view = lessons.publish_lesson(
        user.id, lessons.PublishInput(**body.model_dump()), now=clock.now()
    )
    return json_response(asdict(view), status_code=201)


@router.post("/api/v1/calendar/lessons", status_code=201, response_model=lessons.LessonView)
async def publish_lesson(
    body: PublishBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Put a lesson on the tutor's calendar (never on another lesson or busy time)."""
    return await off_loop(_publish, request, authorization, body)


def _move(request: Request, authorization: str | None, lesson_id: int, body: MoveBody) -> Response:
    user = caller(request, authorization, "tutor", write=True)
    lessons.move_lesson_to(
        user.id, lesson_id, start_local=body.start_local, end_local=body.end_local,
        now=clock.now(),
    )  # fmt: skip
    return json_response(asdict(lessons.lesson_view(user.id, lesson_id)))


@router.patch("/api/v1/lessons/{lesson_id}", response_model=lessons.LessonView)
async def move_lesson(
    lesson_id: Id, body: MoveBody, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Move a future lesson (same length, or to ``end_local``: the calendar's drag and
    resize); every student in it is told. This is how a tutor reschedules a booking: its
    ``lesson_id`` names the lesson."""
    return await off_loop(_move, request, authorization, lesson_id, body)


def _cancel(request: Request, authorization: str | None, lesson_id: int, reason: str) -> Response:
    user = caller(request, authorization, "tutor", write=True)
    view = lessons.cancel_lesson(user.id, lesson_id, now=clock.now(), reason=reason)
    return json_response(asdict(view))


@router.delete("/api/v1/lessons/{lesson_id}", response_model=lessons.LessonView)
async def cancel_lesson(
    lesson_id: Id,
    request: Request,
    reason: Annotated[str, Query(max_length=500)] = "",
    authorization: str | None = Header(None),
) -> Response:
    """Cancel the lesson and every seat in it (rows stay, with the reason)."""
    return await off_loop(_cancel, request, authorization, lesson_id, reason)
