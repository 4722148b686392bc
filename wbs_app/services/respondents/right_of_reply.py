"""The rules of the right of reply: when the team may decide, and how more time is asked and given.

An answer period runs from the invitation until its (possibly extended)
deadline, and for as long as a request for more time waits for a decision.
While one runs, no finding, sanction or closing is recorded unless a handler
writes why they go ahead; that reason is journaled and shown to the
respondent with the outcome notice.

A respondent's thread is closed only by the team (``close_threads``), never
by the case's status alone: a reporter who withdraws must not be able to show
whoever pressured them that it worked, so a withdrawal changes nothing on the
respondent's page until a handler closes the thread, with the same notice as
any other close. After that the respondent reads and no longer writes.

Requests for more time state how many days and why; the team grants or
refuses with a reason. Both are records in the invitation's thread (JSON
under the invitation's key) and journal entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import (
    CLOSED_STATUSES,
    AuthorKind,
    Case,
    CaseStatus,
    NoticeKind,
    RespondentInvitation,
    StaffMember,
)
from wbs_app.services.cases import case_keys, case_records, journal, staff_notices
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office.deadlines import DeadlineKind, Deadlines
from wbs_app.services.respondents import respondent
from wbs_app.services.respondents.respondent import (
    RespondentContext,
    RespondentEntry,
    RespondentError,
)

MAX_EXTENSION_DAYS = 90
MAX_REASON_CHARS = 5000
# Steps that decide the matter: held while an answer period runs.
DECIDING_STEPS = frozenset({"finding", "sanction"})


class AnswerPeriodRunning(DomainError):
    """A decision while an answer period runs, without a reason to go ahead."""

    code = "close_during_answer_period"

    def __init__(self, running: list[RespondentInvitation]) -> None:
        super().__init__()
        self.running = running


def answer_running(invitation: RespondentInvitation) -> bool:
    """Whether the respondent may still be heard: the period or a pending request for more time.

    An invitation replaced by a new one (``replaced_on``, its codes open
    nothing) is heard through its successor.
    """
    if invitation.closed_on is not None or invitation.replaced_on is not None:
        return False
    return today() <= invitation.answer_due or invitation.extension_requested


def running(session: Session, case: Case) -> list[RespondentInvitation]:
    return [i for i in respondent.invitations(session, case) if answer_running(i)]


def decides(kind: str, before: CaseStatus, target: CaseStatus) -> bool:
    """A finding, a sanction, or a move that ends the case (a referral, a closing)."""
    return kind in DECIDING_STEPS or (target is not before and target in CLOSED_STATUSES)


def reason_to_go_ahead(session: Session, case: Case, fields: dict[str, str]) -> str:
    """The handler's reason to decide before the respondent's time is up ('' if none is needed).

    Raises ``AnswerPeriodRunning`` when a period runs and no reason was given.
    """
    waiting = running(session, case)
    if not waiting:
        return ""
    reason = (fields.get("ahead_reason") or "").strip()
    if not reason:
        raise AnswerPeriodRunning(waiting)
    return reason[:MAX_REASON_CHARS]


def close_threads(
    session: Session,
    case: Case,
    staff: StaffMember,
    identity: Identity,
    outcome: str,
    ahead_reason: str = "",
) -> int:
    """Send every open thread of the case the outcome notice and close it; how many were closed.

    The notice is the same whatever ended the case (a finding, a referral, a
    withdrawal): the outcome itself goes to the journal only. A reason to go
    ahead is shown to the respondents whose period still ran.
    """
    closed = 0
    for invitation in respondent.invitations(session, case):
        if invitation.closed_on is not None or invitation.replaced_on is not None:
            continue
        try:
            key = respondent.staff_key(session, case, invitation, staff, identity)
        except NoAccess:
            continue  # a thread this handler cannot write to stays open for one who can
        shown_reason = ahead_reason if answer_running(invitation) else ""
        case_records.add_record(
            session,
            case,
            respondent.invitation_key_row(session, case, invitation),
            key,
            "outcome",
            AuthorKind.STAFF,
            json.dumps({"ahead_reason": shown_reason}, ensure_ascii=False).encode("utf-8"),
            author_staff_id=staff.id,
        )
        invitation.closed_on = today()
        invitation.extension_requested = False
        body = {"invitation": invitation.uid, "outcome": outcome}
        if shown_reason:
            body["ahead_reason"] = shown_reason
        journal.append(session, case, staff, identity, "outcome_notified", body)
        closed += 1
    return closed


def close_after_end(
    session: Session,
    case: Case,
    staff: StaffMember,
    identity: Identity,
    ahead_reason: str = "",
) -> int:
    """Close the threads of a case that ended without the team (the reporter withdrew it).

    Every other end closes them with the step that makes it
    (``services.cases.lifecycle.record_step``).
    """
    case_keys.require_holder(session, case, staff)
    if case.status not in CLOSED_STATUSES:
        raise RespondentError("case_not_ended")
    reason = reason_to_go_ahead(session, case, {"ahead_reason": ahead_reason})
    closed = close_threads(session, case, staff, identity, case.status.value, reason)
    if not closed:
        raise RespondentError("nothing_open")
    return closed


def _days(value: str | int) -> int | None:
    """The extra days asked or granted, or None when they are not 1 to ``MAX_EXTENSION_DAYS``.

    The caller refuses in its reader's words: a respondent is told how to ask,
    a handler how to grant.
    """
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_EXTENSION_DAYS:
        return None
    return int(text)


def request_extension(
    session: Session, context: RespondentContext, days: str | int, reason: str
) -> None:
    """A respondent's request for more time: how many days and why, while they may still write."""
    if not respondent.can_submit(context.invitation, context.case):
        raise RespondentError("deadline_passed")
    if context.invitation.extension_requested:
        raise RespondentError("already_requested")
    wanted = _days(days)
    if wanted is None:
        raise RespondentError("extension_incomplete")
    reason = reason.strip()[:MAX_REASON_CHARS]
    if not reason:
        raise RespondentError("extension_incomplete")
    key_row = respondent.invitation_key_row(session, context.case, context.invitation)
    case_records.add_record(
        session,
        context.case,
        key_row,
        context.key,
        "extension_request",
        AuthorKind.RESPONDENT,
        json.dumps({"days": wanted, "reason": reason}, ensure_ascii=False).encode("utf-8"),
    )
    context.invitation.extension_requested = True
    staff_notices.holders_of(session, context.case, NoticeKind.EXTENSION_REQUEST)
    journal.append_by_respondent(
        session,
        context.case,
        context.invitation,
        context.identity,
        context.key,
        "extension_requested",
        {"days": wanted, "reason": reason},
    )


