"""Connected calendars and the "Subscribe to my lessons" feed over HTTP (issue 17's pages).

Connected calendars (the tutor's page ``/tutor/calendars``, pages/tutor_calendars): list,
connect an iCal address (then its first import, as the page does), connect a CalDAV
account (the password is checked by listing its calendars), list an account's calendars,
choose where lessons go and which calendars make the tutor busy (then a refresh, as the
page does), "Refresh" and "Remove". Every route calls the service the page calls
(services/calendar_sources.py, calendar_caldav.py) with the tutor's id from the
credential; the service finds the source by (id, tutor), so anyone else's is 404 with the
page's message. Bad input is 422 ``validation_failed`` with the page's field messages
(``url``, ``name``, ``username``, ``password``, ``push``, ``pull``).

Secrets never come back: a source is shown by its host (the feed address can be a secret
in Google's case) and the CalDAV app password stays sealed in the backend. The feed's
own address is answered once, by the call that makes or replaces it, as the page shows
it once (the database keeps only its hash).

Routes that talk to another server (connect, refresh, list or choose calendars) wait on
it up to ``CALENDAR_FETCH_TIMEOUT_SECONDS``; they run on their own small thread pool
(``off_network``) so a slow calendar server never holds up the read routes.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, Field

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.offload import json_response, off_loop, off_network
from booking_app.api.params import Id
from booking_app.integrations.caldav_client import RemoteCalendar
from booking_app.services import calendar_caldav, calendar_feeds, calendar_sources, timefmt

router = APIRouter(tags=["connected calendars"])
SOURCES = "/api/v1/connected-calendars"
SOURCE = SOURCES + "/{source_id}"
FEED = "/api/v1/calendar-feed"
FEED_ROLES = ("tutor", "student")  # the profile page's and the students' home page's card
# Loose bounds on purpose: the services' own limits (and messages) apply below these.
Address = Annotated[str, Field(max_length=5000)]
Text = Annotated[str, Field(max_length=1000)]


SOURCE_EXAMPLE = {
    "id": 3, "kind": "ical", "name": "Personal", "host": "calendar.google.com",
    "last_sync": "Mon 30 Nov, 09:00", "event_count": 12, "last_error": "", "healthy": True,
    "push_calendar": "", "pull_count": 0, "push_error": "",
}  # fmt: skip


def _answers(status: int) -> dict[int | str, dict[str, object]]:
    """A source as the answer's example (SourceView is a service dataclass)."""
    return {status: {"content": {"application/json": {"example": SOURCE_EXAMPLE}}}}


class SourceList(BaseModel):
    count: int
    results: list[calendar_sources.SourceView]

    model_config = {"json_schema_extra": {"examples": [{"count": 1, "results": [SOURCE_EXAMPLE]}]}}


class NewIcal(BaseModel):
    """The page's "Paste an iCal address" form."""

    url: Address = Field(description="https:// or webcal:// address of an .ics feed.")
    name: Text = Field("", description="Shown on the page; blank: the address's host.")

    model_config = {"json_schema_extra": {"examples": [
        {"url": "https://calendar.google.com/calendar/ical/.../private-.../basic.ics",
         "name": "Personal"}]}}  # fmt: skip


class NewCaldav(BaseModel):
    """The page's "Connect a CalDAV account" form (use an app password)."""

    url: Address = Field(description="The server, e.g. https://caldav.yandex.ru.")
    username: Text
    password: Text = Field(description="An app password; stored sealed, never shown again.")
    name: Text = ""

    model_config = {"json_schema_extra": {"examples": [
        {"url": "https://caldav.yandex.ru", "username": "olena", "password": "app-password",
         "name": "Yandex"}]}}  # fmt: skip


class RemoteCalendarList(BaseModel):
    count: int
    results: list[RemoteCalendar]

    model_config = {"json_schema_extra": {"examples": [{"count": 2, "results": [
        {"url": "https://caldav.example.com/olena/lessons/", "name": "Lessons"},
        {"url": "https://caldav.example.com/olena/personal/", "name": "Personal"}]}]}}  # fmt: skip


