"""schedule_version: a counter per tutor that grows with every schedule change

Why: the public tutor page computes a week of free slots on every "next week" click; with
many visitors on one tutor that is the same computation over and over (issue 15's load
profile: a quarter of the worker's CPU). The services bump this counter in the
transaction of every schedule change (where they already rewrite next_free_at), so a
computed week can be reused until the counter moves.

Revision ID: 0015_schedule_version
Revises: 0014_marketplace
Create Date: 2026-12-01 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_schedule_version"
down_revision: str | None = "0014_marketplace"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tutor_profile",
        sa.Column("schedule_version", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("tutor_profile", schema=None) as batch_op:
        batch_op.drop_column("schedule_version")
