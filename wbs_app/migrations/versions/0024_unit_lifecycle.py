"""Units can be retired; "Lainnya" reads "Lainnya / tidak tahu" (issue 15, items 7 and 10).

An inactive unit keeps its cases and its place in the tree but is offered to
no reporter and receives no new report. The default "other" category is
renamed where an administrator has not renamed it already, so that a
reporter who does not know the kind of violation has an honest choice.

Revision ID: 0024
Revises: 0020
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_categories = sa.table(
    "categories",
    sa.column("code", sa.String),
    sa.column("name_id", sa.String),
    sa.column("name_en", sa.String),
)


def _rename(old: tuple[str, str], new: tuple[str, str]) -> None:
    op.execute(
        _categories.update()
        .where(_categories.c.code == "lainnya")
        .where(_categories.c.name_id == old[0])
        .values(name_id=new[0])
    )
    op.execute(
        _categories.update()
        .where(_categories.c.code == "lainnya")
        .where(_categories.c.name_en == old[1])
        .values(name_en=new[1])
    )


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    _rename(("Lainnya", "Other"), ("Lainnya / tidak tahu", "Other / not sure"))


def downgrade() -> None:
    _rename(("Lainnya / tidak tahu", "Other / not sure"), ("Lainnya", "Other"))
    with op.batch_alter_table("units") as batch:
        batch.drop_column("active")
