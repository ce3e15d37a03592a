"""Periodic clean-up tasks (scheduled in `tasks.celery_app._beat_schedule`).

Both are idempotent: running one twice, or late, or on two workers at once, is harmless.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from booking_app import clock
from booking_app.config import get_settings
from booking_app.services import accounts, sessions
from tasks.celery_app import PURGE_BROKER_MESSAGES, PURGE_SIGN_IN_ATTEMPTS, app, is_sql_broker

# kombu's SQLAlchemy transport keeps delivered messages (visible = false) forever.
DELIVERED_MESSAGE_TTL = timedelta(days=1)


@app.task(name=PURGE_SIGN_IN_ATTEMPTS)
def purge_sign_in_attempts() -> int:
    """Drop sign-in attempts that no longer count and expired sessions (never usable
    again: a session is checked against its expiry on every use anyway)."""
    now = clock.now()
    return accounts.purge_sign_in_attempts(now=now) + sessions.purge_expired_sessions(now=now)


@app.task(name=PURGE_BROKER_MESSAGES)
def purge_broker_messages() -> int:
    """On the embedded SQL broker, delete delivered messages a day old (no-op on Redis).

    kombu stamps `timestamp` with naive local time when it marks a message delivered,
    so the cut-off is naive local time too.
    """
    broker_url = get_settings().celery_broker_url
    if not is_sql_broker(broker_url):
        return 0
    engine = sa.create_engine(broker_url.split("+", 1)[1])
    cutoff = clock.now().astimezone().replace(tzinfo=None) - DELIVERED_MESSAGE_TTL
    try:
        with engine.begin() as conn:
            result = conn.execute(
                sa.text("DELETE FROM kombu_message WHERE visible = :no AND timestamp < :cutoff"),
                {"no": False, "cutoff": cutoff},
            )
        return int(result.rowcount or 0)
    finally:
        engine.dispose()
