"""tutor side: a new tutor profile starts unpublished

Why: a tutor who just registered has no services and no hours, so their public page
offered nothing while the marketplace already listed it. New profiles are now hidden
until the tutor publishes, which checks that the page can be booked
(`services/profile.publish`). Existing rows keep their value: a published tutor stays
published.

Revision ID: 0013_tutor_side
Revises: 0012_student_side
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_tutor_side"
down_revision: str | None = "0012_student_side"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tutor_profile", schema=None) as batch_op:
        batch_op.alter_column(
            "is_published", existing_type=sa.Boolean(), existing_nullable=False,
            server_default=sa.false(),
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("tutor_profile", schema=None) as batch_op:
        batch_op.alter_column(
            "is_published", existing_type=sa.Boolean(), existing_nullable=False,
            server_default=None,
        )  # fmt: skip
