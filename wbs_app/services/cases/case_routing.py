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
from wbs_app.models import CLOSED_STATUSES, Case, Category, NoticeKind, StaffMember, StaffRole, Unit
from wbs_app.services.cases import access, case_keys, casefile, delivery, journal, staff_notices
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.office.organisation import subtree_ids, unit_tree

MAX_REASON_CHARS = 2_000
# The journal's kind for an escalation up the tiers, and the reporter's notice of it.
REFERRED_UP = "referred_up"


class RoutingRefused(DomainError):
    """A new category or unit refused; the raise site's ``code`` says why."""

    codes = ("case_ended", "no_unit_above")


@dataclass
class Moved:
    """Who a move gave the case to and who it took it from, for the page to say."""

    granted: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    # The receiving unit's handlers (ids), read once with their certificates checked.
    receivers: set[int] = field(default_factory=set)


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
    return _hand_over(session, case, actor, identity, target, _reason(reason), keep_access=False)


def tier_above(session: Session, case: Case) -> Unit | None:
    """The tier above the case's unit (a UPT's Kanwil, the Kanwil's central unit), if active."""
    above = delivery.chain(session, case.unit_id)[1:2]
    unit = session.get(Unit, above[0]) if above else None
    return unit if unit is not None and unit.active else None


def refer_up(
    session: Session,
    case: Case,
    actor: StaffMember,
    identity: Identity,
    reason: str,
    *,
    keep_access: bool,
) -> Moved:
    """Escalate the case to the tier above (Permenkum 4/2026): its handlers receive the keys.

    A holder whose remit covers the case's unit refers it (not a colleague
    granted it from elsewhere): the unit above is where a case goes that its
    own tier should not or cannot handle. The reporter's
    exclusions hold there too; the sending unit's handlers, the sender
    included, keep their access only if ``keep_access`` (one who is the only
    way into a key keeps it rather than lose the case), and the reporter is
    told in plain words.
    """
    case_keys.require_holder(session, case, actor)
    if case.unit_id not in covered_units(session, actor):
        raise RoutingRefused("outside_remit")  # a colleague granted it from elsewhere
    if case.status in CLOSED_STATUSES:
        raise RoutingRefused("case_ended")
    target = tier_above(session, case)
    if target is None:
        raise RoutingRefused("no_unit_above")
    moved = _hand_over(
        session,
        case,
        actor,
        identity,
        target,
        _reason(reason),
        keep_access=keep_access,
        referred_up=True,
    )
    casefile.add_staff_message(session, case, actor, identity, REFERRED_UP, kind="notice")
    if not keep_access and actor.id not in moved.receivers:
        try:
            access.revoke(session, case, actor, identity, actor)  # last: it ends their key
            moved.revoked.append(actor.display_name)
        except access.AccessRefused:
            pass
    session.flush()
    return moved


def _hand_over(
    session: Session,
    case: Case,
    actor: StaffMember,
    identity: Identity,
    target: Unit,
    written: str,
    *,
    keep_access: bool,
    referred_up: bool = False,
) -> Moved:
    """The unit changes and the keys follow: granted to the target's handlers, less the
    reporter's exclusions; the old unit's taken back unless ``keep_access`` (never the actor's)."""
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
    body = {"from_unit": before.name if before else "", "to_unit": target.name, "reason": written}
    if referred_up:
        body["access"] = "kept" if keep_access else "ended"
        journal.append(session, case, actor, identity, REFERRED_UP, body)
    else:
        journal.append(session, case, actor, identity, "unit_changed", body)
    case.unit_id = target.id
    session.flush()
    moved = Moved(receivers={staff.id for staff in arriving})
    current = {holder.staff.id for holder in access.holders(session, case) if holder.current}
    for staff in arriving:
        if staff.id not in excluded and staff.id not in current:
            access.grant(session, case, actor, identity, staff)
            moved.granted.append(staff.display_name)
            if referred_up:
                staff_notices.notify(session, [staff], case, NoticeKind.NEW_CASE)
    if keep_access:
        session.flush()
        return moved
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
