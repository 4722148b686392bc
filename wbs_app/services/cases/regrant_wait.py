"""Which cases wait to be given back to a person whose password was reset.

A reset erases the person's key; their wraps to it stay (the "old key" in a
case's access list) until a co-holder or the custodians give the case back
to the new key, which replaces them (``access.grant``, ``trust.recovery``).
So the cases that wait are the ones where every wrap the person has is to a
key that is gone. Only case numbers leave here: the person knew them, and a
supervisor or the custodians need them to give the cases back; nothing
written in a case is read.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from wbs_app.models import KeyWrap, RecipientKind, StaffMember


def awaiting_by_staff(session: Session, staff_ids: Iterable[int]) -> dict[int, list[int]]:
    """Staff id -> the numbers of the cases waiting for them, ascending; only people with any."""
    ids = list(staff_ids)
    if not ids:
        return {}
    current = aliased(KeyWrap)
    # A wrap the person can still open: to the current identity, seed present.
    readable = (
        exists()
        .where(
            current.case_id == KeyWrap.case_id,
            current.staff_id == KeyWrap.staff_id,
            current.recipient_kind == RecipientKind.STAFF,
            current.identity_generation == StaffMember.identity_generation,
            StaffMember.sealed_seed.is_not(None),
        )
        .correlate(KeyWrap, StaffMember)
    )
    rows = session.execute(
        select(KeyWrap.staff_id, KeyWrap.case_id)
        .join(StaffMember, StaffMember.id == KeyWrap.staff_id)
        .where(
            KeyWrap.staff_id.in_(ids),
            KeyWrap.recipient_kind == RecipientKind.STAFF,
            or_(
                StaffMember.sealed_seed.is_(None),
                and_(KeyWrap.identity_generation != StaffMember.identity_generation, ~readable),
            ),
        )
        .distinct()
        .order_by(KeyWrap.staff_id, KeyWrap.case_id)
    )
    waiting: dict[int, list[int]] = {}
    for staff_id, case_id in rows:
        if staff_id is not None:  # always: the query asks for these staff ids
            waiting.setdefault(staff_id, []).append(case_id)
    return waiting


def awaiting(session: Session, staff_id: int) -> list[int]:
    """The numbers of the cases this person held with a key that a reset erased."""
    return awaiting_by_staff(session, [staff_id]).get(staff_id, [])
