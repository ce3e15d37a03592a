"""Connected calendars (issue 17): refresh imported busy time, send the CalDAV push outbox.

Both are idempotent: a refresh swaps a source's rows for what the feed says now, and a
push sends the difference between the lessons and what the server holds, re-read right
before sending. Running either twice, late, or on two workers only repeats that work.
"""

from __future__ import annotations

from celery import shared_task

from booking_app import clock
from booking_app.services import calendar_push, calendar_sources

REFRESH_CALENDARS = "tasks.calendars.refresh_calendars"
PUSH_CALENDARS = "tasks.calendars.push_calendars"
PUSH_ONE = "tasks.calendars.push_one"


@shared_task(name=REFRESH_CALENDARS, ignore_result=True)
def refresh_calendars() -> int:
    """Beat: refresh every source whose time has come (a bounded batch per run)."""
    return calendar_sources.refresh_due(clock.now())


@shared_task(name=PUSH_CALENDARS, ignore_result=True)
def push_calendars() -> int:
    """Beat: queue one push task per due outbox row."""
    ids = calendar_push.due(clock.now())
    for push_id in ids:
        push_one.delay(push_id)
    return len(ids)


@shared_task(name=PUSH_ONE, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def push_one(push_id: int) -> str:
    """Send one account's pending changes (see services/calendar_push.py)."""
    return calendar_push.send(push_id, now=clock.now())
