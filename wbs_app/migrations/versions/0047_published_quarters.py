"""The public page's quarters, frozen when first published; an index for the board.

Issue 21 (review): two readings of ``/transparansi`` must never differ for a
quarter that has ended, or their difference could reveal a hidden count.

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0047"
down_revision: str | None = "0046"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_quarters",
        sa.Column("code", sa.String(7), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_published_quarters"),
    )
    # One dimension over a range of months from the index alone (the board's unit rows).
    op.create_index(
        "ix_stats_tallies_dimension",
        "stats_tallies",
        ["dimension", "month", "unit_id", "value", "count"],
    )


def downgrade() -> None:
    op.drop_index("ix_stats_tallies_dimension", table_name="stats_tallies")
    op.drop_table("published_quarters")
