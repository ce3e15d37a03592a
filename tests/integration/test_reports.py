"""Reports against a hand-built November (both databases): every number below was worked
out by hand from the rows in `world()` (the comments there say why each one counts),
not by re-running the report's own logic.

Period: 1-30 November 2026 in Kyiv (UTC+2), so [31 Oct 22:00Z, 30 Nov 22:00Z); NOW is
Wed 25 Nov 08:00Z (builders.NOW): lessons after it are booked but not held.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.db import session_scope
from booking_app.models import (
    AvailabilityOverride,
    Booking,
    BookingKind,
    BookingSource,
    BookingStatus,
    Lesson,
    LessonStatus,
    LessonType,
    PaymentStatus,
    Service,
)
from booking_app.services import accounts, periods, reports
from booking_app.services.errors import Forbidden
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.builders import (
    NOW,
    add_bare_tutor,
    add_service,
    add_student,
    add_subject,
    add_tutor,
)

KYIV_TZ = periods.timefmt.zone_or_utc("Europe/Kyiv")
NOVEMBER = periods.days(date(2026, 11, 1), date(2026, 11, 30), KYIV_TZ)


def at(day: int, hour: int = 8, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def lesson(tutor: int, start: datetime, minutes: int, service: int | None, **kw: Any) -> int:
    with session_scope(write=True) as s:
        row = Lesson(tutor_id=tutor, service_id=service, starts_at=start,
                     ends_at=start + timedelta(minutes=minutes), **kw)  # fmt: skip
        s.add(row)
        s.flush()
        return row.id or 0


def seat(
    lesson_id: int, tutor: int, who: int | None, status: BookingStatus, price: str, **kw: Any
) -> int:
    kw.setdefault("client_phone", "+380500000000")
    with session_scope(write=True) as s:
        row = Booking(lesson_id=lesson_id, tutor_id=tutor, student_id=who, client_name="S",
                      status=status, price=Decimal(price), **kw)  # fmt: skip
        s.add(row)
        s.flush()
        return row.id or 0


def set_subject(service: int, subject: int) -> None:
    with session_scope(write=True) as s:
        row = s.get(Service, service)
        assert row is not None
        row.subject_id = subject


def world() -> dict[str, int]:
    maths, english = add_subject("Maths"), add_subject("English")
    anna = add_tutor("anna@example.com", name="Anna")  # Kyiv, weekdays 09-18, UAH
    bohdan = add_bare_tutor("bohdan@example.com", name="Bohdan", tz="Europe/Warsaw", currency="EUR")
    cyril = add_bare_tutor("cyril@example.com", name="Cyril")  # nothing at all
    with session_scope(write=True) as s:  # 30 Nov closed: 21 weekdays - 1 = 20 x 9 h = 180 h
        s.add(AvailabilityOverride(tutor_id=anna, day=date(2026, 11, 30)))
    s1, s2, s3, s4, s5 = (add_student(f"s{i}@example.com") for i in range(1, 6))
    regular, trial = (
        add_service(anna),
        add_service(anna, name="Trial", minutes=30, price="0", trial=True),
    )
    set_subject(regular, maths)
    set_subject(trial, maths)
    eng = add_service(bohdan, name="English")
    set_subject(eng, english)
    group = {"lesson_type": LessonType.group, "capacity": 3}
    # Anna --------------------------------------------------------------------------------
    l1 = lesson(anna, at(2), 60, regular)  # held 60
    seat(l1, anna, s1, BookingStatus.completed, "500", source=BookingSource.tutor,
         payment_status=PaymentStatus.paid, paid_amount=Decimal("450"))  # fmt: skip
    l2 = lesson(anna, at(3), 90, regular, **group)  # held 90 (a confirmed and a no-show seat)
    seat(l2, anna, s1, BookingStatus.confirmed, "500")
    seat(l2, anna, s2, BookingStatus.no_show, "500")
    seat(l2, anna, None, BookingStatus.cancelled, "500", client_phone="+380670000001")
    l3 = lesson(anna, at(4), 60, regular)  # only a late cancel (paid): not held, not booked
    seat(l3, anna, s2, BookingStatus.late_cancel, "500", payment_status=PaymentStatus.paid)
    l4 = lesson(anna, at(10), 30, trial)  # held 30; s3's trial, converted (regular on l5)
    seat(l4, anna, s3, BookingStatus.completed, "0", kind=BookingKind.trial, created_at=at(5))
    l5 = lesson(anna, at(26), 60, regular)  # after NOW: booked 60, not held
    seat(l5, anna, s3, BookingStatus.confirmed, "500", created_at=at(15))
    l6 = lesson(anna, at(12), 60, regular, status=LessonStatus.cancelled)  # a cancelled lesson
    seat(l6, anna, s1, BookingStatus.cancelled, "500")
    l7 = lesson(anna, at(1, 10, month=12), 60, regular)  # 1 Dec: outside
    seat(l7, anna, s1, BookingStatus.confirmed, "500")
    l8 = lesson(anna, datetime(2026, 10, 31, 21, 0, tzinfo=UTC), 60, regular)  # 31 Oct 23:00 Kyiv
    seat(l8, anna, s1, BookingStatus.confirmed, "500")
    l9 = lesson(anna, datetime(2026, 10, 31, 22, 0, tzinfo=UTC), 60, None)  # 1 Nov 00:00 Kyiv
    seat(l9, anna, s4, BookingStatus.pending, "300")  # no subject; booked 60, not held
    l10 = lesson(anna, at(11), 30, trial)  # held 30; s5's trial, never converted
    seat(l10, anna, s5, BookingStatus.confirmed, "0", kind=BookingKind.trial, created_at=at(6))
    # Bohdan ------------------------------------------------------------------------------
    m1 = lesson(bohdan, at(20, 10), 60, eng)
    seat(m1, bohdan, s1, BookingStatus.completed, "30", payment_status=PaymentStatus.paid,
         paid_amount=Decimal("30"))  # fmt: skip
    m2 = lesson(bohdan, at(27, 10), 60, eng)
    seat(m2, bohdan, s2, BookingStatus.pending, "30")
    return {"anna": anna, "bohdan": bohdan, "cyril": cyril, "s1": s1}


ANNA = {
    "lessons_held": 4, "hours_taught": Decimal("3.50"), "booked_hours": Decimal("5.50"),
    "offered_hours": Decimal("180.00"), "utilization": Decimal("3.1"),  # 330 / 10800 min
    "students": 4, "cancelled": 2, "late_cancelled": 1, "no_show": 1,
    "revenue_expected": Decimal("2000.00"), "revenue_paid": Decimal("950.00"),
    "requests": 9, "trials": 2, "converted": 1, "conversion": Decimal("50.0"),
    "cancelled_lessons": 1, "currency": "UAH",
    "statuses": {"pending": 1, "confirmed": 3, "cancelled": 2, "late_cancel": 1,
                 "completed": 2, "no_show": 1},
}  # fmt: skip
BOHDAN = {
    "lessons_held": 1, "hours_taught": Decimal("1.00"), "booked_hours": Decimal("2.00"),
    "offered_hours": Decimal("0.00"), "utilization": None, "students": 1, "cancelled": 0,
    "late_cancelled": 0, "no_show": 0, "revenue_expected": Decimal("30.00"),
    "revenue_paid": Decimal("30.00"), "requests": 2, "trials": 0, "converted": 0,
    "conversion": None, "cancelled_lessons": 0, "currency": "EUR",
    "statuses": {"pending": 1, "completed": 1},
}  # fmt: skip
MATHS = {
    **ANNA, "booked_hours": Decimal("4.50"), "offered_hours": None, "utilization": None,
    "requests": 8, "statuses": {"confirmed": 3, "cancelled": 2, "late_cancel": 1,
                                "completed": 2, "no_show": 1},
}  # fmt: skip
NO_SUBJECT = {
    "lessons_held": 0, "hours_taught": Decimal("0.00"), "booked_hours": Decimal("1.00"),
    "students": 0, "requests": 1, "revenue_expected": Decimal("0.00"), "currency": "UAH",
    "statuses": {"pending": 1},
}  # fmt: skip


def subset(row: reports.LoadRow, expected: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(row, k) for k in expected}


def test_teacher_load_for_the_admin_and_for_a_tutor(db: str) -> None:
    w = world()
    r = reports.teacher_load("admin", 0, NOVEMBER, now=NOW)
    assert [row.name for row in r.rows] == ["Anna", "Bohdan", "Cyril"]
    anna, bohdan, cyril = r.rows
    assert subset(anna, ANNA) == ANNA
    assert subset(bohdan, BOHDAN) == BOHDAN
    assert (cyril.lessons_held, cyril.revenue_expected, cyril.utilization) == (0, 0, None)
    assert r.statuses == [
        "pending",
        "confirmed",
        "cancelled",
        "late_cancel",
        "completed",
        "no_show",
    ]
    mine = reports.teacher_load("tutor", w["bohdan"], NOVEMBER, now=NOW)
    assert [row.name for row in mine.rows] == ["Bohdan"]
    assert subset(mine.rows[0], BOHDAN) == BOHDAN


def test_subject_load_with_demand(db: str) -> None:
    w = world()
    r = reports.subject_load("admin", 0, NOVEMBER, now=NOW)
    assert [(row.name, row.currency) for row in r.rows] == [
        ("English", "EUR"), ("Maths", "UAH"), ("No subject", "UAH")
    ]  # fmt: skip
    english, maths, none = r.rows
    assert subset(maths, MATHS) == MATHS
    assert subset(none, NO_SUBJECT) == NO_SUBJECT
    assert (english.lessons_held, english.requests, english.revenue_paid) == (
        1,
        2,
        Decimal("30.00"),
    )
    mine = reports.subject_load("tutor", w["anna"], NOVEMBER, now=NOW)
    assert [row.name for row in mine.rows] == ["Maths", "No subject"]


def test_only_tutors_and_admins_see_reports(db: str) -> None:
    w = world()
    with pytest.raises(Forbidden):
        reports.teacher_load("student", w["s1"], NOVEMBER, now=NOW)
    with pytest.raises(Forbidden):
        reports.subject_load("student", w["s1"], NOVEMBER, now=NOW)


def _auth(user_id: int, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=clock.now())}"}


def test_the_api_and_the_csv(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)
    w = world()
    admin = accounts.create_admin(email="admin@example.com", name="Ada", phone="+380671110000",
                                  password="admin-pass-1")  # fmt: skip
    c = TestClient(api)
    query = {"from": "2026-11-01", "to": "2026-11-30", "tz": "Europe/Kyiv"}
    body = c.get("/api/v1/reports/teacher-load", params=query, headers=_auth(admin, "admin")).json()
    assert (body["period_from"], body["period_to"], body["timezone"]) == (
        "2026-11-01", "2026-11-30", "Europe/Kyiv"
    )  # fmt: skip
    anna = body["rows"][0]
    assert (anna["name"], anna["lessons_held"], anna["hours_taught"]) == ("Anna", 4, "3.50")
    assert (anna["revenue_expected"], anna["revenue_paid"], anna["utilization"]) == (
        "2000.00", "950.00", "3.1"
    )  # fmt: skip
    # The tutor: only themselves; "last_month" around NOW (25 Nov) is October: only l8.
    mine = c.get("/api/v1/reports/teacher-load", params={"period": "last_month"},
                 headers=_auth(w["anna"], "tutor")).json()  # fmt: skip
    assert [r["name"] for r in mine["rows"]] == ["Anna"] and mine["period_from"] == "2026-10-01"
    assert mine["rows"][0]["lessons_held"] == 1  # l8, 31 Oct 23:00 Kyiv
    refused = c.get("/api/v1/reports/subject-load", headers=_auth(w["s1"], "student"))
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    assert c.get("/api/v1/reports/subject-load").status_code == 401
    bad = c.get("/api/v1/reports/subject-load", params={"from": "2026-11-31", "to": "2026-11-01"},
                headers=_auth(admin, "admin"))  # fmt: skip
    assert (bad.status_code, bad.json()["error"]) == (422, "validation_failed")
    got = c.get("/api/v1/reports/subject-load", params={**query, "format": "csv"},
                headers=_auth(admin, "admin"))  # fmt: skip
    assert got.headers["content-type"].startswith("text/csv")
    assert got.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Subject", "Currency", "Lessons held"]
    maths = dict(zip(rows[0], rows[2], strict=True))
    assert (maths["Subject"], maths["Hours taught"], maths["Revenue paid"]) == (
        "Maths",
        "3,50",
        "950,00",
    )
    assert (maths["Conversion %"], maths["Period from"]) == ("50,0", "2026-11-01")


def test_lessons_and_students_exports(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)
    w = world()
    c = TestClient(api)
    anna = _auth(w["anna"], "tutor")
    query = {"from": "2026-11-01", "to": "2026-11-30", "tz": "Europe/Kyiv"}
    got = c.get("/api/v1/lessons/export.csv", params=query, headers=anna)
    assert got.status_code == 200 and got.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
    # l9 (1 Nov 00:00 Kyiv) first, then l1 .. l6 and l10; l7 and l8 are outside.
    assert [r["Start"][:16] for r in rows][:2] == ["2026-11-01T00:00", "2026-11-02T10:00"]
    assert len(rows) == 8
    l2 = rows[2]
    assert (l2["Seats"], l2["Seats booked"], l2["Seats given"], l2["Revenue expected"]) == (
        "3", "2", "2", "1000,00"
    )  # fmt: skip
    got = c.get("/api/v1/students/export.csv", headers=anna)
    people = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
    assert len(people) == 6  # s1..s5 and the guest of l2
    s1 = next(p for p in people if p["Email"] == "s1@example.com")
    # s1 with Anna: l1 (completed, paid 450), l2 confirmed, l6 cancelled, l7, l8 confirmed.
    assert (s1["Bookings"], s1["Lessons given"], s1["Paid total"]) == ("5", "4", "450,00")
    assert (s1["Has an account"], s1["Tutor"]) == ("yes", "Anna")
    guest = next(p for p in people if p["Has an account"] == "no")
    assert guest["Phone"] == "'+380670000001"  # a leading "+" is neutralised
    refused = c.get("/api/v1/students/export.csv", headers=_auth(w["s1"], "student"))
    assert refused.status_code == 403
