"""Statistics: the cases' milestones and outcome in clear, and their running counts.

Issue 21. Cases made before this revision get their milestones from what is
in clear: the day a case ended is its last change of status; the verification
result the day of its last ``verification`` journal entry (else its last
change of status) once it has left verification; the first answer the day of
its first ``finding`` entry (else its last change of status) once it is past
the decision. A journal's times are UTC and taken to the day. Findings and
sanctions recorded before it are sealed in the journal, so they are not
counted: the board counts from this revision on. The running counts are
then computed from the cases (``services.stats.tallies.rebuild``).

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-04 20:00:00.000000
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0046"
down_revision: str | None = "0045"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSED = ("selesai", "diteruskan", "bukan_wewenang", "dicabut", "diarsipkan")
VERIFYING = ("diterima", "verifikasi", "ditunda")
BEFORE_ANSWER = (*VERIFYING, "investigasi")
CASES = sa.table(
    "cases",
    sa.column("id"),
    sa.column("verified_on"),
    sa.column("answered_on"),
    sa.column("closed_on"),
    sa.column("acknowledged_days"),
    sa.column("closed_days"),
)
COLUMNS = (
    ("verified_on", sa.Date()),
    ("answered_on", sa.Date()),
    ("closed_on", sa.Date()),
    ("acknowledged_days", sa.Integer()),
    ("closed_days", sa.Integer()),
    ("finding", sa.String(20)),
    ("sanction_level", sa.String(10)),
    ("sanctioned_on", sa.Date()),
)


def _journal_days(bind: sa.Connection, kind: str) -> dict[int, list[date]]:
    found: dict[int, list[date]] = {}
    rows = bind.execute(
        sa.text("SELECT case_id, created_at FROM journal_entries WHERE kind = :kind"),
        {"kind": kind},
    )
    for case_id, created_at in rows:
        found.setdefault(case_id, []).append(date.fromisoformat(created_at[:10]))
    return found


def _backfill(bind: sa.Connection) -> None:
    # The application's own counting: the same working days and tallies as from now on.
    from wbs_app.services.cases.milestones import working_days
    from wbs_app.services.office.working_days import calendar
    from wbs_app.services.stats import tallies

    session = Session(bind=bind)
    cal = calendar(session)
    verifications = _journal_days(bind, "verification")
    findings = _journal_days(bind, "finding")
    cases = bind.execute(
        sa.text("SELECT id, status, status_changed_on, received_on, acknowledged_on FROM cases")
    ).all()
    for case_id, status, changed, received, acknowledged in cases:
        changed, received = _day(changed), _day(received)
        values: dict[str, object] = {"id": case_id}
        if acknowledged is not None:
            values["acknowledged_days"] = working_days(cal, received, _day(acknowledged))
        if status not in VERIFYING:
            values["verified_on"] = max(verifications.get(case_id, [changed]))
        elif status == "ditunda" and case_id in verifications:
            # On hold after a verification: taken as verified then (resuming stamps no new day).
            values["verified_on"] = max(verifications[case_id])
        if status not in BEFORE_ANSWER:
            values["answered_on"] = min(findings.get(case_id, [changed]))
        if status in CLOSED:
            values["closed_on"] = changed
            values["closed_days"] = working_days(cal, received, changed)
        if len(values) > 1:
            changed = {name: value for name, value in values.items() if name != "id"}
            bind.execute(sa.update(CASES).where(CASES.c.id == case_id).values(**changed))
    tallies.rebuild(session)
    session.flush()


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_table(
        "stats_tallies",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(12), nullable=False),
        sa.Column("value", sa.String(24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_stats_tallies_unit_id_units", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("month", "unit_id", "dimension", "value", name="pk_stats_tallies"),
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("stats_tallies")
    with op.batch_alter_table("cases") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
