"""The admin Bookings list filters (issue 18, item 4): by tutor, service, student, status,
payment and lesson start, days in the ADMIN's zone; the same meaning as the tutor's list,
the API and the CSV (services/booking_list.py); the export follows the filter; a filter it
cannot read is a 400 with the reason, never a 500.

Driven through the real starlette-admin routes with the ``filter`` parameter the list
page's filter builder writes (``field__op=value``, ``AND`` / ``OR``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import time

import pytest
from fastapi.testclient import TestClient

from booking_app.db import session_scope
from booking_app.models import Role, User
from booking_app.services import admin_ops, booking_list
from booking_app.services import booking as booking_svc
from tests.integration.admin_helpers import client_for, csrf_token
from tests.support import clock
from tests.support.builders import NOW, add_service, add_student, add_tutor, booking_row, form

ALL_DAY = tuple((weekday, time(0), time(0)) for weekday in range(7))  # 00:00-24:00 daily
NEW_YORK = "America/New_York"  # the admin's zone: UTC-5 in winter


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


@dataclass(frozen=True)
class School:
    admin: int
    olena: int
    petro: int
    algebra: int
    geometry: int
    physics: int
    student: int
    bookings: dict[str, int]  # name -> booking id


def _book(tutor: int, service: int, start: str, name: str, student: int | None = None) -> int:
    created = booking_svc.create_booking(
        form(tutor, service, start=start, name=name), student_id=student, now=NOW
    )
    return booking_row(created.token).id or 0


def _school() -> School:
    """Four bookings; "late" starts Monday 30 Nov 03:00 UTC, which is still SUNDAY 29 Nov
    22:00 in the admin's New York (and Monday 05:00 in the tutor's Kyiv)."""
    with session_scope(write=True) as session:
        admin = User(email="admin@example.com", phone="+380671110000", name="Ada Admin")
        admin.role, admin.timezone, admin.password_hash = Role.admin, NEW_YORK, "-"
        session.add(admin)
        session.flush()
        admin_id = admin.id or 0
    olena = add_tutor(name="Olena Tutor", hours=ALL_DAY)
    petro = add_tutor("petro@example.com", name="Petro Tutor", requires_confirmation=True)
    algebra, geometry = add_service(olena), add_service(olena, name="Geometry")
    physics = add_service(petro, name="Physics")
    student = add_student()
    bookings = {
        "late": _book(olena, algebra, "2026-11-30T03:00:00+00:00", "Late Guest"),
        "monday": _book(olena, geometry, "2026-11-30T15:00:00+00:00", "Monday Guest"),
        "request": _book(petro, physics, "2026-12-01T09:00:00+00:00", "Taras", student),
        "gone": _book(olena, algebra, "2026-12-02T15:00:00+00:00", "Gone Guest"),
    }
    admin_ops.cancel(admin_id, bookings["gone"], reason="Ill", now=NOW)
    admin_ops.mark_paid(admin_id, bookings["monday"], now=NOW)
    return School(admin_id, olena, petro, algebra, geometry, physics, student, bookings)


def _listed(client: TestClient, expression: str) -> set[int]:
    page = client.get("/admin/booking/list", params={"filter": expression})
    assert page.status_code == 200, (expression, page.status_code, page.text[:300])
    return {int(pk) for pk in re.findall(r"/admin/booking/detail\?pk=(\d+)", page.text)}


def _names(s: School, *names: str) -> set[int]:
    return {s.bookings[n] for n in names}


def test_each_filter_narrows_the_list(db: str) -> None:
    s = _school()
    client = client_for(s.admin)
    assert _listed(client, "") == _names(s, "late", "monday", "request", "gone")
    assert _listed(client, f"line_tutor__eq={s.olena}") == _names(s, "late", "monday", "gone")
    assert _listed(client, f"line_tutor__eq={s.petro}") == _names(s, "request")
    assert _listed(client, f"line_service__eq={s.algebra}") == _names(s, "late", "gone")
    assert _listed(client, f"line_service__eq={s.geometry}") == _names(s, "monday")
    assert _listed(client, "status__in=pending,cancelled") == _names(s, "request", "gone")
    assert _listed(client, "payment_status__eq=paid") == _names(s, "monday")
    assert _listed(client, f"student_id__eq={s.student}") == _names(s, "request")
    both = f"line_tutor__eq={s.olena} AND status__in=confirmed"
    assert _listed(client, both) == _names(s, "late", "monday")
    either = f"line_tutor__eq={s.petro} OR line_service__eq={s.geometry}"
    assert _listed(client, either) == _names(s, "request", "monday")


def test_lesson_days_are_the_admins_days(db: str) -> None:
    """Sunday 29 Nov in New York holds the 03:00 UTC Monday lesson; the negative control:
    in UTC (or in the tutor's Kyiv) that lesson is on the 30th."""
    s = _school()
    client = client_for(s.admin)
    assert _listed(client, "line_starts__eq=2026-11-29") == _names(s, "late")
    assert _listed(client, "line_starts__eq=2026-11-30") == _names(s, "monday")
    between = "line_starts__between=2026-11-29..2026-11-30"
    assert _listed(client, between) == _names(s, "late", "monday")
    assert _listed(client, "line_starts__gte=2026-12-01") == _names(s, "request", "gone")
    assert _listed(client, "line_starts__lte=2026-11-30") == _names(s, "late", "monday")
    # The same filter on the tutor's list / API, for the admin: the same bookings.
    viewer = booking_list.Viewer(s.admin, "admin", NEW_YORK)
    query = booking_list.ListQuery(date_from="2026-11-29", date_to="2026-11-29")
    assert {r.id for r in booking_list.list_bookings(viewer, query).rows} == _names(s, "late")
    utc = booking_list.Viewer(s.admin, "admin", "UTC")
    on_the_30th = booking_list.list_bookings(
        utc, booking_list.ListQuery("2026-11-30", "2026-11-30")
    )
    assert {r.id for r in on_the_30th.rows} == _names(s, "late", "monday")


def test_the_filter_builder_offers_the_filters_with_names(db: str) -> None:
    """What the list page's "Filters" button is built from: tutor and service dropdowns
    by name, statuses, payment, lesson days; an applied filter shows as a named chip."""
    s = _school()
    client = client_for(s.admin)
    page = client.get("/admin/booking/list", params={"filter": f"line_tutor__eq={s.olena}"}).text
    match = re.search(r"fields:\s*(\[.*?\]),\s*initialFilter", page, re.S)
    assert match, "the list page carries the filter builder's configuration"
    fields = {f["name"]: f for f in json.loads(match.group(1))}
    assert set(fields) >= {
        "line_tutor", "line_service", "line_starts", "status", "payment_status", "student_id"
    }  # fmt: skip
    [tutor_filter] = fields["line_tutor"]["filters"]
    assert [str(s.olena), "Olena Tutor"] in tutor_filter["choices"]
    [service_filter] = fields["line_service"]["filters"]
    assert [str(s.geometry), "Geometry (Olena Tutor)"] in service_filter["choices"]
    days = {f["name"]: f["data_type"] for f in fields["line_starts"]["filters"]}
    assert days == {"between": "date", "eq": "date", "gte": "date", "lte": "date"}
    assert "Tutor: Is Olena Tutor" in re.sub(r"\s+", " ", page)  # the active-filter chip


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("line_starts__between=2026-12-05..2026-12-01", "The end date is before the start date."),
        ("line_starts__eq=31.12.2026", "is not a date (YYYY-MM-DD)"),
        ("line_tutor__eq=olena", "Choose a tutor (or type its id)."),
        ("status__in=lost", "Choose statuses among"),
        ("payment_status__eq=maybe", "Choose paid or unpaid."),
        ("line_starts__in_past", "unknown filter"),
    ],
)
def test_a_filter_it_cannot_read_is_a_400_with_the_reason(
    db: str, expression: str, reason: str
) -> None:
    s = _school()
    page = client_for(s.admin).get("/admin/booking/list", params={"filter": expression})
    assert page.status_code == 400, (page.status_code, page.text[:300])
    assert reason in page.text


def test_the_export_follows_the_lists_filter(db: str) -> None:
    s = _school()
    client = client_for(s.admin)
    expression = f"line_tutor__eq={s.olena} AND line_starts__eq=2026-11-29"
    exported = client.post(
        "/admin/_api/booking/action",
        params={"name": "export", "all": "1", "_list_query": f"?filter={expression}"},
        data={"format": "csv", "scope": "all"},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert exported.status_code == 200, exported.text[:300]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert [int(r["Id"]) for r in rows] == [s.bookings["late"]]
    assert rows[0]["Lesson start (your zone)"] == "2026-11-29 22:00 (America/New_York)"
    # A range it cannot use: the list page again with the reason, no file, never a 500.
    refused = client.post(
        "/admin/_api/booking/action",
        params={
            "name": "export", "all": "1",
            "_list_query": "?filter=line_starts__between=2026-12-05..2026-12-01",
        },
        data={"format": "csv", "scope": "all"},
        headers={"X-CSRFToken": csrf_token(client)},
    )  # fmt: skip
    assert refused.status_code < 500 and "text/csv" not in refused.headers["content-type"]
    assert "The end date is before the start date." in refused.text
