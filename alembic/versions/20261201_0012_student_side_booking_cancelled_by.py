"""booking: `cancelled_by` (who ended a booking: "tutor" or "client")

Why: a declined request and a withdrawn one were both a bare `cancelled`, so the private
page said "Cancelled" to a student whose request the tutor declined, and could not tell a
withdrawn request from a cancelled lesson (issue 14). Older rows stay NULL (shown as
before).

Revision ID: 0012_student_side
Revises: 0011_sessions
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_student_side"
down_revision: str | None = "0011_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_by", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_column("cancelled_by")
