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

# Served by the backend (starlette-admin), not the SPA: links need a full page load.
SERVER_PAGES = frozenset({ADMIN})

# (label, href, icon) per role; only pages that exist are listed.
NAV_BY_ROLE: dict[str, list[tuple[str, str, str]]] = {
    "tutor": [
        ("Home", HOME, "house"),
        ("Services", TUTOR_SERVICES, "briefcase"),
        ("Availability", TUTOR_AVAILABILITY, "clock"),
        ("Lessons", TUTOR_LESSONS, "calendar"),
    ],
    "student": [("Home", HOME, "house")],
    "admin": [("Home", HOME, "house"), ("Admin panel", ADMIN, "shield")],
}
