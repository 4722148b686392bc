"""Staff sessions: created at login, checked on every request, ended on every risk.

Idle and absolute expiry are enforced here, on the row, so a stolen cookie
stops working at the same moments as the real one. Logout, password change,
deactivation and reset delete rows; nothing is merely flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import StaffMember, StaffSession, StaffStatus
from wbs_app.services.infra import sessions
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.services.staff import audit, held_key

KIND = "staff"


@dataclass(frozen=True)
class StaffContext:
    """The logged-in person for one request: the account row and the unlocked identity.

    ``display_name`` is copied out of the row when the session is resumed:
    pages (error pages above all) show it without touching the row, which a
    failed flush expires and a closed session can no longer load.
    """

    staff: StaffMember
    identity: Identity
    id_hash: bytes
    display_name: str


def start(session: Session, staff: StaffMember, seed: bytes, policy: SessionPolicy) -> str:
    """Create a session row and return the cookie value that opens it."""
    cookie, row = sessions.start_row(
        StaffSession, KIND, seed, policy.absolute, staff_id=staff.id, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return cookie


def resume(session: Session, cookie: str | None, policy: SessionPolicy) -> StaffContext | None:
    """The session a cookie opens; None if it opens none (or the account is no longer active).

    Also None, with the session ended and audited, when the account's stored
    key is no longer the key of the session's seed (``held_key``).
    """
    found = sessions.live_row(session, StaffSession, cookie, policy.idle)
    if found is None:
        return None
    secret, row = found
    staff = session.get(StaffMember, row.staff_id)
    if staff is None or staff.status is not StaffStatus.ACTIVE:
        session.delete(row)
        session.flush()
        return None
    seed = sessions.open_session_seed(secret, KIND, row.sealed_seed)
    if seed is None:
        return None
    identity = Identity.from_seed(seed)
    if not held_key.matches(session, staff, identity):
        # The stored key changed under a live session: end it, so the pages
        # never show the person a key they do not hold; the sign-in says why.
        session.delete(row)
        held_key.record_mismatch(session, staff, "session")
        session.flush()
        return None
    return StaffContext(
        staff=staff,
        identity=identity,
        id_hash=row.id_hash,
        display_name=staff.display_name,
    )


def end(session: Session, context: StaffContext) -> None:
    """Log out: delete the row, so the cookie opens nothing even if it was copied."""
    session.execute(delete(StaffSession).where(StaffSession.id_hash == context.id_hash))
    audit.record(session, "logout", actor_id=context.staff.id)


def end_all(session: Session, staff_id: int, *, keep: bytes | None = None) -> int:
    """End every session of a person (all but ``keep``); returns how many ended."""
    query = delete(StaffSession).where(StaffSession.staff_id == staff_id)
    if keep is not None:
        query = query.where(StaffSession.id_hash != keep)
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


def active_count(session: Session, staff_id: int) -> int:
    return len(
        session.scalars(select(StaffSession.id_hash).where(StaffSession.staff_id == staff_id)).all()
    )


def purge_expired(session: Session) -> None:
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= utcnow()))
