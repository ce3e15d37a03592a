"""The marketplace's maintained next free time (services/next_free.py) on both databases.

- After a random sequence of schedule changes made through the services (book, confirm,
  cancel, move, hours, busy time, rules, services), every tutor's stored value equals
  what the engine computes from scratch.
- Time passing: ``refresh_due`` recomputes exactly the values that went stale.
- A search costs a fixed number of statements whatever the number of tutors (counted with
  a SQLAlchemy event listener at 10 and 200 tutors), with a negative control: running the
  engine per card, as search_tutors did before, grows with the tutors.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import select

from booking_app.db import get_engine, read_scope
from booking_app.models import TutorProfile
from booking_app.repositories import marketplace as marketplace_repo
from booking_app.services import (
    availability,
    booking,
    marketplace,
    next_free,
    profile,
    tutor_services,
)
from booking_app.services.errors import DomainError
from booking_app.services.next_free import LEAD, compute_next_free
from tests.support.builders import KYIV, NOW, add_lesson, add_tutor, form
from tests.support.clock import freeze

DAY = timedelta(days=1)


def _stored(tutor: int) -> tuple[datetime | None, int | None]:
    with read_scope() as session:
        row = session.exec(select(TutorProfile).where(TutorProfile.user_id == tutor)).one()
        return row.next_free_at, row.next_free_service_id


def _engine(tutor: int, now: datetime) -> tuple[datetime | None, int | None]:
    with read_scope() as session:
        start, service_id, _notice = compute_next_free(session, tutor, now)
    return start, service_id


def _card_facts(tutor: int) -> tuple[object, ...]:
    """Everything stored for the card: next free time, its service, listed, from price."""
    with read_scope() as session:
        row = session.exec(select(TutorProfile).where(TutorProfile.user_id == tutor)).one()
        return row.next_free_at, row.next_free_service_id, row.listed, row.list_price


def _fresh_facts(tutor: int, now: datetime) -> tuple[object, ...]:
    with read_scope() as session:
        start, service_id, _notice = compute_next_free(session, tutor, now)
        listed, price = marketplace_repo.listing_of(session=session, tutor_id=tutor)
    return start, service_id, listed, price


def _service(tutor: int, name: str, minutes: int) -> int:
    data = tutor_services.ServiceInput(
        name=name,
        subject_id=None,
        description="",
        duration_min=minutes,
        price="400",
        lesson_type="individual",
        capacity=1,
        mode="online",
        location="",
        meeting_url="https://meet.example.com/x",
        is_trial=False,
    )
    return tutor_services.create_service(tutor, data).id


def _hours(rng: random.Random) -> list[tuple[int, str, str]]:
    days = rng.sample(range(7), rng.randint(1, 4))
    return [(d, f"{rng.randint(8, 12):02d}:00", f"{rng.randint(14, 20):02d}:00") for d in days]


def test_column_equals_the_engine_after_random_changes(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, NOW)
    rng = random.Random(15)
    tutors = [add_tutor(f"t{i}@example.com", hours=()) for i in range(4)]
    services: dict[int, list[int]] = {t: [] for t in tutors}
    for tutor in tutors:
        availability.save_weekly_windows(tutor, _hours(rng))
        services[tutor].append(_service(tutor, "Lesson", rng.choice((30, 60, 90))))
    tokens: list[tuple[int, str]] = []
    done: list[str] = []

    def book(tutor: int) -> None:
        start, service_id = _stored(tutor)
        if start is None or service_id is None:
            return
        view = booking.create_booking(
            form(tutor, service_id, start=start.isoformat(), email=f"s{len(tokens)}@example.com"),
            student_id=None,
            now=NOW,
        )
        tokens.append((tutor, view.token))

    def change(tutor: int, action: str) -> None:
        if action == "book":
            book(tutor)
        elif action == "cancel" and tokens:
            booking.cancel_booking(tokens.pop(rng.randrange(len(tokens)))[1], now=NOW)
        elif action == "move" and tokens:
            owner, token = rng.choice(tokens)
            start, _ = _stored(owner)
            if start is not None:
                booking.reschedule_booking(token, start=start.isoformat(), now=NOW)
        elif action == "hours":
            availability.save_weekly_windows(tutor, _hours(rng))
        elif action == "busy":
            start, _ = _stored(tutor)
            if start is not None:
                local = start.astimezone(next_free_zone())
                availability.add_busy_block(
                    tutor,
                    local.strftime("%Y-%m-%dT%H:%M"),
                    (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                    "Dentist",
                    now=NOW,
                )
        elif action == "rules":
            availability.save_rules(
                tutor,
                {"min_notice_hours": rng.choice((0, 2, 24)), "buffer_after_min": 15},
            )
        elif action == "service":
            services[tutor].append(_service(tutor, f"Extra {len(services[tutor])}", 45))
        elif action == "price":
            profile.save_profile(tutor, {"default_price": str(rng.randrange(100, 900))})
        elif action == "toggle" and len(services[tutor]) > 1:
            first = services[tutor][0]
            active = rng.random() < 0.5
            tutor_services.set_service_active(tutor, first, active)

    actions = (
        "book", "book", "cancel", "move", "hours", "busy", "rules", "service", "toggle", "price",
    )  # fmt: skip
    for _step in range(40):
        tutor = rng.choice(tutors)
        action = rng.choice(actions)
        try:
            change(tutor, action)
            done.append(action)
        except DomainError:
            pass  # a refused change writes nothing; the column must still agree
        for t in tutors:
            assert _card_facts(t) == _fresh_facts(t, NOW), f"tutor {t} after step {_step}"
    assert any(_stored(t)[0] is not None for t in tutors)  # the data offered something
    assert {"book", "cancel", "move", "hours", "busy", "rules"} <= set(done), done


def next_free_zone() -> ZoneInfo:
    return ZoneInfo(KYIV)


def test_time_passing_refreshes_only_stale_values(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, NOW)
    tutor = add_tutor("olena@example.com", min_notice_min=120)
    _service(tutor, "Lesson", 60)
    first, _ = _stored(tutor)
    assert first is not None and first >= NOW + LEAD + timedelta(minutes=120)
    # Not yet stale: nothing to do.
    assert next_free.refresh_due(NOW) == 0
    # The stored slot enters the notice (minus LEAD) -> recomputed to a later one.
    later = first - timedelta(minutes=120) - LEAD + timedelta(minutes=1)
    assert next_free.refresh_due(later) == 1
    again, _ = _stored(tutor)
    assert again is not None and again > first and (again, _) == _engine(tutor, later)
    # A search never shows a stale value, even before the beat ran: it recomputes it first.
    stale_now = again - timedelta(minutes=119)
    [card] = marketplace.search_tutors(
        marketplace.SearchInput(), viewer_tz="UTC", now=stale_now
    ).cards
    fresh, _ = _stored(tutor)
    assert fresh is not None and fresh > again and (fresh, _) == _engine(tutor, stale_now)
    assert card.next_free_start == fresh.isoformat()


@contextmanager
def counted() -> Iterator[list[str]]:
    """Every statement the app's engine executes inside the block."""
    seen: list[str] = []

    def on_execute(*args: object) -> None:
        seen.append(str(args[2]))

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)


