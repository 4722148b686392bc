"""Whether the key a password unlocks is the key the database says the person has.

A handler's fingerprint, read out to a certifier, is the one defence against
a key swapped into the database: it only works if the digits come from the
key the person holds. A database writer can replace ``identity_public`` of
an account (or its ``staff_identities`` row); the real person's password
still opens the real seed. So a sign-in, and every request that opens a
session's seed again, compares the two and refuses on any difference: the
person then never reads out the attacker's digits, and the audit log keeps
the refusal for whoever looks into it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import StaffIdentity, StaffMember
from wbs_app.services.staff import audit

ACTION = "login_key_mismatch"


def matches(session: Session, staff: StaffMember, identity: Identity) -> bool:
    """True when ``identity`` is the account's stored key and its generation's record.

    An account without a recorded generation row (none exists before its
    activation) is judged by the column alone.
    """
    held = identity.public().to_bytes()
    if staff.identity_public != held:
        return False
    recorded = session.get(StaffIdentity, (staff.id, staff.identity_generation))
    return recorded is None or recorded.public == held


def record_mismatch(session: Session, staff: StaffMember, where: str) -> None:
    """Audit a refusal; ``where`` is "sign-in" or "session" (no key material is logged)."""
    audit.record(session, ACTION, target_staff_id=staff.id, detail=where)
