"""Code holders' session rows keep only days (issue 18, metadata at rest).

A reporter's or respondent's session row kept its last-seen and expiry times
to the microsecond; since this release they are days, the exact clocks
sealed with the seed under the cookie's key (``services.infra.sessions``,
coarse rows). Rows of the old form cannot be opened by the new code and
would keep their exact times until purged: they are deleted (their visitors
sign in again with their code), and what they left in SQLite's WAL goes
with the next ``wbs sweep`` (``services.infra.compaction``).

Revision ID: 0040
Revises: 0030
Create Date: 2026-12-02 13:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0040"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM reporter_sessions")
    op.execute("DELETE FROM respondent_sessions")


def downgrade() -> None:
    # Coarse rows do not open under the old code either: the visits end.
    op.execute("DELETE FROM reporter_sessions")
    op.execute("DELETE FROM respondent_sessions")
