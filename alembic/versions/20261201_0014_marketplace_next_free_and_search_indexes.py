"""marketplace: the maintained next free time of each tutor; name search indexes

Why: the marketplace ran the scheduling engine once per card (3 statements and a 14-day
slot computation per tutor, 3,002 statements for 1,000 tutors). The first free slot is
now a column of `tutor_profile` that the services rewrite in the transaction of every
schedule change (services/next_free.py), so a search is a few statements whatever the
number of tutors. On PostgreSQL, trigram indexes serve the case-insensitive "contains"
search on names and headlines (`lower(x) LIKE '%...%'`); SQLite scans (LIKE).

Revision ID: 0014_marketplace
Revises: 0013_tutor_side
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_marketplace"
down_revision: str | None = "0013_tutor_side"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEXES = (
    ("ix_user_name_trgm", "user", "name"),
    ("ix_tutor_profile_headline_trgm", "tutor_profile", "headline"),
)


def upgrade() -> None:
    with op.batch_alter_table("tutor_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_free_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_free_service_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("next_free_stale_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("listed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("list_price", sa.Numeric(precision=10, scale=2), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_tutor_profile_next_free_at"), ["next_free_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tutor_profile_next_free_stale_at"), ["next_free_stale_at"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in TRIGRAM_INDEXES:
            op.execute(
                f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" '
                f"USING gin (lower({column}) gin_trgm_ops)"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _table, _column in TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("tutor_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tutor_profile_next_free_stale_at"))
        batch_op.drop_index(batch_op.f("ix_tutor_profile_next_free_at"))
        batch_op.drop_column("list_price")
        batch_op.drop_column("listed")
        batch_op.drop_column("next_free_stale_at")
        batch_op.drop_column("next_free_service_id")
        batch_op.drop_column("next_free_at")
