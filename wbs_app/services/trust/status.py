"""Where the office stands on the way to its first report: root, certified and waiting handlers.

A new installation, or one upgraded to certificates, delivers no report until
the custodian ceremony has made the root and a first supervisor's key is
certified by the custodians (``/staf/pemulihan``); certified supervisors then
certify the rest. Nothing in the intake path says so (a report is refused
with ``no_supervisor``), so these answers feed the places a person looks: the
upgrade command's warning, ``wbs trust-status``, and the first supervisor's
key page, which would otherwise send him to a certified colleague who does
not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wbs_app.models import StaffMember, StaffStatus
from wbs_app.services.cases import regrant_wait
from wbs_app.services.office.organisation import unit_tree
from wbs_app.services.trust import certificates, root
from wbs_app.services.trust.chain import HANDLER_ROLES, Checker


@dataclass(frozen=True)
class UnitTrust:
    name: str
    certified: list[str]
    waiting: list[str]


@dataclass(frozen=True)
class TrustStatus:
    root_generation: int | None
    threshold: int | None
    custodians: list[str]
    units: list[UnitTrust]
    # After a reset: whose cases wait to be given back, by number (what the
    # custodians type on /staf/pemulihan when no colleague holds a case).
    regrants: list[regrant_wait.Waiting]

    @property
    def waiting(self) -> int:
        """Handlers with a key and no valid certificate (one per person, not per unit)."""
        return len({name for unit in self.units for name in unit.waiting})


def _handlers(session: Session) -> list[StaffMember]:
    """Active handlers who hold a key (an invited account has none to certify yet)."""
    return list(
        session.scalars(
            select(StaffMember)
            .where(
                StaffMember.role.in_(HANDLER_ROLES),
                StaffMember.status == StaffStatus.ACTIVE,
                StaffMember.identity_public.is_not(None),
            )
            .order_by(StaffMember.display_name)
        )
    )


def trust_status(session: Session) -> TrustStatus:
    current = root.current_root(session)
    handlers = _handlers(session)
    certified = certificates.certified_ids(session, handlers)
    units = []
    for node in unit_tree(session, active_only=True):
        members = [h for h in handlers if any(u.id == node.unit.id for u in h.units)]
        units.append(
            UnitTrust(
                node.unit.name,
                [h.display_name for h in members if h.id in certified],
                [h.display_name for h in members if h.id not in certified],
            )
        )
    return TrustStatus(
        None if current is None else current.generation,
        None if current is None else current.threshold,
        [] if current is None else [c.name for c in current.custodians],
        units,
        regrant_wait.awaiting_people(session),
    )


@dataclass(frozen=True)
class FirstKey:
    """A handler nobody certified can certify: only the custodians can (a new office)."""

    ceremony_held: bool


def custodians_certify_first(session: Session, staff: StaffMember) -> FirstKey | None:
    """``FirstKey`` when ``staff`` waits and no certified colleague reaches them, else None."""
    if staff.is_admin or certificates.is_certified(session, staff):
        return None
    checker = Checker(session)
    units = tuple(sorted(u.id for u in staff.units))
    for colleague in _handlers(session):
        if colleague.id == staff.id:
            continue
        own = certificates.current_certificate(session, colleague, _checker=checker)
        if own is not None and checker.covers(own, staff.role.value, units):
            return None
    return FirstKey(ceremony_held=root.current_root(session) is not None)
