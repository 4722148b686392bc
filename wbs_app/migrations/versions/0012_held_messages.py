"""Kept messages: a reply or statement posted after its session ended, waiting for its code.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "held_messages",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("sealed_payload", sa.LargeBinary(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_held_messages")),
        sa.UniqueConstraint("uid", name=op.f("uq_held_messages_uid")),
    )
    with op.batch_alter_table("held_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_held_messages_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("pending_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_id_hash", sa.LargeBinary(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_pending_files_held_id_hash"), ["held_id_hash"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pending_files_held_id_hash_held_messages"),
            "held_messages",
            ["held_id_hash"],
            ["id_hash"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_files", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pending_files_held_id_hash_held_messages"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_pending_files_held_id_hash"))
        batch_op.drop_column("held_id_hash")
    with op.batch_alter_table("held_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_messages_expires_at"))
    op.drop_table("held_messages")
