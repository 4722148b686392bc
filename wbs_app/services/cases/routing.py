"""Who receives a new report, and the way up the tree when the reporter excluded every supervisor.

A report goes to the handlers of its unit (``delivery.eligible_handlers``: the unit's
investigators and the supervisors of it or of any unit above it), less the
people the reporter excluded for a conflict of interest; at least one
supervisor must remain (``services.cases.delivery``). Every supervisor above a unit
already receives its reports, so when the reporter's exclusions leave none,
no unit above has one left either: the only other people who can take the
report are the complaint teams (investigators) of the units above. So the
reporter is offered the nearest unit above whose own team, less the people
they excluded, is at least two people (never one person alone, which is what
the supervisor rule guards against), up to the top unit; the case is then
filed to that unit, and every exclusion the reporter made is kept, so none
of the excluded can ever be granted it. The offer is only ever made to the
reporter who chose the exclusions and names only a unit, never a person.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wbs_app.models import StaffMember, StaffRole, Unit
from wbs_app.services.cases import delivery
from wbs_app.services.infra.errors import DomainError

# The fewest people a report routed above its unit may start with.
MIN_TEAM_ABOVE = 2


class RouteRefused(DomainError):
    """Nobody can receive the report as asked (``code``: a ``delivery`` problem, ``bad_route``)."""

    codes = (delivery.NO_SUPERVISOR, delivery.EXCLUDED_SUPERVISORS)


@dataclass(frozen=True)
class Route:
    unit_id: int
    # Everyone who could have received it at the unit chosen and, if routed,
    # at the unit above: whose exclusions are kept on the case.
    handlers: list[StaffMember]
    recipients: list[StaffMember]
    routed_up: bool


def _others(handlers: list[StaffMember], excluded: Collection[int]) -> list[StaffMember]:
    return [staff for staff in handlers if staff.id not in excluded]


def _enough_above(recipients: list[StaffMember]) -> bool:
    return len(recipients) >= MIN_TEAM_ABOVE or any(
        staff.role is StaffRole.SUPERVISOR for staff in recipients
    )


def unit_above(session: Session, unit_id: int, excluded: Collection[int]) -> Unit | None:
    """The nearest unit above whose team, less the excluded, can take the report; or None."""
    for above in delivery.chain(session, unit_id)[1:]:
        if _enough_above(_others(delivery.eligible_handlers(session, above), excluded)):
            return session.get(Unit, above)
    return None


def has_unit_above(session: Session, unit_id: int) -> bool:
    return len(delivery.chain(session, unit_id)) > 1


def plan(
    session: Session, unit_id: int, excluded: Collection[int], route_up: int | None = None
) -> Route:
    """Where the report goes and to whom; ``RouteRefused`` before anything is written.

    ``route_up`` is the unit above that the reporter accepted to send to: it
    must be above ``unit_id`` and its team, less the excluded, must still be
    enough (``unit_above`` offered it, but people may have left since).
    """
    handlers = delivery.eligible_handlers(session, unit_id)
    if route_up is None:
        problem = delivery.delivery_problem(handlers, excluded)
        if problem is not None:
            raise RouteRefused(problem)  # nothing is written: the draft stays as it was
        return Route(unit_id, handlers, _others(handlers, excluded), routed_up=False)
    if route_up not in delivery.chain(session, unit_id)[1:]:
        raise RouteRefused("bad_route")
    above = delivery.eligible_handlers(session, route_up)
    recipients = _others(above, excluded)
    if not _enough_above(recipients):
        raise RouteRefused("bad_route")
    known = {staff.id: staff for staff in [*handlers, *above]}
    return Route(route_up, list(known.values()), recipients, routed_up=True)
