"""Inbox speed: cases newest first, and key wraps found by handler and case.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 08:58:58.409553
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_received_on"))
        batch_op.create_index("ix_cases_received_on_id", ["received_on", "id"], unique=False)

    # Wraps made before this revision learn their case from their audience key.
    with op.batch_alter_table("key_wraps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE key_wraps SET case_id = "
        "(SELECT audience_keys.case_id FROM audience_keys "
        "WHERE audience_keys.id = key_wraps.audience_key_id)"
    )
    with op.batch_alter_table("key_wraps", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index("ix_key_wraps_staff_case", ["staff_id", "case_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_key_wraps_case_id_cases"),
            "cases",
            ["case_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("key_wraps", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_key_wraps_case_id_cases"), type_="foreignkey")
        batch_op.drop_index("ix_key_wraps_staff_case")
        batch_op.drop_column("case_id")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_received_on_id")
        batch_op.create_index(batch_op.f("ix_cases_received_on"), ["received_on"], unique=False)
