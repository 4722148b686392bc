"""Collective leave days (cuti bersama) that the office's administrators enter (issue 19).

Deadlines counted in working days skip weekends, the national holidays and
these days (``services.office.working_days``). Whether each deadline counts
working days is a setting row like its number of days; absent rows keep the
calendar days every installation had.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-03 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collective_leave_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_collective_leave_days")),
    )


def downgrade() -> None:
    op.drop_table("collective_leave_days")
