"""notifications: lease, `skipped` status, digest uniqueness, shared rate slots

Why: the send task claims a row with a lease so a killed worker's row is picked up again;
`skipped` keeps rows that fell due while no bot token was configured visible; a tutor's
morning digest (no booking) is unique per (user, kind); `rate_slot` holds the send
budget shared by every worker process.

Revision ID: 0007_notify
Revises: 0001
Create Date: 2026-11-23 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_notify"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = ("pending", "sending", "sent", "failed", "cancelled")
NEW_STATUSES = (*OLD_STATUSES, "skipped")
NO_BOOKING = "booking_id IS NULL"


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="notificationstatus", native_enum=False, create_constraint=True, length=9
    )


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column(
            "status", existing_type=_status(OLD_STATUSES), type_=_status(NEW_STATUSES),
            existing_nullable=False,
        )  # fmt: skip
        batch_op.create_index(
            "uq_notification_user_kind_no_booking",
            ["user_id", "kind"],
            unique=True,
            sqlite_where=sa.text(NO_BOOKING),
            postgresql_where=sa.text(NO_BOOKING),
        )
    op.create_table(
        "rate_slot",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_slot")),
    )


def downgrade() -> None:
    op.drop_table("rate_slot")
    op.execute("UPDATE notification SET status = 'failed' WHERE status = 'skipped'")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("uq_notification_user_kind_no_booking")
        batch_op.alter_column(
            "status", existing_type=_status(NEW_STATUSES), type_=_status(OLD_STATUSES),
            existing_nullable=False,
        )  # fmt: skip
        batch_op.drop_column("lease_until")
