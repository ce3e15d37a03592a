"""Audit log rows and the generic row reads the snapshots need (keyword-only session,
never commits)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel

from booking_app.models import AuditLog


def add(*, session: Session, row: AuditLog) -> AuditLog:
    session.add(row)
    session.flush()
    return row


def get_row(*, session: Session, model: type[SQLModel], pk: int) -> Any | None:
    """The row of ``model`` with this primary key, read fresh (not the identity map's
    copy: the snapshot after a change must see what the change wrote). Pending changes
    are flushed first: a refresh would otherwise throw away a change the service made to
    a loaded row without flushing (onboarding.unpublish), and the commit would not write
    it."""
    session.flush()
    row = session.get(model, pk)
    if row is not None:
        session.refresh(row)
    return row
