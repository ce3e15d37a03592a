"""Snapshots of rows for the admin audit log, without secrets.

Why here and not in the admin view: the snapshot is taken inside the service transaction
(services/admin_ops.py), and the list of columns no one may ever see is one rule shared
with the admin views (api/admin_views.py imports SECRET_COLUMNS from here).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from booking_app.repositories import audit as repo

# Never shown, exported or logged: capabilities (booking / calendar tokens, room ids) and
# password hashes. Outbox bodies embed private booking links, so they are left out too.
SECRET_COLUMNS = frozenset(
    {
        "password_hash",
        "calendar_token",
        "booking_token",
        "session_uuid",
        "secret_enc",
        "secret_encrypted",
    }
)
NOT_LOGGED = SECRET_COLUMNS | {"body"}


def jsonable(value: Any) -> Any:
    """A column value as JSON text would carry it (ISO times, decimal strings)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(session: Session, model: type[SQLModel], pk: int | None) -> dict[str, Any] | None:
    """The row as a dict of its columns (secrets left out); None when there is no row."""
    if pk is None:
        return None
    row = repo.get_row(session=session, model=model, pk=pk)
    if row is None:
        return None
    table = model.__table__  # type: ignore[attr-defined]
    return {
        c.name: jsonable(getattr(row, c.name)) for c in table.columns if c.name not in NOT_LOGGED
    }


def changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The column names whose value differs (for a one-line summary)."""
    keys = set(before or {}) | set(after or {})
    return sorted(k for k in keys if (before or {}).get(k) != (after or {}).get(k))
