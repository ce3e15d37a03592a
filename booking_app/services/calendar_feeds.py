"""Subscribe to my lessons: a secret feed URL per user (issue 17).

A tutor's feed holds every lesson (student names, room and meeting links); a student's
their bookings. The URL carries a 256-bit random secret; the database keeps only its
SHA-256 (`user.calendar_token`), so a leaked database or admin screen reveals no working
URL. Hence the URL is shown once, when made or rotated (like a personal access token):
whoever lost it rotates, which also stops the old URL at once, the safe reaction to "I
pasted it somewhere I shouldn't have". Storing it encrypted would let the page show it
again, at the price of a key whose leak exposes every feed; one click to rotate is cheaper.

Content rules (repositories/calendar_feeds.py): lessons that ended up to 90 days ago and
everything ahead; cancelled ones for 30 days after cancelling, as STATUS:CANCELLED. The
window moves by whole UTC days, so the feed is a function of (rows, day): its ETag and
Last-Modified come from aggregates of the same rows plus the day, without building it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime

from sqlmodel import Session

from booking_app import routes
from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.integrations import ical
from booking_app.models import Role
from booking_app.repositories import calendar_feeds as repo
from booking_app.repositories.calendar_feeds import FeedOwner, FeedWindow
from booking_app.services import calendar_events
from booking_app.services.errors import NotFound

TOKEN_BYTES = 32  # 256 bits
PAST_DAYS = 90
CANCELLED_DAYS = 30
FEED_FORMAT = "1"  # part of the ETag: bump when the feed's wording or fields change
FEED_NOT_FOUND = "This calendar feed does not exist. It may have been replaced by a new one."


@dataclass(frozen=True)
class FeedLink:
    """Shown once after making or rotating: the https URL and its webcal:// twin."""

    url: str
    webcal_url: str


@dataclass(frozen=True)
class FeedInfo:
    active: bool
    created_at: datetime | None


@dataclass(frozen=True)
class FeedVersion:
    etag: str  # quoted, as sent in the header
    last_modified: datetime  # whole seconds, UTC

    @property
    def last_modified_http(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_link(token: str) -> FeedLink:
    url = f"{get_settings().public_url}{routes.calendar_feed_url(token)}"
    return FeedLink(url=url, webcal_url="webcal://" + url.split("://", 1)[1])


def rotate_feed(user_id: int, *, now: datetime) -> FeedLink:
    """Make the user's feed URL, or replace it: the previous URL stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with session_scope(write=True) as session:
        repo.set_token_hash(session=session, user_id=user_id, token_hash=_hash(token), at=now)
    return feed_link(token)


def revoke_feed(user_id: int) -> None:
    """No feed any more: every copy of the URL answers 404."""
    with session_scope(write=True) as session:
        repo.set_token_hash(session=session, user_id=user_id, token_hash=None, at=None)


def feed_info(user_id: int) -> FeedInfo:
    with read_scope() as session:
        created = repo.token_created_at(session=session, user_id=user_id)
    return FeedInfo(active=created is not None, created_at=created)


def window(now: datetime) -> tuple[datetime, FeedWindow]:
    """(start of today UTC, the feed's window): whole days, so the feed is stable all day."""
    day = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
    return day, FeedWindow(
        since=day - timedelta(days=PAST_DAYS), cancelled_since=day - timedelta(days=CANCELLED_DAYS)
    )


def _owner(session: Session, token: str) -> FeedOwner:
    token = (token or "").strip()
    # token_urlsafe(32) is 43 characters; anything far off is not worth hashing.
    owner = None
    if 20 <= len(token) <= 100:
        owner = repo.owner_by_token_hash(session=session, token_hash=_hash(token))
    if owner is None:
        raise NotFound(FEED_NOT_FOUND)
    return owner


def _version(owner: FeedOwner, day: datetime) -> FeedVersion:
    parts = [FEED_FORMAT, owner.user_id, owner.role.value, owner.name, day.date().isoformat()]
    digest = hashlib.sha256("|".join(map(str, [*parts, owner.version])).encode()).hexdigest()
    latest = max(day, owner.changed_at or day).replace(microsecond=0)
    return FeedVersion(etag=f'"{digest[:32]}"', last_modified=latest)


def feed_version(token: str, *, now: datetime) -> FeedVersion:
    """The feed's ETag and Last-Modified from one indexed read (a poll that ends in 304
    never builds the feed). NotFound for an unknown or replaced token."""
    day, _ = window(now)
    with read_scope() as session:
        return _version(_owner(session, token), day)


def _events(session: Session, owner: FeedOwner, feed_window: FeedWindow) -> list[ical.EventData]:
    if owner.role is Role.tutor:
        rows = repo.tutor_lessons(session=session, tutor_id=owner.user_id, window=feed_window)
        names: dict[int, list[str]] = {}
        seats = repo.tutor_seat_names(session=session, tutor_id=owner.user_id, window=feed_window)
        for lesson_id, name in seats:
            names.setdefault(lesson_id, []).append(name)
        return [calendar_events.lesson_event(r, names.get(r.lesson_id, [])) for r in rows]
    rows_b = repo.student_bookings(session=session, student_id=owner.user_id, window=feed_window)
    return [calendar_events.feed_booking_event(r) for r in rows_b]


def feed(token: str, *, now: datetime) -> tuple[FeedVersion, bytes]:
    """(version, the .ics) of the feed behind `token`; NotFound for an unknown token."""
    day, feed_window = window(now)
    with read_scope() as session:
        owner = _owner(session, token)  # read first: a change racing the build moves it
        version = _version(owner, day)
        events = _events(session, owner, feed_window)
    title = "TutorBook lessons" if owner.role is Role.tutor else "TutorBook bookings"
    return version, ical.feed_calendar(f"{title}: {owner.name}", events)
