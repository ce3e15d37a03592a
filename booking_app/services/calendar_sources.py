"""Connected calendars: a tutor's iCal feeds and CalDAV accounts, refreshed into busy time.

Why imported time is plain ``busy_block`` rows: the scheduling engine already subtracts
busy blocks both when it offers slots and when the write path re-checks a booking under
the tutor's lock (repositories/schedules.load_schedule), so an imported dentist blocks
exactly the slots it overlaps, on every page, in the API and in the marketplace's next
free time, with no second rule to keep in step (offer == validate).

A refresh: read the source (short read), fetch and expand OUTSIDE any transaction (the
network may take the whole timeout), then ONE write transaction under the tutor's lock
swaps the source's rows, records its health, recomputes the marketplace next free time
and publishes a live update after commit. A failure keeps the previous rows (a calendar
server being down must not make the tutor look free), records the error, backs off, and
after BROKEN_AFTER failures in a row tells the tutor once on Telegram (outbox row, same
transaction) until the source recovers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session

from booking_app import realtime
from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.integrations import caldav_client, ical_import
from booking_app.models import CalendarKind, CalendarSource, NotificationKind
from booking_app.repositories import availability as availability_repo
from booking_app.repositories import calendar_sources as repo
from booking_app.repositories import notifications as notifications_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.services import offer_fields as f
from booking_app.services import secret_box, timefmt
from booking_app.services.errors import NotFound, TooManyCalendars
from booking_app.services.next_free import refresh_next_free
from booking_app.services.validation import FieldError

log = logging.getLogger(__name__)
MAX_SOURCES = 10
BROKEN_AFTER = 3  # failures in a row before the tutor is told (one blip is not news)
MAX_BACKOFF = timedelta(hours=6)
MAX_EVENTS = 20_000  # occurrences per refresh within the horizon
FULL_FETCH_EVERY = timedelta(hours=24)  # re-expand even when the feed says 304
OUR_UID_SUFFIX = "@tutorbook-lesson"  # UIDs of pushed lessons (services/calendar_push.py)
SOURCE_NOT_FOUND = "This calendar is not connected (or not yours)."


@dataclass(frozen=True, slots=True)
class SourceView:
    """What the tutor's page shows: never the feed URL (a secret) nor the password."""

    id: int
    kind: str
    name: str
    host: str
    last_sync: str  # "Mon 30 Nov, 09:00" in the tutor's zone, or "never"
    event_count: int
    last_error: str
    healthy: bool
    push_calendar: str
    pull_count: int
    push_error: str


def _settings_window(now: datetime) -> tuple[datetime, datetime]:
    horizon = timedelta(days=get_settings().calendar_horizon_days)
    start = now.replace(second=0, microsecond=0) - timedelta(hours=1)
    return start, now + horizon


def _view(source: CalendarSource, tz_name: str | None) -> SourceView:
    tz = timefmt.zone_or_utc(tz_name)
    pulls = [line for line in source.pull_calendars.splitlines() if line.strip()]
    return SourceView(
        id=source.id or 0,
        kind=source.kind.value,
        name=source.name,
        host=urlsplit(source.url).hostname or "",
        last_sync=timefmt.instant_label(source.last_success_at, tz)
        if source.last_success_at
        else "never",
        event_count=source.event_count,
        last_error=source.last_error or "",
        healthy=source.failures == 0,
        push_calendar=_calendar_label(source.push_calendar or ""),
        pull_count=len(pulls),
        push_error=source.push_error or "",
    )


def _calendar_label(url: str) -> str:
    """The last path segment of a calendar URL ("work" of .../olena/work/)."""
    return [part for part in urlsplit(url).path.split("/") if part][-1:][0] if url else ""


def _tutor_zone(session: Session, tutor_id: int) -> str | None:
    found = availability_repo.get_profile(session=session, tutor_id=tutor_id)
    return found.timezone if found is not None else None


def list_sources(tutor_id: int) -> list[SourceView]:
    """The tutor's connected calendars with their health, oldest first."""
    with read_scope() as session:
        tz_name = _tutor_zone(session, tutor_id)
        return [_view(s, tz_name) for s in repo.list_for_tutor(session=session, tutor_id=tutor_id)]


def add_ical(tutor_id: int, url: str, name: str, *, now: datetime) -> SourceView:
    """Connect a feed; its first refresh is due at once (the page runs it right away)."""
    settings = get_settings()
    fields = f.Fields()
    clean_url = fields.take(
        "url", lambda: _checked_feed_url(url, settings.calendar_allow_private_urls)
    )
    clean_name = fields.take("name", lambda: f.clean_text(name, max_len=100))
    fields.raise_if_invalid()
    assert clean_url is not None
    source = CalendarSource(
        tutor_id=tutor_id,
        kind=CalendarKind.ical,
        name=clean_name or (urlsplit(clean_url).hostname or "Calendar")[:100],
        url=clean_url,
        next_refresh_at=now,
        created_at=now,
    )
    return add_source(source)


