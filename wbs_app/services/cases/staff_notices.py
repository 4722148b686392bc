"""Who hears of what happens in a case, and what each handler has not read yet.

"Jangan pernah ada pengabaian terhadap aduan masyarakat": a handler must not
have to sign in and look for "baru" to learn that a report arrived or that the
reporter answered. Each event writes a ``StaffNotice`` for each person who
should hear of it, in the event's own transaction (never lost, never made for
an event that was rolled back); the count of unread notices is on every staff
page and the list on the handler's overview. A notice is read when its person
opens the case, or marks them all read.

Who hears: of a new case, its unit's own handlers (the investigators and
supervisors assigned to that unit; if the report went only to supervisors
above, those); of a reporter's message, evidence or report of retaliation and
of a respondent's statement or request for more time, every current holder of
the case. Only active handlers: an account deactivated or reset reads nothing.
A notice counts only while its person holds the case with their current key:
after a revocation or a reset it is neither counted nor listed (its case
would answer 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session

from wbs_app.models import (
    Case,
    KeyWrap,
    NoticeKind,
    StaffMember,
    StaffNotice,
    StaffStatus,
    StaffUnit,
)
from wbs_app.services.cases import access
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.transactions import write_apart

SHOWN = 20  # notices listed on the overview (grouped per case and kind)
COUNTED = 100  # the header counts up to this many ("99+" beyond): a bounded query per page


def notify(session: Session, staff: Iterable[StaffMember], case: Case, kind: NoticeKind) -> int:
    """A notice of ``kind`` in ``case`` for each active handler among ``staff``; how many."""
    made: set[int] = set()
    for member in staff:
        if (
            member.status is StaffStatus.ACTIVE
            and member.role in access.HANDLER_ROLES
            and member.id not in made
        ):
            session.add(
                StaffNotice(
                    staff_id=member.id, case_id=case.id, kind=kind, created_on=today(), read=False
                )
            )
            made.add(member.id)
    return len(made)


def _own_unit_or_all(session: Session, case: Case, people: list[StaffMember]) -> list[StaffMember]:
    """Those of ``people`` assigned to the case's own unit; all of them if none is."""
    assigned = set(
        session.scalars(select(StaffUnit.staff_id).where(StaffUnit.unit_id == case.unit_id))
    )
    return [member for member in people if member.id in assigned] or people


def new_case(session: Session, case: Case, recipients: Iterable[StaffMember]) -> int:
    """Tell the case's own unit's handlers (or, routed above, every recipient) of a new report."""
    own = _own_unit_or_all(session, case, list(recipients))
    return notify(session, own, case, NoticeKind.NEW_CASE)


def unit_holders_of(session: Session, case: Case, kind: NoticeKind) -> int:
    """Tell the current holders assigned to the case's own unit (all holders if none is).

    A deadline is the unit's to meet: the supervisors above, who hold every
    case below them, hear of it only when it is escalated to them.
    """
    current = [holder.staff for holder in access.holders(session, case) if holder.current]
    return notify(session, _own_unit_or_all(session, case, current), case, kind)


def holders_of(session: Session, case: Case, kind: NoticeKind) -> int:
    """Tell every current holder of ``case`` (a reporter's or respondent's new record)."""
    current = [holder.staff for holder in access.holders(session, case) if holder.current]
    return notify(session, current, case, kind)


def _unread_of(staff: StaffMember) -> tuple[ColumnElement[bool], ...]:
    """Unread notices of ``staff`` in cases they hold now (a wrap to their current key)."""
    held = exists().where(
        KeyWrap.staff_id == staff.id,
        KeyWrap.case_id == StaffNotice.case_id,
        KeyWrap.identity_generation == staff.identity_generation,
    )
    return (StaffNotice.staff_id == staff.id, StaffNotice.read.is_(False), held)


def unread_count(session: Session, staff: StaffMember) -> int:
    """How many unread notices, up to ``COUNTED``."""
    some = select(StaffNotice.id).where(*_unread_of(staff)).limit(COUNTED).subquery()
    count = session.scalar(select(func.count()).select_from(some))
    return int(count or 0)


@dataclass(frozen=True)
class NoticeLine:
    """Unread notices of one kind in one case: how many, and the day of the newest."""

    case_id: int
    kind: NoticeKind
    count: int
    newest: date


def unread(session: Session, staff: StaffMember, limit: int = SHOWN) -> list[NoticeLine]:
    rows = session.execute(
        select(
            StaffNotice.case_id,
            StaffNotice.kind,
            func.count(),
            func.max(StaffNotice.created_on),
        )
        .where(*_unread_of(staff))
        .group_by(StaffNotice.case_id, StaffNotice.kind)
        # Newest day first, then the newest case: ids are random and say nothing.
        .order_by(func.max(StaffNotice.created_on).desc(), StaffNotice.case_id.desc())
        .limit(limit)
    )
    return [NoticeLine(case_id, kind, count, newest) for case_id, kind, count, newest in rows]


def mark_case_read(session: Session, staff: StaffMember, case: Case) -> bool:
    """Opening a case reads its notices; beside the page's read, as the unread marker is.

    Nothing is written (no write lock taken) when none is unread.
    """
    staff_id, case_id = staff.id, case.id
    waiting = session.scalar(
        select(StaffNotice.id)
        .where(
            StaffNotice.staff_id == staff_id,
            StaffNotice.case_id == case_id,
            StaffNotice.read.is_(False),
        )
        .limit(1)
    )
    if waiting is None:
        return False

    def record(unit: Session) -> None:
        unit.execute(
            update(StaffNotice)
            .where(
                StaffNotice.staff_id == staff_id,
                StaffNotice.case_id == case_id,
                StaffNotice.read.is_(False),
            )
            .values(read=True)
        )

    return write_apart(session, record)


def mark_all_read(session: Session, staff: StaffMember) -> None:
    session.execute(
        update(StaffNotice)
        .where(StaffNotice.staff_id == staff.id, StaffNotice.read.is_(False))
        .values(read=True)
    )
