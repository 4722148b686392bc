"""The supervision board's figures: what a unit received, how it handled it, and on time.

Read from the running counts (``tallies``) for the period and from the open
cases as they stand (what is overdue, how old, what is escalated), in a
fixed number of queries whatever the number of units or cases, and never
from anything a person wrote. Who sees which units is ``scope``: an
administrator the whole tree (workflow facts are all he ever sees), a
supervisor the units he covers and all below, an investigator his own.

A deadline counts as on time or late in the month it was met; one missed and
still open counts as late in the month it fell due.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wbs_app.models import (
    Case,
    CaseLink,
    LinkKind,
    StaffMember,
    StaffRole,
    StatsTally,
    Unit,
)
from wbs_app.services.cases import case_keys, case_links, case_routing
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office.deadlines import DeadlineKind
from wbs_app.services.office.organisation import TreeNode, subtree_ids, unit_tree
from wbs_app.services.stats import open_cases
from wbs_app.services.stats.counts import Rate, UnitCounts, median
from wbs_app.services.stats.open_cases import Escalation, Overdue
from wbs_app.services.stats.periods import Period
from wbs_app.services.stats.tallies import LATE, ON_TIME

# The tally dimension each deadline is met in.
MET_IN = {
    DeadlineKind.ACKNOWLEDGE: "ack",
    DeadlineKind.VERIFICATION: "verified",
    DeadlineKind.FEEDBACK: "answered",
}


class OutOfScope(DomainError):
    """A unit the viewer does not oversee (code ``unit_not_overseen``)."""


def scope(session: Session, staff: StaffMember) -> set[int]:
    """The units whose figures ``staff`` may see."""
    if staff.role is StaffRole.ADMIN:
        return set(session.scalars(select(Unit.id)))
    return case_routing.covered_units(session, staff)


@dataclass(frozen=True)
class UnitRow:
    """One unit: its own cases, and with every unit below it in the viewer's scope."""

    unit_id: int
    name: str
    depth: int
    own: UnitCounts
    total: UnitCounts


@dataclass(frozen=True)
class Board:
    period: Period
    units: list[UnitRow]
    received: int
    matters: int
    ended: int
    open_now: int
    overdue_now: int  # open cases with a deadline missed (the unit rows' count)
    by_status: dict[str, int]
    by_category: dict[int, int]
    by_channel: dict[str, int]
    by_month: dict[int, int]
    timeliness: dict[str, Rate]
    median_ack_days: float | None
    median_close_days: float | None
    ageing: list[tuple[str, int]]
    overdue: list[Overdue]
    escalations: list[Escalation]
    ended_by: dict[str, int]
    findings: dict[str, int]
    sanctions: dict[str, int]


def highest(session: Session, units: set[int]) -> list[str]:
    """The names of the highest units of ``units`` (those whose parent is not among them)."""
    tree = unit_tree(session)
    parents = {node.unit.id: node.unit.parent_id for node in tree}
    return [
        node.unit.name
        for node in tree
        if node.unit.id in units and parents[node.unit.id] not in units
    ]


def units_in(session: Session, viewer_scope: set[int], chosen: int | None) -> set[int]:
    """The viewer's scope, narrowed to a chosen unit and those below it."""
    if chosen is None:
        return viewer_scope
    if chosen not in viewer_scope:
        raise OutOfScope("unit_not_overseen")
    return subtree_ids(session, chosen) & viewer_scope


def _subtrees(tree: list[TreeNode], within: set[int]) -> dict[int, set[int]]:
    """Each unit of ``within`` with the units of ``within`` below it (itself included)."""
    parents = {node.unit.id: node.unit.parent_id for node in tree}
    found: dict[int, set[int]] = {unit: {unit} for unit in parents}
    for unit in parents:
        above = parents.get(unit)
        while above is not None:
            found[above].add(unit)
            above = parents.get(above)
    return {unit: members & within for unit, members in found.items() if unit in within}


