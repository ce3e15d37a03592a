"""Booking changes made in the background (the worker process, not the web app).

The service commits and then announces the change (booking_app.realtime): from this
process that is a POST to the app's internal endpoint, so the tutor's and the student's
open pages update without a reload.
"""

from __future__ import annotations

from booking_app import clock
from booking_app.services import booking as booking_service
from booking_app.services.errors import DomainError
from tasks.celery_app import app

CANCEL_BOOKING = "tasks.bookings.cancel_booking"


@app.task(name=CANCEL_BOOKING)
def cancel_booking_task(token: str, reason: str = "") -> str:
    """Cancel a booking by its token; returns the new status, or the refusal's code."""
    try:
        view = booking_service.cancel_booking(token, now=clock.now(), reason=reason)
    except DomainError as exc:  # already cancelled, started, unknown: nothing to retry
        return exc.code
    return view.status
