"""Publishing under contention, on a SQLite file and on PostgreSQL.

Eight threads, each with its own session, are released together by a barrier and publish
into the same tutor's calendar: exactly one wins, every other gets SlotUnavailable, and
no other exception ever escapes. Negative controls show which guard does the work:
without the in-transaction re-check SQLite stores every copy (PostgreSQL is saved only
by its exclusion constraint), and with the per-tutor lock removed PostgreSQL lets two
lessons inside each other's buffer in (the constraint covers overlap, not buffers).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from sqlmodel import select

from booking_app.db import read_scope
from booking_app.models import Lesson
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import BookingCheck, Reason
from booking_app.services import schedule_write
from booking_app.services.errors import SlotUnavailable
from booking_app.services.lessons import LessonView, PublishInput, publish_lesson
from tests.support.builders import NOW, run_together
from tests.support.builders import add_bare_tutor as add_tutor

THREADS = 8
LESSON = PublishInput(
    start_local="2026-11-30T10:00",
    duration_min=60,
    service_id=None,
    title="",
    lesson_type="individual",
    capacity=1,
    mode="online",
    location="",
    meeting_url="",
    tentative=False,
    price="0",
)
ADJACENT = replace(LESSON, start_local="2026-11-30T11:00")  # touches LESSON: buffer only


def outcomes(results: list[Any]) -> tuple[list[LessonView], list[SlotUnavailable]]:
    """Winners and refusals; anything else fails the test with the exception itself."""
    others = [r for r in results if not isinstance(r, LessonView | SlotUnavailable)]
    assert others == [], others
    won = [r for r in results if isinstance(r, LessonView)]
    refused = [r for r in results if isinstance(r, SlotUnavailable)]
    return won, refused


def stored() -> int:
    with read_scope() as session:
        return len(session.exec(select(Lesson)).all())


def test_eight_publishers_one_slot_exactly_one_wins(db: str) -> None:
    tutor = add_tutor()
    won, refused = outcomes(run_together(THREADS, lambda _: publish_lesson(tutor, LESSON, now=NOW)))
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert {r.reason for r in refused} == {"overlaps"}
    assert stored() == 1


def test_eight_publishers_within_the_buffer_exactly_one_wins(db: str) -> None:
    tutor = add_tutor(buffer_after_min=15)

    def publish(index: int) -> LessonView:
        return publish_lesson(tutor, LESSON if index % 2 else ADJACENT, now=NOW)

    won, refused = outcomes(run_together(THREADS, publish))
    assert len(won) == 1 and len(refused) == THREADS - 1
    assert {r.reason for r in refused} <= {"overlaps", "buffer"}
    assert "buffer" in {r.reason for r in refused}
    assert stored() == 1


def test_negative_control_without_the_recheck(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same race with the engine check removed: SQLite double-books, PostgreSQL's
    exclusion constraint still stops it (and is reported as SlotUnavailable)."""
    tutor = add_tutor()
    monkeypatch.setattr(
        schedule_write, "check_conflicts", lambda *a, **k: BookingCheck(Reason.OK, "")
    )
    won, refused = outcomes(run_together(THREADS, lambda _: publish_lesson(tutor, LESSON, now=NOW)))
    if db.startswith("sqlite"):
        assert len(won) == THREADS and stored() == THREADS
    else:
        assert len(won) == 1 and {r.reason for r in refused} == {"overlaps"}
        assert stored() == 1


def hold_after_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each publisher wait (up to 1.5 s) for the other after reading the calendar.

    Without a lock both read "free" and both insert; with the lock the second publisher
    cannot even read until the first commits, so the wait times out and it sees the
    first one's lesson.
    """
    meet = threading.Barrier(2)
    real = schedules_repo.load_schedule

    def load_then_wait(**kwargs: Any) -> Any:
        loaded = real(**kwargs)
        try:
            meet.wait(timeout=1.5)
        except threading.BrokenBarrierError:
            pass
        return loaded

    monkeypatch.setattr(schedules_repo, "load_schedule", load_then_wait)


def test_the_lock_serializes_a_read_then_write_interleaving(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutor = add_tutor(buffer_after_min=15)
    hold_after_loading(monkeypatch)
    inputs = (LESSON, ADJACENT)
    won, refused = outcomes(run_together(2, lambda i: publish_lesson(tutor, inputs[i], now=NOW)))
    assert len(won) == 1 and [r.reason for r in refused] == ["buffer"]


def test_negative_control_without_the_lock(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL without lock_tutor: both read "free" and both lessons get in, 0 minutes
    apart despite a 15-minute buffer. SQLite has no separate lock to remove: its
    BEGIN IMMEDIATE still serializes the two, so one is refused."""
    tutor = add_tutor(buffer_after_min=15)
    hold_after_loading(monkeypatch)
    monkeypatch.setattr(schedules_repo, "lock_tutor", lambda **kwargs: None)
    inputs = (LESSON, ADJACENT)
    won, refused = outcomes(run_together(2, lambda i: publish_lesson(tutor, inputs[i], now=NOW)))
    if db.startswith("sqlite"):
        assert len(won) == 1 and [r.reason for r in refused] == ["buffer"]
    else:
        assert len(won) == 2 and stored() == 2
