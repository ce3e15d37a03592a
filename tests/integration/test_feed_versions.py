"""A calendar feed's ETag moves whenever the feed's bytes do (SQLite and PostgreSQL).

The feed's conditional GET is answered from its owner's data version alone (one indexed
read), so the version must move with every change that alters the feed, whoever writes
it: a booking, a room opened for a lesson without one, a service's new name and meeting
link, a tutor renamed by an admin (through the service, and through the admin panel's
generic form, which saves with its own SQLAlchemy session), a move, a cancellation, the
day the window moves on. Each step runs through the code a user's click runs, then both
feeds (tutor's and student's) are built again: where the bytes differ, the ETag must
differ. Negative control: with the row listener (services/data_versions.py) removed, a
tutor renamed by an admin changes the student's feed and not its ETag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from booking_app.api import feeds as feeds_api
from booking_app.db import session_scope
from booking_app.models import ClassroomSession
from booking_app.services import (
    admin_users,
    calendar_feeds,
    classroom,
    data_versions,
    tutor_services,
)
from booking_app.services import booking as bk
from booking_app.services.tutor_services import ServiceInput
from tests.integration.admin_helpers import (
    build_world,
    client_for,
    edit_form,
    field_errors,
    post_edit,
)
from tests.support import clock
from tests.support.builders import NOW, add_service, add_student, add_tutor, form, utc


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _secret(user_id: int) -> str:
    return calendar_feeds.rotate_feed(user_id, now=NOW).url.rsplit("/", 1)[1][: -len(".ics")]


class Feeds:
    """The tutor's and the student's feeds as last seen: (ETag, bytes) of each."""

    def __init__(self, owners: dict[str, int]) -> None:
        self.secrets = {who: _secret(uid) for who, uid in owners.items()}
        self.now = NOW
        self.seen = {who: self._look(secret) for who, secret in self.secrets.items()}

    def _look(self, secret: str) -> tuple[str, bytes]:
        version, body = calendar_feeds.feed(secret, now=self.now)
        # The 304 path reads the same version as the full build.
        assert calendar_feeds.feed_version(secret, now=self.now).etag == version.etag
        return version.etag, body

    def after(self) -> tuple[set[str], set[str]]:
        """(feeds whose bytes changed, feeds whose ETag did not although they did)."""
        changed, stale = set(), set()
        for who, secret in self.secrets.items():
            (old_tag, old_body), (tag, body) = self.seen[who], self._look(secret)
            if body != old_body:
                changed.add(who)
                if tag == old_tag:
                    stale.add(who)
            self.seen[who] = (tag, body)
        return changed, stale


def _renamed(tutor: int, service: int) -> ServiceInput:
    view = next(s for s in tutor_services.list_services(tutor) if s.id == service)
    fields = {k: v for k, v in asdict(view).items() if k in ServiceInput.__dataclass_fields__}
    fields.update(name="Geometry", meeting_url="https://meet.example.com/new-link")
    return ServiceInput(**fields)


def _drop_room(lesson_id: int) -> None:
    with session_scope(write=True) as session:
        session.execute(sa.delete(ClassroomSession).where(ClassroomSession.lesson_id == lesson_id))


def _steps(tutor: int, student: int, service: int, feeds: Feeds) -> Iterator[tuple[str, Callable]]:
    made: dict[str, bk.BookingDetailView] = {}
    yield "book", lambda: made.update(view=bk.create_booking(
        form(tutor, service), student_id=student, now=NOW
    ))  # fmt: skip
    lesson = classroom.lesson_of_booking(made["view"].token, user_id=student)
    _drop_room(lesson)  # as for a lesson made before rooms existed: the backfill's case
    feeds.after()  # see the feeds without the room (the fixture's change, not a step)
    yield "open the room", lambda: classroom.open_room(lesson, user_id=student, now=NOW)
    yield (
        "rename the service",
        lambda: tutor_services.update_service(tutor, service, _renamed(tutor, service)),
    )
    yield "rename the tutor", lambda: admin_users.update_user(tutor, name="Olena K.", now=NOW)
    yield (
        "reschedule",
        lambda: bk.reschedule_booking(made["view"].token, start=utc("2026-12-01T10:00"), now=NOW),
    )
    yield "cancel", lambda: bk.cancel_booking(made["view"].token, now=NOW)
    yield "a month on", lambda: setattr(feeds, "now", NOW + timedelta(days=31))


def test_feed_etag_moves_whenever_its_bytes_do(db: str) -> None:
    tutor, student = add_tutor(), add_student()
    service = add_service(tutor)
    feeds = Feeds({"tutor": tutor, "student": student})
    stale, changed = {}, {}
    for step, run in _steps(tutor, student, service, feeds):
        run()
        changed[step], stale[step] = feeds.after()
    assert all(not found for found in stale.values()), stale
    # Every step did change what a calendar shows (the check above had work to do).
    assert changed == {
        "book": {"tutor", "student"},
        "open the room": {"tutor", "student"},
        "rename the service": {"tutor", "student"},
        "rename the tutor": {"tutor", "student"},  # the tutor's title, the student's events
        "reschedule": {"tutor", "student"},
        "cancel": {"tutor", "student"},
        "a month on": {"tutor", "student"},  # the cancelled booking leaves both windows
    }


@pytest.fixture
def listener_removed() -> Iterator[None]:
    sa_event.remove(Session, "before_flush", data_versions._before_flush)
    try:
        yield
    finally:
        sa_event.listen(Session, "before_flush", data_versions._before_flush)


def test_negative_control_without_the_row_listener_a_rename_leaves_a_tag_stale(
    db: str, listener_removed: None
) -> None:
    """An admin renames the tutor: nobody is told (no page shows it live), so only the
    row listener moves the students' versions; the tutor's own ETag carries the name."""
    tutor, student = add_tutor(), add_student()
    bk.create_booking(form(tutor, add_service(tutor)), student_id=student, now=NOW)
    feeds = Feeds({"tutor": tutor, "student": student})
    admin_users.update_user(tutor, name="Olena K.", now=NOW)
    changed, stale = feeds.after()
    assert changed == {"tutor", "student"} and stale == {"student"}


def test_poll_with_the_old_tag_gets_the_new_feed_and_last_modified_moves(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutor, student = add_tutor(), add_student()
    view = bk.create_booking(form(tutor, add_service(tutor)), student_id=student, now=NOW)
    path = urlsplit(calendar_feeds.rotate_feed(student, now=NOW).url).path
    api = FastAPI()
    api.include_router(feeds_api.router)
    client = TestClient(api)
    first = client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert modified == format_datetime(NOW, usegmt=True)  # the booking's own change
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    later = clock.freeze(monkeypatch, NOW + timedelta(hours=2))
    lesson = classroom.lesson_of_booking(view.token, user_id=student)
    _drop_room(lesson)
    classroom.open_room(lesson, user_id=tutor, now=later)
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 200 and "/classroom/" in again.text
    assert again.headers["last-modified"] == format_datetime(later, usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 200
    assert client.get(path, headers={"If-None-Match": again.headers["etag"]}).status_code == 304


def test_a_tutor_renamed_in_the_admin_panel_moves_the_students_feed(db: str) -> None:
    """The admin panel's generic user form saves through starlette-admin's own session
    (plain SQLAlchemy, not the services' SQLModel session): the listener must see it."""
    world = build_world()
    feeds = Feeds({"tutor": world.tutor_id, "student": world.student_id})
    client = client_for(world.admin_id)
    data = {**edit_form(client, "user", str(world.tutor_id)), "name": "Olena Renamed"}
    response = post_edit(client, "user", str(world.tutor_id), data)
    assert response.status_code == 303, field_errors(response.text)
    changed, stale = feeds.after()
    assert changed == {"tutor", "student"} and not stale
