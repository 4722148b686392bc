"""A rotation to a new recovery key: its progress, so that a crash resumes where it stopped.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "root_rotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_generation", sa.Integer(), nullable=False),
        sa.Column("to_generation", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_key_id", sa.Integer(), nullable=False),
        sa.Column("rewrapped", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_generation"],
            ["trust_roots.generation"],
            name=op.f("fk_root_rotations_from_generation_trust_roots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_generation"],
            ["trust_roots.generation"],
            name=op.f("fk_root_rotations_to_generation_trust_roots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_root_rotations")),
        sa.UniqueConstraint("to_generation", name=op.f("uq_root_rotations_to_generation")),
    )


def downgrade() -> None:
    op.drop_table("root_rotations")