class CalendarChoice(BaseModel):
    """The page's calendar picker: where lessons are put, which calendars block time.
    Both are replaced; only URLs listed by GET .../calendars are accepted."""

    push: Address = Field("", description="Calendar URL for lessons; blank: none.")
    pull: Annotated[list[Address], Field(max_length=50)] = Field(
        default_factory=list, description="Calendar URLs whose events make you busy."
    )

    model_config = {"json_schema_extra": {"examples": [
        {"push": "https://caldav.example.com/olena/lessons/",
         "pull": ["https://caldav.example.com/olena/personal/"]}]}}  # fmt: skip


class FeedState(BaseModel):
    active: bool
    created_at: str | None = Field(description="When the current address was made (UTC).")

    model_config = {"json_schema_extra": {"examples": [
        {"active": True, "created_at": "2026-11-30T07:00:00+00:00"}]}}  # fmt: skip


class FeedAddress(FeedState):
    """Shown once: only its hash is kept. Rotate to get a new one."""

    url: str
    webcal_url: str
    replaced: bool = Field(description="True: an older address existed and stopped working.")

    model_config = {"json_schema_extra": {"examples": [
        {"active": True, "created_at": "2026-11-30T07:00:00+00:00",
         "url": "https://tutors.example.com/api/feeds/Zk3...q8.ics",
         "webcal_url": "webcal://tutors.example.com/api/feeds/Zk3...q8.ics",
         "replaced": False}]}}  # fmt: skip


def _tutor(request: Request, authorization: str | None, write: bool = False) -> int:
    return caller(request, authorization, "tutor", write=write).id


def _view(view: calendar_sources.SourceView, status_code: int = 200) -> Response:
    return json_response(asdict(view), status_code=status_code)


# --- connected calendars ---------------------------------------------------------------------


def _list(request: Request, authorization: str | None) -> Response:
    found = calendar_sources.list_sources(_tutor(request, authorization))
    return json_response({"count": len(found), "results": [asdict(v) for v in found]})


@router.get(SOURCES, response_model=SourceList)
async def list_sources(request: Request, authorization: str | None = Header(None)) -> Response:
    """The tutor's connected calendars with their health (host only, never the address)."""
    return await off_loop(_list, request, authorization)


def _add_ical(request: Request, authorization: str | None, body: NewIcal) -> Response:
    tutor = _tutor(request, authorization, write=True)
    view = calendar_sources.add_ical(tutor, body.url, body.name, now=clock.now())
    view = calendar_sources.refresh_now(tutor, view.id, now=clock.now())
    return _view(view, 201)


@router.post(
    SOURCES + "/ical",
    status_code=201,
    response_model=calendar_sources.SourceView,
    responses=_answers(201),
)
async def add_ical(
    body: NewIcal, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Connect an iCal address and import it once right away. A failed first import
    still connects it: the answer's ``last_error`` says why (the page's warning)."""
    return await off_network(_add_ical, request, authorization, body)


def _add_caldav(request: Request, authorization: str | None, body: NewCaldav) -> Response:
    tutor = _tutor(request, authorization, write=True)
    view = calendar_caldav.add_caldav(
        tutor, body.url, body.username, body.password, body.name, now=clock.now()
    )
    return _view(view, 201)


@router.post(
    SOURCES + "/caldav",
    status_code=201,
    response_model=calendar_sources.SourceView,
    responses=_answers(201),
)
async def add_caldav(
    body: NewCaldav, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Connect a CalDAV account (checked by listing its calendars: a wrong password is a
    ``password`` field error). Then choose its calendars with PUT .../calendars."""
    return await off_network(_add_caldav, request, authorization, body)


def _calendars(request: Request, authorization: str | None, source_id: int) -> Response:
    found = calendar_caldav.calendars(_tutor(request, authorization), source_id)
    return json_response({"count": len(found), "results": [asdict(c) for c in found]})


