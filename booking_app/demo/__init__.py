"""Demo data: three tutors, four students and a lived-in week, so a fresh install has
something to click through (marketplace, calendar, pending requests, classroom, reports).

``plan`` is the cast and the week as plain data; ``seed`` writes it through the app's
services (deterministic from `now`, idempotent, all or nothing).
"""

from booking_app.demo.plan import DEMO_PASSWORD, DemoLogin, demo_logins
from booking_app.demo.seed import has_any_user, seed_demo_data

__all__ = ["DEMO_PASSWORD", "DemoLogin", "demo_logins", "has_any_user", "seed_demo_data"]
