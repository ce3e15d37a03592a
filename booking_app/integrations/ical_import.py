"""Fetch an external iCal feed and expand it into busy intervals (issue 17, item 3).

No database here: ``fetch`` is the network edge, ``expand`` turns a VCALENDAR into UTC
intervals. The service (services/calendar_sources.py) stores them.

Why the fetch is this careful:
- SSRF: a feed URL is typed by a user and fetched by our server, so it could aim at
  our own network (Redis, the cloud metadata endpoint). Every hop's host is resolved
  and ALL its addresses must be public; the request then goes to the address that was
  checked (the host travels in ``Host`` and TLS SNI), so a DNS answer that changes
  between the check and the connection (rebinding) cannot slip through. Redirects are
  followed by hand, each checked the same way. CALENDAR_ALLOW_PRIVATE_URLS lifts this
  for self-hosted setups and the tests' loopback servers.
- A feed is refreshed every 15 minutes for every tutor: conditional GET (ETag /
  Last-Modified) makes the usual answer a 304 with no body.
- Size and time are bounded: the body is read in chunks up to CALENDAR_MAX_FEED_BYTES,
  and the whole transfer must finish within the timeout (a server dripping one byte a
  second never trips a per-read timeout).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import httpx
import icalendar
import recurring_ical_events
import x_wr_timezone

MAX_REDIRECTS = 3
USER_AGENT = "TutorBook-calendar-import/1.0"
REDIRECTS = {301, 302, 303, 307, 308}


class FeedError(Exception):
    """A feed could not be read; ``str(exc)`` is a sentence for the tutor's page."""


@dataclass(frozen=True, slots=True)
class Fetched:
    body: bytes | None  # None: 304 Not Modified, keep what we have
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class Expanded:
    intervals: list[tuple[datetime, datetime]]  # UTC, sorted, overlaps merged
    events: int  # occurrences found in the horizon (what the page shows)


def normalize_url(raw: str) -> str:
    """``webcal://`` (what Apple and Outlook hand out) is https; only http(s) is fetched."""
    url = (raw or "").strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FeedError("Paste a calendar address starting with https:// (or webcal://).")
    return url


def public_addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Every address ``host`` resolves to; FeedError when any is not public (or none)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FeedError(f"The host {host} could not be found.") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FeedError(f"The host {host} could not be found.")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global or ip.is_multicast:
                raise FeedError(
                    "This address points into a private network; only public calendar "
                    "addresses can be imported."
                )
    return addresses


def check_url(raw: str, *, allow_private: bool) -> str:
    """The normalized URL if its host resolves to public addresses only (see module doc)."""
    url = normalize_url(raw)
    parts = urlsplit(url)
    public_addresses(parts.hostname or "", _port(parts), allow_private=allow_private)
    return url


def _port(parts: object) -> int:
    try:
        port = parts.port  # type: ignore[attr-defined]
    except ValueError as exc:
        raise FeedError("The calendar address has an invalid port.") from exc
    return port or (443 if parts.scheme.lower() == "https" else 80)  # type: ignore[attr-defined]


def _pinned(url: str, address: str) -> tuple[str, str, str]:
    """(URL aimed at ``address``, Host header, SNI host name) for ``url``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = _port(parts)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{port}"
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header, host


def fetch(
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    timeout: float,
    max_bytes: int,
    allow_private: bool,
) -> Fetched:
    """GET the feed (conditional, bounded, SSRF-checked per hop); FeedError on any failure."""
    deadline = time.monotonic() + timeout
    current = normalize_url(url)
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                parts = urlsplit(current)
                address = public_addresses(
                    parts.hostname or "", _port(parts), allow_private=allow_private
                )[0]
                target, host_header, sni = _pinned(current, address)
                extensions = {"sni_hostname": sni} if parts.scheme.lower() == "https" else {}
                request = client.build_request(
                    "GET", target, headers={**headers, "Host": host_header}, extensions=extensions
                )
                response = client.send(request, stream=True)
                try:
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        current = normalize_url(urljoin(current, response.headers["location"]))
                        continue
                    return _read(response, etag, last_modified, max_bytes, deadline, timeout)
                finally:
                    response.close()
    except httpx.TimeoutException as exc:
        raise FeedError(f"The calendar server did not answer within {timeout:g} s.") from exc
    except httpx.HTTPError as exc:
        raise FeedError(
            f"The calendar server could not be reached ({type(exc).__name__})."
        ) from exc
    raise FeedError("The calendar address redirects too many times.")


def _read(
    response: httpx.Response,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    deadline: float,
    timeout: float,
) -> Fetched:
    if response.status_code == 304:
        return Fetched(None, etag, last_modified)
    if response.status_code in (401, 403, 404, 410):
        raise FeedError(
            f"The calendar server answered {response.status_code}: the address is wrong, "
            "was reset, or is no longer shared."
        )
    if response.status_code != 200:
        raise FeedError(f"The calendar server answered {response.status_code}.")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FeedError(_too_big(max_bytes))
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(_too_big(max_bytes))
        if time.monotonic() > deadline:
            raise FeedError(f"The calendar server did not answer within {timeout:g} s.")
        chunks.append(chunk)
    return Fetched(
        b"".join(chunks), response.headers.get("etag"), response.headers.get("last-modified")
    )


def _too_big(max_bytes: int) -> str:
    return f"The calendar is larger than {max_bytes // (1024 * 1024) or 1} MB; it was not imported."


# --- expansion -----------------------------------------------------------------------------


def parse(body: bytes) -> list[icalendar.Calendar]:
    """The VCALENDARs of a feed; FeedError when it is not iCalendar."""
    if b"BEGIN:VCALENDAR" not in body[:4096].upper():
        raise FeedError("This address does not return an iCalendar (.ics) file.")
    try:
        calendars = icalendar.Calendar.from_ical(body, multiple=True)
    except (ValueError, KeyError, IndexError) as exc:
        raise FeedError("The calendar file is damaged and could not be read.") from exc
    if not calendars:
        raise FeedError("This address does not return an iCalendar (.ics) file.")
    return list(calendars)


def _instant(value: date | datetime, tz: ZoneInfo) -> datetime:
    """UTC of an event time: a date is midnight and a floating time is wall time, both
    in the tutor's zone (the only zone such events can mean to them)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=tz).astimezone(UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=tz).astimezone(UTC)
    return value.astimezone(UTC)


