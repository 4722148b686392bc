"""The notices' e-mail outbox, each person's choice of mail, deadline reminders, escalations.

Issue 19.

Notices written before this revision are marked ``covered``: they are in the
app already, and a first worker run after the upgrade must not mail a
handler about last month's reports.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAIL_STATES = ("pending", "sending", "sent", "covered", "failed")
NOTICE_MAIL = ("immediate", "digest", "none")


def upgrade() -> None:
    with op.batch_alter_table("staff_notices") as batch:
        batch.add_column(
            sa.Column(
                "mail",
                sa.Enum(*MAIL_STATES, name="mail_state", native_enum=False, length=20),
                nullable=False,
                server_default="covered",
            )
        )
        batch.add_column(
            sa.Column("mail_attempts", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("staff_notices") as batch:
        batch.alter_column("mail", server_default=None)
        batch.alter_column("mail_attempts", server_default=None)
        batch.create_index("ix_staff_notices_mail", ["mail"])
    with op.batch_alter_table("staff_members") as batch:
        batch.add_column(
            sa.Column(
                "notice_mail",
                sa.Enum(*NOTICE_MAIL, name="notice_mail", native_enum=False, length=20),
                nullable=False,
                server_default="immediate",
            )
        )
        batch.add_column(
            sa.Column("mail_language", sa.String(8), nullable=False, server_default="id")
        )
        batch.add_column(
            sa.Column(
                "mail_awaiting_sign_in", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(sa.Column("digest_sent_on", sa.Date(), nullable=True))
    op.create_table(
        "deadline_alerts",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_deadline_alerts_unit_id_units"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_deadline_alerts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "case_id", "deadline", "due_on", "stage", name=op.f("pk_deadline_alerts")
        ),
    )


def downgrade() -> None:
    op.drop_table("deadline_alerts")
    with op.batch_alter_table("staff_members") as batch:
        batch.drop_column("digest_sent_on")
        batch.drop_column("mail_awaiting_sign_in")
        batch.drop_column("mail_language")
        batch.drop_column("notice_mail")
    with op.batch_alter_table("staff_notices") as batch:
        batch.drop_index("ix_staff_notices_mail")
        batch.drop_column("mail_attempts")
        batch.drop_column("mail")
