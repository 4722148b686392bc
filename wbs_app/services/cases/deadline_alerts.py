"""Deadlines that are near or missed, told to the case's holders once per due date.

The office's three deadlines of a case (acknowledgement, verification result,
feedback to the reporter: ``Case.*_due``, fixed when the report arrived) are
checked by the worker's ``deadline_alerts`` job. A deadline still open that
falls due within ``SOON_WORKING_DAYS`` working days (today included) gives a
``deadline_soon`` notice to the current holders of the case's own unit (the
supervisors above, who hold every case below them, hear of it only when it is
escalated to them); one whose day has passed gives ``deadline_missed``.
``DeadlineAlert`` rows record what was raised, so each is raised once per due
date however often the job runs, and again only if the date moves.

When is a deadline met: the acknowledgement when it was recorded; the
verification result once the case has left verification; the feedback once
a decision is recorded (or the case has ended). A closed case has none open.
A case on hold keeps only an unrecorded acknowledgement open: the other
clocks wait with it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from wbs_app.models import CLOSED_STATUSES, Case, DeadlineAlert, NoticeKind
from wbs_app.services.cases import staff_notices
from wbs_app.services.cases.milestones import BEFORE_DECISION, VERIFYING
from wbs_app.services.infra.clock import today
from wbs_app.services.office.deadlines import DeadlineKind
from wbs_app.services.office.working_days import WorkCalendar

SOON_WORKING_DAYS = 2
SOON, MISSED = "soon", "missed"



def open_deadlines(case: Case) -> list[tuple[DeadlineKind, date]]:
    """The office deadlines of ``case`` not met yet, with their due dates."""
    if case.status in CLOSED_STATUSES:
        return []
    found = []
    if case.acknowledged_on is None:
        found.append((DeadlineKind.ACKNOWLEDGE, case.acknowledge_due))
    if case.status in VERIFYING:
        found.append((DeadlineKind.VERIFICATION, case.verification_due))
    if case.status in BEFORE_DECISION:
        found.append((DeadlineKind.FEEDBACK, case.feedback_due))
    return found


def stage(due: date, on: date, calendar: WorkCalendar) -> str | None:
    """``SOON``, ``MISSED`` or nothing yet, for a deadline due on ``due`` seen on ``on``."""
    if on > due:
        return MISSED
    if calendar.working_days_between(on, due) <= SOON_WORKING_DAYS:
        return SOON
    return None


def raise_alerts(session: Session, calendar: WorkCalendar, on: date | None = None) -> None:
    """Raise every reminder due on ``on`` (today) not raised yet; flushed, not committed."""
    day = on or today()
    horizon = calendar.add(day, SOON_WORKING_DAYS, True)
    candidates = session.scalars(
        select(Case).where(
            Case.status.not_in(CLOSED_STATUSES),
            or_(
                and_(Case.acknowledged_on.is_(None), Case.acknowledge_due <= horizon),
                and_(Case.status.in_(VERIFYING), Case.verification_due <= horizon),
                and_(Case.status.in_(BEFORE_DECISION), Case.feedback_due <= horizon),
            ),
        )
    ).all()
    if not candidates:
        return
    known = {
        tuple(row)
        for row in session.execute(
            select(
                DeadlineAlert.case_id,
                DeadlineAlert.deadline,
                DeadlineAlert.due_on,
                DeadlineAlert.stage,
            ).where(DeadlineAlert.case_id.in_([case.id for case in candidates]))
        )
    }
    for case in candidates:
        for kind, due in open_deadlines(case):
            found = stage(due, day, calendar)
            if found is None or (case.id, kind.value, due, found) in known:
                continue
            session.add(
                DeadlineAlert(
                    case_id=case.id, deadline=kind.value, due_on=due, stage=found, raised_on=day
                )
            )
            notice = NoticeKind.DEADLINE_MISSED if found == MISSED else NoticeKind.DEADLINE_SOON
            staff_notices.unit_holders_of(session, case, notice)
    session.flush()
