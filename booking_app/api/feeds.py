"""Calendar subscription feeds: GET /api/feeds/<secret>.ics (issue 17).

No session: the secret in the path is the capability (calendar apps cannot sign in).
Under /api/ so a proxy that sends /api to the backend serves it, and the SPA's catch-all
never shadows it (our routes match before Reflex's frontend mount).

Conditional GET: calendar apps poll every few minutes to hours. The ETag and
Last-Modified come from the owner's data version, read with the secret in one indexed
statement (services/calendar_feeds.feed_version), so a poll of an unchanged feed answers
304 without building it. If-None-Match wins over
If-Modified-Since (RFC 9110 13.2.2).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

from fastapi import APIRouter, Header, Response

from booking_app import clock
from booking_app.api.offload import off_loop
from booking_app.services import calendar_feeds
from booking_app.services.calendar_feeds import FeedVersion

router = APIRouter()
CACHE_CONTROL = "private, max-age=0, must-revalidate"


def _headers(version: FeedVersion) -> dict[str, str]:
    return {
        "ETag": version.etag,
        "Last-Modified": version.last_modified_http,
        "Cache-Control": CACHE_CONTROL,
    }


def _since(value: str | None) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _not_modified(version: FeedVersion, if_none_match: str | None, since: datetime | None) -> bool:
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or version.etag in tags
    return since is not None and version.last_modified <= since


def _feed(secret: str, if_none_match: str | None, if_modified_since: str | None) -> Response:
    now = clock.now()
    version = calendar_feeds.feed_version(secret, now=now)
    if _not_modified(version, if_none_match, _since(if_modified_since)):
        return Response(status_code=304, headers=_headers(version))
    version, body = calendar_feeds.feed(secret, now=now)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={**_headers(version), "Content-Disposition": 'inline; filename="lessons.ics"'},
    )


@router.get("/api/feeds/{secret}.ics", include_in_schema=False)
async def calendar_feed(
    secret: str,
    if_none_match: str | None = Header(default=None),
    if_modified_since: str | None = Header(default=None),
) -> Response:
    """The owner's lessons (tutor) or bookings (student) as a subscribable calendar."""
    return await off_loop(_feed, secret, if_none_match, if_modified_since)
