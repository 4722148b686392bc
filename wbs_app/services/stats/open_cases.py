"""What the open cases add to the board, as they stand: how many, overdue, how old, escalated.

Read from the cases not ended (through the status index: a NOT IN would
scan every case) and the open escalation alerts, so the work grows with the
open workload, never with the office's history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from wbs_app.models import CLOSED_STATUSES, Case, CaseStatus, DeadlineAlert
from wbs_app.services.cases.deadline_alerts import open_deadlines
from wbs_app.services.cases.escalation import ESCALATED, tier_of
from wbs_app.services.office.deadlines import DeadlineKind
from wbs_app.services.stats.counts import Rate, UnitCounts
from wbs_app.services.stats.periods import Period

# Open cases, as a list the status index can look up (a NOT IN would scan every case).
NOT_ENDED = tuple(status for status in CaseStatus if status not in CLOSED_STATUSES)
# How long open cases have been open, in calendar days since receipt: (label, up to).
AGES = (("0-7", 7), ("8-30", 30), ("31-60", 60), ("61-90", 90), ("91+", None))


@dataclass(frozen=True)
class Overdue:
    case_id: int
    unit: str
    deadline: str
    due_on: date


@dataclass(frozen=True)
class Escalation:
    case_id: int
    unit: str
    deadline: str
    due_on: date
    tier: int
    raised_on: date


@dataclass
class Live:
    per_unit: dict[int, UnitCounts] = field(default_factory=dict)
    late: dict[DeadlineKind, Rate] = field(default_factory=dict)
    ageing: list[tuple[str, int]] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)


def open_cases(
    session: Session, units: set[int], period: Period, on: date, names: dict[int, str]
) -> Live:
    """What the open cases add: how many, overdue, how old, deadlines missed in the period."""
    cases = session.scalars(select(Case).where(Case.status.in_(NOT_ENDED), Case.unit_id.in_(units)))
    live = Live()
    open_now: Counter[int] = Counter()
    overdue_now: Counter[int] = Counter()
    late: Counter[DeadlineKind] = Counter()
    ages: Counter[str] = Counter()
    answered_late: Counter[int] = Counter()
    for case in cases:
        open_now[case.unit_id] += 1
        ages[age_bucket((on - case.received_on).days)] += 1
        missed = [
            (kind, due) for kind, due in open_deadlines(case) if due < on and not met(case, kind)
        ]
        if missed:
            overdue_now[case.unit_id] += 1
        for kind, due in missed:
            live.overdue.append(Overdue(case.id, names.get(case.unit_id, ""), kind.value, due))
            if period.contains(due):
                late[kind] += 1
                if kind is DeadlineKind.FEEDBACK:
                    answered_late[case.unit_id] += 1
    live.per_unit = {
        unit: UnitCounts(
            open_now=open_now[unit],
            overdue_now=overdue_now[unit],
            answered=Rate(0, answered_late[unit]),
        )
        for unit in set(open_now) | set(answered_late)
    }
    live.late = {kind: Rate(0, count) for kind, count in late.items()}
    live.ageing = [(label, ages[label]) for label, _ in AGES]
    return live


def met(case: Case, kind: DeadlineKind) -> bool:
    """Whether a deadline was met once already: a reopened case was verified and answered then."""
    if kind is DeadlineKind.VERIFICATION:
        return case.verified_on is not None
    if kind is DeadlineKind.FEEDBACK:
        return case.answered_on is not None
    return case.acknowledged_on is not None


def age_bucket(days: int) -> str:
    for label, up_to in AGES:
        if up_to is None or days <= up_to:
            return label
    return AGES[-1][0]


def escalations(session: Session, units: set[int], names: dict[int, str]) -> list[Escalation]:
    """The open escalations of cases in ``units``: the few open alerts first, then their cases."""
    alerts = list(
        session.scalars(
            select(DeadlineAlert)
            .where(DeadlineAlert.stage.startswith(ESCALATED), DeadlineAlert.ended_on.is_(None))
            .order_by(DeadlineAlert.due_on, DeadlineAlert.case_id)
        )
    )
    if not alerts:
        return []
    unit_of = dict(
        session.execute(
            select(Case.id, Case.unit_id).where(
                Case.id.in_({alert.case_id for alert in alerts}), Case.unit_id.in_(units)
            )
        ).all()
    )
    return [
        Escalation(
            alert.case_id,
            names.get(unit_of[alert.case_id], ""),
            alert.deadline,
            alert.due_on,
            tier_of(alert.stage) or 0,
            alert.raised_on,
        )
        for alert in alerts
        if alert.case_id in unit_of
    ]
