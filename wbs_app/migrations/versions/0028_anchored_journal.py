"""The anchored journal: entry format, case heads, the installation's head log.

Existing entries keep format 1 (they still read and verify as before; a
migration holds no case key to re-seal them, and re-sealing would change
every later hash). Existing journals get their head and a log link from the
first ``wbs db-upgrade`` after this one (``services.cases.head_log.anchor_unanchored``),
which has the installation key; a migration has none.

Revision ID: 0028
Revises: 0031
Create Date: 2026-12-02 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journal_entries") as batch:
        batch.add_column(sa.Column("format", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "case_heads",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_heads_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_heads")),
    )
    op.create_table(
        "head_log",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("case_uid", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("link_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_head_log")),
    )
    op.create_index(op.f("ix_head_log_case_uid"), "head_log", ["case_uid"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_head_log_case_uid"), table_name="head_log")
    op.drop_table("head_log")
    op.drop_table("case_heads")
    with op.batch_alter_table("journal_entries") as batch:
        batch.drop_column("format")
