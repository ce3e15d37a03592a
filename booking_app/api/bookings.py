"""Public booking routes: the private link's JSON and its .ics download.

No session needed: the UUID4 token in the path is the capability (the same rule as the
/booking/<token> page). Domain errors become {"error", "detail"} through the app's
handlers, so an unknown token is a 404 and a bad time zone a 422, never a 500.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Header, Response

from booking_app.api import read_cache
from booking_app.api.offload import off_loop
from booking_app.api.params import TimeZoneName
from booking_app.services import booking as booking_service
from booking_app.services.booking.manage import BookingDetailView

router = APIRouter()


def _ics(token: str) -> Response:
    versions = booking_service.booking_version(token)
    minute = read_cache.this_minute().isoformat()
    filename, body = read_cache.versioned(
        ("booking.ics", token, versions, minute), lambda: booking_service.booking_ics(token)
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/api/v1/bookings/{token}/calendar.ics", include_in_schema=False)
async def booking_ics(token: str) -> Response:
    """The booking as a calendar file ("Add to calendar"; routes.booking_ics_url)."""
    return await off_loop(_ics, token)


@router.get("/booking/{token}.ics", include_in_schema=False)
async def booking_ics_old_address(token: str) -> Response:
    """The address pages linked to before issue 17, kept for links already shared."""
    return await off_loop(_ics, token)


def _booking(token: str, tz: str, if_none_match: str | None) -> Response:
    versions = booking_service.booking_version(token, viewer_tz=tz)  # before building
    return read_cache.versioned_json(
        ("booking", token, tz, versions),
        lambda minute: asdict(booking_service.get_booking(token, viewer_tz=tz, now=minute)),
        if_none_match=if_none_match,
    )


@router.get("/api/v1/bookings/{token}", tags=["bookings"], response_model=BookingDetailView)
async def booking_by_token(
    token: str, tz: TimeZoneName = "UTC", if_none_match: str | None = Header(None)
) -> Response:
    """Public booking by token; times labelled in ``tz`` (IANA name). Repeated reads
    are answered from the API's read cache while neither the tutor's nor the student's
    data version moved (at most a minute: api/read_cache.py), with an ETag."""
    return await off_loop(_booking, token, tz, if_none_match)
