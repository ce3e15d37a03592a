"""Shared setup for the notification tests (not a test module)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import select

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.integrations import telegram
from booking_app.models import Notification, TutorProfile, User
from tests.support.fake_telegram import FakeTelegram


def rows(booking_id: int | None = None) -> list[Notification]:
    with read_scope() as session:
        query = select(Notification).order_by(Notification.id)
        if booking_id is not None:
            query = query.where(Notification.booking_id == booking_id)
        return list(session.exec(query))


def by_kind(booking_id: int) -> dict[str, Notification]:
    return {row.kind: row for row in rows(booking_id)}


def set_offsets(tutor: int, offsets: list[int]) -> None:
    with session_scope(write=True) as session:
        profile = session.exec(select(TutorProfile).where(TutorProfile.user_id == tutor)).one()
        profile.reminder_offsets_hours = offsets


def set_telegram(user_id: int, username: str | None, chat_id: int | None = None) -> None:
    with session_scope(write=True) as session:
        user = session.get(User, user_id)
        assert user is not None
        user.telegram_username, user.telegram_chat_id = username, chat_id


@contextmanager
def fake_api(monkeypatch, **options: object) -> Iterator[FakeTelegram]:  # type: ignore[no-untyped-def]
    """A running fake API; this process's settings point at it with a token."""
    fake = FakeTelegram(**options).start()  # type: ignore[arg-type]
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:TEST")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
    get_settings.cache_clear()
    telegram.reset_client()
    try:
        yield fake
    finally:
        telegram.reset_client()
        fake.stop()
        monkeypatch.undo()
        get_settings.cache_clear()
