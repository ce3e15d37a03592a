"""Two-way CalDAV sync (issue 17, item 4) against a real Radicale on loopback.

One Radicale for the module (each test uses its own calendars); the "server down" test
starts and stops its own. Pushes are sent by calling the service the Celery task calls
(``calendar_push.send``), with an injected ``now``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from booking_app.config import get_settings
from booking_app.db import read_scope
from booking_app.models import BusyBlock, CalendarPush, CalendarSource
from booking_app.services import calendar_caldav, calendar_push, calendar_sources, secret_box
from booking_app.services.booking import cancel_booking, create_booking, reschedule_booking
from booking_app.services.errors import SlotUnavailable, ValidationFailed
from tests.support import calendar_feeds as feeds
from tests.support.builders import NOW, add_service, add_tutor, form
from tests.support.radicale_server import PASSWORD, USER, Radicale, radicale

MON_10 = datetime(2026, 11, 30, 8, tzinfo=UTC)  # 10:00 Kyiv


@pytest.fixture(scope="module")
def dav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    with radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CALENDAR_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("CALENDAR_FETCH_TIMEOUT_SECONDS", "3")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def calendars(dav: Radicale) -> tuple[str, str]:
    """A fresh (lessons, personal) pair of calendar URLs for this test."""
    tag = uuid.uuid4().hex[:8]
    return str(dav.calendar(f"lessons-{tag}").url), str(dav.calendar(f"personal-{tag}").url)


def connected(dav: Radicale, tutor: int, pull: list[str] | None = None) -> tuple[int, str]:
    lessons, personal = calendars(dav)
    view = calendar_caldav.add_caldav(tutor, dav.url, USER, PASSWORD, "Radicale", now=NOW)
    calendar_caldav.choose_calendars(
        tutor, view.id, lessons, [personal] if pull is None else pull, now=NOW
    )
    return view.id, lessons


def remote_events(dav: Radicale, calendar_url: str) -> list[tuple[str, datetime, datetime]]:
    with dav.client() as client:
        found = client.calendar(url=calendar_url).events()
        out = []
        for item in found:
            event = item.icalendar_component
            out.append((str(event["UID"]), event["DTSTART"].dt, event["DTEND"].dt))
        return sorted(out)


def pending(source_id: int) -> list[CalendarPush]:
    with read_scope() as session:
        return list(
            session.exec(
                sa.select(CalendarPush).where(
                    CalendarPush.source_id == source_id, CalendarPush.status == "pending"
                )
            ).scalars()
        )


def push_all(source_id: int, now: datetime = NOW) -> list[str]:
    return [calendar_push.send(row.id or 0, now=now) for row in pending(source_id)]


def test_wrong_password_is_refused_and_nothing_is_stored(sqlite_db: str, dav: Radicale) -> None:
    tutor = add_tutor()
    with pytest.raises(ValidationFailed) as caught:
        calendar_caldav.add_caldav(tutor, dav.url, USER, "wrong", "", now=NOW)
    assert "refused the user name or app password" in caught.value.field_errors["password"]
    assert calendar_sources.list_sources(tutor) == []


def test_password_is_sealed_at_rest_and_never_in_the_view(sqlite_db: str, dav: Radicale) -> None:
    tutor = add_tutor()
    view = calendar_caldav.add_caldav(tutor, dav.url, USER, PASSWORD, "", now=NOW)
    with read_scope() as session:
        stored = session.get(CalendarSource, view.id)
    assert stored.secret_enc and PASSWORD not in stored.secret_enc
    assert secret_box.open_sealed(stored.secret_enc) == PASSWORD
    assert PASSWORD not in repr(view)


def test_booking_moving_and_cancelling_are_pushed(db: str, dav: Radicale) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    source, lessons = connected(dav, tutor)
    push_all(source)  # the first (empty) push after choosing calendars

    booking = create_booking(
        form(tutor, service, start=MON_10.isoformat()), student_id=None, now=NOW
    )
    assert len(pending(source)) == 1  # written with the booking
    assert push_all(source) == ["sent"]
    [(uid, start, end)] = remote_events(dav, lessons)
    assert uid.endswith("@tutorbook-lesson") and (start, end) == (
        MON_10,
        MON_10 + timedelta(hours=1),
    )

    moved_to = MON_10 + timedelta(hours=3)
    reschedule_booking(booking.token, start=moved_to.isoformat(), now=NOW)
    assert push_all(source) == ["sent"]
    assert [(s, e) for _, s, e in remote_events(dav, lessons)] == [
        (moved_to, moved_to + timedelta(hours=1))
    ]

    cancel_booking(booking.token, now=NOW)
    assert push_all(source) == ["sent"]
    assert remote_events(dav, lessons) == []
    assert push_all(source) == []  # nothing left to do


def test_a_refused_booking_writes_no_push_row(sqlite_db: str, dav: Radicale) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    source, _ = connected(dav, tutor)
    push_all(source)
    create_booking(form(tutor, service, start=MON_10.isoformat()), student_id=None, now=NOW)
    push_all(source)
    with pytest.raises(SlotUnavailable):
        create_booking(
            form(tutor, service, start=MON_10.isoformat(), phone="+380671112299"),
            student_id=None,
            now=NOW,
        )
    assert pending(source) == []


def test_pull_imports_the_chosen_calendars_but_not_our_own_lessons(db: str, dav: Radicale) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    lessons, personal = calendars(dav)
    with dav.client() as client:
        client.calendar(url=personal).save_event(
            feeds.calendar(feeds.event("dentist@x", "20261130T120000", "20261130T130000")).decode()
        )
    view = calendar_caldav.add_caldav(tutor, dav.url, USER, PASSWORD, "Radicale", now=NOW)
    calendar_caldav.choose_calendars(tutor, view.id, lessons, [lessons, personal], now=NOW)
    create_booking(form(tutor, service, start=MON_10.isoformat()), student_id=None, now=NOW)
    push_all(view.id)
    assert len(remote_events(dav, lessons)) == 1

    assert calendar_sources.refresh(view.id, now=NOW) == "imported"
    with read_scope() as session:
        busy = session.execute(sa.select(BusyBlock.starts_at, BusyBlock.ends_at)).all()
    assert busy == [
        (datetime(2026, 11, 30, 10, tzinfo=UTC), datetime(2026, 11, 30, 11, tzinfo=UTC))
    ]
    assert calendar_sources.list_sources(tutor)[0].event_count == 1


def test_event_deleted_remotely_is_recreated_and_reported(sqlite_db: str, dav: Radicale) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    source, lessons = connected(dav, tutor)
    create_booking(form(tutor, service, start=MON_10.isoformat()), student_id=None, now=NOW)
    push_all(source)
    with dav.client() as client:
        for item in client.calendar(url=lessons).events():
            item.delete()
    assert remote_events(dav, lessons) == []

    calendar_sources.refresh(source, now=NOW)  # each refresh also queues a push check
    assert push_all(source) == ["sent"]
    assert len(remote_events(dav, lessons)) == 1
    assert "Re-created 1" in calendar_sources.list_sources(tutor)[0].push_error


def test_wrong_password_later_is_shown_and_retried_with_backoff(
    sqlite_db: str, dav: Radicale
) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    source, _ = connected(dav, tutor)
    push_all(source)
    with read_scope() as session:  # the tutor revoked the app password on the server
        row = session.get(CalendarSource, source)
        row.secret_enc = secret_box.seal("revoked")
        session.add(row)
        session.commit()
    create_booking(form(tutor, service, start=MON_10.isoformat()), student_id=None, now=NOW)
    assert push_all(source) == ["failed"]
    [row] = pending(source)
    assert row.attempts == 1 and row.send_after == NOW + timedelta(minutes=1)
    assert calendar_push.due(NOW) == []  # not before its backoff
    assert calendar_sources.refresh(source, now=NOW) == "failed"
    view = calendar_sources.list_sources(tutor)[0]
    assert "refused the user name or app password" in view.last_error
    assert "refused" in view.push_error


def test_server_down_never_blocks_booking_and_recovers(sqlite_db: str, tmp_path: Path) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    with radicale(tmp_path) as own:
        source, lessons = connected(own, tutor)
        push_all(source)
    # the server is down: booking still works, the push fails and waits
    create_booking(form(tutor, service, start=MON_10.isoformat()), student_id=None, now=NOW)
    assert push_all(source) == ["failed"]
    assert calendar_sources.refresh(source, now=NOW) == "failed"
    view = calendar_sources.list_sources(tutor)[0]
    assert "could not be reached" in view.last_error and "could not be reached" in view.push_error
    with radicale(tmp_path) as again:  # same folder, new port: point the account at it
        with read_scope() as session:
            row = session.get(CalendarSource, source)
            row.url = again.url
            row.push_calendar = lessons.replace(lessons.split("/")[2], f"127.0.0.1:{again.port}")
            session.add(row)
            session.commit()
        assert push_all(source, NOW + timedelta(minutes=2)) == ["sent"]
        assert len(remote_events(again, row.push_calendar)) == 1


def test_one_send_per_account_at_a_time_and_a_killed_send_expires(db: str, dav: Radicale) -> None:
    tutor = add_tutor()
    service = add_service(tutor, minutes=60)
    source, lessons = connected(dav, tutor)
    [first] = pending(source)
    with read_scope() as session:  # a worker claimed it and died mid-send
        row = session.get(CalendarPush, first.id)
        row.status, row.send_after = "sending", NOW + timedelta(minutes=5)
        session.add(row)
        session.commit()
    create_booking(form(tutor, service, start=MON_10.isoformat()), student_id=None, now=NOW)
    [second] = pending(source)
    assert calendar_push.send(second.id or 0, now=NOW) == "skipped"  # the lease holds
    assert remote_events(dav, lessons) == []
    assert calendar_push.send(second.id or 0, now=NOW + timedelta(minutes=6)) == "sent"
    assert len(remote_events(dav, lessons)) == 1


def test_a_redirect_to_a_private_address_is_not_followed(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server (here a loopback one, allowed) redirecting to the metadata address: the
    redirect target is checked like the address typed in (with private ones refused
    except loopback, so the test's server itself stays reachable)."""
    from booking_app.integrations import caldav_client, ical_import
    from tests.support.feed_server import Feed, feed_server

    real = ical_import.public_addresses

    def loopback_only(host: str, port: int, *, allow_private: bool) -> list[str]:
        return real(host, port, allow_private=host == "127.0.0.1")

    monkeypatch.setattr(caldav_client, "public_addresses", loopback_only)
    with feed_server() as server:
        server.feeds["/dav/"] = Feed(status=307, location="http://169.254.169.254/latest/")
        account = caldav_client.Account(server.url("/dav/"), USER, PASSWORD, 3, False)
        with pytest.raises(caldav_client.CaldavError, match="private network"):
            caldav_client.list_calendars(account)
    # only the redirect check says "private network" (the server itself is allowed), and
    # nothing but the server was asked
    assert {path for path, _ in server.seen} == {"/dav/"}
