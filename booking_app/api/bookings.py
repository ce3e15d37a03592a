"""Public booking routes: the private link's JSON and its .ics download.

No session needed: the UUID4 token in the path is the capability (the same rule as the
/booking/<token> page). Domain errors become {"error", "detail"} through the app's
handlers, so an unknown token is a 404 and a bad time zone a 422, never a 500.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from booking_app import clock
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import TimeZoneName
from booking_app.services import booking as booking_service
from booking_app.services.booking.manage import BookingDetailView

router = APIRouter()


def _ics(token: str) -> Response:
    filename, body = booking_service.booking_ics(token)
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


def _booking(token: str, tz: str) -> Response:
    return json_response(asdict(booking_service.get_booking(token, viewer_tz=tz, now=clock.now())))


@router.get("/api/v1/bookings/{token}", tags=["bookings"], response_model=BookingDetailView)
async def booking_by_token(token: str, tz: TimeZoneName = "UTC") -> Response:
    """Public booking by token; times labelled in ``tz`` (IANA name)."""
    return await off_loop(_booking, token, tz)
