"""What the reporter has read of their case, sealed under their receipt's key (issue 19).

The reporter's page marks what is new since their last visit; the mark is
the last record they were shown, sealed under a key derived from their
identity seed, which only the receipt gives.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("reporter_seen", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reporter_seen")
