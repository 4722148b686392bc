"""Handler certificates: which staff identity may receive case keys, and who signed for it.

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-02 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handler_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_ids", sa.String(length=1000), nullable=False),
        sa.Column("subject_public", sa.LargeBinary(), nullable=False),
        sa.Column("issuer_kind", sa.String(length=10), nullable=False),
        sa.Column("issuer_root_generation", sa.Integer(), nullable=True),
        sa.Column("issuer_staff_id", sa.Integer(), nullable=True),
        sa.Column("issuer_generation", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_staff_id"],
            ["staff_members.id"],
            name=op.f("fk_handler_certificates_issuer_staff_id_staff_members"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_handler_certificates_staff_id_staff_members"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handler_certificates")),
    )
    op.create_index(op.f("ix_handler_certificates_staff_id"), "handler_certificates", ["staff_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_handler_certificates_staff_id"), table_name="handler_certificates")
    op.drop_table("handler_certificates")
