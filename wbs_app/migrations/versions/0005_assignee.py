"""The handler a case is assigned to.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 08:52:41.545930
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_assignee_id_staff_members"),
            "staff_members",
            ["assignee_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cases_assignee_id_staff_members"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_cases_assignee_id"))
        batch_op.drop_column("assignee_id")
