"""Pending files carry their rounded size, so the unsent drafts' disk budget is one sum.

Rows from before this revision count as 0 bytes: they belong to drafts that
expire within hours (DRAFT_HOURS), after which the budget is exact again.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pending_files") as batch:
        batch.add_column(
            sa.Column("size_rounded", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_files") as batch:
        batch.drop_column("size_rounded")
