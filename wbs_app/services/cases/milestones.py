"""The one way a case's status changes, with the milestones the statistics count.

A case's status is moved here and only here, so that the days it reached
its milestones (verification result, first answer, end) and the working days
it took are recorded the same way whichever step moved it: a handler's step,
an archive, a withdrawal. The rules are those of ``deadline_alerts`` (when
is a deadline met): the verification result once the case has left
verification, the answer once a decision is recorded or the case has ended;
a case on hold has met neither, its clocks wait. The first day a milestone
was met is kept (a reopened case was still answered then); the end is
cleared when a case is reopened.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from wbs_app.models import CLOSED_STATUSES, Case, CaseStatus
from wbs_app.services.infra.clock import today
from wbs_app.services.office.working_days import MAX_SPAN, WorkCalendar, calendar

VERIFYING = (CaseStatus.RECEIVED, CaseStatus.VERIFICATION)
BEFORE_DECISION = (*VERIFYING, CaseStatus.INVESTIGATION)
# The sanction levels (DOMAIN.md), heaviest last: a case counts under its heaviest.
SANCTION_ORDER = ("light", "medium", "heavy")


def working_days(cal: WorkCalendar, start: date, end: date) -> int:
    """Working days after ``start`` up to ``end``, however far apart (counted in spans)."""
    count, cursor = 0, start
    while end - cursor > MAX_SPAN:
        step = cursor + MAX_SPAN
        count += cal.working_days_between(cursor, step)
        cursor = step
    return count + cal.working_days_between(cursor, end) if end > cursor else count


def move(
    session: Session,
    case: Case,
    target: CaseStatus,
    on: date | None = None,
    cal: WorkCalendar | None = None,
) -> None:
    """Set the status to ``target`` and the milestones that reaches (flushed by the caller).

    ``cal``: the calendar in force, read once by a caller that moves many cases.
    """
    day = on or today()
    if target is not case.status:
        case.status = target
        case.status_changed_on = day
    if target is CaseStatus.ON_HOLD:
        return
    if target not in VERIFYING and case.verified_on is None:
        case.verified_on = day
    if target not in BEFORE_DECISION and case.answered_on is None:
        case.answered_on = day
    if target in CLOSED_STATUSES:
        case.closed_on = day
        case.closed_days = working_days(cal or calendar(session), case.received_on, day)
    else:
        case.closed_on = None
        case.closed_days = None


def acknowledge(session: Session, case: Case, on: date | None = None) -> None:
    """The acknowledgement was recorded: its day and the working days it took."""
    day = on or today()
    case.acknowledged_on = day
    case.acknowledged_days = working_days(calendar(session), case.received_on, day)


def record_finding(case: Case, finding: str) -> None:
    """The finding's kind, the outcome the statistics count (the reasoning stays sealed)."""
    case.finding = finding


def record_sanction(case: Case, level: str, on: date | None = None) -> None:
    """A sanction was decided: the case counts under its heaviest, from its first day."""
    if case.sanction_level is None or SANCTION_ORDER.index(level) > SANCTION_ORDER.index(
        case.sanction_level
    ):
        case.sanction_level = level
    if case.sanctioned_on is None:
        case.sanctioned_on = on or today()
