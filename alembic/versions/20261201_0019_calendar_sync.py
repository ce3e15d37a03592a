"""calendar sync: connected calendars (iCal feeds, CalDAV accounts), their busy rows, the push outbox

Why: a tutor's lessons must not collide with their other calendars (issue 17). Imported
busy time stays ordinary `busy_block` rows (source `external`) so the one scheduling
engine sees it; each row points at its `calendar_source` and a refresh replaces a
source's rows in one transaction. `calendar_push` is the CalDAV push outbox (one pending
row per account, partial unique index), `calendar_pushed_event` what the server holds.

Revision ID: 0019_calendar_sync
Revises: 0018_admin_audit
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_calendar_sync"
down_revision: str | None = "0018_admin_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_PUSH = "status = 'pending'"


def upgrade() -> None:
    op.create_table(
        "calendar_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ical", "caldav", name="calendarkind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=True),
        sa.Column("secret_enc", sa.Text(), nullable=True),
        sa.Column("push_calendar", sa.String(length=2000), nullable=True),
        sa.Column("pull_calendars", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_refresh_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("broken_notified", sa.Boolean(), nullable=False),
        sa.Column("push_error", sa.String(length=1000), nullable=True),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tutor_id"],
            ["user.id"],
            name=op.f("fk_calendar_source_tutor_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_source")),
    )
    with op.batch_alter_table("calendar_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_source_tutor_id"), ["tutor_id"])
        batch_op.create_index(batch_op.f("ix_calendar_source_next_refresh_at"), ["next_refresh_at"])

    op.create_table(
        "calendar_push",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["calendar_source.id"],
            name=op.f("fk_calendar_push_source_id_calendar_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_push")),
    )
    with op.batch_alter_table("calendar_push", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_push_status_send_after", ["status", "send_after"], unique=False
        )
        batch_op.create_index(
            "uq_calendar_push_pending_source",
            ["source_id"],
            unique=True,
            sqlite_where=sa.text(PENDING_PUSH),
            postgresql_where=sa.text(PENDING_PUSH),
        )

    op.create_table(
        "calendar_pushed_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("href", sa.String(length=2000), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["calendar_source.id"],
            name=op.f("fk_calendar_pushed_event_source_id_calendar_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_calendar_pushed_event_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_pushed_event")),
        sa.UniqueConstraint(
            "source_id", "lesson_id", name=op.f("uq_calendar_pushed_event_source_id_lesson_id")
        ),
    )
    with op.batch_alter_table("calendar_pushed_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_pushed_event_lesson_id"), ["lesson_id"])

    with op.batch_alter_table("busy_block", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_source_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_busy_block_calendar_source_id"), ["calendar_source_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_busy_block_calendar_source_id_calendar_source"),
            "calendar_source",
            ["calendar_source_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("busy_block", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_busy_block_calendar_source_id_calendar_source"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_busy_block_calendar_source_id"))
        batch_op.drop_column("calendar_source_id")
    op.drop_table("calendar_pushed_event")
    op.drop_table("calendar_push")
    op.drop_table("calendar_source")
