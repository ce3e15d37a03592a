"""api auth: personal access tokens, refresh tokens, API rate counters

Why: programs use the API without a browser. A personal access token (made on the
profile page, read or write scope) or a short-lived access JWT with a rotating refresh
token (POST /api/v1/auth/token) is the credential; only sha256 hashes are stored. A
refresh token hangs off the server-side session (`user_session`), so ending sessions ends
its family. The rate counters are the limit's shared state when Redis is not configured.

Revision ID: 0020_api_auth
Revises: 0019_calendar_sync
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_api_auth"
down_revision: str | None = "0019_calendar_sync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_rate_counter",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_api_rate_counter")),
    )
    with op.batch_alter_table("api_rate_counter", schema=None) as batch_op:
        batch_op.create_index("ix_api_rate_counter_window", ["window_start"], unique=False)

    op.create_table(
        "personal_access_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        _at("created_at", nullable=False),
        _at("expires_at"),
        _at("last_used_at"),
        _at("revoked_at"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_personal_access_token_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_access_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_personal_access_token_token_hash")),
    )
    with op.batch_alter_table("personal_access_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personal_access_token_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "refresh_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _at("created_at", nullable=False),
        _at("used_at"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_session.id"],
            name=op.f("fk_refresh_token_session_id_user_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_refresh_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_refresh_token")),
    )
    with op.batch_alter_table("refresh_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refresh_token_session_id"), ["session_id"])
        batch_op.create_index(batch_op.f("ix_refresh_token_user_id"), ["user_id"])


def downgrade() -> None:
    op.drop_table("refresh_token")
    op.drop_table("personal_access_token")
    op.drop_table("api_rate_counter")
