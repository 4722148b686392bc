"""Anchored trust: a root generation's endorsement by the one before it; head-log kinds.

``head_log.kind`` grows to 20 characters ("certificate" is 11) and gets an
index: the trust links are read by kind at every wrap, among every journal
append's links.

The head-log links of roots, certificates and revocations need no table (they
are ``head_log_links`` rows); ``wbs db-upgrade`` adds them for what exists,
since a migration has no installation key.

Revision ID: 0032
Revises: 0035
Create Date: 2026-12-02 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trust_roots") as batch:
        batch.add_column(sa.Column("endorsement", sa.LargeBinary(length=64), nullable=True))
    with op.batch_alter_table("head_log") as batch:
        batch.alter_column("kind", existing_type=sa.String(length=10), type_=sa.String(length=20))
    op.create_index(op.f("ix_head_log_kind"), "head_log", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_head_log_kind"), table_name="head_log")
    with op.batch_alter_table("head_log") as batch:
        batch.alter_column("kind", existing_type=sa.String(length=20), type_=sa.String(length=10))
    with op.batch_alter_table("trust_roots") as batch:
        batch.drop_column("endorsement")
