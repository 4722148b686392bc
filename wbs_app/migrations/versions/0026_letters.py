"""Letters an office can send: the letterhead settings and the invitation letters' numbers.

``letterhead`` is one row of what the office prints on its letters;
``letter_counters`` holds the last number given per year; and
``invitation_letters`` the number and date each invitation letter was issued
with, so that a reprint carries the first copy's number.

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letterhead",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("office_name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("logo_path", sa.String(length=200), nullable=False),
        sa.Column("signatory_name", sa.String(length=120), nullable=False),
        sa.Column("signatory_position", sa.String(length=200), nullable=False),
        sa.Column("number_prefix", sa.String(length=40), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_letterhead_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letterhead")),
    )
    op.create_table(
        "letter_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_letter_counters")),
    )
    op.create_table(
        "invitation_letters",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["respondent_invitations.id"],
            name=op.f("fk_invitation_letters_invitation_id_respondent_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invitation_id", name=op.f("pk_invitation_letters")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_invitation_letters_year")),
    )


def downgrade() -> None:
    op.drop_table("invitation_letters")
    op.drop_table("letter_counters")
    op.drop_table("letterhead")
