"""What expires on its own, purged in one place (``wbs sweep``, later the worker).

Sessions of every zone (staff, and every kind of code holder in
``code_holders.KINDS``) and the receipt hand-overs nobody collected. Drafts
and kept messages are not here: their files go with them, so the attachment
sweep (``services.infra.sweep``) forgets them and removes the files after its commit.
Once a purge has committed, ``services.infra.compaction.compact`` (``wbs sweep``
runs it; ``compact_job`` is its form for the worker) takes the deleted rows out
of SQLite's WAL or PostgreSQL's dead tuples too (issue 18).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from wbs_app.services.codes import code_holders, receipt_handover
from wbs_app.services.staff import staff_sessions


def purge_expired(session: Session) -> None:
    staff_sessions.purge_expired(session)
    code_holders.purge_expired(session)  # reporters' and respondents' alike
    receipt_handover.purge_expired(session)
