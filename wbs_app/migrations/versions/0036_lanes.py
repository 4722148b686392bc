"""Drop the installation-wide count of failed code logins (issue 18, "No lock-outs").

It armed a brake that refused every reporter after some dozens of unknown
receipts, and it kept the minute of every failed attempt. A browser's failed
codes are now counted in its own signed session cookie
(``services.codes.guessing``); nothing about them is stored.

Revision ID: 0036
Revises: 0032
Create Date: 2026-12-02 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("failure_windows")


def downgrade() -> None:
    op.create_table(
        "failure_windows",
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "window_start", name=op.f("pk_failure_windows")),
    )
