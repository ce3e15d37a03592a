"""Bookings, by use case: create (book a slot or a seat), manage (the private link),
requests (the tutor's answers), views (what the pages show, the student's list), seats
(the rows behind a seat, shared by all of them).

Every write goes through services/schedule_write.py (lock, re-check with the engine,
write, announce). Import the use cases from here: ``from booking_app.services import
booking`` then ``booking.create_booking(...)``.
"""

from booking_app.services.booking.create import BookingForm, create_booking, parse_start
from booking_app.services.booking.manage import (
    booking_ics,
    booking_version,
    cancel_booking,
    get_booking,
    reschedule_booking,
    reschedule_options,
)
from booking_app.services.booking.overlap import busy_slots, overlap_mode
from booking_app.services.booking.requests import (
    confirm_booking,
    decline_booking,
    pending_count,
    pending_requests,
)
from booking_app.services.booking.views import (
    STATUS_LABELS,
    BookingDetailView,
    RequestView,
    StudentBookingsView,
    long_label,
    student_booking_token,
    student_bookings,
    telegram_link,
)

__all__ = [
    "STATUS_LABELS",
    "BookingDetailView",
    "BookingForm",
    "RequestView",
    "StudentBookingsView",
    "booking_ics",
    "booking_version",
    "busy_slots",
    "cancel_booking",
    "confirm_booking",
    "create_booking",
    "decline_booking",
    "get_booking",
    "long_label",
    "overlap_mode",
    "parse_start",
    "pending_count",
    "pending_requests",
    "reschedule_booking",
    "reschedule_options",
    "student_booking_token",
    "student_bookings",
    "telegram_link",
]
