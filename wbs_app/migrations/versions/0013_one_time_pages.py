"""Pages that answer a POST become safe to reload: the receipt's hand-over, sent drafts, letters.

The receipt is handed from the send to a GET page through a short-lived
sealed row (``receipt_handovers``); a marker per sent draft (``sent_drafts``)
makes the same form posted again say that the report was sent. Invitations
keep their code sealed to the case's handlers until the respondent first signs
in, the day their letter was first shown, and the hash of the creation form's
one-time token.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipt_handovers",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sealed_receipt", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_receipt_handovers")),
    )
    with op.batch_alter_table("receipt_handovers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_receipt_handovers_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "sent_drafts",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_sent_drafts")),
    )
    with op.batch_alter_table("sent_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_drafts_expires_on"), ["expires_on"], unique=False)
    with op.batch_alter_table("respondent_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_code", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("letter_shown_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("form_token_hash", sa.LargeBinary(length=32), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_respondent_invitations_form_token_hash"), ["form_token_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("respondent_invitations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_respondent_invitations_form_token_hash"), type_="unique"
        )
        batch_op.drop_column("form_token_hash")
        batch_op.drop_column("letter_shown_on")
        batch_op.drop_column("sealed_code")
    with op.batch_alter_table("sent_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_drafts_expires_on"))
    op.drop_table("sent_drafts")
    with op.batch_alter_table("receipt_handovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_handovers_expires_at"))
    op.drop_table("receipt_handovers")
