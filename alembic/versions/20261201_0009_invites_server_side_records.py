"""invites: a server-side record per signed invite link, and its redemptions

Why: a signed link could not be taken back. The `invite` row (id = the token's jti) is
what a tutor revokes and what counts uses against an optional cap; `invite_redemption`
remembers which account used which link, so removing a student revokes what they used.
Links issued before this revision carry no jti and are refused as invalid.

Revision ID: 0009_invites
Revises: 0007_notify
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_invites"
down_revision: str | None = "0007_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invite",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "lesson",
                "classroom",
                name="invitekind",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "max_uses IS NULL OR max_uses >= 1", name=op.f("ck_invite_max_uses_positive")
        ),
        sa.CheckConstraint("uses >= 0", name=op.f("ck_invite_uses_not_negative")),
        sa.ForeignKeyConstraint(
            ["tutor_id"], ["user.id"], name=op.f("fk_invite_tutor_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
    )
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_tutor_id"), ["tutor_id"], unique=False)

    op.create_table(
        "invite_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invite_id"],
            ["invite.id"],
            name=op.f("fk_invite_redemption_invite_id_invite"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_invite_redemption_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_redemption")),
        sa.UniqueConstraint(
            "invite_id", "user_id", name=op.f("uq_invite_redemption_invite_id_user_id")
        ),
    )
    with op.batch_alter_table("invite_redemption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_redemption_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invite_redemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_redemption_user_id"))
    op.drop_table("invite_redemption")
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_tutor_id"))
    op.drop_table("invite")