def _checked_feed_url(raw: str, allow_private: bool) -> str:
    if len(raw or "") > 2000:
        raise FieldError("This address is too long.")
    try:
        return ical_import.check_url(raw, allow_private=allow_private)
    except ical_import.FeedError as exc:
        raise FieldError(str(exc)) from exc


def add_source(source: CalendarSource) -> SourceView:
    """Store a new source (at most MAX_SOURCES per tutor, counted under their lock)."""
    with session_scope(write=True) as session:
        schedules_repo.lock_tutor(session=session, tutor_id=source.tutor_id)
        if repo.count_for_tutor(session=session, tutor_id=source.tutor_id) >= MAX_SOURCES:
            raise TooManyCalendars(f"At most {MAX_SOURCES} calendars can be connected.")
        repo.add(session=session, source=source)
        realtime.publish_on_commit(session, (source.tutor_id,))
        return _view(source, _tutor_zone(session, source.tutor_id))


def account_of(source: CalendarSource) -> caldav_client.Account:
    """The CalDAV account of a source, password decrypted (never leaves the backend)."""
    settings = get_settings()
    password = secret_box.open_sealed(source.secret_enc or "")
    if password is None:
        raise caldav_client.AuthFailed(
            "The stored app password can no longer be read; enter it again."
        )
    return caldav_client.Account(
        url=source.url,
        username=source.username or "",
        password=password,
        timeout=settings.calendar_fetch_timeout_seconds,
        allow_private=settings.calendar_allow_private_urls,
    )


def remove(tutor_id: int, source_id: int, *, now: datetime) -> None:
    """Disconnect: its busy time goes at once (pushed events stay on their server)."""
    with session_scope(write=True) as session:
        schedules_repo.lock_tutor(session=session, tutor_id=tutor_id)
        if repo.get(session=session, source_id=source_id, tutor_id=tutor_id) is None:
            raise NotFound(SOURCE_NOT_FOUND)
        repo.delete(session=session, source_id=source_id)
        refresh_next_free(session, tutor_id, now)
        realtime.publish_on_commit(session, (tutor_id,))


# --- refresh ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Snapshot:
    id: int
    tutor_id: int
    kind: CalendarKind
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    full_fetch: bool
    tz_name: str | None
    source: CalendarSource


def _snapshot(source_id: int, now: datetime) -> _Snapshot | None:
    with read_scope() as session:
        source = repo.get(session=session, source_id=source_id)
        if source is None:
            return None
        last = source.last_success_at
        full = last is None or now - last > FULL_FETCH_EVERY or source.event_count == 0
        session.expunge(source)
        return _Snapshot(
            source.id or 0, source.tutor_id, source.kind, source.name, source.url,
            None if full else source.etag, None if full else source.last_modified, full,
            _tutor_zone(session, source.tutor_id), source,
        )  # fmt: skip


def refresh(source_id: int, *, now: datetime) -> str:
    """Fetch one source and store its busy time; "imported", "unchanged", "failed" or
    "gone" (deleted meanwhile). Never raises for the source's own failures."""
    snap = _snapshot(source_id, now)
    if snap is None:
        return "gone"
    settings = get_settings()
    start, end = _settings_window(now)
    tz = timefmt.zone_or_utc(snap.tz_name)
    try:
        if snap.kind is CalendarKind.ical:
            fetched = ical_import.fetch(
                snap.url,
                etag=snap.etag,
                last_modified=snap.last_modified,
                timeout=settings.calendar_fetch_timeout_seconds,
                max_bytes=settings.calendar_max_feed_bytes,
                allow_private=settings.calendar_allow_private_urls,
            )
            if fetched.body is None:
                return _store(snap, None, now, fetched.etag, fetched.last_modified)
            calendars = ical_import.parse(fetched.body)
            etag, last_modified = fetched.etag, fetched.last_modified
        else:
            calendar_urls = [u for u in snap.source.pull_calendars.splitlines() if u.strip()]
            account = account_of(snap.source)
            calendars = (
                caldav_client.read_events(account, calendar_urls, start, end)
                if calendar_urls
                else []
            )
            etag = last_modified = None
        expanded = ical_import.expand(
            calendars, tz=tz, start=start, end=end, max_events=MAX_EVENTS,
            skip_uid_suffix=OUR_UID_SUFFIX,
        )  # fmt: skip
    except (ical_import.FeedError, caldav_client.CaldavError) as exc:
        return _fail(snap, str(exc), now)
    except Exception:  # a library bug on an odd feed: recorded and backed off, not a crash loop
        log.exception("calendar source %s: unexpected failure", snap.id)
        return _fail(snap, "The calendar could not be read (unexpected error).", now)
    return _store(snap, expanded, now, etag, last_modified)


