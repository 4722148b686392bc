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

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from wbs_app.models import Case, KeyWrap, RecipientKind, StaffMember
from wbs_app.services.cases.access import opens_with_own_key


@dataclass(frozen=True)
class Waiting:
    """A person and the numbers of the cases that wait to be given back to them."""

    staff_id: int
    name: str
    case_ids: list[int]


def _waiting(
    session: Session, staff_ids: Collection[int] | None, unit_ids: Collection[int] | None
) -> list[Waiting]:
    current = aliased(KeyWrap)
    # Of the case, a wrap the person can still open (access.opens_with_own_key).
    readable = (
        exists()
        .where(current.case_id == KeyWrap.case_id, opens_with_own_key(current, StaffMember))
        .correlate(KeyWrap, StaffMember)
    )
    query = (
        select(StaffMember.id, StaffMember.display_name, KeyWrap.case_id)
        .select_from(KeyWrap)
        .join(StaffMember, StaffMember.id == KeyWrap.staff_id)
        .where(KeyWrap.recipient_kind == RecipientKind.STAFF, ~readable)
        .distinct()
        .order_by(StaffMember.display_name, StaffMember.id, KeyWrap.case_id)
    )
    if staff_ids is not None:
        query = query.where(KeyWrap.staff_id.in_(list(staff_ids)))
    if unit_ids is not None:
        query = query.join(Case, Case.id == KeyWrap.case_id).where(Case.unit_id.in_(list(unit_ids)))
    people: dict[int, Waiting] = {}
    for staff_id, name, case_id in session.execute(query):
        people.setdefault(staff_id, Waiting(staff_id, name, [])).case_ids.append(case_id)
    return list(people.values())


def awaiting_people(session: Session, unit_ids: Collection[int] | None = None) -> list[Waiting]:
    """Everyone with cases waiting, by name; with ``unit_ids``, only cases of those units.

    A supervisor is shown the cases of the units he covers (he may hold them and
    give them back himself); the administrator and the operator see them all,
    by number, as the administrator already sees a sole holder's cases.
    """
    return _waiting(session, None, unit_ids)


def awaiting(session: Session, staff_id: int) -> list[int]:
    """The numbers of the cases this person held with a key that is gone."""
    found = _waiting(session, [staff_id], None)
    return found[0].case_ids if found else []
