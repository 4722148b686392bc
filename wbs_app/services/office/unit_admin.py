"""Changing the organisation without breaking it: the intake unit, moves, retiring and deleting.

Every case rests on the tree twice: a new report goes to a unit's handlers
(``delivery.eligible_handlers``), and a reporter who is not sure sends it to
the intake unit. So the intake unit is chosen on purpose and must be able to
receive (a supervisor at or above it); a unit moves anywhere but under
itself; a retired unit keeps its cases and its handlers but is offered to
nobody; and only a unit nothing refers to (no case, no handler, no unit
below, not the intake unit) is ever deleted: a mistake made a minute ago.
Handlers' access to existing cases does not follow the tree (it is the key
wraps), so none of this widens or narrows who reads a case already made.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, aliased

from wbs_app.models import Case, SettingValue, StaffMember, StaffUnit, Unit
from wbs_app.services.cases import delivery
from wbs_app.services.office.organisation import (
    INTAKE_UNIT_KEY,
    OrganisationError,
    check_sibling_name,
    subtree_ids,
    top_unit,
)
from wbs_app.services.staff import audit


def intake_unit(session: Session) -> Unit | None:
    """Where "not sure" reports go: the unit the administrators chose, else the top unit."""
    row = session.get(SettingValue, INTAKE_UNIT_KEY)
    chosen = session.get(Unit, row.value) if row is not None else None
    return chosen if chosen is not None else top_unit(session)


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise OrganisationError("not_found")
    return unit


def set_intake_unit(session: Session, actor: StaffMember, unit_id: int) -> Unit:
    """Make ``unit_id`` the intake unit; refused (``intake_unreachable``) if it cannot receive.

    A unit whose reports would be refused (no supervisor at or above it, see
    ``services.cases.delivery``) or a retired one would turn every unsure reporter away.
    """
    unit = _unit(session, unit_id)
    if not unit.active:
        raise OrganisationError("intake_unreachable")
    if delivery.delivery_problem(delivery.eligible_handlers(session, unit.id)) is not None:
        raise OrganisationError("intake_unreachable")
    row = session.get(SettingValue, INTAKE_UNIT_KEY)
    if row is None:
        session.add(SettingValue(key=INTAKE_UNIT_KEY, value=unit.id))
    else:
        row.value = unit.id
    audit.record(session, "intake_unit_set", actor_id=actor.id, target_unit_id=unit.id)
    session.flush()
    return unit


def move_unit(session: Session, actor: StaffMember, unit_id: int, parent_id: int) -> Unit:
    """Put a unit (with everything below it) under another parent.

    Never under itself or one of its own units (``bad_parent``), so the tree
    stays a tree and the top stays the top; never under a retired unit.
    Supervisors above the new place receive its new reports from now on.
    """
    unit = _unit(session, unit_id)
    parent = session.get(Unit, parent_id)
    if parent is None or parent.id in subtree_ids(session, unit.id):
        raise OrganisationError("bad_parent")
    if not parent.active:
        raise OrganisationError("parent_inactive")
    if unit.parent_id == parent.id:
        return unit
    check_sibling_name(session, unit.name, parent.id, unit.id)
    unit.parent_id = parent.id
    audit.record(session, "unit_moved", actor_id=actor.id, target_unit_id=unit.id)
    session.flush()
    return unit


def deactivate_unit(session: Session, actor: StaffMember, unit_id: int) -> Unit:
    """Retire a unit: its cases stay with their handlers, no new report can choose it.

    Refused for the intake unit (``intake_unit``: choose another first) and for a
    unit with active units below it (``has_active_units``: their reporters would
    still pick a unit whose parent is gone from the list).
    """
    unit = _unit(session, unit_id)
    current = intake_unit(session)
    if current is not None and current.id == unit.id:
        raise OrganisationError("intake_unit")
    below = session.scalar(select(exists().where(Unit.parent_id == unit.id, Unit.active.is_(True))))
    if below:
        raise OrganisationError("has_active_units")
    if unit.active:
        unit.active = False
        audit.record(session, "unit_deactivated", actor_id=actor.id, target_unit_id=unit.id)
        session.flush()
    return unit


def reactivate_unit(session: Session, actor: StaffMember, unit_id: int) -> Unit:
    """Offer a retired unit again; refused while its parent is retired (``parent_inactive``)."""
    unit = _unit(session, unit_id)
    parent = session.get(Unit, unit.parent_id) if unit.parent_id is not None else None
    if parent is not None and not parent.active:
        raise OrganisationError("parent_inactive")
    if not unit.active:
        unit.active = True
        audit.record(session, "unit_reactivated", actor_id=actor.id, target_unit_id=unit.id)
        session.flush()
    return unit


def delete_unit(session: Session, actor: StaffMember, unit_id: int) -> str:
    """Delete a unit nothing refers to; returns its name for the audit log's reader.

    Refused (``in_use``) when it has a case (ever: the case keeps its unit),
    a handler, a unit below it, or is the intake unit: such a unit is retired
    instead.
    """
    unit = _unit(session, unit_id)
    current = intake_unit(session)
    in_use = (
        (current is not None and current.id == unit.id)
        or session.scalar(select(exists().where(Case.unit_id == unit.id)))
        or session.scalar(select(exists().where(StaffUnit.unit_id == unit.id)))
        or session.scalar(select(exists().where(Unit.parent_id == unit.id)))
    )
    if in_use:
        raise OrganisationError("in_use")
    name = unit.name
    audit.record(session, "unit_deleted", actor_id=actor.id, detail=name[:200])
    session.execute(delete(Unit).where(Unit.id == unit.id))
    session.flush()
    return name


def deletable_ids(session: Session) -> set[int]:
    """The units ``delete_unit`` would delete, for the page to offer.

    One query, an index probe per unit (``cases.unit_id``, ``staff_units``,
    ``units.parent_id`` are indexed), so its cost follows the number of
    units, not of cases.
    """
    child = aliased(Unit)
    query = select(Unit.id).where(
        ~exists().where(Case.unit_id == Unit.id),
        ~exists().where(StaffUnit.unit_id == Unit.id),
        ~exists().where(child.parent_id == Unit.id),
    )
    found = set(session.scalars(query))
    current = intake_unit(session)
    if current is not None:
        found.discard(current.id)
    return found
