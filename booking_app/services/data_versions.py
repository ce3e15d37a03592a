"""A user's data version: the cheap "has anything of mine changed?" of the HTTP API.

The counter (models/api_support.py) moves in the transaction of every write that changes
what the user sees, and `changed_at` says when. Two sources feed it, both bumped in ONE
statement just before the commit (a fixed order of rows, so two transactions never wait
on each other in a cycle):

- the users a service tells to re-read (``realtime.publish_on_commit``), so the week
  calendar's ETag moves exactly when the calendar page would refresh;
- the people of every lesson, booking, room, service or tutor name row the session
  flushed, read off the flush by the listener below. Calendar feeds (services/
  calendar_feeds.py) answer ``If-None-Match`` from this counter alone, so it must move
  whenever a feed's bytes would: watching the rows catches every present and future
  writer (a room opened from the classroom, a tutor renaming themselves, a service's new
  meeting link) without a call to forget, like the lesson webhooks
  (services/webhooks/events.py). A version that moves without a visible change costs a
  client one full download; one that stays while the feed changed would serve a stale
  calendar, so the listener errs on the side of moving.

Core bulk UPDATEs bypass the listener: their services publish the users they touch
(``cancel_seat_bookings`` runs with its lesson's ORM change; ``booking_list.mark_paid``
publishes tutor and students).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from booking_app import clock, realtime
from booking_app.db import read_scope
from booking_app.models import Booking, ClassroomSession, Lesson, Role, Service, User
from booking_app.repositories import api_support as repo

_TOUCHED = "data_version_touched"
# The columns of a service that a calendar feed prints.
_SERVICE_SHOWN = ("name", "location", "meeting_url")


def data_version(user_id: int) -> int:
    """The user's counter (0 before any write touched them)."""
    with read_scope() as session:
        return repo.version_of(session=session, user_id=user_id)


def _changed(obj: Any, *names: str) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _people(session: Session) -> set[int]:
    """Whose feeds the pending rows change. Runs before the flush writes them, so the
    rows a delete removes can still be followed to their students."""
    found: set[int] = set()
    lessons: set[int] = set()
    services: set[int] = set()
    tutors: set[int] = set()
    added, deleted = session.new, session.deleted  # each access builds a new set
    for obj in (*added, *session.dirty, *deleted):
        new, gone = obj in added, obj in deleted
        if not new and not gone and not session.is_modified(obj):
            continue
        if isinstance(obj, Booking):
            found.update(uid for uid in (obj.tutor_id, obj.student_id) if uid is not None)
        elif isinstance(obj, Lesson):
            found.add(obj.tutor_id)
            if not new:
                lessons.add(obj.id)  # type: ignore[arg-type]
        elif isinstance(obj, ClassroomSession):
            if new or gone or _changed(obj, "session_uuid", "lesson_id"):
                lessons.add(obj.lesson_id)
        elif isinstance(obj, Service):
            if not new and (gone or _changed(obj, *_SERVICE_SHOWN)):
                services.add(obj.id)  # type: ignore[arg-type]
        elif isinstance(obj, User) and not new and _changed(obj, "name"):
            found.add(obj.id)  # type: ignore[arg-type]
            if obj.role is Role.tutor:
                tutors.add(obj.id)  # type: ignore[arg-type]
    found |= repo.lesson_people(session=session, lesson_ids=lessons)
    found |= repo.service_people(session=session, service_ids=services)
    found |= repo.tutors_students(session=session, tutor_ids=tutors)
    found.discard(None)  # type: ignore[arg-type]  # a row built without its owner yet
    return found


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    people = _people(session)
    if people:
        session.info.setdefault(_TOUCHED, set()).update(people)


def _before_commit(session: Session) -> None:
    """Flush first (the commit would flush only after this hook), then bump everyone the
    transaction touched or announced, in one statement."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    people = session.info.pop(_TOUCHED, set()) | set(realtime.queued(session))
    if people:
        repo.bump_versions(session=session, user_ids=people, at=clock.now())


def _after_soft_rollback(session: Session, previous: Any) -> None:
    if not getattr(previous, "nested", False):  # a savepoint keeps the outer rows' touches
        session.info.pop(_TOUCHED, None)


_installed: list[bool] = []


def install() -> None:
    """Register the listeners on every session (once per process): SQLAlchemy's base
    class, so the admin panel's own sessions (starlette-admin's generic forms, plain
    SQLAlchemy) are watched like the services' SQLModel ones."""
    if _installed:
        return
    sa_event.listen(Session, "before_flush", _before_flush)
    sa_event.listen(Session, "before_commit", _before_commit)
    sa_event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    _installed.append(True)


install()
