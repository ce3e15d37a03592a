"""data_version.changed_at: when a user's data version last moved

Why: a calendar feed's conditional GET (ETag and Last-Modified) is answered from the
owner's data version, one indexed read with the feed's secret, instead of aggregates over
the feed's rows; Last-Modified needs the moment of the last change too. Existing rows
keep NULL (no change seen yet): their feeds say the start of the day, as before.

Revision ID: 0022_data_version_changed_at
Revises: 0021_api_resources
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_data_version_changed_at"
down_revision: str | None = "0021_api_resources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("data_version", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