@router.get(SOURCE + "/calendars", response_model=RemoteCalendarList)
async def list_remote_calendars(
    source_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """The CalDAV account's calendars, read from its server now (502
    ``calendar_unavailable`` when it cannot be used); an iCal address has none (404)."""
    return await off_network(_calendars, request, authorization, source_id)


def _choose(request: Request, authorization: str | None, source_id: int,
            body: CalendarChoice) -> Response:  # fmt: skip
    tutor = _tutor(request, authorization, write=True)
    calendar_caldav.choose_calendars(tutor, source_id, body.push, list(body.pull), now=clock.now())
    return _view(calendar_sources.refresh_now(tutor, source_id, now=clock.now()))


@router.put(
    SOURCE + "/calendars", response_model=calendar_sources.SourceView, responses=_answers(200)
)
async def choose_calendars(
    source_id: Id, body: CalendarChoice, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Save the choice, then read the chosen calendars once (as the page's "Save")."""
    return await off_network(_choose, request, authorization, source_id, body)


def _refresh(request: Request, authorization: str | None, source_id: int) -> Response:
    tutor = _tutor(request, authorization, write=True)
    return _view(calendar_sources.refresh_now(tutor, source_id, now=clock.now()))


@router.post(
    SOURCE + "/refresh", response_model=calendar_sources.SourceView, responses=_answers(200)
)
async def refresh_source(
    source_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Read the calendar now. Its own failure is not an error of this call: the answer's
    ``last_error`` says what went wrong, and the previous busy times stay."""
    return await off_network(_refresh, request, authorization, source_id)


def _remove(request: Request, authorization: str | None, source_id: int) -> Response:
    calendar_sources.remove(_tutor(request, authorization, write=True), source_id, now=clock.now())
    return Response(status_code=204)


@router.delete(SOURCE, status_code=204)
async def remove_source(
    source_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Disconnect: its busy times are gone at once (events we put on a CalDAV server
    stay there)."""
    return await off_loop(_remove, request, authorization, source_id)


# --- the subscription feed -------------------------------------------------------------------


def _feed_state(user_id: int) -> dict[str, object]:
    info = calendar_feeds.feed_info(user_id)
    created = timefmt.iso_utc(info.created_at) if info.created_at else None
    return {"active": info.active, "created_at": created}


def _feed(request: Request, authorization: str | None) -> Response:
    return json_response(_feed_state(caller(request, authorization, *FEED_ROLES).id))


@router.get(FEED, response_model=FeedState)
async def get_feed(request: Request, authorization: str | None = Header(None)) -> Response:
    """Whether your feed address exists (the address itself is never shown again)."""
    return await off_loop(_feed, request, authorization)


def _rotate(request: Request, authorization: str | None) -> Response:
    user = caller(request, authorization, *FEED_ROLES, write=True).id
    replaced = calendar_feeds.feed_info(user).active
    link = calendar_feeds.rotate_feed(user, now=clock.now())
    body = {**_feed_state(user), **asdict(link), "replaced": replaced}
    return json_response(body, headers={"Cache-Control": "no-store"})


@router.post(FEED, response_model=FeedAddress)
async def rotate_feed(request: Request, authorization: str | None = Header(None)) -> Response:
    """Make your feed address, or replace it (the old one stops working at once). The
    address is in this answer only: copy it now."""
    return await off_loop(_rotate, request, authorization)


def _turn_off(request: Request, authorization: str | None) -> Response:
    calendar_feeds.revoke_feed(caller(request, authorization, *FEED_ROLES, write=True).id)
    return Response(status_code=204)


@router.delete(FEED, status_code=204)
async def turn_off_feed(request: Request, authorization: str | None = Header(None)) -> Response:
    """Turn the feed off: every copy of its address answers 404 from now on."""
    return await off_loop(_turn_off, request, authorization)
