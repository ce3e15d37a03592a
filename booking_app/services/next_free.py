"""Each tutor's next free time, kept in `tutor_profile.next_free_at` for the marketplace.

Why a maintained column: computing it per card ran the scheduling engine once per tutor on
every search (issue 15: 3,002 statements and 2 s for 1,000 tutors). Now the engine runs
once per tutor per *change*:

- every schedule write calls ``refresh_next_free(session, tutor_id, now)`` in its own
  transaction (``ScheduleWrite.announce*`` for bookings and lessons; hours, busy blocks,
  rules, services and publishing call it directly), so the column commits or rolls back
  with the change;
- time passing only removes slots (minimum notice) or adds them at the end of the window,
  so each value carries ``next_free_stale_at`` (its start minus the notice, or an hour on
  when none was found) and ``refresh_due`` recomputes those whose time has come
  (Celery beat); a search first recomputes the tutors already stale or never computed
  (``refresh_stale``: one statement while the beat keeps up).

The value is the same predicate the booking path re-checks with (``free_slots`` of the
tutor's first active service, 14 days ahead), so the card never shows a time a booking
would refuse; tests/integration/test_next_free.py compares it with the engine after a
random sequence of changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from booking_app import clock
from booking_app.db import read_scope, session_scope
from booking_app.repositories import marketplace as repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import free_slots

NEXT_FREE_WINDOW = timedelta(days=14)
REFRESH_EVERY = timedelta(minutes=5)  # the beat task's period (tasks/celery_app.py)
LEAD = timedelta(minutes=10)
"""The stored slot is the first one still bookable LEAD from now, so it stays bookable
for at least LEAD; the periodic refresh (every REFRESH_EVERY < LEAD) replaces it before
then. Without a lead, a tutor's first slot sits right at their minimum notice and would
go stale a moment after being stored."""
RECHECK_EMPTY = timedelta(hours=1)  # no slot found: look again once the window moved on
REFRESH_BATCH = 200  # tutors per periodic run (each costs a schedule load + the engine)


def compute_next_free(
    session: Session, tutor_id: int, now: datetime
) -> tuple[datetime | None, int | None, int]:
    """(first start the engine offers at ``now + LEAD``, its service id, the tutor's
    minimum notice in minutes) in the next 14 days. Bookable at ``now + LEAD`` implies
    bookable now (notice only gets easier backwards; the horizon is far beyond 14 days)."""
    now = now + LEAD
    end = now + NEXT_FREE_WINDOW
    loaded = schedules_repo.load_schedule(
        session=session,
        tutor_id=tutor_id,
        range_start=now,
        range_end=end,
        first_active_service=True,
    )
    if loaded is None:
        return None, None, 0
    notice = loaded.schedule.rules.min_notice_min
    if loaded.service is None:
        return None, None, notice
    slots = free_slots(loaded.schedule, loaded.service.spec, now, end, now, "UTC")
    return (slots[0].start, loaded.service.id, notice) if slots else (None, None, notice)


def refresh_next_free(session: Session, tutor_id: int | None, now: datetime | None = None) -> None:
    """Recompute one tutor's card facts (next free time, listed, "from" price) inside the
    caller's transaction (call it after the change is written, before commit). ``now`` defaults to the clock: writers that
    take no ``now`` (hours, services) still stamp the value with the real time."""
    if not tutor_id:
        return
    now = now if now is not None else clock.now()
    session.flush()  # the engine must see the rows this transaction just wrote
    start, service_id, notice_min = compute_next_free(session, tutor_id, now)
    stale_at = start - timedelta(minutes=notice_min) if start else now + RECHECK_EMPTY
    listed, list_price = repo.listing_of(session=session, tutor_id=tutor_id)
    repo.store_next_free(
        session=session,
        tutor_id=tutor_id,
        start=start,
        service_id=service_id,
        stale_at=stale_at,
        listed=listed,
        list_price=list_price,
    )


def refresh_due(now: datetime, *, limit: int = REFRESH_BATCH) -> int:
    """Recompute the tutors whose stored value time has made stale (or never computed);
    returns how many. One short write transaction per tutor, so bookings are not held up."""
    with read_scope() as session:
        due = repo.next_free_due(session=session, before=now + LEAD, limit=limit)
    for tutor_id in due:
        with session_scope(write=True) as session:
            refresh_next_free(session, tutor_id, now)
    return len(due)


def refresh_stale(now: datetime, *, limit: int = REFRESH_BATCH) -> int:
    """Recompute the tutors never computed or already stale at ``now`` (at most ``limit``,
    most overdue first). The marketplace calls it before a search, so a card never says
    "no free time" only because the beat has not run yet (``make run`` just started, the
    worker is off, the demo was seeded with an earlier ``now``): one statement when the
    beat keeps up, which is the usual case."""
    with read_scope() as session:
        due = repo.next_free_due(session=session, before=now, limit=limit)
    for tutor_id in due:
        with session_scope(write=True) as session:
            refresh_next_free(session, tutor_id, now)
    return len(due)
