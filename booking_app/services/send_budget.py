"""The send budget shared by every worker process: ~30 messages/s per bot, 1/s per chat.

Why in the database: worker processes (and machines) share nothing else that is always
there; one short write transaction per message (a reservation in `rate_slot`) is cheap at
30/s. A reservation is the instant the message may go; the caller sleeps until then. A
429 from Telegram pauses everyone until its `retry_after` has passed.
"""

from __future__ import annotations

from sqlmodel import Session

from booking_app import clock
from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import RateSlot
from booking_app.repositories import notifications as repo

PER_CHAT_GAP_S = 1.0


def reserve(chat_id: int) -> float:
    """Reserve a send slot for this chat; returns seconds to wait before sending (>= 0)."""
    with session_scope(write=True) as session:
        return reserve_in(session, chat_id)


def reserve_in(session: Session, chat_id: int) -> float:
    """The same inside the caller's write transaction (the claim's: one commit, not two)."""
    per_second = max(get_settings().telegram_global_per_second, 1)
    chat_key = f"chat:{chat_id}"
    at = repo.reserve_slot(
        session=session,
        chat_key=chat_key,
        spacing={"global": 1.0 / per_second, chat_key: PER_CHAT_GAP_S},
        now=clock.timestamp(),
    )
    return max(0.0, at - clock.timestamp())


def paused_for() -> float:
    """Seconds left of a flood-control pause another process set meanwhile (0 if none).

    Checked again right before each send: a message whose slot was reserved before
    another worker got a 429 must not go out inside that 429's retry_after."""
    with read_scope() as session:
        slot = session.get(RateSlot, "pause")
        return max(0.0, slot.next_at - clock.timestamp()) if slot else 0.0


def pause(seconds: float) -> None:
    """Flood control: no process sends for `seconds`."""
    with session_scope(write=True) as session:
        repo.pause_all(session=session, until=clock.timestamp() + seconds)