def _store(
    snap: _Snapshot,
    expanded: ical_import.Expanded | None,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
) -> str:
    """Swap the rows (None: 304, keep them) and mark the source healthy, in one commit."""
    with session_scope(write=True) as session:
        schedules_repo.lock_tutor(session=session, tutor_id=snap.tutor_id)
        source = repo.get(session=session, source_id=snap.id)
        if source is None:
            return "gone"
        if expanded is not None:
            repo.replace_busy(
                session=session, source=source, intervals=expanded.intervals,
                title=f"Busy ({source.name})"[:200],
            )  # fmt: skip
            source.event_count = expanded.events
        source.etag, source.last_modified = etag, last_modified
        source.last_attempt_at = source.last_success_at = now
        source.failures, source.last_error, source.broken_notified = 0, None, False
        source.next_refresh_at = now + timedelta(minutes=get_settings().calendar_refresh_minutes)
        if source.kind is CalendarKind.caldav and source.push_calendar:
            # each refresh also checks our pushed events (re-creates those deleted there)
            repo.ensure_push(session=session, source_id=snap.id, send_after=now)
        if expanded is not None:
            refresh_next_free(session, snap.tutor_id, now)
        realtime.publish_on_commit(session, (snap.tutor_id,))
    return "unchanged" if expanded is None else "imported"


def backoff(failures: int) -> timedelta:
    """Wait before retrying a failing source: the refresh period, doubled per failure."""
    base = timedelta(minutes=get_settings().calendar_refresh_minutes)
    return min(base * (2 ** max(0, failures - 1)), MAX_BACKOFF)


def _fail(snap: _Snapshot, message: str, now: datetime) -> str:
    with session_scope(write=True) as session:
        source = repo.get(session=session, source_id=snap.id)
        if source is None:
            return "gone"
        source.failures += 1
        source.last_error = message[:1000]
        source.last_attempt_at = now
        source.next_refresh_at = now + backoff(source.failures)
        if source.failures >= BROKEN_AFTER and not source.broken_notified:
            _tell_broken(session, source, now)
            source.broken_notified = True
        realtime.publish_on_commit(session, (snap.tutor_id,))
    return "failed"


def broken_kind(source_id: int) -> str:
    return NotificationKind.tutor_calendar_broken.key(str(source_id))


def _tell_broken(session: Session, source: CalendarSource, now: datetime) -> None:
    """One Telegram message per breakage (re-armed only after a recovery)."""
    tutor = notifications_repo.get_user(session=session, user_id=source.tutor_id)
    body = (
        f"Your calendar \u201c{source.name}\u201d could not be read {source.failures} times "
        f"in a row: {source.last_error} Busy times from it may be out of date; open "
        "Connected calendars to fix it."
    )
    notifications_repo.upsert(
        session=session, booking_id=None, kind=broken_kind(source.id or 0),
        user_id=source.tutor_id, chat_id=tutor.telegram_chat_id if tutor else None,
        body=body, send_at=now, now=now,
    )  # fmt: skip


def still_broken(session: Session, kind: str) -> str | None:
    """Re-check of a "calendar broken" message right before sending: None to send, else
    why not (the source recovered or is gone)."""
    try:
        source_id = int(kind.split(":", 1)[1])
    except (IndexError, ValueError):
        return "not a calendar message"
    source = repo.get(session=session, source_id=source_id)
    if source is None:
        return "calendar disconnected"
    return None if source.failures > 0 else "calendar recovered"


def refresh_due(now: datetime, *, limit: int = 50) -> int:
    """Refresh the sources whose time has come (beat); returns how many were tried."""
    with read_scope() as session:
        ids = repo.due(session=session, now=now, limit=limit)
    for source_id in ids:
        refresh(source_id, now=now)
    return len(ids)


def refresh_now(tutor_id: int, source_id: int, *, now: datetime) -> SourceView:
    """The tutor's "Refresh now": ownership checked, then a refresh, then its view."""
    with read_scope() as session:
        if repo.get(session=session, source_id=source_id, tutor_id=tutor_id) is None:
            raise NotFound(SOURCE_NOT_FOUND)
    refresh(source_id, now=now)
    with read_scope() as session:
        source = repo.get(session=session, source_id=source_id, tutor_id=tutor_id)
        if source is None:
            raise NotFound(SOURCE_NOT_FOUND)
        return _view(source, _tutor_zone(session, tutor_id))
