"""One index on a wrap's staff, not two: ``ix_key_wraps_staff_id`` goes.

``ix_key_wraps_staff_case`` (staff_id, case_id) answers every lookup by
staff alone, the cascade from a deleted account included, since staff_id is
its first column; the single-column index only doubled the work of every
wrap written (each recovery wrap of a rotation, with its NULL staff, went
into both) and the space they take.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-03 09:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_key_wraps_staff_id", table_name="key_wraps")


def downgrade() -> None:
    op.create_index("ix_key_wraps_staff_id", "key_wraps", ["staff_id"], unique=False)
