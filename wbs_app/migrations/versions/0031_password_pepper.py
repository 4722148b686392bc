"""The pepper's fingerprint beside the salt's, so a database beside another instance/ is refused.

Staff seeds are sealed under the password and PASSWORD_PEPPER (blob v2); the
database keeps only a fingerprint of the pepper (``crypto.pepper_fingerprint``),
written by the next ``wbs db-upgrade``.

Revision ID: 0031
Revises: 0027
Create Date: 2026-12-02 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("installation") as batch:
        batch.add_column(sa.Column("pepper_fingerprint", sa.LargeBinary(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("installation") as batch:
        batch.drop_column("pepper_fingerprint")
