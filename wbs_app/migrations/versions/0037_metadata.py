"""Metadata at rest (issue 18): code holders' sessions keep days; written rows, no global order.

A reporter's or respondent's session row kept its last-seen and expiry times
to the microsecond; since this release they are days, the exact clocks
sealed with the seed under the cookie's key (``services.infra.sessions``,
coarse rows). Rows of the old form cannot be opened by the new code and
would keep their exact times until purged: they are deleted (their visitors
sign in again with their code), and what they left in SQLite's WAL goes
with the next ``wbs sweep`` (``services.infra.compaction``).

Records, attachments and journal entries take random 64-bit ids from now on
(``models.types.random_id``): a global sequence placed a reporter's message
among other cases' timestamped staff steps. Their order is per case: the new
``case_records.seq`` (numbered here in the old ids' order within each case),
``attachments.position`` within a record, and the journal's existing
``seq``; the unread marker (``case_reads``) keeps a ``seq`` instead of an id.
Existing rows keep their ids (ciphertexts are bound to uids, not ids).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-02 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RANDOM_ID_COLUMNS = (
    ("case_records", "id"),
    ("attachments", "id"),
    ("attachments", "record_id"),
    ("journal_entries", "id"),
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.execute("DELETE FROM reporter_sessions")
    op.execute("DELETE FROM respondent_sessions")

    if _postgresql():  # SQLite's INTEGER PRIMARY KEY is 64-bit already
        for table, column in RANDOM_ID_COLUMNS:
            op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=False)
            if column == "id":
                op.alter_column(table, column, server_default=None)

    with op.batch_alter_table("case_records") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE case_records SET seq = (SELECT count(*) FROM case_records AS earlier"
        " WHERE earlier.case_id = case_records.case_id AND earlier.id <= case_records.id)"
    )
    with op.batch_alter_table("case_records") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(op.f("uq_case_records_case_id"), ["case_id", "seq"])

    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE attachments SET position = (SELECT count(*) FROM attachments AS earlier"
        " WHERE earlier.record_id = attachments.record_id AND earlier.id < attachments.id)"
    )
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("position", existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table("case_reads") as batch:
        batch.add_column(sa.Column("last_seen_seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE case_reads SET last_seen_seq = (SELECT coalesce(max(r.seq), 0)"
        " FROM case_records AS r WHERE r.case_id = case_reads.case_id"
        " AND r.id <= case_reads.last_seen_record_id)"
    )
    with op.batch_alter_table("case_reads") as batch:
        batch.alter_column("last_seen_seq", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("last_seen_record_id")


def downgrade() -> None:
    with op.batch_alter_table("case_reads") as batch:
        batch.add_column(sa.Column("last_seen_record_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE case_reads SET last_seen_record_id = (SELECT coalesce(max(r.id), 0)"
        " FROM case_records AS r WHERE r.case_id = case_reads.case_id"
        " AND r.seq <= case_reads.last_seen_seq)"
    )
    with op.batch_alter_table("case_reads") as batch:
        batch.alter_column("last_seen_record_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("last_seen_seq")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("position")
    with op.batch_alter_table("case_records") as batch:
        batch.drop_constraint(op.f("uq_case_records_case_id"), type_="unique")
        batch.drop_column("seq")
    # The ids stay 64-bit and random where they are: an older release reads them as they are.
    # Coarse session rows do not open under the old code either: the visits end.
    op.execute("DELETE FROM reporter_sessions")
    op.execute("DELETE FROM respondent_sessions")
