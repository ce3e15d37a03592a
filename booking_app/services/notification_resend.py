"""Resend one message of the outbox that failed (or was skipped without a bot token).

Why only re-arming the row: the sender re-reads the booking right before sending
(services/notifications.launch), so a message about a booking cancelled since is still
stopped there; nothing is sent from here, the next outbox scan picks the row up.
"""

from __future__ import annotations

from datetime import datetime

from booking_app.db import session_scope
from booking_app.repositories import notifications as repo
from booking_app.services.errors import NotFound, NotResendable


def resend(notification_id: int, *, now: datetime) -> None:
    """The row is due again now, with a fresh attempt count."""
    with session_scope(write=True) as session:
        if repo.get(session=session, notification_id=notification_id) is None:
            raise NotFound("This message does not exist.")
        if not repo.rearm(session=session, notification_id=notification_id, now=now):
            raise NotResendable()
