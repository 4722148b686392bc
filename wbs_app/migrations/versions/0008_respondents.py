"""Respondent invitations (their own key, code and thread) and respondent sessions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 09:06:53.949228
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "respondent_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("audience_key_id", sa.Integer(), nullable=False),
        sa.Column("lookup_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("identity_public", sa.LargeBinary(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("accused", "witness", name="invitation_role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("extension_requested", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_key_id"],
            ["audience_keys.id"],
            name=op.f("fk_respondent_invitations_audience_key_id_audience_keys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_respondent_invitations_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respondent_invitations")),
        sa.UniqueConstraint("lookup_hash", name=op.f("uq_respondent_invitations_lookup_hash")),
        sa.UniqueConstraint("uid", name=op.f("uq_respondent_invitations_uid")),
    )
    with op.batch_alter_table("respondent_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_respondent_invitations_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "respondent_sessions",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("sealed_seed", sa.LargeBinary(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["respondent_invitations.id"],
            name=op.f("fk_respondent_sessions_invitation_id_respondent_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_respondent_sessions")),
    )
    with op.batch_alter_table("respondent_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_respondent_sessions_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_respondent_sessions_invitation_id"), ["invitation_id"], unique=False
        )
    # Respondents sign journal entries too: "respondent:<32 hex>" is 43 characters.
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "author", existing_type=sa.String(length=40), type_=sa.String(length=64)
        )


def downgrade() -> None:
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "author", existing_type=sa.String(length=64), type_=sa.String(length=40)
        )
    with op.batch_alter_table("respondent_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_respondent_sessions_invitation_id"))
        batch_op.drop_index(batch_op.f("ix_respondent_sessions_expires_at"))

    op.drop_table("respondent_sessions")
    with op.batch_alter_table("respondent_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_respondent_invitations_case_id"))

    op.drop_table("respondent_invitations")
