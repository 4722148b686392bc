"""What expires on its own, purged in one place (``wbs sweep``, later the worker).

Sessions of every zone and the receipt hand-overs nobody collected. Drafts
and kept messages are not here: their files go with them, so the attachment
sweep (``services.sweep``) forgets them and removes the files after its commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from wbs_app.services import receipt_handover, reporter_access, respondent_access, staff_sessions


def purge_expired(session: Session) -> None:
    staff_sessions.purge_expired(session)
    reporter_access.purge_expired(session)
    respondent_access.purge_expired(session)
    receipt_handover.purge_expired(session)
