"""calendar feeds: stored SEQUENCE counters; the feed secret's hash and creation time

Why: calendar apps keep the copy of an event with the highest SEQUENCE. The .ics used
`updated_at % 2e9`, which wraps in 2033 and goes backwards; `booking.calendar_sequence`
and `lesson.calendar_sequence` are counters the ORM bumps on every change. The unused
`user.calendar_token` column now holds the SHA-256 of the subscription feed's secret (the
URL is shown once, like an access token); any old value is cleared because it was never
a hash. `calendar_token_created_at` says since when the current feed URL exists.

Revision ID: 0017_calendar_feeds
Revises: 0016_webhooks
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_calendar_feeds"
down_revision: str | None = "0016_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("booking", "lesson"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "calendar_sequence", sa.Integer(), server_default=sa.text("0"), nullable=False
                )
            )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("calendar_token_created_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute(sa.text('UPDATE "user" SET calendar_token = NULL'))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy of "user", "lesson" or
    # "booking" would drop a table other rows still reference.
    op.drop_column("user", "calendar_token_created_at")
    op.drop_column("lesson", "calendar_sequence")
    op.drop_column("booking", "calendar_sequence")
