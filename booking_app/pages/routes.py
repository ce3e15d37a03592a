"""Route constants and the navigation of each role (one place, so links never drift)."""

from __future__ import annotations

LANDING = "/"
LOGIN = "/login"
REGISTER = "/register"
HOME = "/home"
ADMIN = "/admin"

# (label, href, icon) per role; only pages that exist are listed.
NAV_BY_ROLE: dict[str, list[tuple[str, str, str]]] = {
    "tutor": [("Home", HOME, "house")],
    "student": [("Home", HOME, "house")],
    "admin": [("Home", HOME, "house"), ("Admin panel", ADMIN, "shield")],
}
