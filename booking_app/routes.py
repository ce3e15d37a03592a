"""Routes, URL builders and the navigation of each role: the one place links are spelled.

Every module may import this one (it imports nothing of the app). Pages register their
route with a decorator of `booking_app.state.page`; links are built here, never typed out,
so a route change is one edit. The builders accept Reflex Vars as well as strings (an
f-string of a Var is a Var): `routes.booking_url(row.token)` works inside a component.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

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
TUTOR_CALENDARS = "/tutor/calendars"  # connected calendars (issue 17)
TUTOR_PUBLIC = "/t/[slug]"
BOOKING = "/booking/[token]"
MY_BOOKINGS = "/my/bookings"
CLASSROOM = "/classroom/[session_uuid]"
TUTOR_STUDENTS = "/tutor/students"
INVITE_LESSON = "/invite/lesson/[token]"
INVITE_CLASSROOM = "/invite/classroom/[token]"
CALENDAR = "/calendar"
WEBHOOKS = "/webhooks"
TUTOR_BOOKINGS = "/tutor/bookings"
REPORTS = "/reports"
# An API route (not a page): where forms with secrets submit natively if pressed before
# the page has hydrated; it answers 303 back to `?to=` without reading the body.
FORM_NOT_READY = "/api/auth/form-not-ready"


def _prefix(route: str) -> str:
    """ "/t/[slug]" -> "/t/": the part of a dynamic route before its segment."""
    return route.split("[", 1)[0]


def is_on(path: str, route: str) -> bool:
    """Whether the browser `path` is a page of the dynamic `route`."""
    return (path or "").startswith(_prefix(route))


def route_arg(path: str, route: str) -> str:
    """The dynamic segment of `path` on `route`: ("/t/olena-k?x=1", TUTOR_PUBLIC) -> "olena-k"
    ("" when `path` is not on `route`)."""
    prefix = _prefix(route)
    path = (path or "").split("?", 1)[0].rstrip("/")
    if not path.startswith(prefix):
        return ""
    return path[len(prefix) :].split("/", 1)[0]


def _with_query(path: str, query: Mapping[str, object] | None) -> str:
    kept = {k: v for k, v in (query or {}).items() if v not in ("", None, 0)}
    return f"{path}?{urlencode(kept)}" if kept else path


def tutor_public_url(slug: str, query: Mapping[str, object] | None = None) -> str:
    """The tutor's public page; `query` (empty values dropped) preselects e.g. a service."""
    return _with_query(f"{_prefix(TUTOR_PUBLIC)}{slug}", query)


def booking_url(token: str, *, new: bool = False) -> str:
    """The private booking page; `new` shows the "Booked!" banner."""
    return f"{_prefix(BOOKING)}{token}" + ("?new=1" if new else "")


def booking_ics_url(token: str) -> str:
    """The private booking's calendar file: an API route under /api/ (proxies send /api to
    the backend; the SPA's router and its catch-all never see it)."""
    return f"/api/v1/bookings/{token}/calendar.ics"


def calendar_feed_url(secret: str) -> str:
    """A user's subscription feed (services/calendar_feeds.py), also under /api/."""
    return f"/api/feeds/{secret}.ics"


def classroom_url(session_uuid: str) -> str:
    return f"{_prefix(CLASSROOM)}{session_uuid}"


def login_url(next_path: str = "") -> str:
    """Sign-in, coming back to `next_path` afterwards."""
    return f"{LOGIN}?next={quote(next_path)}" if next_path else LOGIN


def register_url(next_path: str = "", *, role: str = "") -> str:
    """Registration (as `role`, when given), coming back to `next_path` afterwards."""
    return _with_query(REGISTER, {"role": role, "next": next_path})


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


def add_nav(role: str, label: str, href: str, icon: str) -> None:
    """Add a page to a role's navigation (the page decorators' `nav=`); once per href."""
    entries = NAV_BY_ROLE.setdefault(role, [])
    if all(existing != href for _, existing, _ in entries):
        entries.append((label, href, icon))
