"""Busy blocks: personal time the tutor cannot teach, typed in their zone, stored in UTC.
A block only stops new bookings; lessons already booked in it are kept."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from booking_app import realtime
from booking_app.db import session_scope
from booking_app.models import BusyBlock
from booking_app.repositories import availability as availability_repo
from booking_app.services import calendar, timefmt
from booking_app.services import offer_fields as f
from booking_app.services.availability.views import BusyBlockView, busy_view, tutor_zone
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.next_free import refresh_next_free
from booking_app.services.validation import FieldError

MAX_BUSY_DAYS = 366
BUSY_NOT_FOUND = "This busy time does not exist or is not yours."


# --- busy blocks ---------------------------------------------------------------------------


# The page asks for a date (the browser's picker, in the viewer's format) and a 24-hour
# time; a message naming "YYYY-MM-DD HH:MM" would contradict the picker (issue 14).
NOT_A_MOMENT = "Pick a date and type the time as HH:MM (24-hour)."
_MOMENT = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::00)?\s*$")


def _moment(raw: str, tz: ZoneInfo) -> datetime:
    if not isinstance(raw, str) or _MOMENT.match(raw) is None:
        raise FieldError(NOT_A_MOMENT)
    return timefmt.parse_local(raw, tz)


def _clean_busy(
    start_local: str, end_local: str, title: str, tz: ZoneInfo, now: datetime
) -> tuple[datetime, datetime, str]:
    fields = f.Fields()
    start = fields.take("start", lambda: _moment(start_local, tz))
    end = fields.take("end", lambda: _moment(end_local, tz))
    clean_title = fields.take("title", lambda: f.clean_text(title, max_len=200) or "Busy")
    if start is not None and end is not None:
        if end < start:
            fields.add_error("end", "Ends before it starts.")
        elif end == start:
            fields.add_error("end", "Starts and ends at the same time.")
        elif end <= now:
            fields.add_error("end", "This time has already passed.")
        elif end - start > timedelta(days=MAX_BUSY_DAYS):
            fields.add_error("end", f"A busy block lasts at most {MAX_BUSY_DAYS} days.")
    fields.raise_if_invalid()
    assert start is not None and end is not None and clean_title is not None
    return start, end, clean_title


def add_busy_block(
    tutor_id: int, start_local: str, end_local: str, title: str, *, now: datetime
) -> BusyBlockView:
    """Block personal time ("YYYY-MM-DDTHH:MM" in the tutor's zone); it must end after now.

    Lessons already booked in that time are kept: the block only stops new bookings.
    """
    tz = tutor_zone(tutor_id)
    start, end, clean_title = _clean_busy(start_local, end_local, title, tz, now)
    with session_scope(write=True) as session:
        block = availability_repo.add_busy_block(
            session=session,
            block=BusyBlock(tutor_id=tutor_id, starts_at=start, ends_at=end, title=clean_title),
        )
        refresh_next_free(session, tutor_id, now)
        realtime.publish_on_commit(session, (tutor_id,))
        return busy_view(block, tz)


def remove_busy_block(tutor_id: int, block_id: int) -> None:
    """Delete one of the tutor's busy blocks; NotFound for anyone else's."""
    with session_scope(write=True) as session:
        if not availability_repo.delete_busy_block(
            session=session, tutor_id=tutor_id, block_id=block_id
        ):
            raise NotFound(BUSY_NOT_FOUND)
        refresh_next_free(session, tutor_id)
        realtime.publish_on_commit(session, (tutor_id,))


def move_busy_block(tutor_id: int, block_id: int, *, start: str, end: str, now: datetime) -> None:
    """Move/resize a busy block; like adding one, it never disturbs booked lessons."""
    with session_scope(write=True) as session:
        tz = calendar.tutor_zone(session, tutor_id)
        new_start, new_end = calendar.parse_span(start, end, tz)
        if new_end <= now:
            raise ValidationFailed({"end": "A busy time must end in the future."})
        block = availability_repo.busy_block(session=session, tutor_id=tutor_id, block_id=block_id)
        if block is None:
            raise NotFound(BUSY_NOT_FOUND)
        block.starts_at, block.ends_at = new_start, new_end
        refresh_next_free(session, tutor_id, now)
        realtime.publish_on_commit(session, (tutor_id,))


def move_busy_block_to(
    tutor_id: int, block_id: int, start_local: str, end_local: str, *, now: datetime
) -> BusyBlockView:
    """The calendar's drag of a busy time with typed times ("YYYY-MM-DDTHH:MM" in the
    tutor's zone, the HTTP API): the rules and messages of adding one; its title stays."""
    tz = tutor_zone(tutor_id)
    start, end, _ = _clean_busy(start_local, end_local, "", tz, now)
    with session_scope(write=True) as session:
        block = availability_repo.busy_block(session=session, tutor_id=tutor_id, block_id=block_id)
        if block is None:
            raise NotFound(BUSY_NOT_FOUND)
        block.starts_at, block.ends_at = start, end
        refresh_next_free(session, tutor_id, now)
        realtime.publish_on_commit(session, (tutor_id,))
        return busy_view(block, tz)
