"""Triage: a handler marks a case as spam or a duplicate, and archives such cases in bulk.

A flood of submissions must not bury the real reports in the inbox. Marking
is a judgement about one case, so it is a journal step signed by the handler
who made it, like every other step, and it can be cleared. Archiving takes
only marked, still open cases the handler holds, all of them or none: each
gets its own signed journal entry and the plain notice "archived" in the
reporter's thread, so a real reporter marked by mistake learns it and can
answer; reopening (``lifecycle``'s "reopen" step) brings the case back and
clears the mark.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import CLOSED_STATUSES, Case, CaseStatus, StaffMember, TriageMark
from wbs_app.services.cases import case_keys, casefile, journal, milestones
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office.working_days import calendar

MAX_NOTE_CHARS = 2000
MAX_BULK = 200  # one page of checkboxes, with room; more is another request
ARCHIVED_NOTICE = "archived"


class TriageRefused(DomainError):
    """Why a mark or an archive is refused; the codes are given where it is raised."""


def mark(
    session: Session,
    case: Case,
    staff: StaffMember,
    identity: Identity,
    value: str,
    note: str = "",
) -> TriageMark | None:
    """Mark the case spam or duplicate (``value`` ``""`` clears the mark); journalled."""
    case_keys.require_holder(session, case, staff)
    if case.status in CLOSED_STATUSES:
        raise TriageRefused("triage_closed")
    if value == "":
        chosen = None
    else:
        try:
            chosen = TriageMark(value)
        except ValueError:
            raise TriageRefused("triage_bad_mark") from None
    body = {"mark": chosen.value if chosen else "none", "note": note.strip()[:MAX_NOTE_CHARS]}
    journal.append(session, case, staff, identity, "triage", body)
    case.triage = chosen
    session.flush()
    return chosen


def archivable(case: Case) -> bool:
    return case.triage is not None and case.status not in CLOSED_STATUSES


def archive(
    session: Session, staff: StaffMember, identity: Identity, case_ids: Iterable[int]
) -> int:
    """Archive the chosen marked cases, all or none; returns how many.

    A case the handler holds no key for is refused like one that does not
    exist (``NoAccess``), so a number reveals nothing about another's cases.
    """
    wanted = sorted(set(case_ids))[: MAX_BULK + 1]
    if not wanted:
        raise TriageRefused("triage_nothing_chosen")
    if len(wanted) > MAX_BULK:
        raise TriageRefused("triage_too_many")
    cases = list(session.scalars(select(Case).where(Case.id.in_(wanted)).order_by(Case.id)))
    if len(cases) != len(wanted):
        raise case_keys.NoAccess()
    for case in cases:
        case_keys.require_holder(session, case, staff)
    if not all(archivable(case) for case in cases):
        raise TriageRefused("triage_not_archivable")
    cal = calendar(session)  # one read of the leave days for the whole batch
    for case in cases:
        mark_value = case.triage.value if case.triage is not None else ""
        journal.append(
            session,
            case,
            staff,
            identity,
            "archived",
            {"from": case.status.value, "to": CaseStatus.ARCHIVED.value, "mark": mark_value},
        )
        milestones.move(session, case, CaseStatus.ARCHIVED, cal=cal)
        casefile.add_staff_message(session, case, staff, identity, ARCHIVED_NOTICE, kind="notice")
    session.flush()
    return len(cases)
