"""The "Connected calendars" page states (issue 17): what a tutor does, what the
browser receives, and that a handler called with someone else's source id is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from booking_app.config import get_settings
from booking_app.pages.tutor_calendars import CalendarsState
from booking_app.pages.tutor_calendars.state import IcalFormState
from booking_app.services import calendar_sources
from tests.support import calendar_feeds as feeds
from tests.support import clock
from tests.support.builders import NOW, add_tutor
from tests.support.feed_server import Feed, FeedServer, feed_server
from tests.support.states import Tab, open_page, run, toasts


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv("CALENDAR_ALLOW_PRIVATE_URLS", "1")
    get_settings.cache_clear()
    clock.freeze(monkeypatch, NOW)
    with feed_server() as running:
        yield running
    get_settings.cache_clear()


def test_a_tutor_connects_a_feed_and_sees_its_health_without_its_address(
    sqlite_db: str, server: FeedServer
) -> None:
    tutor = add_tutor()
    server.feeds["/private-abc123/basic.ics"] = Feed(body=feeds.dentist_monday())
    tab, _ = open_page("/tutor/calendars", user=(tutor, "tutor"))
    page = tab.state(CalendarsState)
    assert page.loaded and page.sources == []

    form = tab.state(IcalFormState)
    events = run(form.add({"url": server.url("/private-abc123/basic.ics"), "name": "Personal"}))
    assert "Connected: 1 events imported." in " ".join(toasts(events, "success"))
    [item] = page.sources
    assert (item.name, item.event_count, item.healthy, item.host) == (
        "Personal",
        1,
        True,
        "127.0.0.1",
    )
    sent = [getattr(st, name) for st in (page, form) for name in type(st).base_vars]
    assert "private-abc123" not in repr(sent)  # the secret address never travels

    events = run(form.add({"url": "ftp://example.com/x.ics", "name": ""}))
    assert "https://" in form.errors["url"] and len(page.sources) == 1


def test_handlers_refuse_another_tutors_source(sqlite_db: str, server: FeedServer) -> None:
    owner = add_tutor()
    intruder = add_tutor("petro@example.com")
    server.feeds["/f.ics"] = Feed(body=feeds.dentist_monday())
    source = calendar_sources.add_ical(owner, server.url("/f.ics"), "", now=NOW).id
    page = Tab("/tutor/calendars", user=(intruder, "tutor")).state(CalendarsState)
    assert toasts(run(page.remove(source)), "error")
    assert toasts(run(page.refresh(source)), "error")
    assert len(calendar_sources.list_sources(owner)) == 1  # negative control below
    mine = Tab("/tutor/calendars", user=(owner, "tutor")).state(CalendarsState)
    assert toasts(run(mine.remove(source)), "success")
    assert calendar_sources.list_sources(owner) == []


def test_a_failing_refresh_shows_its_error(sqlite_db: str, server: FeedServer) -> None:
    tutor = add_tutor()
    server.feeds["/f.ics"] = Feed(body=b"not a calendar")
    source = calendar_sources.add_ical(tutor, server.url("/f.ics"), "Work", now=NOW).id
    page = Tab("/tutor/calendars", user=(tutor, "tutor")).state(CalendarsState)
    events = run(page.refresh(source))
    assert "Work: This address does not return an iCalendar" in " ".join(toasts(events, "error"))
    assert page.sources[0].last_error and not page.sources[0].healthy


def test_garbage_arguments_are_refused_not_crashed(sqlite_db: str, server: FeedServer) -> None:
    tutor = add_tutor()
    page = Tab("/tutor/calendars", user=(tutor, "tutor")).state(CalendarsState)
    for junk in ("abc", None, [1], {"id": 1}):
        assert toasts(run(page.refresh(junk)), "error")  # type: ignore[arg-type]
        assert toasts(run(page.remove(junk)), "error")  # type: ignore[arg-type]
    assert page.working == 0
