"""notifications: `claimed` status (held by a worker, not yet on its way)

Why: a cancel must stop every message of the booking that has not left yet. Until now a
row was `sending` from the claim on, through the wait for its send slot, so a cancel
(which only touched `pending` rows) could not tell "waiting" from "on its way" and the
reminder left after the cancel had returned. Now the claim makes a row `claimed`; only
the last check right before the HTTP call makes it `sending`. A cancel cancels
`pending` and `claimed` rows in its own transaction.

Revision ID: 0010_notify_cancel
Revises: 0009_invites
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_notify_cancel"
down_revision: str | None = "0009_invites"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = ("pending", "sending", "sent", "failed", "cancelled", "skipped")
NEW_STATUSES = ("pending", "claimed", "sending", "sent", "failed", "cancelled", "skipped")


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="notificationstatus", native_enum=False, create_constraint=True, length=9
    )


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(OLD_STATUSES), type_=_status(NEW_STATUSES),
            existing_nullable=False,
        )  # fmt: skip


def downgrade() -> None:
    # A claimed row has not left: it goes back to the queue (its lease still applies).
    op.execute("UPDATE notification SET status = 'pending' WHERE status = 'claimed'")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(NEW_STATUSES), type_=_status(OLD_STATUSES),
            existing_nullable=False,
        )  # fmt: skip
