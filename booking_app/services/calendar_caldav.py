"""Connect a CalDAV account (issue 17, item 4) and choose its push and pull calendars.

Why the password is checked before it is stored: listing the calendars is the only way
to know the address and app password work, and the tutor needs that list to choose
from anyway. The password is sealed (services/secret_box.py) in the same step and never
comes back out of the backend: views carry the host and the calendars' names only.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from booking_app import realtime
from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.integrations import caldav_client
from booking_app.models import CalendarKind, CalendarSource
from booking_app.repositories import calendar_sources as repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.services import calendar_push, secret_box
from booking_app.services import offer_fields as f
from booking_app.services.calendar_sources import (
    SOURCE_NOT_FOUND,
    SourceView,
    account_of,
    add_source,
)
from booking_app.services.errors import CalendarUnavailable, NotFound, ValidationFailed
from booking_app.services.validation import FieldError


def _clean_server(raw: str) -> str:
    url = (raw or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise FieldError("Type the server address, e.g. https://caldav.yandex.ru.")
    return url


def add_caldav(
    tutor_id: int, url: str, username: str, password: str, name: str, *, now: datetime
) -> SourceView:
    """Check the account by listing its calendars, then store it (password sealed)."""
    fields = f.Fields()
    server = fields.take("url", lambda: _clean_server(url))
    user = fields.take(
        "username", lambda: f.clean_text(username, max_len=200, required="Type the user name.")
    )
    clean_name = fields.take("name", lambda: f.clean_text(name, max_len=100))
    if not (password or "").strip():
        fields.add_error("password", "Type the app password.")
    fields.raise_if_invalid()
    assert server is not None and user is not None
    settings = get_settings()
    account = caldav_client.Account(
        server, user, password.strip(), settings.calendar_fetch_timeout_seconds,
        settings.calendar_allow_private_urls,
    )  # fmt: skip
    try:
        caldav_client.list_calendars(account)
    except caldav_client.AuthFailed as exc:
        raise ValidationFailed({"password": str(exc)}) from exc
    except caldav_client.CaldavError as exc:
        raise ValidationFailed({"url": str(exc)}) from exc
    source = CalendarSource(
        tutor_id=tutor_id,
        kind=CalendarKind.caldav,
        name=clean_name or (urlsplit(server).hostname or "CalDAV")[:100],
        url=server,
        username=user,
        secret_enc=secret_box.seal(password.strip()),
        next_refresh_at=None,  # nothing to pull until calendars are chosen
        created_at=now,
    )
    return add_source(source)


def calendars(tutor_id: int, source_id: int) -> list[caldav_client.RemoteCalendar]:
    """The account's calendars, for the push/pull pickers (CalendarUnavailable when the
    server can't be used)."""
    with read_scope() as session:
        source = repo.get(session=session, source_id=source_id, tutor_id=tutor_id)
        if source is None or source.kind is not CalendarKind.caldav:
            raise NotFound(SOURCE_NOT_FOUND)
        session.expunge(source)
    try:
        return caldav_client.list_calendars(account_of(source))
    except caldav_client.CaldavError as exc:
        raise CalendarUnavailable(str(exc)) from exc


def choose_calendars(
    tutor_id: int, source_id: int, push: str, pull: list[str], *, now: datetime
) -> None:
    """Set where lessons go and which calendars count as busy; only URLs the server
    listed are accepted, and a push target gets a first full push right away."""
    offered = {c.url for c in calendars(tutor_id, source_id)}
    if push and push not in offered:
        raise ValidationFailed({"push": "Pick one of the account's calendars."})
    if any(url not in offered for url in pull):
        raise ValidationFailed({"pull": "Pick calendars of this account."})
    with session_scope(write=True) as session:
        schedules_repo.lock_tutor(session=session, tutor_id=tutor_id)
        source = repo.get(session=session, source_id=source_id, tutor_id=tutor_id)
        if source is None:
            raise NotFound(SOURCE_NOT_FOUND)
        source.push_calendar = push or None
        source.pull_calendars = "\n".join(dict.fromkeys(pull))
        source.next_refresh_at = now
        session.flush()
        calendar_push.mark_changed(session, tutor_id, now)
        realtime.publish_on_commit(session, (tutor_id,))
