"""A handler's inbox: the cases they hold keys for, with deadlines, filtered and paged in SQL.

Nothing is decrypted to draw the list: status, unit, category, dates and
deadlines are the plaintext workflow facts of DESIGN.md section 3. Access is
the wrap itself: a case is listed only if the handler holds a current wrap of
its reporter-audience key.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from wbs_app.models import (
    CLOSED_STATUSES,
    Case,
    CaseRead,
    CaseRecord,
    CaseStatus,
    Category,
    Channel,
    KeyWrap,
    RespondentInvitation,
    StaffMember,
    TriageMark,
    Unit,
)
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.transactions import write_apart

DUE_SOON = timedelta(days=3)
PER_PAGE = 25
AFTER_VERIFICATION = frozenset(
    {CaseStatus.INVESTIGATION, CaseStatus.DECISION, CaseStatus.SANCTION} | CLOSED_STATUSES
)


class DeadlineState(enum.StrEnum):
    DONE = "done"
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def deadline_state(due: date, done: bool, now: date) -> DeadlineState:
    if done:
        return DeadlineState.DONE
    if due < now:
        return DeadlineState.OVERDUE
    if due - now <= DUE_SOON:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


@dataclass(frozen=True)
class InboxFilter:
    status: CaseStatus | None = None
    unit_id: int | None = None
    category_id: int | None = None
    overdue: bool = False
    # Open cases marked spam or duplicate only (``services.cases.triage``): to archive them.
    triage: bool = False
    channel: Channel | None = None  # where the report came in (``models.channels``)


@dataclass(frozen=True)
class InboxRow:
    case_id: int
    status: CaseStatus
    unit: str
    category_id: int
    received_on: date
    age_days: int
    acknowledge: DeadlineState
    verification: DeadlineState
    feedback: DeadlineState
    acknowledge_due: date
    verification_due: date
    feedback_due: date
    unread: bool
    # The earliest answer still awaited from an invited respondent, if any.
    answer: DeadlineState | None = None
    answer_due: date | None = None
    # A report of retaliation no handler has taken up yet (``reporter_channel``).
    retaliation_reported_on: date | None = None
    triage: TriageMark | None = None
    archivable: bool = False  # marked and still open
    channel: Channel = Channel.WEB


def _accessible(staff: StaffMember) -> ColumnElement[bool]:
    """The case has a key wrapped to the staff member's current identity.

    A correlated EXISTS answered by one lookup in ``ix_key_wraps_staff_case``,
    so the newest-first walk over cases stops after one page. Every case's
    keys are wrapped together, so any current wrap means the reporter key too.
    """
    return exists().where(
        KeyWrap.staff_id == staff.id,
        KeyWrap.case_id == Case.id,
        KeyWrap.identity_generation == staff.identity_generation,
    )


def _overdue(now: date) -> ColumnElement[bool]:
    open_case = Case.status.not_in(list(CLOSED_STATUSES))
    return and_(
        open_case,
        or_(
            and_(Case.acknowledged_on.is_(None), Case.acknowledge_due < now),
            and_(Case.status.not_in(list(AFTER_VERIFICATION)), Case.verification_due < now),
            Case.feedback_due < now,
        ),
    )


def page(
    session: Session,
    staff: StaffMember,
    filters: InboxFilter,
    number: int,
    per_page: int = PER_PAGE,
) -> tuple[list[InboxRow], bool]:
    """One page, newest first, and whether another page follows.

    No total count: counting every accessible case would make each page cost
    as much as the whole inbox, whatever its size.
    """
    now = today()
    query = select(Case, Unit.name).join(Unit, Unit.id == Case.unit_id).where(_accessible(staff))
    if filters.status is not None:
        query = query.where(Case.status == filters.status)
    if filters.unit_id is not None:
        query = query.where(Case.unit_id == filters.unit_id)
    if filters.category_id is not None:
        query = query.where(Case.category_id == filters.category_id)
    if filters.overdue:
        query = query.where(_overdue(now))
    if filters.triage:
        query = query.where(Case.triage.is_not(None), Case.status.not_in(list(CLOSED_STATUSES)))
    if filters.channel is not None:
        query = query.where(Case.channel == filters.channel)
    rows = list(
        session.execute(
            query.order_by(Case.received_on.desc(), Case.id.desc())
            .limit(per_page + 1)
            .offset(max(number - 1, 0) * per_page)
        )
    )
    shown = rows[:per_page]
    unread = _unread(session, staff, [case.id for case, _ in shown])
    answers = _answers_due(session, [case.id for case, _ in shown])
    result = []
    for case, unit_name in shown:
        closed = case.status in CLOSED_STATUSES
        result.append(
            InboxRow(
                case_id=case.id,
                status=case.status,
                unit=unit_name,
                category_id=case.category_id,
                received_on=case.received_on,
                age_days=(now - case.received_on).days,
                acknowledge=deadline_state(
                    case.acknowledge_due, case.acknowledged_on is not None, now
                ),
                verification=deadline_state(
                    case.verification_due, case.status in AFTER_VERIFICATION, now
                ),
                feedback=deadline_state(case.feedback_due, closed, now),
                acknowledge_due=case.acknowledge_due,
                verification_due=case.verification_due,
                feedback_due=case.feedback_due,
                unread=case.id in unread,
                answer=deadline_state(*answers[case.id], now) if case.id in answers else None,
                answer_due=answers[case.id][0] if case.id in answers else None,
                retaliation_reported_on=case.retaliation_reported_on,
                triage=case.triage,
                archivable=case.triage is not None and not closed,
                channel=case.channel,
            )
        )
    return result, len(rows) > per_page


def _unread(session: Session, staff: StaffMember, case_ids: list[int]) -> set[int]:
    """Cases on the page with a record newer than what the handler last saw (one query)."""
    if not case_ids:
        return set()
    newest = (
        select(CaseRecord.case_id, func.max(CaseRecord.seq).label("newest"))
        .where(CaseRecord.case_id.in_(case_ids))
        .group_by(CaseRecord.case_id)
        .subquery()
    )
    rows = session.execute(
        select(newest.c.case_id)
        .outerjoin(
            CaseRead,
            and_(CaseRead.case_id == newest.c.case_id, CaseRead.staff_id == staff.id),
        )
        .where(newest.c.newest > func.coalesce(CaseRead.last_seen_seq, 0))
    )
    return {case_id for (case_id,) in rows}


def _answers_due(session: Session, case_ids: list[int]) -> dict[int, tuple[date, bool]]:
    """Each case's earliest open respondent deadline, and whether every thread is closed.

    A closed thread (the outcome sent, ``services.respondents.right_of_reply``) is done,
    not overdue; when all are closed the earliest deadline is shown as done.
    One query for the page.
    """
    if not case_ids:
        return {}
    invitation = RespondentInvitation
    open_due = when((invitation.closed_on.is_(None), invitation.answer_due))
    rows = session.execute(
        select(
            invitation.case_id,
            func.min(open_due),
            func.min(invitation.answer_due),
        )
        .where(invitation.case_id.in_(case_ids))
        .group_by(invitation.case_id)
    )
    return {
        case_id: (earliest_open, False) if earliest_open is not None else (earliest, True)
        for case_id, earliest_open, earliest in rows
    }


def newest_record(session: Session, case: Case) -> int:
    """The newest record's ``seq``, read before the page reads the records: what the page shows.

    The marker stores this, never the newest at the moment of writing: a
    message that arrives while the page is drawn must stay new.
    """
    newest = session.scalar(select(func.max(CaseRecord.seq)).where(CaseRecord.case_id == case.id))
    return newest or 0


def mark_read(session: Session, staff: StaffMember, case: Case, seen: int) -> bool:
    """Remember that this handler has seen the case's records up to ``seen``.

    Written beside the page's read (``write_apart``): the case page is a GET,
    and a marker the database cannot take now (another writer holds the lock)
    must not cost the handler the page; the next visit writes it. Returns
    whether it was written.
    """
    key = (staff.id, case.id)

    def record(unit: Session) -> None:
        row = unit.get(CaseRead, key, populate_existing=True)
        if row is None:
            unit.add(CaseRead(staff_id=key[0], case_id=key[1], last_seen_seq=seen))
        else:
            row.last_seen_seq = max(row.last_seen_seq, seen)

    return write_apart(session, record)


def category_names(session: Session, language: str) -> dict[int, str]:
    return {category.id: category.name(language) for category in session.scalars(select(Category))}
