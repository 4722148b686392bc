"""Notices to handlers (issue 19): one row per person and event, written with the event.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-03 09:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("new_case", "reporter_message", "respondent_statement", "extension_request")


def upgrade() -> None:
    op.create_table(
        "staff_notices",
        # Random 62-bit ids, as records have (migration 0037).
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="notice_kind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_staff_notices_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_staff_notices_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_notices")),
    )
    op.create_index("ix_staff_notices_staff_read", "staff_notices", ["staff_id", "read"])
    op.create_index(op.f("ix_staff_notices_case_id"), "staff_notices", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_notices_case_id"), table_name="staff_notices")
    op.drop_index("ix_staff_notices_staff_read", table_name="staff_notices")
    op.drop_table("staff_notices")
