"""Data versions and idempotency records (models/api_support.py). Keyword-only session;
never commits: the caller's transaction decides."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from booking_app.models import DataVersion, IdempotencyRecord


def bump_versions(*, session: Session, user_ids: Iterable[int]) -> None:
    """+1 on each user's counter (created at 1): one upsert, safe under concurrency
    (ON CONFLICT on both SQLite and PostgreSQL, so two first writes never collide)."""
    ids = sorted(set(user_ids))  # a fixed order: two transactions never wait on each other
    if not ids:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(DataVersion).values([{"user_id": uid, "version": 1} for uid in ids])
    stmt = stmt.on_conflict_do_update(
        index_elements=[DataVersion.user_id],
        set_={"version": DataVersion.version + 1},
    )
    session.execute(stmt)


# Built once (building the expression costs about as much as SQLite's answer).
_VERSION_OF = sa.select(DataVersion.version).where(DataVersion.user_id == sa.bindparam("uid"))


def version_of(*, session: Session, user_id: int) -> int:
    """The user's counter (0 before their first write): one primary-key read, on the
    session's connection (Core, not the ORM's execute). The week calendar's 304 answer
    reads it with the credential instead (user_sessions.active_session_user_version)."""
    found = session.connection().execute(_VERSION_OF, {"uid": user_id}).scalar_one_or_none()
    return int(found or 0)


def idempotency_record(*, session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    return session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    ).first()


def add_idempotency_record(*, session: Session, row: IdempotencyRecord) -> IdempotencyRecord:
    """Insert and flush: a second claim of the same (scope, key) fails here with an
    IntegrityError (PostgreSQL waits for the first claim's transaction to end first)."""
    session.add(row)
    session.flush()
    return row
