"""The day the team closed a respondent's thread (issue 15, items 1 and 2).

Threads of cases the team has already decided, referred or closed are closed
on the day the case last changed status (they had their outcome notice); a
withdrawn case's threads stay open until a handler closes them.

Revision ID: 0020
Revises: 0014
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIDED = ("keputusan", "sanksi", "selesai", "diteruskan", "bukan_wewenang")


def upgrade() -> None:
    with op.batch_alter_table("respondent_invitations") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    invitations = sa.table(
        "respondent_invitations",
        sa.column("case_id", sa.Integer),
        sa.column("closed_on", sa.Date),
    )
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("status_changed_on", sa.Date),
    )
    changed_on = (
        sa.select(cases.c.status_changed_on)
        .where(cases.c.id == invitations.c.case_id)
        .scalar_subquery()
    )
    decided = sa.select(cases.c.id).where(sa.cast(cases.c.status, sa.String).in_(DECIDED))
    op.execute(
        invitations.update()
        .where(invitations.c.case_id.in_(decided))
        .values(closed_on=changed_on)
    )


def downgrade() -> None:
    with op.batch_alter_table("respondent_invitations") as batch:
        batch.drop_column("closed_on")
