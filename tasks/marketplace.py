"""Keep the marketplace's "next free" times current as time passes (scheduled in
`tasks.celery_app._beat_schedule`).

Schedule changes rewrite a tutor's value in their own transaction; this task handles the
clock: a stored slot that enters the tutor's minimum notice, or a tutor with no slot
whose 14-day window has moved on (services/next_free.py). Idempotent: running it twice,
late, or on two workers at once only recomputes the same values.
"""

from __future__ import annotations

from booking_app import clock
from booking_app.services import next_free
from tasks.celery_app import REFRESH_NEXT_FREE, app


@app.task(name=REFRESH_NEXT_FREE)
def refresh_next_free() -> int:
    """Recompute the due tutors (a bounded batch per run); returns how many."""
    return next_free.refresh_due(clock.now())
