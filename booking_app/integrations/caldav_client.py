"""The CalDAV edge (issue 17, item 4): list calendars, read events, put/delete ours.

A thin layer over the ``caldav`` library (pinned 1.6.0: it speaks through ``requests``;
2.x pulls in urllib3-future, whose .pth file replaces urllib3 for every package of the
environment). Every failure becomes ``CaldavError`` with a sentence for the tutor;
``AuthFailed`` is the one a retry cannot fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import caldav
import icalendar
import requests
from caldav.lib import error as dav_error

from booking_app.integrations.ical_import import FeedError, public_addresses


class CaldavError(Exception):
    """The server could not be used; ``str(exc)`` is a sentence for the tutor's page."""


class AuthFailed(CaldavError):
    pass


@dataclass(frozen=True, slots=True)
class Account:
    url: str
    username: str
    password: str
    timeout: int
    allow_private: bool


@dataclass(frozen=True, slots=True)
class RemoteCalendar:
    url: str
    name: str


def _guard(url: str, account: Account) -> None:
    """The SSRF rule of feeds for a CalDAV URL: the server's, and every calendar URL the
    server handed back (a hostile server could list one on our own network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CaldavError("The server address must start with https://.")
    try:  # the library connects by name after this check (no pinning, unlike feeds)
        public_addresses(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
            allow_private=account.allow_private,
        )  # fmt: skip
    except FeedError as exc:
        raise CaldavError(str(exc)) from exc


def _client(account: Account, *urls: str) -> caldav.DAVClient:
    for url in (account.url, *urls):
        _guard(url, account)
    client = caldav.DAVClient(
        url=account.url,
        username=account.username,
        password=account.password,
        timeout=account.timeout,
    )

    def check_redirect(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        """requests follows redirects itself; each target passes the same rule first."""
        if response.is_redirect:
            _guard(urljoin(response.url, response.headers.get("location", "")), account)

    client.session.hooks["response"].append(check_redirect)
    return client


def _translate(exc: Exception) -> CaldavError:
    if isinstance(exc, CaldavError):
        return exc
    if isinstance(exc, dav_error.AuthorizationError):
        return AuthFailed("The server refused the user name or app password.")
    if isinstance(exc, dav_error.NotFoundError):
        return CaldavError("The calendar was not found on the server (deleted or renamed?).")
    if isinstance(exc, requests.Timeout):
        return CaldavError("The CalDAV server did not answer in time.")
    if isinstance(exc, requests.ConnectionError):
        return CaldavError("The CalDAV server could not be reached.")
    if isinstance(exc, dav_error.DAVError):
        return CaldavError(f"The CalDAV server refused the request ({type(exc).__name__}).")
    return CaldavError(f"CalDAV failed: {type(exc).__name__}.")


def _run(work: Any) -> Any:
    try:
        return work()
    except Exception as exc:  # every library/network failure becomes a sentence
        raise _translate(exc) from exc


def list_calendars(account: Account) -> list[RemoteCalendar]:
    """The user's calendars (URL and display name); checks the password too."""

    def work() -> list[RemoteCalendar]:
        with _client(account) as client:
            calendars = client.principal().calendars()
            return [
                RemoteCalendar(str(c.url), c.get_display_name() or str(c.url)) for c in calendars
            ]

    return _run(work)


def read_events(
    account: Account, calendar_urls: list[str], start: datetime, end: datetime
) -> list[icalendar.Calendar]:
    """The raw VCALENDAR of every event overlapping ``[start, end)`` in those calendars
    (expanded locally afterwards, the same way as an iCal feed)."""

    def work() -> list[icalendar.Calendar]:
        found: list[icalendar.Calendar] = []
        with _client(account, *calendar_urls) as client:
            for url in calendar_urls:
                calendar = client.calendar(url=url)
                for item in calendar.search(start=start, end=end, event=True, expand=False):
                    found.append(item.icalendar_instance)
        return found

    return _run(work)


def put_event(account: Account, calendar_url: str, ical: str) -> str:
    """Create or overwrite the event (same UID, same resource); returns its href."""

    def work() -> str:
        with _client(account, calendar_url) as client:
            event = client.calendar(url=calendar_url).save_event(ical)
            return str(event.url)

    return _run(work)


def delete_event(account: Account, href: str) -> None:
    """Remove the event; already gone is fine."""

    def work() -> None:
        with _client(account, href) as client:
            try:
                caldav.Event(client=client, url=href).delete()
            except dav_error.NotFoundError:
                return

    _run(work)


def hrefs(account: Account, calendar_url: str) -> set[str]:
    """The resources in the calendar (one PROPFIND, no event bodies)."""

    def work() -> set[str]:
        with _client(account, calendar_url) as client:
            children = client.calendar(url=calendar_url).children()
            return {str(url) for url, _kind, _name in children}

    return _run(work)
