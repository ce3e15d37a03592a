"""A user's data version: the cheap "has anything of mine changed?" of the HTTP API.

The counter (models/api_support.py) is bumped in the transaction of every write that tells
the user's open pages to re-read (``realtime.publish_on_commit``), so it moves exactly
when the calendar page would refresh. The week calendar's ETag is derived from it plus
the request (week, zone, flags) and the current minute, so ``If-None-Match`` is answered
after one primary-key read, without building the week.
"""

from __future__ import annotations

from booking_app.db import read_scope
from booking_app.repositories import api_support as repo


def data_version(user_id: int) -> int:
    """The user's counter (0 before any write touched them)."""
    with read_scope() as session:
        return repo.version_of(session=session, user_id=user_id)
