"""A case's triage mark (spam, duplicate), so that a flood's cases are archived together.

The new status "diarsipkan" needs nothing here: case_status is a plain string
column (no native enum, no CHECK constraint).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-02 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column(
                "triage",
                sa.Enum("spam", "duplikat", name="triage_mark", native_enum=False, length=20),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("triage")
