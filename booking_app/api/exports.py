"""CSV downloads of lessons and students (tutors: their own, admins: everyone's).

The bookings CSV is GET /api/v1/bookings/export.csv (api/booking_list.py), the reports'
is ``format=csv`` on the report routes (api/reports.py). The format is the Excel dialect
described in README "Running the school".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.booking_list import csv_response
from booking_app.api.offload import off_loop
from booking_app.api.params import TimeZoneName
from booking_app.services import exports, periods, timefmt

router = APIRouter(tags=["exports"])
CSV_DOC = {200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM, ';'"}}


def _lessons(
    request: Request, authorization: str | None, args: tuple[str, str, str, str]
) -> tuple[Iterator[bytes], str]:
    user = caller(request, authorization, "admin", "tutor")
    tz, preset, first, last = args
    period = periods.resolve(
        tz_name=tz or user.timezone, now=clock.now(), preset=preset, first=first, last=last
    )
    name = f"lessons-{period.first}-{period.last}.csv"
    return exports.lessons_csv(user.role, user.id, period), name


@router.get("/api/v1/lessons/export.csv", response_class=StreamingResponse, responses=CSV_DOC)
async def export_lessons(  # noqa: PLR0913 - query parameters
    request: Request,
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    period: Annotated[str, Query(max_length=12)] = "",
    tz: TimeZoneName | None = None,
    authorization: str | None = Header(None),
) -> StreamingResponse:
    """Lessons starting in the period (``from``/``to`` or ``period``, as the reports)."""
    args = (tz or "", period, date_from, date_to)
    chunks, name = await off_loop(_lessons, request, authorization, args)
    return csv_response(chunks, name)


def _students(request: Request, authorization: str | None, tz: str) -> Iterator[bytes]:
    user = caller(request, authorization, "admin", "tutor")
    zone = timefmt.zone_or_utc(tz or user.timezone)
    return exports.students_csv(user.role, user.id, zone)


@router.get("/api/v1/students/export.csv", response_class=StreamingResponse, responses=CSV_DOC)
async def export_students(
    request: Request, tz: TimeZoneName | None = None, authorization: str | None = Header(None)
) -> StreamingResponse:
    """Everyone who booked the tutor (admins: every tutor), with counts and totals."""
    chunks = await off_loop(_students, request, authorization, tz or "")
    return csv_response(chunks, f"students-{clock.now():%Y%m%d}.csv")
