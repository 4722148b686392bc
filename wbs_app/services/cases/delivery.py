"""Whether a report can be delivered: every new case reaches a supervisor.

A case can be opened only by the people its keys are wrapped to at intake
(``eligible_handlers``: the unit's investigators and the supervisors of
the unit or of any unit above it). If that were one person, a password reset
or a departure would leave it readable by nobody. So a case is made only when
at least one supervisor receives it besides the investigators; where the
organisation has none above a unit, the report is not sent (the draft stays,
the review page says what to do) and the administrator's overview names the
unit, so that the office can appoint one before a reporter meets it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from wbs_app.models import StaffMember, StaffRole, StaffStatus, StaffUnit, Unit
from wbs_app.services.office.organisation import unit_tree
from wbs_app.services.trust import certificates

NO_SUPERVISOR = "no_supervisor"
EXCLUDED_SUPERVISORS = "excluded_supervisors"


def can_receive() -> ColumnElement[bool]:
    """Staff who can be wrapped a new case: active, with an identity."""
    return and_(StaffMember.status == StaffStatus.ACTIVE, StaffMember.identity_public.is_not(None))


def chain(session: Session, unit_id: int) -> list[int]:
    """The unit and every unit above it, nearest first (a cycle ends the walk)."""
    found: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in found:
        found.append(current)
        current = session.scalar(select(Unit.parent_id).where(Unit.id == current))
    return found


def eligible_handlers(session: Session, unit_id: int) -> list[StaffMember]:
    """Certified active investigators of the unit and supervisors of it or any unit above it.

    Only handlers whose certificate verifies now (``services.trust.certificates``):
    an account the administrator made or changed counts for nothing here until
    a certified colleague or the custodians vouched for its key. A unit whose
    handlers are all uncertified therefore has no supervisor to deliver to, and
    a report to it is refused before anything is written (the draft stays).
    """
    above = chain(session, unit_id)
    query = (
        select(StaffMember)
        .join(StaffUnit, StaffUnit.staff_id == StaffMember.id)
        .where(can_receive())
        .where(
            ((StaffMember.role == StaffRole.INVESTIGATOR) & (StaffUnit.unit_id == unit_id))
            | ((StaffMember.role == StaffRole.SUPERVISOR) & (StaffUnit.unit_id.in_(above)))
        )
        .order_by(StaffMember.display_name)
        .distinct()
        .execution_options(populate_existing=True)  # as they are now, not as first loaded
    )
    return certificates.certified_among(session, list(session.scalars(query)))


def delivery_problem(handlers: Iterable[StaffMember], excluded: Collection[int] = ()) -> str | None:
    """Why a report to these handlers cannot be made into a case, or None if it can.

    ``no_supervisor``: no supervisor of the unit or above it can receive it;
    ``excluded_supervisors``: the reporter excluded every one of them.
    """
    supervisors = {staff.id for staff in handlers if staff.role is StaffRole.SUPERVISOR}
    if not supervisors:
        return NO_SUPERVISOR
    if supervisors <= set(excluded):
        return EXCLUDED_SUPERVISORS
    return None


def units_without_supervisor(session: Session) -> list[Unit]:
    """Units (in tree order) whose reports cannot be delivered: no certified supervisor above."""
    return [blocked.unit for blocked in undeliverable_units(session)]


@dataclass(frozen=True)
class Undeliverable:
    """A unit that cannot receive reports, and why.

    ``uncertified`` tells the two fixes apart: with no supervisor at or above
    the unit the administrator invites one; with a supervisor whose key is not
    certified yet, inviting another would not help (the custodians, or a
    certified colleague above, certify the key).
    """

    unit: Unit
    uncertified: bool


def undeliverable_units(session: Session) -> list[Undeliverable]:
    """Units (in tree order) with no certified supervisor at or above them.

    A supervisor counts only while certified. The supervisors' certificates
    are checked in one pass (a few queries each), then the tree is walked once.
    """
    supervisors = list(
        session.scalars(
            select(StaffMember).where(StaffMember.role == StaffRole.SUPERVISOR, can_receive())
        )
    )
    certified = {
        unit.id
        for staff in certificates.certified_among(session, supervisors)
        for unit in staff.units
    }
    present = {unit.id for staff in supervisors for unit in staff.units}
    tree = unit_tree(session, active_only=True)  # a retired unit receives nothing anyway
    parents = {node.unit.id: node.unit.parent_id for node in tree}
    return [
        Undeliverable(node.unit, _covered(node.unit.id, present, parents))
        for node in tree
        if not _covered(node.unit.id, certified, parents)
    ]


def _covered(unit_id: int, covered: set[int], parents: dict[int, int | None]) -> bool:
    """Whether the unit or a unit above it is in ``covered`` (a cycle ends the walk)."""
    current: int | None = unit_id
    seen: set[int] = set()
    while current is not None and current not in covered and current not in seen:
        seen.add(current)
        current = parents.get(current)
    return current is not None and current not in seen
