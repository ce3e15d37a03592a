"""AuditLog: one row per admin operation (who, what, when, the target before and after).

Why a table of its own and not a log file: the row is written in the SAME transaction as
the change it describes (services/admin_ops.py), so there is no change without its row and
no row for a change that rolled back; the admin reads it in a read-only view with filters.
`before` / `after` are JSON snapshots of the target row without secrets (tokens, hashes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import utc_field


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_target", "target_type", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    actor_name: str = Field(default="", max_length=120)
    action: str = Field(max_length=40, index=True)
    target_type: str = Field(max_length=40)
    target_id: int | None = None
    summary: str = Field(default="", max_length=500)
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
