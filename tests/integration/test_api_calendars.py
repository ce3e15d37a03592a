"""Connected calendars and the subscription feed over /api/v1 (api/calendars.py), against
a real feed server and a real Radicale on loopback, on SQLite and PostgreSQL:

- an iCal address: connected and imported at once (its busy time blocks the slot the
  public page offered), listed with its host only, refreshed, removed (the slot is back);
  the page's field messages as 422 ``fields``; someone else's source is 404 and left alone;
- a CalDAV account: a wrong app password is a ``password`` field error and nothing is
  stored; connect, list its calendars, choose them (an address the server did not list
  is a ``push`` field error), the password never in any answer;
- the feed: made (address shown once), listed without it, rotated (the old address stops),
  turned off; admins have none (403); a read-only token reads but never changes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.config import get_settings
from booking_app.services import api_tokens, calendar_sources, tutor_public
from booking_app.services.sessions import open_session
from tests.support import calendar_feeds as feeds
from tests.support.acl import add_admin
from tests.support.builders import NOW, add_service, add_student, add_tutor
from tests.support.clock import freeze
from tests.support.feed_server import Feed, FeedServer, feed_server
from tests.support.radicale_server import PASSWORD, USER, Radicale, radicale

SOURCES = "/api/v1/connected-calendars"
SECRET_PATH = "/private-abc123/basic.ics"
DENTIST = "2026-11-30T10:00:00+00:00"  # feeds.dentist_monday: Mon 30 Nov 12:00 Kyiv


def monday_slots(tutor: int, service: int) -> list[str]:
    week = tutor_public.week_slots(
        tutor, service_id=service, week_start=date(2026, 11, 30), viewer_tz="Europe/Kyiv",
        now=NOW,
    )  # fmt: skip
    return [s.start for s in week.days[0].slots]


def auth(user_id: int, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id=user_id, role=role, now=NOW)}"}


@pytest.fixture(scope="module")
def dav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    with radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture
def server(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv("CALENDAR_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("CALENDAR_FETCH_TIMEOUT_SECONDS", "3")
    get_settings.cache_clear()
    freeze(monkeypatch, NOW)
    with feed_server() as running:
        yield running
    get_settings.cache_clear()


def test_an_ical_address_over_the_api_blocks_time_like_the_page(server: FeedServer) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    server.feeds[SECRET_PATH] = Feed(body=feeds.dentist_monday())
    c, t = TestClient(api), auth(tutor, "tutor")
    assert DENTIST in monday_slots(tutor, service)  # the dentist's hour is free so far

    made = c.post(f"{SOURCES}/ical", json={"url": server.url(SECRET_PATH), "name": "Personal"},
                  headers=t)  # fmt: skip
    assert made.status_code == 201, made.text
    view = made.json()
    assert (view["name"], view["host"], view["event_count"], view["healthy"]) == (
        "Personal", "127.0.0.1", 1, True)  # fmt: skip
    assert DENTIST not in monday_slots(tutor, service)  # the public page's offer
    listed = c.get(SOURCES, headers=t)
    assert listed.json() == {"count": 1, "results": [view]}
    assert "private-abc123" not in made.text + listed.text  # the secret address never comes back

    refreshed = c.post(f"{SOURCES}/{view['id']}/refresh", headers=t)
    assert refreshed.status_code == 200 and refreshed.json()["last_error"] == ""
    server.feeds[SECRET_PATH] = Feed(body=b"not a calendar")
    failing = c.post(f"{SOURCES}/{view['id']}/refresh", headers=t).json()
    assert failing["last_error"].startswith("This address does not return an iCalendar")
    assert failing["healthy"] is False  # and the busy time stays (a broken feed is no "free")
    assert DENTIST not in monday_slots(tutor, service)

    assert c.delete(f"{SOURCES}/{view['id']}", headers=t).status_code == 204
    assert c.get(SOURCES, headers=t).json() == {"count": 0, "results": []}
    assert DENTIST in monday_slots(tutor, service)


def test_bad_input_gets_the_pages_field_messages(server: FeedServer) -> None:
    tutor = add_tutor()
    c, t = TestClient(api), auth(tutor, "tutor")
    bad = c.post(f"{SOURCES}/ical", json={"url": "ftp://example.com/x.ics", "name": "x" * 101},
                 headers=t)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"] == "validation_failed"
    fields = bad.json()["fields"]
    assert "https://" in fields["url"] and set(fields) == {"url", "name"}
    caldav = c.post(f"{SOURCES}/caldav", json={"url": "caldav.example.com", "username": "",
                                               "password": " "}, headers=t)  # fmt: skip
    assert set(caldav.json()["fields"]) == {"url", "username", "password"}
    assert calendar_sources.list_sources(tutor) == []  # nothing half written


def test_someone_elses_source_is_not_found_and_left_alone(server: FeedServer) -> None:
    owner, intruder = add_tutor(), add_tutor("petro@example.com")
    server.feeds["/f.ics"] = Feed(body=feeds.dentist_monday())
    source = calendar_sources.add_ical(owner, server.url("/f.ics"), "Mine", now=NOW).id
    c = TestClient(api)
    for method, path in (("POST", f"{SOURCES}/{source}/refresh"), ("DELETE", f"{SOURCES}/{source}"),
                         ("GET", f"{SOURCES}/{source}/calendars"),
                         ("PUT", f"{SOURCES}/{source}/calendars")):  # fmt: skip
        answer = c.request(method, path, json={}, headers=auth(intruder, "tutor"))
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["detail"] == calendar_sources.SOURCE_NOT_FOUND
    assert c.get(SOURCES, headers=auth(intruder, "tutor")).json()["count"] == 0
    assert [v.name for v in calendar_sources.list_sources(owner)] == ["Mine"]
    assert server.seen == []  # not even fetched
    student = c.get(SOURCES, headers=auth(add_student(), "student"))
    assert student.status_code == 403


def test_a_caldav_account_over_the_api(server: FeedServer, dav: Radicale) -> None:
    tutor = add_tutor()
    c, t = TestClient(api), auth(tutor, "tutor")
    tag = uuid.uuid4().hex[:8]
    lessons_url = str(dav.calendar(f"lessons-{tag}").url)
    personal_url = str(dav.calendar(f"personal-{tag}").url)
    account = {"url": dav.url, "username": USER, "password": "wrong-password", "name": "Radicale"}

    wrong = c.post(f"{SOURCES}/caldav", json=account, headers=t)
    assert wrong.status_code == 422 and set(wrong.json()["fields"]) == {"password"}
    assert calendar_sources.list_sources(tutor) == []

    made = c.post(f"{SOURCES}/caldav", json={**account, "password": PASSWORD}, headers=t)
    assert made.status_code == 201, made.text
    source = made.json()["id"]
    listed = c.get(f"{SOURCES}/{source}/calendars", headers=t)
    assert listed.status_code == 200, listed.text
    urls = {row["url"] for row in listed.json()["results"]}
    assert {lessons_url, personal_url} <= urls

    foreign = c.put(f"{SOURCES}/{source}/calendars",
                    json={"push": "https://evil.example/cal/", "pull": []}, headers=t)  # fmt: skip
    assert foreign.status_code == 422 and set(foreign.json()["fields"]) == {"push"}
    chosen = c.put(f"{SOURCES}/{source}/calendars",
                   json={"push": lessons_url, "pull": [personal_url]}, headers=t)  # fmt: skip
    assert chosen.status_code == 200, chosen.text
    view = chosen.json()
    assert (view["push_calendar"], view["pull_count"], view["healthy"]) == (
        f"lessons-{tag}", 1, True)  # fmt: skip
    everything = made.text + listed.text + chosen.text + c.get(SOURCES, headers=t).text
    assert PASSWORD not in everything and "secret" not in everything


def test_the_feed_address_is_shown_once_rotated_and_turned_off(server: FeedServer) -> None:
    tutor = add_tutor()
    c, t = TestClient(api), auth(tutor, "tutor")
    assert c.get("/api/v1/calendar-feed", headers=t).json() == {"active": False,
                                                                 "created_at": None}  # fmt: skip
    made = c.post("/api/v1/calendar-feed", headers=t)
    assert made.status_code == 200, made.text
    first = made.json()
    assert first["active"] and not first["replaced"] and first["created_at"]
    assert first["webcal_url"] == "webcal://" + first["url"].split("://", 1)[1]
    assert made.headers["Cache-Control"] == "no-store"
    feed_path = "/api/feeds/" + first["url"].rsplit("/api/feeds/", 1)[1]
    assert c.get(feed_path).status_code == 200  # the address works
    shown = c.get("/api/v1/calendar-feed", headers=t)
    assert shown.json() == {"active": True, "created_at": first["created_at"]}  # never the URL

    second = c.post("/api/v1/calendar-feed", headers=t).json()
    assert second["replaced"] and second["url"] != first["url"]
    assert c.get(feed_path).status_code == 404  # the old address stopped at once
    assert c.delete("/api/v1/calendar-feed", headers=t).status_code == 204
    assert c.get("/api/v1/calendar-feed", headers=t).json()["active"] is False
    new_path = "/api/feeds/" + second["url"].rsplit("/api/feeds/", 1)[1]
    assert c.get(new_path).status_code == 404


def test_who_may_use_the_feed_routes(server: FeedServer) -> None:
    tutor, student, admin = add_tutor(), add_student(), add_admin()
    c = TestClient(api)
    assert c.post("/api/v1/calendar-feed", headers=auth(student, "student")).status_code == 200
    assert c.post("/api/v1/calendar-feed", headers=auth(admin, "admin")).status_code == 403
    read = api_tokens.create_token(tutor, name="r", scope="read", expires_in_days=None, now=NOW)
    bearer = {"Authorization": f"Bearer {read.secret}"}
    assert c.get("/api/v1/calendar-feed", headers=bearer).status_code == 200
    refused = c.post("/api/v1/calendar-feed", headers=bearer)
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    assert c.get("/api/v1/calendar-feed", headers=bearer).json()["active"] is False
    assert c.post(f"{SOURCES}/ical", json={"url": "https://x.example/a.ics"},
                  headers=bearer).json()["error"] == "insufficient_scope"  # fmt: skip


def test_the_routes_are_documented_with_named_schemas() -> None:
    paths = TestClient(api).get("/api/openapi.json").json()["paths"]
    document = json.dumps(paths)
    for path in (SOURCES, f"{SOURCES}/ical", f"{SOURCES}/caldav", f"{SOURCES}/{{source_id}}",
                 f"{SOURCES}/{{source_id}}/refresh", f"{SOURCES}/{{source_id}}/calendars",
                 "/api/v1/calendar-feed", "/api/v1/lessons/{lesson_id}/seats/{booking_id}"):  # fmt: skip
        assert path in paths, path
    for name in ("SourceView", "SourceList", "NewIcal", "NewCaldav", "CalendarChoice",
                 "RemoteCalendarList", "FeedState", "FeedAddress", "BookingRecord"):  # fmt: skip
        assert f"#/components/schemas/{name}" in document, name
    schemas = TestClient(api).get("/api/openapi.json").json()["components"]["schemas"]
    for name in ("SourceList", "NewIcal", "NewCaldav", "CalendarChoice", "RemoteCalendarList",
                 "FeedState", "FeedAddress", "MoveBody", "BusyMove"):  # fmt: skip
        assert schemas[name].get("examples"), name
    added = paths[f"{SOURCES}/ical"]["post"]["responses"]["201"]["content"]["application/json"]
    assert added["example"]["host"] and "url" not in added["example"]