def decide_extension(
    session: Session,
    case: Case,
    invitation: RespondentInvitation,
    staff: StaffMember,
    identity: Identity,
    grant: bool,
    days: str | int,
    reason: str,
    deadlines: Deadlines,
) -> None:
    """Grant (so many days) or refuse a pending request, with a reason; the respondent is told.

    Granted days are counted as the respondent's deadline is (``deadlines``),
    from the current due date or today, whichever is later.
    """
    # The key first: to a handler without it, the invitation does not exist.
    key_row = respondent.invitation_key_row(session, case, invitation)
    key = case_keys.unwrap_for_staff(session, case, key_row, staff, identity)
    if not invitation.extension_requested or invitation.closed_on is not None:
        raise RespondentError("no_request")
    extra = _days(days) if grant else 0
    if extra is None:
        raise RespondentError("bad_days")
    reason = reason.strip()[:MAX_REASON_CHARS]
    if not reason:
        raise RespondentError("no_reason")
    invitation.extension_requested = False
    if grant:
        start = max(invitation.answer_due, today())
        invitation.answer_due = deadlines.after(DeadlineKind.RESPONDENT, start, extra)
    decision = "granted" if grant else "refused"
    kind = "extension_granted" if grant else "extension_refused"
    detail: dict[str, Any] = {
        "decision": decision,
        "answer_due": invitation.answer_due.isoformat(),
        "reason": reason,
    }
    if grant:  # a refusal grants no days: "0 days" would say something else
        detail["days"] = extra
    case_records.add_record(
        session,
        case,
        key_row,
        key,
        "notice",
        AuthorKind.STAFF,
        json.dumps(detail, ensure_ascii=False).encode("utf-8"),
        author_staff_id=staff.id,
    )
    journal.append(
        session,
        case,
        staff,
        identity,
        kind,
        {"invitation": invitation.uid, **detail},
    )


@dataclass(frozen=True)
class ReplyEntry:
    """A thread entry with what its record says, ready to be put into words by a template."""

    entry: RespondentEntry
    days: int | None = None
    decision: str | None = None  # "granted" or "refused", for a decision on more time
    answer_due: date | None = None
    reason: str = ""  # of a request, a decision, or for going ahead of the answer period


def _fields(text: str) -> dict[str, Any] | None:
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def worded(entries: list[RespondentEntry]) -> list[ReplyEntry]:
    """The thread's entries with their structured content (records of before read as they were)."""
    result = []
    for entry in entries:
        structured = entry.kind in ("extension_request", "notice", "outcome")
        fields = _fields(entry.text) if structured else None
        if entry.kind == "extension_request":
            if fields is None:  # a request made before requests said how many days
                result.append(ReplyEntry(entry, reason=entry.text))
                continue
            result.append(ReplyEntry(entry, days=int(fields["days"]), reason=str(fields["reason"])))
        elif entry.kind == "notice":
            if fields is None:
                decision = "granted" if entry.text == "extension_granted" else "refused"
                result.append(ReplyEntry(entry, decision=decision))
                continue
            result.append(
                ReplyEntry(
                    entry,
                    days=int(fields["days"]) if "days" in fields else None,
                    decision=str(fields["decision"]),
                    answer_due=date.fromisoformat(str(fields["answer_due"])),
                    reason=str(fields["reason"]),
                )
            )
        elif entry.kind == "outcome":
            result.append(ReplyEntry(entry, reason=str((fields or {}).get("ahead_reason", ""))))
        else:
            result.append(ReplyEntry(entry))
    return result


def requested_days(entries: list[ReplyEntry]) -> int | None:
    """The days asked for by the newest request, to fill in the handler's decision."""
    for item in reversed(entries):
        if item.entry.kind == "extension_request":
            return item.days
    return None
