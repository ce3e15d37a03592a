"""The ACL matrix machinery: one table row per /api/v1 route -> expected status per identity.

A row is `Row("GET", "/api/v1/lessons/{lesson_id}/room", "401 200 404 200 404 404 200")`:
the statuses, in the order of `IDENTITIES`, that each identity gets. Placeholders in the
path, the query (`params`) and the JSON body (`json`) are filled from a fresh `World`
built for every cell (so one identity's write never changes what the next one sees).

Connected calendars: the world holds an iCal source and a CalDAV account of the tutor
pointing at `CalendarServers` (tests/integration/test_api_acl.py starts a loopback feed
server and a Radicale); without them the addresses are `.invalid` (never resolvable).

Identities: anonymous (no credential), the lesson's student, another student, the
lesson's tutor, another tutor, an admin (session JWTs), and a read-only personal access
token of the lesson's tutor. tests/integration/test_api_acl.py holds the table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from booking_app.db import session_scope
from booking_app.models import (
    Booking,
    CalendarKind,
    CalendarSource,
    ClassroomSession,
    LessonStatus,
    Role,
    User,
    WebhookDelivery,
    WebhookDeliveryStatus,
)
from booking_app.services import api_tokens, availability, calendar_sources, invites, secret_box
from booking_app.services.sessions import open_session
from booking_app.services.webhooks import manage as webhooks
from tests.support import clock
from tests.support.builders import (
    add_lesson,
    add_service,
    add_student,
    add_subject,
    add_tutor,
)

IDENTITIES = ("anonymous", "student", "other_student", "tutor", "other_tutor", "admin", "read")
_serial = itertools.count(1)


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: str  # statuses in IDENTITIES order, space separated
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    use: dict[str, str] = field(default_factory=dict)  # placeholder -> another world key

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def expected(self) -> dict[str, int]:
        codes = [int(code) for code in self.expect.split()]
        assert len(codes) == len(IDENTITIES), f"{self.key}: {len(codes)} statuses"
        return dict(zip(IDENTITIES, codes, strict=True))


@dataclass(frozen=True)
class CalendarServers:
    """Where the world's connected calendars live: a feed address that serves an .ics,
    a CalDAV server (user/password below) and one of its calendars."""

    feed_url: str = "https://calendar.example.invalid/acl.ics"
    caldav_url: str = "https://caldav.example.invalid/"
    push_calendar: str = "https://caldav.example.invalid/olena/lessons/"
    username: str = "olena"
    password: str = "app-password-1"


def add_sources(tutor: int, servers: CalendarServers, now: Any) -> tuple[int, int]:
    """(iCal source id, CalDAV source id) of the tutor, stored as the services store them
    (the CalDAV password sealed), without contacting either server."""
    ical = calendar_sources.add_source(CalendarSource(
        tutor_id=tutor, kind=CalendarKind.ical, name="Personal", url=servers.feed_url,
        created_at=now))  # fmt: skip
    caldav = calendar_sources.add_source(CalendarSource(
        tutor_id=tutor, kind=CalendarKind.caldav, name="Radicale", url=servers.caldav_url,
        username=servers.username, secret_enc=secret_box.seal(servers.password),
        created_at=now))  # fmt: skip
    return ical.id, caldav.id


def add_admin(email: str = "admin@example.com") -> int:
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380501234567", name="Admin", timezone="UTC")
        user.role, user.password_hash = Role.admin, "-"
        session.add(user)
        session.flush()
        return user.id or 0


def build_world(servers: CalendarServers | None = None) -> dict[str, Any]:
    """Fresh rows (unique emails) and a credential per identity."""
    servers = servers or CalendarServers()
    n = next(_serial)
    tutor, other_tutor = add_tutor(f"t{n}@example.com"), add_tutor(f"u{n}@example.com")
    student, other_student = add_student(f"s{n}@example.com"), add_student(f"o{n}@example.com")
    admin = add_admin(f"a{n}@example.com")
    now = clock.now()
    lesson = add_lesson(tutor, now.replace(microsecond=0) + timedelta(days=2), students=(student,))
    with session_scope() as session:
        uuid = session.exec(
            select(ClassroomSession.session_uuid).where(ClassroomSession.lesson_id == lesson)
        ).one()
        booking_id, booking_token = session.exec(
            select(Booking.id, Booking.booking_token).where(Booking.lesson_id == lesson)
        ).one()
    # A lesson that has started (an outcome can be marked) and one waiting for confirmation.
    started = add_lesson(
        tutor, now.replace(microsecond=0) - timedelta(hours=2), students=(student,)
    )
    tentative = add_lesson(
        tutor, now.replace(microsecond=0) + timedelta(days=40), lesson_status=LessonStatus.tentative
    )
    lesson_link = invites.create_lesson_invite(lesson, tutor_id=tutor, now=now)
    class_link = invites.create_classroom_invite(tutor_id=tutor, now=now)
    subject = add_subject(f"Subject {n}")
    service = add_service(tutor)
    # A free slot of the tutor (Kyiv, weekdays 9-18): a Monday, after the world's lesson.
    slot = clock.upcoming(0, time(10), after=now, min_ahead=timedelta(days=3)).isoformat()
    block = availability.add_busy_block(tutor, "2099-02-02T10:00", "2099-02-02T11:00", "", now=now)
    availability.set_override(tutor, "2099-02-03", closed=True, windows=[], now=now)
    read = api_tokens.create_token(tutor, name="r", scope="read", expires_in_days=None, now=now)
    own = api_tokens.create_token(tutor, name="w", scope="write", expires_in_days=None, now=now)
    hook = webhooks.create(
        tutor, "tutor", url="https://example.com/hook", events=["booking.created"], now=now
    ).endpoint.id
    with session_scope(write=True) as session:
        sent = WebhookDelivery(
            endpoint_id=hook, event_id=f"evt_acl_{n}", event_type="booking.created",
            subject="booking:1", payload="{}", status=WebhookDeliveryStatus.failed,
            next_attempt_at=now,
        )  # fmt: skip
        session.add(sent)
        session.flush()
        delivery = sent.id
    ical_source, caldav_source = add_sources(tutor, servers, now)
    users = {"student": (student, "student"), "other_student": (other_student, "student"),
             "tutor": (tutor, "tutor"), "other_tutor": (other_tutor, "tutor"),
             "admin": (admin, "admin")}  # fmt: skip
    tokens: dict[str, str | None] = {"anonymous": None, "read": read.secret}
    for name, (user_id, role) in users.items():
        tokens[name] = open_session(user_id=user_id, role=role, now=now)
    return {
        "tokens": tokens, "lesson_id": lesson, "session_uuid": uuid, "token": booking_token,
        "lesson_invite": lesson_link.token, "classroom_invite": class_link.token,
        "invite_id": lesson_link.invite_id, "token_id": own.info.id, "student": student,
        "tutor": tutor, "other_student": other_student, "start": "2099-01-05T10:00",
        "user_id": other_student, "subject_id": subject, "serial": n,
        "endpoint_id": hook, "delivery_id": delivery, "booking_id": booking_id,
        "service_id": service, "slug": f"t{n}", "slot": slot, "block_id": block.id,
        "day": "2099-02-03", "started_id": started, "tentative_id": tentative,
        "source_id": ical_source, "caldav_source_id": caldav_source,
        "feed_url": servers.feed_url, "caldav_url": servers.caldav_url,
        "push_calendar": servers.push_calendar, "caldav_user": servers.username,
        "caldav_password": servers.password,
    }  # fmt: skip


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    return value


def call(client: TestClient, row: Row, identity: str, world: dict[str, Any]) -> int:
    world = {**world, **{name: world[key] for name, key in row.use.items()}}
    token = world["tokens"][identity]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.request(
        row.method, _fill(row.path, world), params=_fill(row.params, world),
        json=_fill(row.json, world), headers=headers,
    )  # fmt: skip
    assert response.status_code < 500, f"{row.key} as {identity}: {response.text}"
    return response.status_code


def mismatches(
    client: TestClient, row: Row, world_of: Callable[[], dict[str, Any]] = build_world
) -> list[str]:
    """Every identity whose status differs from the row's expectation."""
    wrong = []
    for identity, expected in row.expected().items():
        got = call(client, row, identity, world_of())
        if got != expected:
            wrong.append(f"{row.key} as {identity}: expected {expected}, got {got}")
    return wrong
