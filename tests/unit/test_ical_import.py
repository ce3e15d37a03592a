"""Expanding external feeds into busy intervals (issue 17): no I/O, fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from booking_app.integrations import ical_import
from tests.support import calendar_feeds as feeds

KYIV = ZoneInfo("Europe/Kyiv")
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2027, 6, 1, tzinfo=UTC)


def spans(body: bytes, tz: ZoneInfo = KYIV) -> list[tuple[datetime, datetime]]:
    parsed = ical_import.parse(body)
    return ical_import.expand(parsed, tz=tz, start=START, end=END, max_events=1000).intervals


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_one_google_event_is_its_utc_span() -> None:
    assert spans(feeds.dentist_monday()) == [(at(2026, 11, 30, 10), at(2026, 11, 30, 11))]


def test_weekly_series_skips_the_exdate_and_follows_the_moved_occurrence() -> None:
    got = [s for s in spans(feeds.google_weekly_with_exceptions()) if s[0] < at(2026, 12, 22)]
    assert got == [
        (at(2026, 11, 2, 7), at(2026, 11, 2, 8)),
        (at(2026, 11, 9, 7), at(2026, 11, 9, 8)),
        (at(2026, 11, 16, 7), at(2026, 11, 16, 8)),
        (at(2026, 11, 23, 7), at(2026, 11, 23, 8)),
        (at(2026, 11, 30, 7), at(2026, 11, 30, 8)),
        # 7 Dec: EXDATE
        (at(2026, 12, 14, 13), at(2026, 12, 14, 14)),  # moved to 15:00 Kyiv
        (at(2026, 12, 21, 7), at(2026, 12, 21, 8)),
    ]


def test_all_day_event_is_the_tutors_whole_local_day() -> None:
    assert spans(feeds.yandex_all_day()) == [(at(2026, 12, 1, 22), at(2026, 12, 2, 22))]


def test_windows_zone_names_and_floating_times() -> None:
    assert spans(feeds.outlook_windows_zone()) == [
        (at(2026, 12, 1, 8), at(2026, 12, 1, 9)),  # FLE Standard Time = Kyiv, winter
        (at(2026, 12, 3, 12), at(2026, 12, 3, 13)),  # floating: the tutor's wall time
    ]


def test_weekly_event_keeps_its_wall_time_across_the_spring_change() -> None:
    assert spans(feeds.dst_weekly()) == [
        (at(2027, 3, 15, 16), at(2027, 3, 15, 17)),
        (at(2027, 3, 22, 16), at(2027, 3, 22, 17)),
        (at(2027, 3, 29, 15), at(2027, 3, 29, 16)),  # EEST from 28 Mar
        (at(2027, 4, 5, 15), at(2027, 4, 5, 16)),
    ]


def test_free_and_cancelled_events_block_nothing() -> None:
    body = feeds.calendar(
        feeds.event("a@x", "20261130T120000", "20261130T130000", extra="TRANSP:TRANSPARENT"),
        feeds.event("b@x", "20261130T140000", "20261130T150000", extra="STATUS:CANCELLED"),
        feeds.event("c@x", "20261130T160000", "20261130T170000"),
    )
    assert spans(body) == [(at(2026, 11, 30, 14), at(2026, 11, 30, 15))]


def test_overlapping_events_are_merged_but_counted() -> None:
    body = feeds.calendar(
        feeds.event("a@x", "20261130T120000", "20261130T130000"),
        feeds.event("b@x", "20261130T123000", "20261130T140000"),
    )
    expanded = ical_import.expand(
        ical_import.parse(body), tz=KYIV, start=START, end=END, max_events=10
    )
    assert expanded.intervals == [(at(2026, 11, 30, 10), at(2026, 11, 30, 12))]
    assert expanded.events == 2


def test_our_own_pushed_lessons_are_skipped() -> None:
    body = feeds.calendar(
        feeds.event("lesson-7@tutorbook-lesson", "20261130T120000", "20261130T130000")
    )
    expanded = ical_import.expand(
        ical_import.parse(body), tz=KYIV, start=START, end=END, max_events=10,
        skip_uid_suffix="@tutorbook-lesson",
    )  # fmt: skip
    assert expanded.intervals == []


@pytest.mark.parametrize(
    "body",
    [b"<html>Sign in</html>", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n"],
    ids=["html", "truncated"],
)
def test_malformed_files_are_refused_with_a_sentence(body: bytes) -> None:
    with pytest.raises(ical_import.FeedError) as caught:
        ical_import.expand(ical_import.parse(body), tz=KYIV, start=START, end=END, max_events=10)
    assert "calendar" in str(caught.value).lower()


def test_too_many_events_is_refused() -> None:
    with pytest.raises(ical_import.FeedError, match="more than 3 events"):
        ical_import.expand(
            ical_import.parse(feeds.google_weekly_with_exceptions()),
            tz=KYIV, start=START, end=END, max_events=3,
        )  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.ics",
        "http://10.1.2.3/feed.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/feed.ics",
        "http://localhost:6379/",
        "http://0.0.0.0/",
    ],
)
def test_private_addresses_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(ical_import.FeedError, match="private network"):
        ical_import.check_url(url, allow_private=False)
    assert ical_import.check_url(url, allow_private=True) == url  # the setting lifts it


def test_webcal_is_https_and_other_schemes_are_refused() -> None:
    assert ical_import.normalize_url("webcal://example.com/x.ics") == "https://example.com/x.ics"
    for bad in ("file:///etc/passwd", "ftp://example.com/x.ics", "example.com/x.ics"):
        with pytest.raises(ical_import.FeedError):
            ical_import.normalize_url(bad)


def test_caldav_calendar_urls_on_a_private_network_are_refused() -> None:
    from booking_app.integrations import caldav_client

    # the server is a public IP literal (no DNS lookup in a unit test)
    account = caldav_client.Account("https://93.184.216.34/dav/", "u", "p", 5, False)
    with pytest.raises(caldav_client.CaldavError, match="private network"):
        caldav_client.hrefs(account, "http://169.254.169.254/latest/")