def _busy(event: icalendar.Event) -> bool:
    """Does this event make anyone busy? Free (TRANSP:TRANSPARENT) and cancelled don't."""
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return False
    return str(event.get("STATUS", "")).upper() != "CANCELLED"


def _span(
    start: date | datetime, end: date | datetime, tz: ZoneInfo
) -> tuple[datetime, datetime] | None:
    begins, ends = _instant(start, tz), _instant(end, tz)
    return (begins, ends) if ends > begins else None


def _single(event: icalendar.Event, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The UTC span of a one-off event (no recurrence), or None when it blocks nothing."""
    start_prop = event.get("DTSTART")
    if start_prop is None or not _busy(event):
        return None
    start = start_prop.dt
    end_prop = event.get("DTEND")
    if end_prop is not None:
        end = end_prop.dt
    elif event.get("DURATION") is not None:
        end = start + event["DURATION"].dt
    elif not isinstance(start, datetime):
        end = start + timedelta(days=1)
    else:
        return None  # a moment, not a span
    return _span(start, end, tz)


RECURRENCE = ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")


def _split(
    calendar: icalendar.Calendar, skip_uid_suffix: str | None
) -> tuple[list[icalendar.Event], icalendar.Calendar | None]:
    """(one-off events, a calendar of the recurring ones with the zones) so that only
    series pay for recurring-ical-events (a one-off there costs a whole rrule set: 5 s
    for a 5,000-event feed, against milliseconds read directly)."""
    by_uid: dict[str, list[icalendar.Event]] = {}
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", ""))
        if skip_uid_suffix and uid.endswith(skip_uid_suffix):
            continue
        by_uid.setdefault(uid or f"no-uid-{id(component)}", []).append(component)
    singles: list[icalendar.Event] = []
    recurring = icalendar.Calendar()
    for component in calendar.walk("VTIMEZONE"):
        recurring.add_component(component)
    has_series = False
    for events in by_uid.values():
        if len(events) == 1 and not any(key in events[0] for key in RECURRENCE):
            singles.append(events[0])
        else:
            for component in events:
                recurring.add_component(component)
            has_series = True
    return singles, (recurring if has_series else None)


def _series_spans(
    recurring: icalendar.Calendar, tz: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Occurrences of the series (RRULE, RDATE, EXDATE, RECURRENCE-ID applied by
    recurring-ical-events). Its occurrence objects are read directly: turning each into
    a full component copy (the public ``between``) was 60% of a big import. The pinned
    version's ``_occurrences_between`` is used, with the public API as the fallback."""
    query = recurring_ical_events.of(recurring, components=["VEVENT"])
    spans: list[tuple[datetime, datetime]] = []
    finder = getattr(query, "_occurrences_between", None)
    if finder is None:  # a future version without it: the slower public path
        for event in query.between(start, end):
            span = _single(event, tz)
            if span is not None:
                spans.append(span)
        return spans
    for occurrence in finder(start, end):
        component = getattr(getattr(occurrence, "_adapter", None), "_component", None)
        if component is not None and not _busy(component):
            continue
        span = _span(occurrence.start, occurrence.end, tz)
        if span is not None:
            spans.append(span)
    return spans


def merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sorted spans with overlapping or touching ones joined (fewer rows, same busy time)."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def expand(
    calendars: list[icalendar.Calendar],
    *,
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    max_events: int,
    skip_uid_suffix: str | None = None,
) -> Expanded:
    """Busy intervals of every VEVENT occurrence overlapping ``[start, end)``, clipped to
    it. ``skip_uid_suffix`` leaves out our own pushed lessons (CalDAV pull of the push
    calendar must not block the lessons it mirrors)."""
    spans: list[tuple[datetime, datetime]] = []
    for calendar in calendars:
        try:
            standard = x_wr_timezone.to_standard(calendar)  # X-WR-TIMEZONE, as Google means it
            singles, recurring = _split(standard, skip_uid_suffix)
            found = [span for span in map(lambda e: _single(e, tz), singles) if span]
            if recurring is not None:
                found += _series_spans(recurring, tz, start, end)
        except FeedError:
            raise
        except Exception as exc:  # the libraries raise many kinds on a broken event
            raise FeedError(f"The calendar has an event that could not be read ({exc}).") from exc
        for begins, ends in found:
            if ends <= start or begins >= end:
                continue
            spans.append((max(begins, start), min(ends, end)))
            if len(spans) > max_events:
                raise FeedError(
                    f"The calendar has more than {max_events} events in the next months; "
                    "it was not imported."
                )
    return Expanded(merge(spans), len(spans))
