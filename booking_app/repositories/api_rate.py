"""Fixed-window request counters in the database (the rate limit without Redis).

Keyword-only session; never commits. One upsert per key and request; old windows are
deleted by whoever opens a new one, so the table stays as small as the active keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from booking_app.models import ApiRateCounter


def hit(*, session: Session, key: str, window_start: int) -> int:
    """Count one request of `key` in the window; returns the window's count so far."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ApiRateCounter)
        .values(key=key, window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"hits": ApiRateCounter.hits + 1},  # type: ignore[operator]
        )
        .returning(ApiRateCounter.hits)
    )
    return int(session.execute(statement).scalar_one())


def delete_before(*, session: Session, window_start: int) -> int:
    result = session.execute(
        sa.delete(ApiRateCounter).where(ApiRateCounter.window_start < window_start)  # type: ignore[arg-type]
    )
    return int(result.rowcount or 0)
