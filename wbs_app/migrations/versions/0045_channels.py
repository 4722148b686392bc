"""Reports from other channels, recorded by handlers; linked cases.

Issue 20. Every case before this revision came through the web form.

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-04 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNELS = (
    "web",
    "telepon",
    "surat",
    "kotak",
    "email",
    "tatap_muka",
    "lapor",
    "sipidu",
    "media_sosial",
    "laman",
    "rujukan",
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("channel", _enum("channel", *CHANNELS), nullable=False, server_default="web")
        )
        batch.add_column(sa.Column("printed_lookup_hash", sa.LargeBinary(32), nullable=True))
        batch.add_column(sa.Column("taken_over_on", sa.Date(), nullable=True))
        batch.create_index("ix_cases_channel", ["channel"])
        batch.create_unique_constraint("uq_cases_printed_lookup_hash", ["printed_lookup_hash"])
    op.create_table(
        "recorded_intakes",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("contact", _enum("contact", "surat", "tidak_ada"), nullable=False),
        sa.Column("form_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("sealed_receipt", sa.LargeBinary(), nullable=True),
        sa.Column("letter_shown_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_recorded_intakes_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff_members.id"],
            name="fk_recorded_intakes_recorded_by_staff_members",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("case_id", name="pk_recorded_intakes"),
        sa.UniqueConstraint("form_hash", name="uq_recorded_intakes_form_hash"),
    )
    op.create_table(
        "case_links",
        sa.Column("low_id", sa.Integer(), nullable=False),
        sa.Column("high_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("link_kind", "sama", "terkait"), nullable=False),
        sa.Column("linked_on", sa.Date(), nullable=False),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("low_id < high_id", name="ck_case_links_ordered_pair"),
        sa.ForeignKeyConstraint(
            ["low_id"], ["cases.id"], name="fk_case_links_low_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["high_id"], ["cases.id"], name="fk_case_links_high_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["linked_by"],
            ["staff_members.id"],
            name="fk_case_links_linked_by_staff_members",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("low_id", "high_id", name="pk_case_links"),
    )
    op.create_index("ix_case_links_high", "case_links", ["high_id"])


def downgrade() -> None:
    op.drop_index("ix_case_links_high", table_name="case_links")
    op.drop_table("case_links")
    op.drop_table("recorded_intakes")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_printed_lookup_hash", type_="unique")
        batch.drop_index("ix_cases_channel")
        batch.drop_column("taken_over_on")
        batch.drop_column("printed_lookup_hash")
        batch.drop_column("channel")
