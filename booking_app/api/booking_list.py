"""The bookings list over HTTP: GET /api/v1/bookings, its CSV, and bulk "mark paid".

Who sees what is the service's rule (services/booking_list.py): a student their own
bookings, a tutor theirs, an admin everyone's. Pages: ``limit`` (1-200) and ``offset``;
the total is in ``X-Total-Count`` and the neighbouring pages in ``Link`` (RFC 8288,
rel="first"/"prev"/"next"/"last"). The booking token (the private link's capability) is
never part of a row. Errors are the app's {"error", "detail"} (422 `validation_failed`
with `fields` for a bad filter).

Included before routes with a path parameter under /api/v1/bookings/ (api/app.py), so
``export.csv`` is not read as a booking token.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, RootModel, TypeAdapter

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.offload import off_loop
from booking_app.api.params import Id, TimeZoneName
from booking_app.services import booking_list, timefmt
from booking_app.services.booking_list import ListQuery, Viewer

router = APIRouter(tags=["bookings"])

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


class BookingOut(BaseModel):
    """One booking of the list (times ISO-8601 in the viewer's zone; amounts as decimal
    strings)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    lesson_id: int
    lesson_title: str
    service_id: int | None
    service_name: str | None
    tutor_id: int
    tutor_name: str
    student_id: int | None
    client_name: str
    client_phone: str
    client_email: str | None
    status: str
    kind: str
    source: str
    price: Decimal
    currency: str
    payment_status: str
    paid_amount: Decimal | None
    paid_at: datetime | None
    created_at: datetime


class BookingList(RootModel[list[BookingOut]]):
    """One page of bookings; `X-Total-Count` and `Link` headers carry the rest."""


class MarkPaid(BaseModel):
    ids: list[Id] = Field(min_length=1, max_length=booking_list.MAX_BULK)


_ROWS = TypeAdapter(list[BookingOut])


def _query(  # noqa: PLR0913 - the list's filters, one parameter each
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    status: Annotated[list[str] | None, Query(max_length=20)] = None,
    service_id: Id | None = None,
    tutor_id: Id | None = None,
    student_id: Id | None = None,
    paid: Annotated[str, Query(max_length=6)] = "",
    sort: Annotated[str, Query(max_length=10)] = "start",
    limit: Annotated[int, Query(ge=1, le=booking_list.MAX_LIMIT)] = booking_list.DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> ListQuery:
    # "status=pending&status=confirmed" and "status=pending,confirmed" both work.
    statuses = tuple(s for raw in status or () for s in raw.split(",") if s)
    return ListQuery(
        date_from, date_to, statuses, service_id, tutor_id, student_id, paid, sort, limit, offset
    )


def _viewer(request: Request, authorization: str | None, tz: str | None) -> Viewer:
    user = caller(request, authorization)
    return Viewer(user.id, user.role, tz or user.timezone or "UTC")


def _link(request: Request, page: booking_list.BookingPage) -> str:
    """RFC 8288 links to the first, previous, next and last pages of the same query."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]

    def url(offset: int) -> str:
        return f"{request.url.path}?{urlencode([*params, ('offset', str(offset))])}"

    last = max(0, (page.total - 1) // page.limit * page.limit)
    links = [(0, "first")]
    if page.offset > 0:
        links.append((max(0, page.offset - page.limit), "prev"))
    if page.offset + page.limit < page.total:
        links.append((page.offset + page.limit, "next"))
    links.append((last, "last"))
    return ", ".join(f'<{url(o)}>; rel="{rel}"' for o, rel in links)


def _list(request: Request, authorization: str | None, tz: str | None, q: ListQuery) -> Response:
    viewer = _viewer(request, authorization, tz)
    page = booking_list.list_bookings(viewer, q)
    zone = timefmt.zone_or_utc(viewer.timezone)
    rows = [
        BookingOut(
            **{
                **r._asdict(),
                "starts_at": r.starts_at.astimezone(zone),
                "ends_at": r.ends_at.astimezone(zone),
                "paid_at": r.paid_at.astimezone(zone) if r.paid_at else None,
                "created_at": r.created_at.astimezone(zone),
            }
        )
        for r in page.rows
    ]
    headers = {"X-Total-Count": str(page.total), "Link": _link(request, page)}
    return Response(_ROWS.dump_json(rows), media_type="application/json", headers=headers)


@router.get("/api/v1/bookings", response_model=BookingList)
async def list_bookings(
    request: Request,
    q: Annotated[ListQuery, Depends(_query)],
    tz: TimeZoneName | None = None,
    authorization: str | None = Header(None),
) -> Response:
    """The caller's bookings (students: theirs, tutors: theirs, admins: all), filtered by
    lesson date (``from``/``to``, YYYY-MM-DD in ``tz``, inclusive), ``status`` (repeat or
    comma-separate), ``service_id``, ``tutor_id``, ``student_id``, ``paid`` (paid /
    unpaid), ``sort`` (start, created, status, price, name; "-" first for descending)."""
    return await off_loop(_list, request, authorization, tz, q)


def _export(
    request: Request, authorization: str | None, tz: str | None, q: ListQuery
) -> Iterator[bytes]:
    return booking_list.export_csv(_viewer(request, authorization, tz), q)


@router.get(
    "/api/v1/bookings/export.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM, ';'"}},
)
async def export_bookings(
    request: Request,
    q: Annotated[ListQuery, Depends(_query)],
    tz: TimeZoneName | None = None,
    authorization: str | None = Header(None),
) -> StreamingResponse:
    """The same bookings as GET /api/v1/bookings with the same filters (every page) as a
    CSV that Excel opens in a Ukrainian or Russian locale (README "Running the school")."""
    chunks = await off_loop(_export, request, authorization, tz, q)
    return csv_response(chunks, f"bookings-{clock.now():%Y%m%d-%H%M}.csv")


def csv_response(chunks: Iterator[bytes], filename: str) -> StreamingResponse:
    """A streamed CSV download (Starlette pulls a sync iterator in a worker thread)."""
    return StreamingResponse(
        chunks,
        media_type=CSV_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


class MarkPaidOut(BaseModel):
    changed: int = Field(description="How many bookings were marked paid")


def _mark_paid(request: Request, authorization: str | None, ids: list[int]) -> MarkPaidOut:
    user = caller(request, authorization, "tutor", write=True)
    return MarkPaidOut(changed=booking_list.mark_paid(user.id, ids, now=clock.now()))


@router.post("/api/v1/bookings/mark-paid", response_model=MarkPaidOut)
async def mark_paid(
    body: MarkPaid, request: Request, authorization: str | None = Header(None)
) -> MarkPaidOut:
    """Tutors: mark these bookings of theirs paid (their price as the amount). All or
    nothing: one id that is not the tutor's -> 404 and nothing changes."""
    return await off_loop(_mark_paid, request, authorization, body.ids)
