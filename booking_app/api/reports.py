"""Reports over HTTP: /api/v1/reports/teacher-load and /subject-load, as JSON or CSV.

Admins get every tutor, tutors themselves (services/reports.py); others 403. The period
is ``from``/``to`` (YYYY-MM-DD, inclusive, in ``tz`` or the caller's zone) or ``period``
(this_week, last_week, this_month, last_month; default this_month). Counts are numbers,
hours / percentages / money decimal strings ("12.50"), so a client never meets a float
rounding error. ``format=csv`` answers the Excel-dialect CSV (README "Running the school").
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.booking_list import csv_response
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import TimeZoneName
from booking_app.services import periods, reports

router = APIRouter(tags=["reports"])
# JSON by default; format=csv answers the Excel-dialect CSV (documented, so clients expect it).
CSV_TOO = {200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}}


class LoadRowOut(BaseModel):
    key: int
    name: str
    currency: str
    lessons_held: int
    hours_taught: Decimal
    booked_hours: Decimal
    offered_hours: Decimal | None
    utilization: Decimal | None
    students: int
    cancelled: int
    late_cancelled: int
    no_show: int
    revenue_expected: Decimal
    revenue_paid: Decimal
    requests: int
    trials: int
    converted: int
    conversion: Decimal | None
    cancelled_lessons: int
    statuses: dict[str, int]


class ReportOut(BaseModel):
    report: str
    period_from: str
    period_to: str
    timezone: str
    statuses: list[str]
    rows: list[LoadRowOut]


def _body(r: reports.Report) -> dict[str, Any]:
    return {
        "report": "teacher-load" if r.kind == "tutor" else "subject-load",
        "period_from": r.period.first.isoformat(),
        "period_to": r.period.last.isoformat(),
        "timezone": r.period.tz.key,
        "statuses": r.statuses,
        "rows": [asdict(row) for row in r.rows],
    }


def _report(  # noqa: PLR0913 - the request's parts, handed over in one hop
    kind: str, request: Request, authorization: str | None, args: tuple[str, ...], fmt: str
) -> Response:
    user = caller(request, authorization, "admin", "tutor")
    tz, preset, first, last = args
    now = clock.now()
    period = periods.resolve(
        tz_name=tz or user.timezone or "UTC", now=now, preset=preset, first=first, last=last
    )
    r = reports.report(kind, user.role, user.id, period, now=now)
    if fmt == "csv":
        name = f"{_body(r)['report']}-{period.first}-{period.last}.csv"
        return csv_response(iter([reports.report_csv(r)]), name)
    return json_response(_body(r))


@router.get("/api/v1/reports/teacher-load", response_model=ReportOut, responses=CSV_TOO)
async def teacher_load(  # noqa: PLR0913 - query parameters
    request: Request,
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    period: Annotated[str, Query(max_length=12)] = "",
    tz: TimeZoneName | None = None,
    format: Literal["json", "csv"] = "json",  # noqa: A002 - the query parameter's name
    authorization: str | None = Header(None),
) -> Response:
    """Per tutor: lessons held, cancellations, no-shows, hours, students, utilization,
    revenue expected and paid, demand (README "Running the school")."""
    args = (tz or "", period, date_from, date_to)
    return await off_loop(_report, "tutor", request, authorization, args, format)


@router.get("/api/v1/reports/subject-load", response_model=ReportOut, responses=CSV_TOO)
async def subject_load(  # noqa: PLR0913 - query parameters
    request: Request,
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    period: Annotated[str, Query(max_length=12)] = "",
    tz: TimeZoneName | None = None,
    format: Literal["json", "csv"] = "json",  # noqa: A002 - the query parameter's name
    authorization: str | None = Header(None),
) -> Response:
    """Per subject (and currency): the same numbers plus demand: requests, trials and the
    conversion of trials into regular lessons."""
    args = (tz or "", period, date_from, date_to)
    return await off_loop(_report, "subject", request, authorization, args, format)
