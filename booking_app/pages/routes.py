"""Route constants and the navigation of each role (one place, so links never drift)."""

from __future__ import annotations

LANDING = "/"
LOGIN = "/login"
REGISTER = "/register"
HOME = "/home"
ADMIN = "/admin"
TUTOR_SERVICES = "/tutor/services"
TUTOR_AVAILABILITY = "/tutor/availability"
TUTOR_LESSONS = "/tutor/lessons"
TUTOR_REQUESTS = "/tutor/requests"
TUTOR_PROFILE = "/tutor/profile"
TUTOR_PUBLIC = "/t/[slug]"
BOOKING = "/booking/[token]"
MY_BOOKINGS = "/my/bookings"
CLASSROOM = "/classroom/[session_uuid]"
TUTOR_STUDENTS = "/tutor/students"
INVITE_LESSON = "/invite/lesson/[token]"
INVITE_CLASSROOM = "/invite/classroom/[token]"
CALENDAR = "/calendar"
# An API route (not a page): where forms with secrets submit natively if pressed before
# the page has hydrated; it answers 303 back to `?to=` without reading the body.
FORM_NOT_READY = "/api/auth/form-not-ready"


def tutor_public_url(slug: str) -> str:
    return f"/t/{slug}"


def booking_url(token: str) -> str:
    return f"/booking/{token}"


def classroom_url(session_uuid: str) -> str:
    return f"/classroom/{session_uuid}"


# Served by the backend (starlette-admin), not the SPA: links need a full page load.
SERVER_PAGES = frozenset({ADMIN})

# (label, href, icon) per role; only pages that exist are listed.
NAV_BY_ROLE: dict[str, list[tuple[str, str, str]]] = {
    "tutor": [
        ("Home", HOME, "house"),
        ("Services", TUTOR_SERVICES, "briefcase"),
        ("Availability", TUTOR_AVAILABILITY, "clock"),
        ("Calendar", CALENDAR, "calendar-days"),
        ("Lessons", TUTOR_LESSONS, "calendar"),
        ("Requests", TUTOR_REQUESTS, "inbox"),
        ("Students", TUTOR_STUDENTS, "users"),
        ("Profile", TUTOR_PROFILE, "user"),
    ],
    "student": [
        ("Home", HOME, "house"),
        ("Find a tutor", LANDING, "search"),
        ("My bookings", MY_BOOKINGS, "calendar-check"),
        ("Calendar", CALENDAR, "calendar-days"),
    ],
    "admin": [("Home", HOME, "house"), ("Admin panel", ADMIN, "shield")],
}
