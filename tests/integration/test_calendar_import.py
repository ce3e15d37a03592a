"""iCal import (issue 17, item 3) against a real HTTP server on loopback.

Services are called with an injected ``now`` (NOW_IMPORT: Wed 25 Nov 2026), the feeds
hold the week of Mon 30 Nov. Offer == validate: what the public page offers after an
import is bookable, and the imported interval removes exactly the slots it overlaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from booking_app.config import get_settings
from booking_app.db import read_scope
from booking_app.models import BusyBlock, BusySource, CalendarSource, Notification, TutorProfile
from booking_app.services import availability, calendar_sources, tutor_public
from booking_app.services.booking import create_booking
from booking_app.services.errors import NotFound, SlotUnavailable, ValidationFailed
from tests.support import calendar_feeds as feeds
from tests.support.builders import NOW, add_service, add_tutor, form
from tests.support.feed_server import Feed, FeedServer, feed_server

WEEK = datetime(2026, 11, 30).date()


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CALENDAR_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("CALENDAR_FETCH_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def server(loopback_allowed: None) -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def monday_slots(tutor: int, service: int) -> list[str]:
    week = tutor_public.week_slots(
        tutor, service_id=service, week_start=WEEK, viewer_tz="Europe/Kyiv", now=NOW
    )
    return [s.start for s in week.days[0].slots]


def kyiv(hhmm: str) -> str:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(2026, 11, 30, hour - 2, minute, tzinfo=UTC).isoformat()


def connect(tutor: int, server: FeedServer, path: str, body: bytes, **kw: object) -> int:
    server.feeds[path] = Feed(body=body, **kw)  # type: ignore[arg-type]
    return calendar_sources.add_ical(tutor, server.url(path), "Personal", now=NOW).id


def test_import_removes_exactly_the_overlapping_slots_and_offer_equals_validate(
    db: str, server: FeedServer
) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    before = monday_slots(tutor, service)
    source = connect(tutor, server, "/google.ics", feeds.dentist_monday())

    assert calendar_sources.refresh(source, now=NOW) == "imported"

    after = monday_slots(tutor, service)
    assert sorted(set(before) - set(after)) == [kyiv("11:30"), kyiv("12:00"), kyiv("12:30")]
    assert set(after) <= set(before)
    with pytest.raises(SlotUnavailable):  # the write path re-checks with the same rows
        create_booking(form(tutor, service, start=kyiv("12:00")), student_id=None, now=NOW)
    booked = create_booking(form(tutor, service, start=after[0]), student_id=None, now=NOW)
    assert booked.status in ("confirmed", "pending")
    view = calendar_sources.list_sources(tutor)[0]
    assert (view.event_count, view.last_error, view.healthy) == (1, "", True)
    assert view.last_sync != "never" and "127.0.0.1" == view.host


def test_refresh_replaces_the_rows_and_updates_the_marketplace_value(
    db: str, server: FeedServer
) -> None:
    tutor = add_tutor(
        hours=[(0, datetime.min.time().replace(hour=12), datetime.min.time().replace(hour=13))]
    )
    add_service(tutor, minutes=60)
    source = connect(tutor, server, "/f.ics", feeds.dentist_monday())
    calendar_sources.refresh(source, now=NOW)
    with read_scope() as session:
        profile = session.exec(
            sa.select(TutorProfile).where(TutorProfile.user_id == tutor)
        ).scalar_one()
        blocked_next = profile.next_free_at
    assert blocked_next is None or blocked_next > datetime(2026, 11, 30, 11, tzinfo=UTC)

    server.feeds["/f.ics"] = Feed(body=feeds.calendar())  # the dentist was cancelled
    later = NOW + timedelta(days=2)  # past FULL_FETCH_EVERY: an unconditional GET
    assert calendar_sources.refresh(source, now=later) == "imported"
    with read_scope() as session:
        rows = session.execute(sa.select(sa.func.count(BusyBlock.id))).scalar_one()
        profile = session.exec(
            sa.select(TutorProfile).where(TutorProfile.user_id == tutor)
        ).scalar_one()
    assert rows == 0
    assert profile.next_free_at == datetime(2026, 11, 30, 10, tzinfo=UTC)


def test_304_keeps_the_rows_and_sends_the_etag(sqlite_db: str, server: FeedServer) -> None:
    tutor = add_tutor()
    source = connect(tutor, server, "/e.ics", feeds.google_weekly_with_exceptions(), etag='"v1"')
    assert calendar_sources.refresh(source, now=NOW) == "imported"
    assert calendar_sources.refresh(source, now=NOW + timedelta(minutes=15)) == "unchanged"
    assert server.seen[-1][1].get("If-None-Match") == '"v1"'
    with read_scope() as session:
        rows = session.execute(sa.select(sa.func.count(BusyBlock.id))).scalar_one()
    assert rows > 20  # weekly for the horizon, kept


def test_timeout_malformed_and_404_keep_the_previous_rows_and_show_the_error(
    sqlite_db: str, server: FeedServer
) -> None:
    tutor = add_tutor()
    source = connect(tutor, server, "/t.ics", feeds.dentist_monday())
    calendar_sources.refresh(source, now=NOW)
    cases = [
        (Feed(body=feeds.dentist_monday(), delay=2.5), "did not answer within 1 s"),
        (Feed(body=b"<html>login</html>"), "does not return an iCalendar"),
        (Feed(body=b"", status=404), "answered 404"),
    ]
    for number, (feed, message) in enumerate(cases, start=1):
        server.feeds["/t.ics"] = feed
        later = NOW + timedelta(days=number * 2)
        assert calendar_sources.refresh(source, now=later) == "failed"
        view = calendar_sources.list_sources(tutor)[0]
        assert message in view.last_error and not view.healthy
    with read_scope() as session:
        kept = session.execute(sa.select(BusyBlock.starts_at)).scalars().all()
    assert kept == [datetime(2026, 11, 30, 10, tzinfo=UTC)]


def test_size_limit_refuses_a_5_mb_feed_and_accepts_it_under_the_default(
    sqlite_db: str, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutor = add_tutor()
    body = feeds.big_feed(5 * 1024 * 1024)
    assert len(body) > 5_000_000
    source = connect(tutor, server, "/big.ics", body)
    monkeypatch.setenv("CALENDAR_MAX_FEED_BYTES", str(4 * 1024 * 1024))
    get_settings.cache_clear()
    assert calendar_sources.refresh(source, now=NOW) == "failed"
    assert "larger than 4 MB" in calendar_sources.list_sources(tutor)[0].last_error
    monkeypatch.delenv("CALENDAR_MAX_FEED_BYTES")
    get_settings.cache_clear()
    assert calendar_sources.refresh(source, now=NOW) == "imported"
    assert calendar_sources.list_sources(tutor)[0].event_count == 100


def test_redirects_are_followed_and_checked(sqlite_db: str, server: FeedServer) -> None:
    tutor = add_tutor()
    server.feeds["/real.ics"] = Feed(body=feeds.dentist_monday())
    source = connect(tutor, server, "/old.ics", b"", status=302, location="/real.ics")
    assert calendar_sources.refresh(source, now=NOW) == "imported"


def test_private_address_refused_without_the_setting(sqlite_db: str) -> None:
    tutor = add_tutor()
    with pytest.raises(ValidationFailed) as caught:
        calendar_sources.add_ical(tutor, "http://127.0.0.1:9/feed.ics", "", now=NOW)
    assert "private network" in caught.value.field_errors["url"]


def test_broken_source_notifies_the_tutor_once_until_it_recovers(
    sqlite_db: str, server: FeedServer
) -> None:
    tutor = add_tutor()
    source = connect(tutor, server, "/gone.ics", b"", status=404)
    for attempt in range(5):
        calendar_sources.refresh(source, now=NOW + timedelta(hours=attempt))
    with read_scope() as session:
        notes = session.exec(sa.select(Notification)).scalars().all()
        assert calendar_sources.still_broken(session, notes[0].kind) is None
    assert (
        len(notes) == 1
        and notes[0].user_id == tutor
        and "could not be read 3 times" in notes[0].body
    )

    server.feeds["/gone.ics"] = Feed(body=feeds.dentist_monday())
    assert calendar_sources.refresh(source, now=NOW + timedelta(hours=6)) == "imported"
    with read_scope() as session:
        # the re-check before sending now withholds the (unsent) message
        assert calendar_sources.still_broken(session, notes[0].kind) == "calendar recovered"
        assert session.get(CalendarSource, source).broken_notified is False  # re-armed


def test_backoff_grows_and_due_sources_are_refreshed_by_the_beat_function(
    sqlite_db: str, server: FeedServer
) -> None:
    tutor = add_tutor()
    source = connect(tutor, server, "/b.ics", b"", status=500)
    assert calendar_sources.refresh_due(NOW) == 1
    assert calendar_sources.refresh_due(NOW + timedelta(minutes=14)) == 0  # backoff 15 min
    assert calendar_sources.refresh_due(NOW + timedelta(minutes=15)) == 1
    assert calendar_sources.refresh_due(NOW + timedelta(minutes=30)) == 0  # now 30 min
    with read_scope() as session:
        assert session.get(CalendarSource, source).failures == 2


def test_imported_rows_are_not_the_tutors_to_edit_and_not_listed_as_manual(
    sqlite_db: str, server: FeedServer
) -> None:
    tutor = add_tutor()
    source = connect(tutor, server, "/m.ics", feeds.dentist_monday())
    calendar_sources.refresh(source, now=NOW)
    with read_scope() as session:
        row = session.exec(sa.select(BusyBlock)).scalar_one()
    assert row.source is BusySource.external and row.title == "Busy (Personal)"
    assert availability.get_availability(tutor, now=NOW).busy_blocks == []
    with pytest.raises(NotFound):
        availability.remove_busy_block(tutor, row.id or 0)


def test_only_the_owner_removes_a_source_and_its_rows_go_with_it(
    sqlite_db: str, server: FeedServer
) -> None:
    tutor = add_tutor()
    other = add_tutor("petro@example.com")
    source = connect(tutor, server, "/r.ics", feeds.dentist_monday())
    calendar_sources.refresh(source, now=NOW)
    with pytest.raises(NotFound):
        calendar_sources.remove(other, source, now=NOW)
    with pytest.raises(NotFound):
        calendar_sources.refresh_now(other, source, now=NOW)
    calendar_sources.remove(tutor, source, now=NOW)
    with read_scope() as session:
        assert session.execute(sa.select(sa.func.count(BusyBlock.id))).scalar_one() == 0
    assert calendar_sources.list_sources(tutor) == []


def test_admin_sees_every_sources_health_but_not_its_address(
    sqlite_db: str, server: FeedServer
) -> None:
    from fastapi.testclient import TestClient

    from booking_app.api.app import api
    from booking_app.services import accounts, sessions
    from tests.support import clock

    tutor = add_tutor()
    source = connect(tutor, server, "/secret-token-abc/basic.ics", b"", status=404)
    calendar_sources.refresh(source, now=NOW)
    admin_id = accounts.create_admin(
        email="admin@example.com", name="Ada Admin", phone="+380671110000", password="admin-pass-1"
    )
    client = TestClient(api)
    client.cookies.set(
        "session", sessions.open_session(user_id=admin_id, role="admin", now=clock.now())
    )
    listing = client.get("/admin/calendar-source/list")
    assert listing.status_code == 200
    assert "answered 404" in listing.text and "Personal" in listing.text
    assert "secret-token-abc" not in listing.text and "127.0.0.1" not in listing.text
    detail = client.get("/admin/calendar-source/detail", params={"pk": source})
    assert detail.status_code == 200 and "secret-token-abc" not in detail.text
    client.cookies.set(
        "session", sessions.open_session(user_id=tutor, role="tutor", now=clock.now())
    )
    assert client.get("/admin/calendar-source/list", follow_redirects=False).status_code == 303


def test_the_beat_runs_the_refresh_task_every_minute_and_it_refreshes_due_sources(
    sqlite_db: str, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks import calendars
    from tasks.celery_app import app
    from tests.support import clock

    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule[calendars.REFRESH_CALENDARS] == timedelta(minutes=1)
    assert schedule[calendars.PUSH_CALENDARS] == timedelta(minutes=1)
    tutor = add_tutor()
    connect(tutor, server, "/beat.ics", feeds.dentist_monday())
    clock.freeze(monkeypatch, NOW)
    assert calendars.refresh_calendars.run() == 1
    assert calendars.refresh_calendars.run() == 0  # next one in 15 minutes
    assert calendar_sources.list_sources(tutor)[0].event_count == 1
