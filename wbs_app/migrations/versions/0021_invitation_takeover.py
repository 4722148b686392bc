"""The invitation taken over by its addressee: the printed code replaced, a signing identity.

Revision ID: 0021
Revises: 0022
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("respondent_invitations") as batch:
        batch.add_column(sa.Column("printed_lookup_hash", sa.LargeBinary(length=32), nullable=True))
        batch.add_column(sa.Column("addressee_public", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("taken_over_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("replaced_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("replaced_by_uid", sa.String(length=32), nullable=True))
        batch.create_unique_constraint(
            batch.f("uq_respondent_invitations_printed_lookup_hash"), ["printed_lookup_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("respondent_invitations") as batch:
        batch.drop_constraint(
            batch.f("uq_respondent_invitations_printed_lookup_hash"), type_="unique"
        )
        batch.drop_column("replaced_by_uid")
        batch.drop_column("replaced_on")
        batch.drop_column("taken_over_on")
        batch.drop_column("addressee_public")
        batch.drop_column("printed_lookup_hash")