def board(
    session: Session, units: set[int], period: Period, on: date, viewer: StaffMember | None = None
) -> Board:
    """Every figure of the board for ``units`` over ``period``, as seen on ``on``.

    The lists of case numbers (overdue, escalated) show a handler ``viewer``
    only the cases he holds, as his inbox does: a case the reporter kept
    from him is not named to him here either. An administrator (no
    ``viewer``) sees every number, a workflow fact like the rest.
    """
    tree = unit_tree(session)
    names = {node.unit.id: node.unit.name for node in tree}
    counted = _tallies(session, units, period)
    live = open_cases.open_cases(session, units, period, on, names)
    by_unit = {unit: live.per_unit.get(unit, UnitCounts()) for unit in units}
    for unit, counts in counted.per_unit.items():
        by_unit[unit] = by_unit[unit] + counts
    rows = _tree_rows(tree, units, by_unit)
    timeliness = {
        kind.value: counted.rates.get(MET_IN[kind], Rate()) + live.late.get(kind, Rate())
        for kind in MET_IN
    }
    received = sum(counted.values["received"].values())
    overdue = sorted(live.overdue, key=lambda row: (row.due_on, row.case_id))
    escalated = open_cases.escalations(session, units, names)
    if viewer is not None and viewer.role is not StaffRole.ADMIN:
        held = case_keys.held_among(
            session, viewer, {row.case_id for row in overdue} | {e.case_id for e in escalated}
        )
        overdue = [row for row in overdue if row.case_id in held]
        escalated = [row for row in escalated if row.case_id in held]
    return Board(
        period=period,
        units=rows,
        received=received,
        matters=received - _repeats(session, units, period),
        ended=sum(counted.values["closed"].values()),
        open_now=sum(counts.open_now for counts in live.per_unit.values()),
        overdue_now=sum(counts.overdue_now for counts in live.per_unit.values()),
        by_status=dict(counted.values["status"]),
        by_category={int(k): v for k, v in counted.values["category"].items()},
        by_channel=dict(counted.values["channel"]),
        by_month=_by_month(session, units, period),
        timeliness=timeliness,
        median_ack_days=median(_histogram(counted.values["ack_days"])),
        median_close_days=median(_histogram(counted.values["close_days"])),
        ageing=live.ageing,
        overdue=overdue,
        escalations=escalated,
        ended_by=dict(counted.values["closed"]),
        findings=dict(counted.values["finding"]),
        sanctions=dict(counted.values["sanction"]),
    )


@dataclass
class _Counted:
    values: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    rates: dict[str, Rate] = field(default_factory=dict)
    per_unit: dict[int, UnitCounts] = field(default_factory=dict)


def _histogram(values: Counter[str]) -> Counter[int]:
    return Counter({int(value): count for value, count in values.items()})


# The dimensions the unit rows show; the others are summed over the units by the database.
PER_UNIT = ("received", "closed", "answered")


def _tallies(session: Session, units: set[int], period: Period) -> _Counted:
    """The period's running counts: per unit what the unit rows show, all of them in total."""
    within = (
        StatsTally.month.between(period.first_month, period.last_month),
        StatsTally.unit_id.in_(units),
    )
    total = func.sum(StatsTally.count)
    counted = _Counted()
    for dimension, value, count in session.execute(
        select(StatsTally.dimension, StatsTally.value, total)
        .where(*within)
        .group_by(StatsTally.dimension, StatsTally.value)
    ):
        if count:  # a value every case has left since (a status moved on) is not shown
            counted.values[dimension][value] += count
    per_unit: dict[int, Counter[str]] = defaultdict(Counter)
    for unit, dimension, value, count in session.execute(
        select(StatsTally.unit_id, StatsTally.dimension, StatsTally.value, total)
        .where(*within, StatsTally.dimension.in_(PER_UNIT))
        .group_by(StatsTally.unit_id, StatsTally.dimension, StatsTally.value)
    ):
        per_unit[unit][f"answered:{value}" if dimension == "answered" else dimension] += count
    for dimension in MET_IN.values():
        found = counted.values[dimension]
        counted.rates[dimension] = Rate(found[ON_TIME], found[LATE])
    for unit, found in per_unit.items():
        counted.per_unit[unit] = UnitCounts(
            received=found["received"],
            ended=found["closed"],
            answered=Rate(found[f"answered:{ON_TIME}"], found[f"answered:{LATE}"]),
        )
    return counted


def _tree_rows(tree: list[TreeNode], units: set[int], own: dict[int, UnitCounts]) -> list[UnitRow]:
    below = _subtrees(tree, units)
    rows = []
    shown = [node for node in tree if node.unit.id in units]
    top = min((node.depth for node in shown), default=0)
    for node in shown:
        total = UnitCounts()
        for member in below[node.unit.id]:
            total = total + own.get(member, UnitCounts())
        rows.append(
            UnitRow(node.unit.id, node.unit.name, node.depth - top, own[node.unit.id], total)
        )
    return rows


def _by_month(session: Session, units: set[int], period: Period) -> dict[int, int]:
    rows = session.execute(
        select(StatsTally.month, func.sum(StatsTally.count))
        .where(
            StatsTally.month.between(period.first_month, period.last_month),
            StatsTally.unit_id.in_(units),
            StatsTally.dimension == "received",
        )
        .group_by(StatsTally.month)
    )
    found = dict.fromkeys(period.months(), 0)
    found.update({month: int(count) for month, count in rows})
    return found


def _repeats(session: Session, units: set[int], period: Period) -> int:
    """Cases received in the period that are the same matter as another one of them.

    The links are read first and their cases after, by id: a join from the
    links would let the planner walk every case to find the few linked ones.
    """
    pairs = list(
        session.execute(
            select(CaseLink.low_id, CaseLink.high_id).where(CaseLink.kind == LinkKind.SAME_MATTER)
        )
    )
    if not pairs:
        return 0
    linked = {case_id for pair in pairs for case_id in pair}
    within = set(
        session.scalars(
            select(Case.id).where(
                Case.id.in_(linked),
                Case.unit_id.in_(units),
                Case.received_on.between(period.start, period.end),
            )
        )
    )
    return case_links.repeats_among(
        (low, high) for low, high in pairs if low in within and high in within
    )
