"""How far into their case's thread the reporter has read, known to the reporter alone.

The reporter's page marks the team's messages that are new since their last
visit. A marker in clear (a number, or a time) would tell handlers and a copy
of the database when the reporter came back: between which two timestamped
staff steps. So the marker is the last record's ``seq`` they were shown,
sealed with AES-GCM under a key derived from their identity seed, which only
their receipt gives (Argon2id, then HKDF; ``crypto.derive_key``); a row that
does not open (none yet, or damaged) counts as nothing read, so everything
shows as new once, and nothing is lost.
"""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlalchemy.orm import Session

from crypto import DecryptionError, Identity, RecordContext, derive_key, open_record, seal_record
from wbs_app.models import Case
from wbs_app.services.infra.transactions import write_apart

LABEL = "lentera/reporter-seen/v1"
KIND = "reporter_seen"


def _key(identity: Identity) -> bytes:
    return derive_key(identity.seed, LABEL)


def _context(case: Case) -> RecordContext:
    return RecordContext(case.uid, KIND, case.uid)


def seen_by_reporter(case: Case, identity: Identity) -> int:
    """The last record's ``seq`` the reporter was shown (0: none, or a marker that won't open)."""
    return _open(case, _key(identity))


def _open(case: Case, key: bytes) -> int:
    if case.reporter_seen is None:
        return 0
    try:
        seen = json.loads(open_record(key, case.reporter_seen, _context(case)))
    except (DecryptionError, ValueError):
        return 0
    return int(seen) if isinstance(seen, int) else 0


def advance(session: Session, case: Case, identity: Identity, shown: int) -> int:
    """What the reporter had read before this page; ``shown`` is remembered if further.

    One key derivation and one decryption per page; the write goes beside the
    page's read.
    """
    key = _key(identity)
    seen = _open(case, key)
    if shown > seen:
        sealed = seal_record(key, json.dumps(shown).encode(), _context(case))
        case_id = case.id

        def record(unit: Session) -> None:
            unit.execute(update(Case).where(Case.id == case_id).values(reporter_seen=sealed))

        write_apart(session, record)
    return seen
