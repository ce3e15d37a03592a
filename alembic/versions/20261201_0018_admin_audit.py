"""admin audit log; bookings may end `tutor_no_show`

Why: admin operations now go through the services and each writes an `audit_log` row in
its own transaction (who, what, when, before / after JSON); a lesson's outcome can say
the tutor did not come, which the reports count apart from a student's no-show. The
booking status column is a string with a CHECK constraint (models/base.enum_column):
it widens to the new longest value and its constraint gains the value.

Revision ID: 0018_admin_audit
Revises: 0017_calendar_feeds
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_admin_audit"
down_revision: str | None = "0017_calendar_feeds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ("pending", "confirmed", "cancelled", "late_cancel", "completed", "no_show")
NEW = (*OLD, "tutor_no_show")


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values,
        name="bookingstatus",
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def _set_statuses(values: tuple[str, ...], previous: tuple[str, ...]) -> None:
    """Re-type booking.status: PostgreSQL alters in place (the old CHECK found by what
    it says, since naming conventions changed over time); SQLite recreates the table."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for check in sa.inspect(bind).get_check_constraints("booking"):
            if "late_cancel" in str(check.get("sqltext", "")):
                op.drop_constraint(op.f(check["name"]), "booking", type_="check")
        length = max(len(v) for v in values)
        op.alter_column("booking", "status", type_=sa.String(length))
        allowed = ", ".join(f"'{v}'" for v in values)
        op.create_check_constraint("bookingstatus", "booking", f"status IN ({allowed})")
        return
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=_status(previous), type_=_status(values))


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], name="fk_audit_log_actor_id_user"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index("ix_audit_log_target", ["target_type", "target_id"], unique=False)
    _set_statuses(NEW, OLD)


def downgrade() -> None:
    op.execute("UPDATE booking SET status = 'cancelled' WHERE status = 'tutor_no_show'")
    _set_statuses(OLD, NEW)
    op.drop_table("audit_log")