def _market(count: int) -> list[int]:
    tutors = []
    for i in range(count):
        tutor = add_tutor(f"t{i}@example.com")
        _service(tutor, "Lesson", 60)
        tutors.append(tutor)
    return tutors


@pytest.mark.parametrize("tutors", [10, 200])
def test_a_search_costs_the_same_statements_for_any_number_of_tutors(
    db: str, monkeypatch: pytest.MonkeyPatch, tutors: int
) -> None:
    freeze(monkeypatch, NOW)
    _market(tutors)
    query = marketplace.SearchInput(text="tutor", price_max="900", free_within="14")
    with counted() as statements:
        found = marketplace.search_tutors(query, viewer_tz="Europe/Kyiv", now=NOW)
    assert len(found.cards) == min(tutors, marketplace.PAGE_SIZE) and found.has_more == (
        tutors > marketplace.PAGE_SIZE
    )
    assert all(c.next_free for c in found.cards)
    assert len(statements) <= 10, statements
    with counted() as statements:
        marketplace.search_tutors(query, viewer_tz="Europe/Kyiv", now=NOW, page=1)
    assert len(statements) <= 10


def test_negative_control_the_engine_per_card_grows_with_tutors(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listener does see per-tutor work: computing each card's time the old way
    (a schedule load per tutor) costs several statements per tutor."""
    freeze(monkeypatch, NOW)
    tutors = _market(12)
    with counted() as statements, read_scope() as session:
        for tutor in tutors:
            compute_next_free(session, tutor, NOW)
    assert len(statements) >= 3 * len(tutors)


def test_free_within_and_sort(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, NOW)
    soon = add_tutor("soon@example.com", name="Zoe Soon")
    _service(soon, "Lesson", 60)
    later = add_tutor("later@example.com", name="Anna Later", min_notice_min=5 * 24 * 60)
    _service(later, "Lesson", 60)
    never = add_tutor("never@example.com", name="Bob Never", hours=[(0, time(9), time(9, 30))])
    _service(never, "Lesson", 60)  # 60 minutes never fit a 30-minute window

    def slugs(**q: str) -> list[str]:
        found = marketplace.search_tutors(marketplace.SearchInput(**q), viewer_tz="UTC", now=NOW)
        return [c.slug for c in found.cards]

    assert slugs() == ["soon", "later", "never"]  # soonest free first, none last
    assert slugs(sort="name") == ["later", "never", "soon"]
    assert slugs(free_within="1") == ["soon"]
    assert slugs(free_within="7") == ["soon", "later"]
    with pytest.raises(Exception) as err:
        slugs(free_within="5")
    assert "free_within" in getattr(err.value, "field_errors", {})


def test_the_beat_task_runs_often_enough_and_refreshes(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored slot stays bookable for LEAD; the beat must come back before that."""
    from tasks.celery_app import REFRESH_NEXT_FREE, app
    from tasks.marketplace import refresh_next_free

    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"] == REFRESH_NEXT_FREE]
    assert entry["schedule"] < LEAD
    freeze(monkeypatch, NOW)
    tutor = add_tutor("olena@example.com")
    _service(tutor, "Lesson", 60)
    first, _ = _stored(tutor)
    assert first is not None
    freeze(monkeypatch, first)  # time passed: the stored slot has begun
    assert refresh_next_free.run() == 1
    assert _stored(tutor) == _engine(tutor, first) and _stored(tutor)[0] != first


def test_negative_control_a_write_around_the_services_is_caught(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison above does catch a writer that skips the hook: a lesson written
    directly (as a builder does) leaves the column behind until something recomputes it."""
    freeze(monkeypatch, NOW)
    tutor = add_tutor("olena@example.com")
    _service(tutor, "Lesson", 60)
    first, _ = _stored(tutor)
    assert first is not None and _stored(tutor) == _engine(tutor, NOW)
    add_lesson(tutor, first)  # no refresh_next_free: not through a service
    assert _stored(tutor) != _engine(tutor, NOW)
