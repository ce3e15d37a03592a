"""Issue 17: "Add to calendar" links and the subscription feeds, on SQLite and PostgreSQL.

The feeds are read back with vobject (an independent parser: the app builds with
icalendar). The guards keep negative controls: a rotated URL stops while the new one
works; another student's bookings never appear in a student's feed; a 304 only while
nothing changed.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
import vobject
from fastapi import FastAPI
from fastapi.testclient import TestClient

from booking_app.api import bookings as bookings_api
from booking_app.api import feeds as feeds_api
from booking_app.api.errors import install_error_handlers
from booking_app.db import read_scope, session_scope
from booking_app.models import Booking, BookingStatus, Lesson, LessonStatus, User
from booking_app.services import booking as bk
from booking_app.services import calendar_feeds
from booking_app.services.errors import NotFound
from booking_app.services.lessons import cancel_lesson
from booking_app.state.calendar_feed import CalendarFeedState
from tests.support import clock
from tests.support.builders import (
    NOW,
    add_lesson,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    form,
    lesson_row,
    utc,
)
from tests.support.states import Tab, run, state, toasts


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)  # row defaults (updated_at) and the API's clock


def _client() -> TestClient:
    api = FastAPI()
    install_error_handlers(api)
    api.include_router(feeds_api.router)
    api.include_router(bookings_api.router)
    return TestClient(api)


def _secret(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def _events(body: bytes | str) -> dict[str, Any]:
    """UID -> VEVENT, parsed by vobject."""
    text = body.decode() if isinstance(body, bytes) else body
    calendar = vobject.readOne(text)
    return {event.uid.value: event for event in calendar.vevent_list}


def _set(model: Any, row_id: int, **values: Any) -> None:
    with session_scope(write=True) as session:
        session.execute(sa.update(model).where(model.id == row_id).values(**values))


# --- SEQUENCE --------------------------------------------------------------------------------


def test_sequences_only_grow_with_every_change(db: str) -> None:
    tutor, student = add_tutor(), add_student()
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=student, now=NOW)
    first = booking_row(view.token)
    lesson_seq = [lesson_row(first.lesson_id).calendar_sequence]
    seqs = [first.calendar_sequence]

    moved = bk.reschedule_booking(view.token, start=utc("2026-12-01T10:00"), now=NOW)
    assert moved.start == utc("2026-12-01T10:00")
    seqs.append(booking_row(view.token).calendar_sequence)
    bk.cancel_booking(view.token, now=NOW)
    seqs.append(booking_row(view.token).calendar_sequence)
    assert seqs == sorted(set(seqs)), seqs  # strictly growing

    # The tutor's lesson event changes when a seat in it does (names), and a lesson the
    # tutor cancels changes its students' events (bulk UPDATE included).
    assert lesson_row(first.lesson_id).calendar_sequence > lesson_seq[0]
    group = add_lesson(tutor, NOW + timedelta(days=3), students=(student,), capacity=3)
    with read_scope() as session:
        seat = session.execute(sa.select(Booking).where(Booking.lesson_id == group)).scalar_one()
    before = seat.calendar_sequence
    cancel_lesson(tutor, group, now=NOW)
    after = booking_row(seat.booking_token)
    assert after.status is BookingStatus.cancelled and after.calendar_sequence > before


# --- Add to calendar -------------------------------------------------------------------------


def test_add_to_calendar_links_and_none_once_cancelled(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    assert view.ics_url.endswith(f"/api/v1/bookings/{view.token}/calendar.ics")
    google = parse_qs(urlsplit(view.google_calendar_url).query)
    assert google["action"] == ["TEMPLATE"]
    assert google["dates"] == ["20261130T080000Z/20261130T090000Z"]
    assert google["text"] == ["Algebra with Tutor olena"]
    assert f"/booking/{view.token}" in google["details"][0]
    outlook = parse_qs(urlsplit(view.outlook_calendar_url).query)
    assert outlook["startdt"] == ["2026-11-30T08:00:00Z"]
    assert outlook["enddt"] == ["2026-11-30T09:00:00Z"]
    assert outlook["location"] == ["https://meet.example.com/x"]

    client = _client()
    got = client.get(urlsplit(view.ics_url).path)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/calendar")
    assert got.headers["content-disposition"].startswith("attachment;")
    event = _events(got.text)[f"{view.token}@tutorbook"]
    assert event.status.value == "CONFIRMED"

    bk.cancel_booking(view.token, now=NOW)
    gone = bk.get_booking(view.token, viewer_tz="UTC", now=NOW)
    assert (gone.ics_url, gone.google_calendar_url, gone.outlook_calendar_url) == ("", "", "")
    # The file itself still answers, cancelled, so a calendar that imported it drops it.
    again = _events(client.get(urlsplit(view.ics_url).path).text)[f"{view.token}@tutorbook"]
    assert again.status.value == "CANCELLED"
    assert int(again.sequence.value) > int(event.sequence.value)


# --- the secret URL --------------------------------------------------------------------------


def test_feed_url_is_secret_hashed_and_rotation_stops_the_old_one(db: str) -> None:
    tutor = add_tutor()
    link = calendar_feeds.rotate_feed(tutor, now=NOW)
    secret = _secret(link.url)
    assert len(secret) >= 43  # 256 bits, url-safe base64
    assert link.webcal_url == "webcal://" + link.url.split("://", 1)[1]
    with read_scope() as session:
        stored = session.get(User, tutor)
        assert stored is not None
    assert stored.calendar_token == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.calendar_token or "")
    assert calendar_feeds.feed_info(tutor).active

    client = _client()
    path = urlsplit(link.url).path
    assert client.get(path).status_code == 200
    new_path = urlsplit(calendar_feeds.rotate_feed(tutor, now=NOW).url).path
    old = client.get(path)
    assert old.status_code == 404 and old.json()["error"] == "not_found"
    assert client.get(new_path).status_code == 200  # negative control: the new one works
    calendar_feeds.revoke_feed(tutor)
    assert client.get(new_path).status_code == 404
    assert not calendar_feeds.feed_info(tutor).active
    for junk in ("x", "a" * 43, "../../etc/passwd", "é" * 50):
        with pytest.raises(NotFound):
            calendar_feeds.feed(junk, now=NOW)


# --- what the feeds hold ---------------------------------------------------------------------


def test_tutor_feed_has_every_lesson_names_rooms_and_recent_cancellations(db: str) -> None:
    tutor, ann, bob = add_tutor(), add_student("ann@example.com"), add_student("bob@example.com")
    solo = add_lesson(tutor, NOW + timedelta(days=2), students=(ann,))
    group = add_lesson(tutor, NOW + timedelta(days=3), students=(ann, bob), capacity=4)
    with session_scope(write=True) as session:
        names = iter(["Ann Pupil", "Bob Pupil"])
        for seat in session.execute(sa.select(Booking).where(Booking.lesson_id == group)).scalars():
            seat.client_name = next(names)
    fresh_cancel = add_lesson(tutor, NOW + timedelta(days=4), lesson_status=LessonStatus.cancelled)
    old_cancel = add_lesson(tutor, NOW + timedelta(days=5), lesson_status=LessonStatus.cancelled)
    _set(Lesson, old_cancel, updated_at=NOW - timedelta(days=31))
    long_ago = add_lesson(tutor, NOW - timedelta(days=120))
    other_tutor = add_lesson(add_tutor("other@example.com"), NOW + timedelta(days=2))

    version, body = calendar_feeds.feed(
        _secret(calendar_feeds.rotate_feed(tutor, now=NOW).url), now=NOW
    )
    events = _events(body)
    uid = "lesson-{}@tutorbook".format
    assert set(events) == {uid(solo), uid(group), uid(fresh_cancel)}
    assert not {uid(old_cancel), uid(long_ago), uid(other_tutor)} & set(events)
    assert events[uid(group)].summary.value == "Algebra: Ann Pupil, Bob Pupil"
    assert events[uid(group)].status.value == "CONFIRMED"
    assert events[uid(fresh_cancel)].status.value == "CANCELLED"
    assert "/classroom/" in events[uid(solo)].description.value
    start = events[uid(solo)].dtstart.value
    assert start.utcoffset() == timedelta(0) and start == NOW + timedelta(days=2)
    assert b"DTSTART:" in body and b"Z\r\n" in body  # UTC times, no VTIMEZONE needed
    assert version.etag.startswith('"')


def test_student_feed_has_only_their_bookings(db: str) -> None:
    tutor, ann, bob = add_tutor(), add_student("ann@example.com"), add_student("bob@example.com")
    service = add_service(tutor)
    kept = bk.create_booking(form(tutor, service), student_id=ann, now=NOW)
    gone = bk.create_booking(
        form(tutor, service, start=utc("2026-12-01T10:00")), student_id=ann, now=NOW
    )
    bk.cancel_booking(gone.token, now=NOW)
    bobs = bk.create_booking(
        form(tutor, service, start=utc("2026-12-02T10:00")), student_id=bob, now=NOW
    )
    _, body = calendar_feeds.feed(_secret(calendar_feeds.rotate_feed(ann, now=NOW).url), now=NOW)
    events = _events(body)
    assert set(events) == {f"{kept.token}@tutorbook", f"{gone.token}@tutorbook"}
    assert f"{bobs.token}@tutorbook" not in events  # negative control: another student's
    assert events[f"{gone.token}@tutorbook"].status.value == "CANCELLED"
    assert events[f"{kept.token}@tutorbook"].summary.value == "Algebra with Tutor olena"
    # 31 days after the cancellation it is gone from the feed.
    later = NOW + timedelta(days=31)
    _, body = calendar_feeds.feed(_secret(calendar_feeds.rotate_feed(ann, now=NOW).url), now=later)
    assert f"{gone.token}@tutorbook" not in _events(body)


# --- conditional GET -------------------------------------------------------------------------


def test_feed_answers_304_until_something_changes(db: str) -> None:
    tutor, student = add_tutor(), add_student()
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=student, now=NOW)
    path = urlsplit(calendar_feeds.rotate_feed(tutor, now=NOW).url).path
    client = _client()
    first = client.get(path)
    assert first.status_code == 200 and "BEGIN:VCALENDAR" in first.text
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    same = client.get(path, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    older = format_datetime(NOW - timedelta(days=400), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200
    # If-None-Match wins over If-Modified-Since (negative control: a stale tag is a 200).
    stale = client.get(path, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified})
    assert stale.status_code == 200

    bk.reschedule_booking(view.token, start=utc("2026-12-01T10:00"), now=NOW)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert client.get(path, headers={"If-None-Match": changed.headers["etag"]}).status_code == 304


# --- the page state --------------------------------------------------------------------------


def test_feed_card_state_shows_the_url_once_and_acts_only_for_the_signed_in_user(
    sqlite_db: str,
) -> None:
    tutor = add_tutor()
    anonymous = state(CalendarFeedState, "/tutor/profile")
    assert toasts(run(anonymous.rotate()), "error")
    assert not calendar_feeds.feed_info(tutor).active  # negative control: nothing made

    tab = Tab("/tutor/profile", user=(tutor, "tutor"))
    card = tab.state(CalendarFeedState)
    run(card.on_load())
    assert not card.active and card.shown_url == ""
    assert toasts(run(card.rotate()), "success")
    first = card.shown_url
    assert card.active and first.startswith("http") and card.shown_webcal.startswith("webcal://")
    assert card.created_label  # "Wed 25 Nov, 10:00" in the tutor's zone
    run(card.rotate())
    assert card.shown_url != first
    with pytest.raises(NotFound):
        calendar_feeds.feed(_secret(first), now=NOW)
    run(card.on_load())  # a reload: the secret is not in the state any more
    assert card.shown_url == "" and card.active
    with read_scope() as session:
        stored = session.get(User, tutor)
        assert stored is not None and stored.calendar_token
    assert stored.calendar_token not in str(card.dict())  # not even the hash
    run(card.revoke())
    assert not card.active and not calendar_feeds.feed_info(tutor).active
