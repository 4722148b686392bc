"""Which custodians acted (walk 2 of issue 17, finding 13): the split their shares belong to.

A recovery names the custodians who met by their shares' numbers, and their
names only when the shares are of the split those names were recorded for
(``services.trust.root.acting_detail``): a re-split of the same seed gives
new shares under the same numbers, and the old ones still open the root.
``trust_roots.split_id`` keeps the SLIP-39 identifier of the current split;
roots split before this release have none, and their recoveries name share
numbers only until their next re-split.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-02 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trust_roots") as batch:
        batch.add_column(sa.Column("split_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trust_roots") as batch:
        batch.drop_column("split_id")
