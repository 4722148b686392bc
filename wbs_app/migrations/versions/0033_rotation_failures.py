"""The recovery wraps a rotation could not open, so that one damaged row no longer stops it.

Revision ID: 0033
Revises: 0030
Create Date: 2026-12-02 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rotation_failures",
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("audience_key_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_key_id"],
            ["audience_keys.id"],
            name=op.f("fk_rotation_failures_audience_key_id_audience_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rotation_id"],
            ["root_rotations.id"],
            name=op.f("fk_rotation_failures_rotation_id_root_rotations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "rotation_id", "audience_key_id", name=op.f("pk_rotation_failures")
        ),
    )


def downgrade() -> None:
    op.drop_table("rotation_failures")
