"""Shared setup of the webhook tests (not a test module): settings for a loopback
receiver, endpoints, an admin, and reading the delivery rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlmodel import select

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import Role, User, WebhookDelivery, WebhookEndpoint
from booking_app.services.webhooks import manage
from tests.support.builders import NOW
from tests.support.webhook_receiver import Receiver

FAST = {
    "WEBHOOK_ALLOW_PRIVATE": "true",
    "WEBHOOK_TIMEOUT_SECONDS": "1",
    "WEBHOOK_MAX_FAILURES": "3",
    "WEBHOOK_BACKOFF_SECONDS": "1",
}


@contextmanager
def webhook_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Iterator[None]:
    for name, value in {**FAST, **env}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name in {**FAST, **env}:
            monkeypatch.delenv(name, raising=False)
        get_settings.cache_clear()


@contextmanager
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()


def add_admin(email: str = "admin@example.com") -> int:
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380501234567", name="Admin", timezone="UTC")
        user.role, user.password_hash = Role.admin, "-"
        session.add(user)
        session.flush()
        return user.id or 0


def endpoint(
    user_id: int,
    role: str,
    url: str,
    events: list[str] | None = None,
    *,
    into: Receiver | None = None,
) -> int:
    """An endpoint of `user_id`; its secret is given to the receiver `into`."""
    made = manage.create(user_id, role, url=url, events=events or list(manage.EVENT_TYPES), now=NOW)
    if into is not None:
        into.secrets.append(made.secret)
    return made.endpoint.id


def deliveries(endpoint_id: int | None = None) -> list[WebhookDelivery]:
    with read_scope() as session:
        query = select(WebhookDelivery).order_by(WebhookDelivery.id)  # type: ignore[arg-type]
        if endpoint_id is not None:
            query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
        return list(session.exec(query))


def endpoint_row(endpoint_id: int) -> WebhookEndpoint:
    with read_scope() as session:
        row = session.get(WebhookEndpoint, endpoint_id)
        assert row is not None
        return row
