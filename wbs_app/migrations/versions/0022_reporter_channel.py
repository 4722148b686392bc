"""The reporter's channel after the decision: retaliation marker, the reporter's public identity.

Revision ID: 0022
Revises: 0026
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("retaliation_reported_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("reporter_public", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reporter_public")
        batch.drop_column("retaliation_reported_on")
