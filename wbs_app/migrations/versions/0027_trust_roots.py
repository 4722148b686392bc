"""The custodians' root of trust: its public identity by generation, and who holds its shares.

Revision ID: 0027
Revises: 0021
Create Date: 2026-12-02 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trust_roots",
        sa.Column("generation", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("public", sa.LargeBinary(), nullable=False),
        sa.Column("share_count", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("generation", name=op.f("pk_trust_roots")),
    )
    op.create_table(
        "custodians",
        sa.Column("root_generation", sa.Integer(), nullable=False),
        sa.Column("share_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["root_generation"],
            ["trust_roots.generation"],
            name=op.f("fk_custodians_root_generation_trust_roots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("root_generation", "share_number", name=op.f("pk_custodians")),
    )


def downgrade() -> None:
    op.drop_table("custodians")
    op.drop_table("trust_roots")
