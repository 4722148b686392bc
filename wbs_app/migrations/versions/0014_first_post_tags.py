"""First-post tags on drafts and sent markers: a reused form is a new report, not a repeat.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("submission_drafts") as batch:
        batch.add_column(sa.Column("first_post_tag", sa.LargeBinary(length=32), nullable=True))
    with op.batch_alter_table("sent_drafts") as batch:
        batch.add_column(sa.Column("first_post_tag", sa.LargeBinary(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sent_drafts") as batch:
        batch.drop_column("first_post_tag")
    with op.batch_alter_table("submission_drafts") as batch:
        batch.drop_column("first_post_tag")
