"""The ACL matrix: every /api/v1 route x every kind of caller -> the expected status.

One table (`ROWS`); a route added on any branch needs one row here, or
`test_every_route_has_a_row` fails. Status order (tests/support/acl.py IDENTITIES):

    anonymous  student  other_student  tutor  other_tutor  admin  read-only token (tutor's)

Each cell runs against fresh rows (tests/support/acl.py:build_world); the connected
calendars' rows reach a real feed server and a real Radicale on loopback (started once for
the module), so the tutor's cells are the routes' successes. Negative control:
`test_a_route_without_its_guard_fails_the_matrix` removes one route's role check and
shows the matrix catches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from booking_app.api import classroom
from booking_app.api.app import api
from booking_app.config import get_settings
from tests.support import calendar_feeds
from tests.support.acl import CalendarServers, Row, build_world, mismatches
from tests.support.feed_server import Feed, feed_server
from tests.support.radicale_server import PASSWORD, USER, radicale

NEW_USER = {"name": "New User", "email": "new{serial}@example.com", "phone": "+380671234567",
            "password": "long-enough-1", "role": "student", "timezone": "UTC"}  # fmt: skip
LESSON = {"student_id": "{student}", "start_local": "{start}", "duration_min": 60}
BOOKING = {"tutor_id": "{tutor}", "service_id": "{service_id}", "start": "{slot}",
           "name": "Ivan Guest", "phone": "+380671112233", "telegram_username": "@ivan_guest"}  # fmt: skip
SERVICE = {"name": "Service {serial}", "price": "450.00"}
CALDAV = {"url": "{caldav_url}", "username": "{caldav_user}", "password": "{caldav_password}"}

ROWS = [
    #   method  path                                    anon stu oth  tut  otut adm  read
    Row("GET", "/api/v1/me",                           "401 200 200 200 200 200 200"),
    Row("POST", "/api/v1/auth/token",                  "422 422 422 422 422 422 422"),
    Row("POST", "/api/v1/auth/refresh",                "401 401 401 401 401 401 401",
        json={"refresh_token": "tbk_rt_unknown"}),
    Row("GET", "/api/v1/tokens",                       "401 200 200 200 200 200 200"),
    Row("POST", "/api/v1/tokens",                      "401 201 201 201 201 201 403",
        json={"name": "script", "scope": "read"}),
    Row("DELETE", "/api/v1/tokens/{token_id}",         "401 404 404 204 404 404 403"),
    Row("GET", "/api/v1/bookings/{token}",     "200 200 200 200 200 200 200"),
    Row("GET", "/api/v1/lessons/{lesson_id}/room",        "401 200 404 200 404 404 200"),
    Row("GET", "/api/v1/classroom/by-booking/{token}", "401 200 404 200 404 404 200"),
    Row("GET", "/api/v1/classroom/{session_uuid}",     "401 200 404 200 404 404 200"),
    Row("PUT", "/api/v1/classroom/{session_uuid}/notes", "401 200 404 200 404 404 403",
        json={"text": "Plan: fractions"}),
    Row("POST", "/api/v1/lessons/{lesson_id}/invite",     "401 403 403 200 404 403 403"),
    Row("GET", "/api/v1/lesson-invites/resolve",       "401 200 403 200 403 403 403",
        params={"token": "{lesson_invite}"}),
    Row("POST", "/api/v1/classroom-invites",           "401 403 403 200 200 403 403"),
    Row("POST", "/api/v1/classroom-invites/accept",    "401 200 200 403 403 403 403",
        params={"token": "{classroom_invite}"}),
    Row("GET", "/api/v1/invites",                      "401 403 403 200 200 403 200"),
    Row("POST", "/api/v1/invites/revoke-all",          "401 403 403 200 200 403 403"),
    Row("POST", "/api/v1/invites/{invite_id}/revoke",  "401 403 403 200 404 403 403"),
    Row("GET", "/api/v1/my-students",                  "401 403 403 200 200 403 200"),
    Row("POST", "/api/v1/lessons",                     "401 403 403 200 403 403 403",
        json=LESSON),
    Row("GET", "/api/v1/dashboard",                    "401 200 200 200 200 403 200"),
    Row("GET", "/api/v1/admin/users",                  "401 403 403 403 403 200 403"),
    Row("POST", "/api/v1/admin/users",                 "401 403 403 403 403 201 403",
        json=NEW_USER),
    Row("GET", "/api/v1/admin/users/{user_id}",        "401 403 403 403 403 200 403"),
    Row("PATCH", "/api/v1/admin/users/{user_id}",      "401 403 403 403 403 200 403",
        json={"name": "Renamed"}),
    Row("DELETE", "/api/v1/admin/users/{user_id}",     "401 403 403 403 403 204 403"),
    Row("GET", "/api/v1/admin/tutors",                 "401 403 403 403 403 200 403"),
    Row("DELETE", "/api/v1/admin/tutors/{user_id}",    "401 403 403 403 403 404 403"),
    Row("GET", "/api/v1/admin/subjects",               "401 403 403 403 403 200 403"),
    Row("POST", "/api/v1/admin/subjects",              "401 403 403 403 403 201 403",
        json={"name": "New subject {serial}"}),
    Row("PATCH", "/api/v1/admin/subjects/{subject_id}", "401 403 403 403 403 200 403",
        json={"name": "Renamed {serial}"}),
    Row("DELETE", "/api/v1/admin/subjects/{subject_id}", "401 403 403 403 403 204 403"),
    # the private link's calendar file: the token is the capability, like the booking
    Row("GET", "/api/v1/bookings/{token}/calendar.ics", "200 200 200 200 200 200 200"),
    # webhooks: tutors (their own) and admins (all); the tutor owns {endpoint_id}
    Row("GET", "/api/v1/webhooks",                     "401 403 403 200 200 200 200"),
    Row("POST", "/api/v1/webhooks",                    "401 403 403 201 201 201 403",
        json={"url": "https://example.com/new-hook", "events": ["lesson.moved"]}),
    Row("GET", "/api/v1/webhooks/{endpoint_id}",        "401 403 403 200 404 200 200"),
    Row("PATCH", "/api/v1/webhooks/{endpoint_id}",      "401 403 403 200 404 200 403",
        json={"events": ["booking.created", "booking.cancelled"]}),
    Row("DELETE", "/api/v1/webhooks/{endpoint_id}",     "401 403 403 204 404 204 403"),
    Row("POST", "/api/v1/webhooks/{endpoint_id}/rotate-secret",
                                                       "401 403 403 200 404 200 403"),
    Row("GET", "/api/v1/webhooks/{endpoint_id}/deliveries",
                                                       "401 403 403 200 404 200 200"),
    Row("POST", "/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
                                                       "401 403 403 200 404 200 403"),
    # bookings by id (README "Using the API: resources"): the booking's student, its tutor,
    # any admin; anyone else's is 404; an action the role may not take is 403
    Row("POST", "/api/v1/bookings",                    "201 201 201 403 403 403 403",
        json=BOOKING),
    Row("GET", "/api/v1/bookings/{booking_id}",        "401 200 404 200 404 200 200"),
    Row("PATCH", "/api/v1/bookings/{booking_id}",      "401 403 404 200 404 200 403",
        json={"action": "mark_paid"}),
    Row("DELETE", "/api/v1/bookings/{booking_id}",     "401 200 404 200 404 200 403"),
    # the bookings list: students theirs, tutors theirs, admins all; bulk paid: tutors'
    Row("GET", "/api/v1/bookings",                     "401 200 200 200 200 200 200"),
    Row("GET", "/api/v1/bookings/export.csv",          "401 200 200 200 200 200 200"),
    Row("POST", "/api/v1/bookings/mark-paid",          "401 403 403 200 404 403 403",
        json={"ids": ["{booking_id}"]}),
    # reports and CSV exports: tutors (their own) and admins (everyone's); others 403
    Row("GET", "/api/v1/reports/teacher-load",         "401 403 403 200 200 200 200"),
    Row("GET", "/api/v1/reports/subject-load",         "401 403 403 200 200 200 200"),
    Row("GET", "/api/v1/lessons/export.csv",           "401 403 403 200 200 200 200"),
    Row("GET", "/api/v1/students/export.csv",          "401 403 403 200 200 200 200"),
    # slots of a published tutor: public
    Row("GET", "/api/v1/tutors/{slug}/slots",          "200 200 200 200 200 200 200"),
    # calendar: the week and the lessons range (tutor, student); publish/move/cancel: tutor
    Row("GET", "/api/v1/calendar/week",                "401 200 200 200 200 403 200"),
    Row("GET", "/api/v1/lessons",                      "401 200 200 200 200 403 200",
        params={"from": "2099-01-01", "to": "2099-01-31"}),
    Row("POST", "/api/v1/calendar/lessons",            "401 403 403 201 201 403 403",
        json={"start_local": "{start}", "duration_min": 60}),
    Row("PATCH", "/api/v1/lessons/{lesson_id}",        "401 403 403 200 404 403 403",
        json={"start_local": "{start}"}),
    Row("DELETE", "/api/v1/lessons/{lesson_id}",       "401 403 403 200 404 403 403"),
    # the tutor's workspace: services and availability (tutors only, their own)
    Row("GET", "/api/v1/services",                     "401 403 403 200 200 403 200"),
    Row("POST", "/api/v1/services",                    "401 403 403 201 201 403 403",
        json=SERVICE),
    Row("GET", "/api/v1/services/{service_id}",        "401 403 403 200 404 403 200"),
    Row("PUT", "/api/v1/services/{service_id}",        "401 403 403 200 404 403 403",
        json=SERVICE),
    Row("PATCH", "/api/v1/services/{service_id}",      "401 403 403 200 404 403 403",
        json={"is_active": False}),
    Row("DELETE", "/api/v1/services/{service_id}",     "401 403 403 200 404 403 403"),
    Row("GET", "/api/v1/availability",                 "401 403 403 200 200 403 200"),
    Row("PUT", "/api/v1/availability/weekly",          "401 403 403 200 200 403 403",
        json={"windows": [{"weekday": 0, "start": "09:00", "end": "13:00"}]}),
    Row("PUT", "/api/v1/availability/overrides/{day}",
                                                       "401 403 403 200 200 403 403",
        json={"closed": True}),
    Row("DELETE", "/api/v1/availability/overrides/{day}",
                                                       "401 403 403 204 404 403 403"),
    Row("POST", "/api/v1/availability/busy-blocks",    "401 403 403 201 201 403 403",
        json={"start_local": "2099-03-02T10:00", "end_local": "2099-03-02T11:00"}),
    Row("PATCH", "/api/v1/availability/busy-blocks/{block_id}",
                                                       "401 403 403 200 404 403 403",
        json={"start_local": "2099-02-02T12:00", "end_local": "2099-02-02T13:00"}),
    Row("DELETE", "/api/v1/availability/busy-blocks/{block_id}",
                                                       "401 403 403 204 404 403 403"),
    Row("PUT", "/api/v1/availability/rules",           "401 403 403 200 200 403 403",
        json={"min_notice_hours": 2}),
    # the tutor pages' actions: the lesson's tutor (outcome: or an admin, the outcome rule)
    Row("PUT", "/api/v1/lessons/{lesson_id}/outcome",  "401 403 403 200 404 200 403",
        json={"outcome": "held"}, use={"lesson_id": "started_id"}),
    Row("POST", "/api/v1/lessons/{lesson_id}/confirm", "401 403 403 200 404 403 403",
        use={"lesson_id": "tentative_id"}),
    Row("PUT", "/api/v1/lessons/{lesson_id}/payment",  "401 403 403 200 404 403 403",
        json={"booking_id": "{booking_id}", "paid": True}),
    Row("PUT", "/api/v1/lessons/{lesson_id}/notes",    "401 403 403 200 404 403 403",
        json={"notes": "Bring the workbook."}),
    Row("GET", "/api/v1/profile",                      "401 403 403 200 200 403 200"),
    Row("PATCH", "/api/v1/profile",                    "401 403 403 200 200 403 403",
        json={"headline": "Maths for grades 5-11"}),
    Row("DELETE", "/api/v1/my-students/{student_id}",  "401 403 403 204 404 403 403",
        use={"student_id": "student"}),
    # one seat of a lesson: its tutor, or an admin (audited); students cancel theirs by id
    Row("DELETE", "/api/v1/lessons/{lesson_id}/seats/{booking_id}",
                                                       "401 403 403 200 404 200 403"),
    # connected calendars (tutors, their own; {source_id}: the tutor's iCal source or
    # CalDAV account) and the subscription feed (tutors and students, their own)
    Row("GET", "/api/v1/connected-calendars",          "401 403 403 200 200 403 200"),
    Row("POST", "/api/v1/connected-calendars/ical",    "401 403 403 201 201 403 403",
        json={"url": "{feed_url}", "name": "Work"}),
    Row("POST", "/api/v1/connected-calendars/caldav",  "401 403 403 201 201 403 403",
        json=CALDAV),
    Row("GET", "/api/v1/connected-calendars/{source_id}/calendars",
                                                       "401 403 403 200 404 403 200",
        use={"source_id": "caldav_source_id"}),
    Row("PUT", "/api/v1/connected-calendars/{source_id}/calendars",
                                                       "401 403 403 200 404 403 403",
        json={"push": "{push_calendar}", "pull": []}, use={"source_id": "caldav_source_id"}),
    Row("POST", "/api/v1/connected-calendars/{source_id}/refresh",
                                                       "401 403 403 200 404 403 403"),
    Row("DELETE", "/api/v1/connected-calendars/{source_id}",
                                                       "401 403 403 204 404 403 403"),
    Row("GET", "/api/v1/calendar-feed",                "401 200 200 200 200 403 200"),
    Row("POST", "/api/v1/calendar-feed",               "401 200 200 200 200 403 403"),
    Row("DELETE", "/api/v1/calendar-feed",             "401 204 204 204 204 403 403"),
]  # fmt: skip


def _routes() -> set[str]:
    return {
        f"{method} {context.path_format}"
        for context in iter_route_contexts(api.routes)
        if isinstance(context.original_route, APIRoute)
        and context.path_format.startswith("/api/v1/")
        for method in set(context.methods or ()) - {"HEAD"}
    }


def test_every_route_has_a_row() -> None:
    keys = [row.key for row in ROWS]
    assert len(keys) == len(set(keys)), "one row per route"
    assert set(keys) == _routes(), "add a row for every /api/v1 route (and drop gone ones)"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CalendarServers]:
    """A feed server and a Radicale on loopback for the connected calendars' rows."""
    with pytest.MonkeyPatch.context() as env, feed_server() as feeds:
        env.setenv("CALENDAR_ALLOW_PRIVATE_URLS", "1")
        env.setenv("CALENDAR_FETCH_TIMEOUT_SECONDS", "3")
        get_settings.cache_clear()
        feeds.feeds["/acl.ics"] = Feed(body=calendar_feeds.dentist_monday())
        with radicale(Path(tmp_path_factory.mktemp("radicale"))) as dav:
            push = str(dav.calendar("acl-lessons").url)
            yield CalendarServers(feeds.url("/acl.ics"), dav.url, push, USER, PASSWORD)
    get_settings.cache_clear()


@pytest.mark.parametrize("row", ROWS, ids=[row.key for row in ROWS])
def test_matrix(sqlite_db: str, servers: CalendarServers, row: Row) -> None:
    assert mismatches(TestClient(api), row, lambda: build_world(servers)) == []


def test_a_route_without_its_guard_fails_the_matrix(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Negative control: the invites list without its tutor-only check is caught."""
    real = classroom._user
    monkeypatch.setattr(
        classroom,
        "_user",
        lambda request, authorization, *roles, write=False: real(
            request, authorization, write=write
        ),
    )
    row = next(r for r in ROWS if r.key == "GET /api/v1/invites")
    wrong = mismatches(TestClient(api), row)
    assert any("as student" in line for line in wrong), wrong
