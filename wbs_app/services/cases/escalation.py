"""A missed deadline climbs the unit tree until a handler meets it.

"Jangan pernah ada pengabaian": when a UPT leaves a report unacknowledged,
unverified or unanswered, the Kanwil must know, and the central complaint
unit if the Kanwil does not act either. A deadline still open
``after_days`` working days past its due date is escalated to the unit above
the case's (tier 1), at twice that to the unit above that (tier 2), and so on
to the top. Each escalation tells that unit's supervisors who hold the case
(a ``NoticeKind.ESCALATION`` notice: in the app, and by e-mail); a supervisor
the reporter excluded holds nothing and is told nothing. Each is a
``DeadlineAlert`` row (the supervision board's "open escalations") and a
journal entry signed by the installation itself (``journal.append_by_system``:
no person acted). When the deadline is met, or the case ends, the job writes
one more entry (``escalation_ended``, saying which) and closes the rows: the
step that met it is its own entry just before. On hold, a case's escalations
do not end, and only an acknowledgement still owed climbs on (the reporter is
owed it whatever the case waits for; ``deadline_alerts.open_deadlines``): the
verification's and the feedback's wait with the case and go on when it is
resumed. A closed case reopened with the deadline still open climbs again,
each tier with a new entry.

Each case's entries are committed with it: a backlog (the first run after an
upgrade, a worker away for days) must not hold the head log's lock, which
every journal append waits for, for the whole run.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from wbs_app.models import (
    CLOSED_STATUSES,
    Case,
    CaseStatus,
    DeadlineAlert,
    NoticeKind,
    StaffMember,
    StaffRole,
    StaffUnit,
    Unit,
)
from wbs_app.services.cases import access, delivery, journal, staff_notices
from wbs_app.services.cases.deadline_alerts import open_deadlines
from wbs_app.services.cases.milestones import BEFORE_DECISION, VERIFYING
from wbs_app.services.infra.clock import today
from wbs_app.services.office.working_days import WorkCalendar

ESCALATED = "escalated:"
# Lateness is counted over at most this span (the calendar counts up to 800
# days): a case years late is at the top of the tree long before.
COUNTED_SPAN = timedelta(days=700)


def tier_of(stage: str) -> int | None:
    """The tier of an escalation's stage ("escalated:2" is 2), None for a reminder."""
    if not stage.startswith(ESCALATED):
        return None
    number = stage.removeprefix(ESCALATED)
    return int(number) if number.isdigit() else None


def escalate(
    session: Session, calendar: WorkCalendar, after_days: int, on: date | None = None
) -> None:
    """End the escalations whose deadline was met, and raise the ones now due; commits."""
    day = on or today()
    _end_met(session, day)
    candidates = session.scalars(
        select(Case).where(
            Case.status.not_in(CLOSED_STATUSES),
            or_(
                and_(Case.acknowledged_on.is_(None), Case.acknowledge_due < day),
                and_(Case.status.in_(VERIFYING), Case.verification_due < day),
                and_(Case.status.in_(BEFORE_DECISION), Case.feedback_due < day),
            ),
        )
    ).all()
    if not candidates:
        session.commit()
        return
    rows = session.scalars(
        select(DeadlineAlert).where(
            DeadlineAlert.case_id.in_([case.id for case in candidates]),
            DeadlineAlert.stage.startswith(ESCALATED),
        )
    ).all()
    known = {(row.case_id, row.deadline, row.due_on, row.stage): row for row in rows}
    for case in candidates:
        above = delivery.chain(session, case.unit_id)[1:]
        holding: list[StaffMember] | None = None  # the case's current holders, read once
        for kind, due in open_deadlines(case):
            if due >= day:
                continue
            late = calendar.working_days_between(due, min(day, due + COUNTED_SPAN))
            for tier in range(1, min(late // after_days, len(above)) + 1):
                stage = f"{ESCALATED}{tier}"
                earlier = known.get((case.id, kind.value, due, stage))
                if earlier is not None and earlier.ended_on is None:
                    continue
                unit = session.get(Unit, above[tier - 1])
                if unit is None:  # removed while the walk ran: the next run climbs on
                    break
                if holding is None:
                    holding = [h.staff for h in access.holders(session, case) if h.current]
                supervisors = _supervisors_among(session, holding, unit)
                told = staff_notices.notify(session, supervisors, case, NoticeKind.ESCALATION)
                if earlier is not None:  # ended when the case closed; reopened, it climbs again
                    earlier.ended_on, earlier.raised_on, earlier.unit_id = None, day, unit.id
                else:
                    session.add(
                        DeadlineAlert(
                            case_id=case.id,
                            deadline=kind.value,
                            due_on=due,
                            stage=stage,
                            raised_on=day,
                            unit_id=unit.id,
                        )
                    )
                journal.append_by_system(
                    session,
                    case,
                    "deadline_escalated",
                    {
                        "deadline": kind.value,
                        "due": due.isoformat(),
                        "days_late": late,
                        "tier": tier,
                        "unit": unit.name,
                        "told": told,
                    },
                )
        session.commit()  # each case's entries with it: the head log's lock is let go


def _supervisors_among(
    session: Session, holding: list[StaffMember], unit: Unit
) -> list[StaffMember]:
    """The unit's own supervisors among the case's holders (the excluded hold nothing)."""
    assigned = set(
        session.scalars(
            select(StaffUnit.staff_id)
            .join(StaffMember, StaffMember.id == StaffUnit.staff_id)
            .where(StaffUnit.unit_id == unit.id, StaffMember.role == StaffRole.SUPERVISOR)
        )
    )
    return [member for member in holding if member.id in assigned]


def _end_met(session: Session, day: date) -> None:
    """Close the open escalations whose deadline is no longer open, one entry per deadline."""
    open_rows = session.scalars(
        select(DeadlineAlert).where(
            DeadlineAlert.stage.startswith(ESCALATED), DeadlineAlert.ended_on.is_(None)
        )
    ).all()
    grouped: defaultdict[tuple[int, str, date], list[DeadlineAlert]] = defaultdict(list)
    for row in open_rows:
        grouped[(row.case_id, row.deadline, row.due_on)].append(row)
    for (case_id, deadline, due), rows in grouped.items():
        case = session.get(Case, case_id)
        if case is None or case.status is CaseStatus.ON_HOLD:  # paused, not acted on
            continue
        still_open = {(kind.value, when) for kind, when in open_deadlines(case)}
        if (deadline, due) in still_open:
            continue
        for row in rows:
            row.ended_on = day
        top = max(tier_of(row.stage) or 0 for row in rows)
        journal.append_by_system(
            session,
            case,
            "escalation_ended",
            {
                "deadline": deadline,
                "due": due.isoformat(),
                "tier": top,
                "because": "case_ended" if case.status in CLOSED_STATUSES else "met",
            },
        )
        session.commit()
