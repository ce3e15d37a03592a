"""The bookings list (service, API, CSV) and bulk "mark paid", on both databases."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.db import read_scope, session_scope
from booking_app.models import Booking, BookingStatus, Lesson, PaymentStatus
from booking_app.services import accounts, booking_list
from booking_app.services.booking_list import ListQuery, Viewer
from booking_app.services.errors import Forbidden, NotFound, ValidationFailed
from booking_app.services.sessions import open_session
from tests.support import clock
from tests.support.builders import NOW, add_service, add_student, add_tutor

KYIV = "Europe/Kyiv"


def _lesson(tutor: int, start: datetime, service: int | None = None) -> int:
    with session_scope(write=True) as s:
        row = Lesson(tutor_id=tutor, service_id=service, title="Algebra", starts_at=start,
                     ends_at=start + timedelta(hours=1))  # fmt: skip
        s.add(row)
        s.flush()
        return row.id or 0


def _seat(tutor: int, start: datetime, who: int | None, status: BookingStatus, **kw: Any) -> int:
    service = kw.pop("service", None)
    lesson = _lesson(tutor, start, service)
    with session_scope(write=True) as s:
        row = Booking(lesson_id=lesson, tutor_id=tutor, student_id=who, status=status,
                      client_name=kw.pop("name", "Taras"), client_phone="+380501234567",
                      price=Decimal(kw.pop("price", "500")), **kw)  # fmt: skip
        s.add(row)
        s.flush()
        return row.id or 0


def world() -> dict[str, Any]:
    olena, petro = add_tutor("olena@example.com"), add_tutor("petro@example.com")
    taras, ira = add_student("taras@example.com"), add_student("ira@example.com")
    algebra = add_service(olena)
    day = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # Mon 2 Nov, 10:00 Kyiv
    ids = {
        "a": _seat(olena, day, taras, BookingStatus.confirmed, service=algebra),
        "b": _seat(olena, day + timedelta(days=1), ira, BookingStatus.pending, price="300"),
        "c": _seat(olena, day + timedelta(days=2), taras, BookingStatus.completed,
                   payment_status=PaymentStatus.paid, paid_amount=Decimal("450")),
        "d": _seat(olena, day + timedelta(days=3), None, BookingStatus.cancelled,
                   name='=HYPERLINK("http://evil.example","x")'),
        # 30 Nov 23:30 Kyiv = 21:30Z: inside "to=2026-11-30" in Kyiv, outside in UTC+3.
        "e": _seat(olena, datetime(2026, 11, 30, 21, 30, tzinfo=UTC), ira, BookingStatus.confirmed),
        "p": _seat(petro, day, taras, BookingStatus.confirmed),
    }  # fmt: skip
    return {"olena": olena, "petro": petro, "taras": taras, "ira": ira, "algebra": algebra, **ids}


def ids(page: booking_list.BookingPage) -> list[int]:
    return [r.id for r in page.rows]


def test_scopes_filters_sort_and_pages(db: str) -> None:
    w = world()
    tutor = Viewer(w["olena"], "tutor", KYIV)
    everything = booking_list.list_bookings(tutor, ListQuery())
    assert everything.total == 5 and ids(everything) == [w[k] for k in "abcde"]
    student = booking_list.list_bookings(Viewer(w["taras"], "student"), ListQuery())
    assert sorted(ids(student)) == sorted([w["a"], w["c"], w["p"]])
    admin = booking_list.list_bookings(Viewer(1, "admin"), ListQuery(tutor_id=w["petro"]))
    assert ids(admin) == [w["p"]]
    # A tutor's tutor_id filter cannot widen the scope to another tutor.
    assert booking_list.list_bookings(tutor, ListQuery(tutor_id=w["petro"])).total == 5

    def q(**kw: Any) -> list[int]:
        return ids(booking_list.list_bookings(tutor, ListQuery(**kw)))

    assert q(date_from="2026-11-03", date_to="2026-11-04") == [w["b"], w["c"]]
    assert q(date_from="2026-11-30", date_to="2026-11-30") == [w["e"]]
    east = Viewer(w["olena"], "tutor", "Europe/Moscow")  # UTC+3: 1 Dec 00:30 there
    assert ids(booking_list.list_bookings(east, ListQuery(date_to="2026-11-30"))) == [
        w[k] for k in "abcd"
    ]
    assert q(statuses=("pending", "cancelled")) == [w["b"], w["d"]]
    assert q(service_id=w["algebra"]) == [w["a"]]
    assert q(paid="paid") == [w["c"]]
    assert q(paid="unpaid", student_id=w["ira"]) == [w["b"], w["e"]]
    assert q(sort="-price") == [w["e"], w["d"], w["c"], w["a"], w["b"]]  # ties: id desc
    page = booking_list.list_bookings(tutor, ListQuery(limit=2, offset=2))
    assert (page.total, ids(page)) == (5, [w["c"], w["d"]])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (ListQuery(sort="password"), "sort"),
        (ListQuery(statuses=("lost",)), "status"),
        (ListQuery(paid="maybe"), "paid"),
        (ListQuery(date_from="2026-13-01"), "from"),
        (ListQuery(date_from="2026-11-05", date_to="2026-11-01"), "to"),
        (ListQuery(limit=0), "limit"),
        (ListQuery(limit=10_000), "limit"),
    ],
)
def test_bad_filters_name_their_field(sqlite_db: str, query: ListQuery, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        booking_list.list_bookings(Viewer(1, "tutor"), query)
    assert field in raised.value.field_errors


def test_mark_paid_checks_every_id(db: str) -> None:
    w = world()
    # Negative control: one id of another tutor refuses everything.
    with pytest.raises(NotFound):
        booking_list.mark_paid(w["olena"], [w["a"], w["p"]], now=NOW)
    with pytest.raises(NotFound):
        booking_list.mark_paid(w["olena"], [w["a"], 10**9], now=NOW)
    with read_scope() as s:
        assert s.get(Booking, w["a"]).payment_status is PaymentStatus.unpaid  # type: ignore[union-attr]
    assert booking_list.mark_paid(w["olena"], [w["a"], w["b"], w["c"]], now=NOW) == 2
    with read_scope() as s:
        a, c = s.get(Booking, w["a"]), s.get(Booking, w["c"])
        assert a is not None and c is not None
        assert (a.payment_status, a.paid_amount, a.paid_at) == (
            PaymentStatus.paid,
            Decimal("500"),
            NOW,
        )
        assert c.paid_amount == Decimal("450")  # already paid: left as recorded
    with pytest.raises(ValidationFailed):
        booking_list.mark_paid(w["olena"], [], now=NOW)
    with pytest.raises(Forbidden):
        booking_list.list_bookings(Viewer(w["olena"], "robot"), ListQuery())


def _auth(user_id: int, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=clock.now())}"}


def test_the_api(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)
    w = world()
    c = TestClient(api)
    olena = _auth(w["olena"], "tutor")
    assert c.get("/api/v1/bookings").status_code == 401
    r = c.get("/api/v1/bookings", params={"limit": 2, "offset": 2, "tz": KYIV}, headers=olena)
    assert r.status_code == 200 and r.headers["X-Total-Count"] == "5"
    assert [b["id"] for b in r.json()] == [w["c"], w["d"]]
    link = r.headers["Link"]
    assert 'offset=0>; rel="first"' in link and 'offset=0>; rel="prev"' in link
    assert 'offset=4>; rel="next"' in link and 'offset=4>; rel="last"' in link
    row = r.json()[0]
    assert row["starts_at"] == "2026-11-04T10:00:00+02:00" and row["paid_amount"] == "450.00"
    assert "booking_token" not in row and not any("token" in k for k in row)
    r = c.get("/api/v1/bookings?status=pending,cancelled&sort=-start", headers=olena)
    assert [b["id"] for b in r.json()] == [w["d"], w["b"]]
    bad = c.get("/api/v1/bookings", params={"sort": "secret"}, headers=olena)
    assert (bad.status_code, bad.json()["error"], list(bad.json()["fields"])) == (
        422, "validation_failed", ["sort"]
    )  # fmt: skip
    admin = accounts.create_admin(email="admin@example.com", name="Ada", phone="+380671110000",
                                  password="admin-pass-1")  # fmt: skip
    r = c.get("/api/v1/bookings", headers=_auth(admin, "admin"))
    assert r.headers["X-Total-Count"] == "6"
    # Bulk mark paid: tutors only, their own ids only.
    paid = c.post("/api/v1/bookings/mark-paid", json={"ids": [w["a"]]}, headers=olena)
    assert paid.json() == {"changed": 1}
    other = c.post("/api/v1/bookings/mark-paid", json={"ids": [w["p"]]}, headers=olena)
    assert other.status_code == 404
    student = c.post("/api/v1/bookings/mark-paid", json={"ids": [w["a"]]},
                     headers=_auth(w["taras"], "student"))  # fmt: skip
    assert student.status_code == 403


def test_the_csv_export(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)
    w = world()
    c = TestClient(api)
    r = c.get("/api/v1/bookings/export.csv", params={"tz": KYIV, "sort": "-start"},
              headers=_auth(w["olena"], "tutor"))  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert [int(x["Booking"]) for x in rows] == [w[k] for k in "edcba"]
    first, cancelled, paid = rows[0], rows[1], rows[2]
    assert first["Lesson start"] == "2026-11-30T23:30:00+02:00"
    assert cancelled["Student"] == '\'=HYPERLINK("http://evil.example","x")'
    assert (paid["Price"], paid["Paid amount"], paid["Payment"]) == ("500,00", "450,00", "paid")
    assert "token" not in r.text.lower()
    filtered = c.get("/api/v1/bookings/export.csv", params={"status": "pending"},
                     headers=_auth(w["olena"], "tutor"))  # fmt: skip
    assert len(filtered.content.decode("utf-8-sig").strip().splitlines()) == 2
    bad = c.get("/api/v1/bookings/export.csv", params={"paid": "x"},
                headers=_auth(w["olena"], "tutor"))  # fmt: skip
    assert (bad.status_code, bad.json()["error"]) == (422, "validation_failed")
    assert c.get("/api/v1/bookings/export.csv").status_code == 401
