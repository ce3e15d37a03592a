"""Feeds shaped like what Google, Yandex and Outlook publish (trimmed to what matters):
Google: VTIMEZONE + TZID times, RRULE with EXDATE and a moved occurrence (RECURRENCE-ID);
Yandex: all-day events (VALUE=DATE) and X-WR-TIMEZONE; Outlook: Windows zone names
("FLE Standard Time") with their own VTIMEZONE, floating times in some exports."""

from __future__ import annotations

KYIV_TZ = """BEGIN:VTIMEZONE
TZID:Europe/Kyiv
BEGIN:STANDARD
DTSTART:19701025T040000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
TZNAME:EET
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T030000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
TZNAME:EEST
END:DAYLIGHT
END:VTIMEZONE"""


def calendar(*events: str, header: str = "") -> bytes:
    body = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            *([header] if header else []),
            KYIV_TZ,
            *events,
            "END:VCALENDAR",
            "",
        ]
    )
    return body.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def event(uid: str, start: str, end: str, *, extra: str = "", tz: str = "Europe/Kyiv") -> str:
    """A VEVENT; ``start``/``end`` as 20261130T120000 (local in ``tz``)."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T000000Z",
        f"DTSTART;TZID={tz}:{start}",
        f"DTEND;TZID={tz}:{end}",
        "SUMMARY:Dentist",
    ]
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\n".join(lines)


def dentist_monday() -> bytes:
    """Google shape: one event Mon 30 Nov 2026 12:00-13:00 Kyiv."""
    return calendar(event("dentist-1@google.com", "20261130T120000", "20261130T130000"))


def google_weekly_with_exceptions() -> bytes:
    """Every Monday 09:00-10:00 Kyiv from 2 Nov 2026; 7 Dec skipped (EXDATE); 14 Dec
    moved to 15:00-16:00 (RECURRENCE-ID)."""
    series = event(
        "gym@google.com",
        "20261102T090000",
        "20261102T100000",
        extra="RRULE:FREQ=WEEKLY;BYDAY=MO\nEXDATE;TZID=Europe/Kyiv:20261207T090000",
    )
    moved = event(
        "gym@google.com",
        "20261214T150000",
        "20261214T160000",
        extra="RECURRENCE-ID;TZID=Europe/Kyiv:20261214T090000",
    )
    return calendar(series, moved)


def yandex_all_day() -> bytes:
    """Yandex shape: an all-day event on Wed 2 Dec 2026 (VALUE=DATE, DTEND exclusive)."""
    return calendar(
        "\n".join(
            [
                "BEGIN:VEVENT",
                "UID:holiday@yandex.ru",
                "DTSTAMP:20261101T000000Z",
                "DTSTART;VALUE=DATE:20261202",
                "DTEND;VALUE=DATE:20261203",
                "SUMMARY:Day off",
                "END:VEVENT",
            ]
        ),
        header="X-WR-TIMEZONE:Europe/Moscow",
    )


def outlook_windows_zone() -> bytes:
    """Outlook shape: a Windows zone name with its VTIMEZONE, and one floating event."""
    fle = """BEGIN:VTIMEZONE
TZID:FLE Standard Time
BEGIN:STANDARD
DTSTART:16010101T040000
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE"""
    meeting = event(
        "meeting@outlook.com", "20261201T100000", "20261201T110000", tz="FLE Standard Time"
    )
    floating = "\n".join(
        [
            "BEGIN:VEVENT",
            "UID:floating@outlook.com",
            "DTSTAMP:20261101T000000Z",
            "DTSTART:20261203T140000",
            "DTEND:20261203T150000",
            "SUMMARY:Call",
            "END:VEVENT",
        ]
    )
    return calendar(fle, meeting, floating)


def dst_weekly() -> bytes:
    """Every Monday 18:00-19:00 Kyiv across the spring change (29 Mar 2027)."""
    return calendar(
        event(
            "choir@google.com",
            "20270315T180000",
            "20270315T190000",
            extra="RRULE:FREQ=WEEKLY;COUNT=4",
        )
    )


def big_feed(target_bytes: int, count: int = 100) -> bytes:
    """About ``target_bytes`` of valid feed: ``count`` events with long descriptions
    (few long lines: icalendar parses 5 MB in ~1.7 s however it is cut)."""
    pad = "x" * max(0, target_bytes // count - 300)
    events = [
        event(
            f"big-{i}@google.com",
            f"202612{1 + i % 28:02d}T{8 + i % 10:02d}0000",
            f"202612{1 + i % 28:02d}T{8 + i % 10:02d}3000",
            extra=f"DESCRIPTION:{pad}",
        )
        for i in range(count)
    ]
    return calendar(*events)
