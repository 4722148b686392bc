"""The public page's quarters, frozen when first published.

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


def downgrade() -> None:
    op.drop_table("published_quarters")
