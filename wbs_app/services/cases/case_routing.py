"""Correcting where a case is filed: its category, and the unit that handles it.

A reporter may pick the wrong category or unit, or not know; the handlers
put it right. A new category is a journal entry. A move to another unit is
one too, and it is also an access change, because access is the key wraps:
every key the mover holds is wrapped to the new unit's handlers
(``delivery.eligible_handlers``, the same people a new report there would
reach) except those the reporter excluded, and the old unit's handlers who
are not handlers of the new one lose their wraps (a case of another unit is
not theirs to read), unless that would leave a key nobody can open. Grants
and revocations go through ``services.cases.access``, so each is journaled and
checked as any other. A handler moves a case only to a unit in their remit
(an investigator's own units; a supervisor's units and every unit below).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import Case, Category, StaffMember, StaffRole, Unit
from wbs_app.services.cases import access, case_keys, delivery, journal
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.office.organisation import subtree_ids, unit_tree

MAX_REASON_CHARS = 2_000


class RoutingRefused(DomainError):
    """A new category or unit refused; the raise site's ``code`` says why."""


@dataclass
class Moved:
    """Who a move gave the case to and who it took it from, for the page to say."""

    granted: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)


def covered_units(session: Session, staff: StaffMember) -> set[int]:
    """The units a handler covers: an investigator's own, a supervisor's and all below them."""
    covered: set[int] = set()
    for unit in staff.units:
        if staff.role is StaffRole.SUPERVISOR:
            covered |= subtree_ids(session, unit.id)
        elif staff.role is StaffRole.INVESTIGATOR:
            covered.add(unit.id)
    return covered


def move_targets(session: Session, case: Case, staff: StaffMember) -> list[tuple[Unit, int]]:
    """The active units of the handler's remit a case can move to, in tree order with depth."""
    covered = covered_units(session, staff)
    return [
        (node.unit, node.depth)
        for node in unit_tree(session, active_only=True)
        if node.unit.id in covered and node.unit.id != case.unit_id
    ]


def _reason(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise RoutingRefused("reason_required")
    return cleaned[:MAX_REASON_CHARS]


def recategorise(
    session: Session,
    case: Case,
    actor: StaffMember,
    identity: Identity,
    category_id: int,
    reason: str,
) -> Category:
    """File the case under another offered category, with the reason in the journal."""
    case_keys.require_holder(session, case, actor)
    category = session.get(Category, category_id)
    if category is None or not category.active:
        raise RoutingRefused("category_not_offered")
    if category.id == case.category_id:
        raise RoutingRefused("unchanged")
    written = _reason(reason)
    before = session.get(Category, case.category_id)
    journal.append(
        session,
        case,
        actor,
        identity,
        "category_changed",
        {
            # Both names as they were then: the journal is read in either language.
            "from_category": before.name_id if before else "",
            "from_category_en": before.name_en if before else "",
            "to_category": category.name_id,
            "to_category_en": category.name_en,
            "reason": written,
        },
    )
    case.category_id = category.id
    session.flush()
    return category


def move(
    session: Session,
    case: Case,
    actor: StaffMember,
    identity: Identity,
    unit_id: int,
    reason: str,
) -> Moved:
    """Hand the case to another unit of the actor's remit; its keys follow (see the module)."""
    case_keys.require_holder(session, case, actor)
    target = session.get(Unit, unit_id)
    if target is None or not target.active or target.id not in covered_units(session, actor):
        raise RoutingRefused("outside_remit")
    if target.id == case.unit_id:
        raise RoutingRefused("unchanged")
    written = _reason(reason)
    serialise(session, Lock.HOLDERS)
    excluded = access.excluded_ids(session, case)
    arriving = delivery.eligible_handlers(session, target.id)
    # The new unit must be able to receive it as a new report.
    problem = delivery.delivery_problem(arriving, excluded)
    if problem == delivery.NO_SUPERVISOR:
        raise RoutingRefused("target_without_supervisor")
    if problem is not None:
        raise RoutingRefused("target_supervisors_excluded")
    leaving = delivery.eligible_handlers(session, case.unit_id)
    before = session.get(Unit, case.unit_id)
    journal.append(
        session,
        case,
        actor,
        identity,
        "unit_changed",
        {"from_unit": before.name if before else "", "to_unit": target.name, "reason": written},
    )
    case.unit_id = target.id
    session.flush()
    moved = Moved()
    current = {holder.staff.id for holder in access.holders(session, case) if holder.current}
    for staff in arriving:
        if staff.id not in excluded and staff.id not in current:
            access.grant(session, case, actor, identity, staff)
            moved.granted.append(staff.display_name)
    staying = {staff.id for staff in arriving} | {actor.id}
    for staff in leaving:
        if staff.id in staying or staff.id not in current:
            continue
        try:
            access.revoke(session, case, actor, identity, staff)
        except access.AccessRefused:
            continue  # the only one who can open a key: they keep it rather than lose the case
        moved.revoked.append(staff.display_name)
    session.flush()
    return moved
