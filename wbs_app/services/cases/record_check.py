"""The reporter checks what a handler wrote down of their report (EU Directive 2019/1937 art. 18).

A report made by telephone or in person, or sent by letter, is in the
handler's words. Signed in with their receipt, the reporter reads the record
and confirms it or corrects it; either is a record in the reporter thread
(so both sides see it where they read everything else) and an entry in the
journal signed by the reporter's own identity, so the official record says
that the reporter checked the minutes and what they changed. The handlers are
told as of any reply.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import Audience, AuthorKind, Case, CaseRecord, NoticeKind
from wbs_app.services.cases import (
    case_keys,
    case_records,
    journal,
    recorded_intake,
    reporter_channel,
    staff_notices,
)
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import begin_write

CONFIRMATION = "confirmation"
CORRECTION = "correction"
CONFIRMED = "record_confirmed"
CORRECTED = "record_corrected"
MAX_CORRECTION_CHARS = 20_000


class CheckRefused(DomainError):
    """A confirmation or correction the case does not take."""

    codes = ("not_recorded", "correction_empty", "already_confirmed")


def awaits_check(session: Session, case: Case) -> bool:
    """A report a handler recorded that its reporter has not confirmed yet."""
    if recorded_intake.recorded_intake(session, case) is None:
        return False
    confirmed = session.scalar(
        select(CaseRecord.id).where(CaseRecord.case_id == case.id, CaseRecord.kind == CONFIRMATION)
    )
    return confirmed is None


def _require_recorded(session: Session, case: Case, days_after_close: int) -> None:
    reporter_channel.require_open(case, days_after_close)
    if recorded_intake.recorded_intake(session, case) is None:
        raise CheckRefused("not_recorded")


def confirm(
    session: Session, case: Case, reporter_key: bytes, identity: Identity, days_after_close: int
) -> None:
    """The record is right as written: said once, in the thread and the journal."""
    _require_recorded(session, case, days_after_close)
    begin_write(session)  # two quick clicks: the second reads the first's confirmation
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    if not awaits_check(session, case):
        raise CheckRefused("already_confirmed")
    _add(session, case, reporter_key, CONFIRMATION, "")
    journal.append_by_reporter(session, case, identity, reporter_key, CONFIRMED, {})
    session.flush()


def correct(
    session: Session,
    case: Case,
    reporter_key: bytes,
    identity: Identity,
    text: str,
    days_after_close: int,
) -> None:
    """What the record got wrong, in the reporter's words; as many times as needed."""
    _require_recorded(session, case, days_after_close)
    written = text.strip()[:MAX_CORRECTION_CHARS]
    if not written:
        raise CheckRefused("correction_empty")
    _add(session, case, reporter_key, CORRECTION, written)
    journal.append_by_reporter(
        session, case, identity, reporter_key, CORRECTED, {"correction": written}
    )
    session.flush()


def _add(session: Session, case: Case, reporter_key: bytes, kind: str, text: str) -> None:
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    case_records.add_record(
        session, case, key_row, reporter_key, kind, AuthorKind.REPORTER, text.encode("utf-8")
    )
    staff_notices.holders_of(session, case, NoticeKind.REPORTER_MESSAGE)
