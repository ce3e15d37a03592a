"""Calendar week (ETag/304), lessons, the tutor's workspace and dashboard numbers over
HTTP (issue 16 part B), on SQLite and PostgreSQL.

- The week answers with a strong ETag; If-None-Match with it is 304 without a body; any
  write that refreshes the calendar page (a booking, a busy block, rules) changes it, and
  a rolled-back write does not. Negative control: a stale tag gets the full 200.
- The 304 path reads one row (the data version) after the session: counted.
- Lessons by range with the role inferred; publish/move/cancel with the calendar's rules.
- Services and availability with the pages' messages as 422 `fields`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from booking_app import realtime
from booking_app.api.app import api
from booking_app.db import session_scope
from booking_app.services import api_tokens, availability, data_versions
from booking_app.services.errors import ValidationFailed
from tests.integration.test_http_reads import count_statements
from tests.support.builders import NOW, add_lesson, add_service, add_student, add_tutor, utc
from tests.support.clock import freeze

WEEK = "/api/v1/calendar/week"


def auth(user_id: int, role: str) -> dict[str, str]:
    from booking_app.services.sessions import open_session

    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=NOW)}"}


@pytest.fixture
def world(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    freeze(monkeypatch, NOW)
    tutor, student = add_tutor("olena@example.com"), add_student("taras@example.com")
    service = add_service(tutor)
    lesson = add_lesson(tutor, datetime(2026, 11, 26, 8, 0, tzinfo=UTC), students=(student,))
    yield {
        "tutor": tutor, "student": student, "service": service, "lesson": lesson,
        "other": add_tutor("petro@example.com"), "client": TestClient(api),
        "t": auth(tutor, "tutor"), "s": auth(student, "student"),
    }  # fmt: skip


def test_week_etag_304_and_what_moves_it(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    params = {"start": "2026-11-26", "includePayments": "true", "includeStats": "true"}
    first = c.get(WEEK, params=params, headers=t)
    assert first.status_code == 200, first.text
    tag = first.headers["ETag"]
    body = first.json()
    assert tag.startswith('"') and body["week_start"] == "2026-11-23"
    assert [e["id"] for e in body["events"]] == [f"lesson-{world['lesson']}"]
    assert body["stats"]["amounts"] == {
        "revenue": "500.00", "paid": "0.00", "unpaid": "500.00", "currency": "UAH",
    }  # fmt: skip
    assert body["events"][0]["pay"].startswith("unpaid")
    same = c.get(WEEK, params=params, headers=t)
    assert same.headers["ETag"] == tag and same.content == first.content  # strong: same bytes
    cached = c.get(WEEK, params=params, headers={**t, "If-None-Match": tag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["ETag"] == tag
    assert c.get(WEEK, params=params, headers={**t, "If-None-Match": f"W/{tag}"}).status_code == 304
    # Other flags are another representation (another tag); without payments no money.
    bare = c.get(WEEK, params={"start": "2026-11-26"}, headers=t)
    assert bare.headers["ETag"] != tag and bare.json()["stats"] is None
    assert bare.json()["events"][0]["pay"] == ""
    # A write that refreshes the calendar page moves the tag (busy block, rules) ...
    availability.add_busy_block(world["tutor"], "2026-11-27T12:00", "2026-11-27T13:00", "Gym",
                                now=NOW)  # fmt: skip
    moved = c.get(WEEK, params=params, headers={**t, "If-None-Match": tag})
    assert moved.status_code == 200 and moved.headers["ETag"] != tag
    assert any(e["kind"] == "busy" for e in moved.json()["events"])
    tag = moved.headers["ETag"]
    c.put("/api/v1/availability/rules", json={"slot_step_min": 15}, headers=t)
    after_rules = c.get(WEEK, params=params, headers={**t, "If-None-Match": tag})
    assert after_rules.status_code == 200 and after_rules.json()["snap"] == "00:15:00"
    tag = after_rules.headers["ETag"]
    # ... a refused write does not (nothing committed) ...
    with pytest.raises(ValidationFailed):
        availability.save_rules(world["tutor"], {"slot_step_min": 7})
    assert c.get(WEEK, params=params, headers={**t, "If-None-Match": tag}).status_code == 304
    # ... and the student's own week has its own tag, moved by the tutor's changes to it.
    s_first = c.get(WEEK, params=params, headers=world["s"])
    assert s_first.status_code == 200 and s_first.headers["ETag"] != tag
    version = data_versions.data_version(world["student"])
    c.delete(f"/api/v1/lessons/{world['lesson']}", headers=t)
    assert data_versions.data_version(world["student"]) == version + 1
    s_again = c.get(WEEK, params=params,
                    headers={**world["s"], "If-None-Match": s_first.headers["ETag"]})  # fmt: skip
    assert s_again.status_code == 200
    assert c.get(WEEK, params=params).status_code == 401


def test_the_304_path_is_one_indexed_read(world: dict[str, Any]) -> None:
    """The credential and the data version come from one statement, for a session JWT and
    for a personal access token alike (its last use is noted at most once a minute)."""
    c, t = world["client"], world["t"]
    pat = api_tokens.create_token(world["tutor"], name="poller", scope="read",
                                  expires_in_days=None, now=NOW).secret  # fmt: skip
    for headers in (t, {"Authorization": f"Bearer {pat}"}):
        tag = c.get(WEEK, headers=headers).headers["ETag"]
        c.get(WEEK, headers={**headers, "If-None-Match": tag})  # warm
        with count_statements() as sent:
            assert c.get(WEEK, headers={**headers, "If-None-Match": tag}).status_code == 304
        assert len(sent) == 1, sent
        assert "data_version" in sent[0] and ("user_session" in sent[0] or "token" in sent[0])
    # Negative control: the 200 path builds the week (many more statements).
    with count_statements() as built:
        assert c.get(WEEK, headers={**t, "If-None-Match": '"stale"'}).status_code == 200
    assert len(built) > 4


def test_lessons_range_role_inferred_and_calendar_edits(world: dict[str, Any]) -> None:
    c, t, s = world["client"], world["t"], world["s"]
    q = {"from": "2026-11-23", "to": "2026-11-29", "tz": "Europe/Kyiv"}
    mine = c.get("/api/v1/lessons", params=q, headers=t).json()
    assert mine["count"] == 1 and mine["results"][0]["seats_taken"] == 1
    theirs = c.get("/api/v1/lessons", params=q, headers=s).json()
    assert theirs["results"][0]["booking_status"] == "confirmed"
    assert c.get("/api/v1/lessons", params=q, headers=auth(world["other"], "tutor")).json() == {
        "count": 0, "results": [],
    }  # fmt: skip
    bad = c.get("/api/v1/lessons", params={"from": "2026-11-29", "to": "2026-11-23"}, headers=t)
    assert (bad.status_code, bad.json()["error"]) == (422, "validation_failed")
    # Publish: the calendar's rules (never on another lesson), field errors as `fields`.
    made = c.post("/api/v1/calendar/lessons", headers=t,
                  json={"start_local": "2026-11-27T16:00", "title": "Exam prep",
                        "lesson_type": "group", "capacity": 4})  # fmt: skip
    assert made.status_code == 201, made.text
    clash = c.post("/api/v1/calendar/lessons", headers=t,
                   json={"start_local": "2026-11-26T10:30"})  # fmt: skip
    assert (clash.status_code, clash.json()["error"]) == (409, "slot_unavailable")
    bad = c.post("/api/v1/calendar/lessons", headers=t, json={"start_local": "tomorrow"})
    assert bad.status_code == 422 and "start_local" in bad.json()["fields"]
    assert c.post("/api/v1/calendar/lessons", headers=s,
                  json={"start_local": "2026-11-27T16:00"}).status_code == 403  # fmt: skip
    lesson_id = made.json()["id"]
    moved = c.patch(f"/api/v1/lessons/{lesson_id}", headers=t,
                    json={"start_local": "2026-11-27T17:00"})  # fmt: skip
    assert moved.status_code == 200 and moved.json()["start"] == utc("2026-11-27T17:00")
    other = c.patch(f"/api/v1/lessons/{lesson_id}", headers=auth(world["other"], "tutor"),
                    json={"start_local": "2026-11-27T18:00"})  # fmt: skip
    assert other.status_code == 404
    gone = c.delete(f"/api/v1/lessons/{lesson_id}", params={"reason": "Holiday"}, headers=t)
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    again = c.delete(f"/api/v1/lessons/{lesson_id}", headers=t)
    assert (again.status_code, again.json()["error"]) == (409, "already_cancelled")


def test_services_and_availability_with_the_pages_messages(world: dict[str, Any]) -> None:
    c, t = world["client"], world["t"]
    listed = c.get("/api/v1/services", headers=t).json()
    assert listed["count"] == 1
    bad = c.post("/api/v1/services", headers=t,
                 json={"name": "", "price": "-5", "duration_min": "abc"})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"] == "validation_failed"
    assert {"name", "price", "duration_min"} <= set(bad.json()["fields"])
    made = c.post("/api/v1/services", headers=t,
                  json={"name": "Geometry", "price": "300", "duration_min": 45})  # fmt: skip
    assert made.status_code == 201 and made.json()["price"] == "300.00"
    sid = made.json()["id"]
    put = c.put(f"/api/v1/services/{sid}", headers=t,
                json={"name": "Geometry+", "price": "350", "duration_min": 60})  # fmt: skip
    assert put.json()["name"] == "Geometry+"
    assert c.delete(f"/api/v1/services/{sid}", headers=t).json()["is_active"] is False
    assert c.patch(f"/api/v1/services/{sid}", headers=t,
                   json={"is_active": True}).json()["is_active"] is True  # fmt: skip
    assert (
        c.get(f"/api/v1/services/{sid}", headers=auth(world["other"], "tutor")).status_code == 404
    )
    assert c.get("/api/v1/services", headers=world["s"]).status_code == 403
    # Availability: read, replace weekly hours (errors by row), override, busy, rules.
    got = c.get("/api/v1/availability", headers=t).json()
    assert len(got["windows"]) == 5 and got["rules"]["slot_step_min"] == 30
    wrong = c.put("/api/v1/availability/weekly", headers=t,
                  json={"windows": [{"weekday": 0, "start": "10:00", "end": "09:00"}]})  # fmt: skip
    assert wrong.status_code == 422 and "window-0" in wrong.json()["fields"]
    assert len(c.get("/api/v1/availability", headers=t).json()["windows"]) == 5  # unchanged
    ok = c.put("/api/v1/availability/weekly", headers=t,
               json={"windows": [{"weekday": 0, "start": "09:00", "end": "12:00"}]})  # fmt: skip
    assert ok.json() == {"windows": [{"weekday": 0, "start": "09:00", "end": "12:00"}]}
    closed = c.put("/api/v1/availability/overrides/2026-11-26", headers=t, json={"closed": True})
    assert (closed.status_code, closed.json()["error"]) == (409, "lessons_on_that_day")
    closed = c.put("/api/v1/availability/overrides/2026-11-26", headers=t,
                   json={"closed": True, "confirm": True})  # fmt: skip
    assert closed.status_code == 200 and closed.json()["closed"] is True
    assert c.delete("/api/v1/availability/overrides/2026-11-26", headers=t).status_code == 204
    busy = c.post("/api/v1/availability/busy-blocks", headers=t,
                  json={"start_local": "2026-11-28T10:00", "end_local": "2026-11-28T09:00"})  # fmt: skip
    assert busy.status_code == 422 and "end" in busy.json()["fields"]
    busy = c.post("/api/v1/availability/busy-blocks", headers=t,
                  json={"start_local": "2026-11-28T10:00", "end_local": "2026-11-28T11:00"})  # fmt: skip
    assert busy.status_code == 201
    assert c.delete(f"/api/v1/availability/busy-blocks/{busy.json()['id']}",
                    headers=t).status_code == 204  # fmt: skip
    rules = c.put("/api/v1/availability/rules", headers=t, json={"slot_step_min": 7})
    assert rules.status_code == 422 and "slot_step_min" in rules.json()["fields"]


def test_versions_move_on_commit_only(world: dict[str, Any]) -> None:
    tutor = world["tutor"]
    before = data_versions.data_version(tutor)
    with pytest.raises(RuntimeError), session_scope(write=True) as session:
        realtime.publish_on_commit(session, [tutor])
        raise RuntimeError("rolled back")
    assert data_versions.data_version(tutor) == before
    with session_scope(write=True) as session:
        realtime.publish_on_commit(session, [tutor, tutor, None])
    assert data_versions.data_version(tutor) == before + 1


def test_dashboard_gives_revenue_as_a_number(world: dict[str, Any]) -> None:
    add_lesson(world["tutor"], datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
               students=(world["student"],), price="1200")  # fmt: skip
    board = world["client"].get("/api/v1/dashboard", headers=world["t"]).json()
    assert (board["revenue_amount"], board["currency"]) == ("1200.00", "UAH")
    assert board["revenue"] == "1,200 UAH"  # the page's label stays


def test_resize_a_lesson_and_move_a_busy_time_like_the_calendars_drag(
    world: dict[str, Any],
) -> None:
    """The calendar page drags a lesson's edge and drags busy times; the API does both with
    the move's rules (never onto another lesson) and the publish form's length limits."""
    c, t = world["client"], world["t"]
    path = f"/api/v1/lessons/{world['lesson']}"  # Thu 26 Nov 10:00-11:00 Kyiv
    longer = c.patch(path, headers=t,
                     json={"start_local": "2026-11-26T10:00", "end_local": "2026-11-26T11:30"})  # fmt: skip
    assert longer.status_code == 200, longer.text
    assert (longer.json()["start"], longer.json()["end"]) == (
        utc("2026-11-26T10:00"), utc("2026-11-26T11:30"))  # fmt: skip
    kept = c.patch(path, headers=t, json={"start_local": "2026-11-26T12:00"})
    assert kept.json()["end"] == utc("2026-11-26T13:30")  # no end: the same (new) length
    backwards = c.patch(path, headers=t,
                        json={"start_local": "2026-11-26T12:00", "end_local": "2026-11-26T11:00"})  # fmt: skip
    assert backwards.status_code == 422 and set(backwards.json()["fields"]) == {"end"}
    too_long = c.patch(path, headers=t,
                       json={"start_local": "2026-11-26T09:00", "end_local": "2026-11-26T18:00"})  # fmt: skip
    assert too_long.status_code == 422 and "480" in too_long.json()["fields"]["end"]
    blocked = c.post("/api/v1/calendar/lessons", headers=t,
                     json={"start_local": "2026-11-26T15:00"}).json()["id"]  # fmt: skip
    onto = c.patch(path, headers=t,
                   json={"start_local": "2026-11-26T12:00", "end_local": "2026-11-26T15:30"})  # fmt: skip
    assert (onto.status_code, onto.json()["error"]) == (409, "slot_unavailable")
    assert c.get(f"/api/v1/lessons/{blocked}/room", headers=t).status_code == 200

    made = c.post("/api/v1/availability/busy-blocks", headers=t,
                  json={"start_local": "2026-11-27T12:00", "end_local": "2026-11-27T13:00",
                        "title": "Gym"}).json()  # fmt: skip
    busy = f"/api/v1/availability/busy-blocks/{made['id']}"
    moved = c.patch(busy, headers=t,
                    json={"start_local": "2026-11-27T14:00", "end_local": "2026-11-27T16:00"})  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert moved.json()["title"] == "Gym"
    assert [b["id"] for b in c.get("/api/v1/availability", headers=t).json()["busy_blocks"]
            if b["title"] == "Gym"] == [made["id"]]  # fmt: skip
    bad = c.patch(busy, headers=t, json={"start_local": "soon", "end_local": "later"})
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"start", "end"}
    other = c.patch(busy, headers=auth(world["other"], "tutor"),
                    json={"start_local": "2026-11-27T14:00", "end_local": "2026-11-27T15:00"})  # fmt: skip
    assert other.status_code == 404
