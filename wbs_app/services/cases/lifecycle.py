"""The case lifecycle (DOMAIN.md): steps, their required fields, and allowed transitions.

Every step is a journal entry; a step may move the case to another status,
and some tell the reporter in plain words (a notice in their thread, never
the internal detail). A step that decides (a finding, a sanction, an end)
waits for the respondents' answer periods unless a reason to go ahead is
given, and closes their threads (``services.respondents.right_of_reply``). Impossible transitions and missing fields are refused
before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from crypto import Identity
from wbs_app.models import CLOSED_STATUSES, Case, CaseStatus, StaffMember
from wbs_app.services.cases import case_keys, casefile, journal, milestones
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.respondents import right_of_reply

S = CaseStatus

VERIFICATION_OUTCOMES = {
    "complete": S.VERIFICATION,
    "needs_information": S.VERIFICATION,
    "proceed": S.INVESTIGATION,
    "not_competent": S.NOT_COMPETENT,
}
FINDINGS = ("ethics", "discipline", "criminal", "not_proven")
SANCTION_LEVELS = milestones.SANCTION_ORDER
ACTIVITIES = ("interview", "documents", "site_visit", "clarification", "other")
# Outside bodies a case is referred to (DOMAIN.md, "Tiers"); "other" is named in words.
OUTSIDE_BODIES = ("kpk", "polri", "kejaksaan", "ombudsman", "apip", "other")
MAX_REFERENCE_CHARS = 100
# Moves a handler may make with a reason, beyond those the steps make. A
# referral to an outside body is its own step (``referral``), with the body,
# the day and the reference: never a bare change of status.
STATUS_MOVES: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.RECEIVED: frozenset({S.ON_HOLD, S.NOT_COMPETENT}),
    S.VERIFICATION: frozenset({S.ON_HOLD, S.NOT_COMPETENT}),
    S.INVESTIGATION: frozenset({S.ON_HOLD}),
    S.DECISION: frozenset({S.CLOSED, S.ON_HOLD}),
    S.SANCTION: frozenset({S.CLOSED}),
    S.ON_HOLD: frozenset({S.VERIFICATION, S.INVESTIGATION}),
}
# Where a case may be referred to an outside body from.
REFERABLE = frozenset({S.RECEIVED, S.VERIFICATION, S.INVESTIGATION, S.DECISION})


def can_refer(case: Case) -> bool:
    """Whether the case can be referred to an outside body from where it stands."""
    return case.status in REFERABLE


class StepRefused(DomainError):
    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.field = field


@dataclass(frozen=True)
class StepResult:
    status: CaseStatus
    notice: str | None  # the plain-language notice code sent to the reporter, if any


def _required(fields: dict[str, str], *names: str) -> dict[str, str]:
    cleaned = {name: (fields.get(name) or "").strip() for name in fields}
    for name in names:
        if not cleaned.get(name):
            raise StepRefused("missing_field", name)
        if len(cleaned[name]) > 20_000:
            raise StepRefused("too_long", name)
    return cleaned


def _choice(value: str, allowed: tuple[str, ...] | dict[str, Any], name: str) -> str:
    if value not in allowed:
        raise StepRefused("bad_choice", name)
    return value


def _date(value: str, name: str, required: bool, latest: date | None = None) -> str:
    if not value:
        if required:
            raise StepRefused("missing_field", name)
        return ""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise StepRefused("bad_date", name) from None
    if latest is not None and day > latest:
        raise StepRefused("date_in_future", name)
    return day.isoformat()


def _referral(fields: dict[str, str], office_today: date) -> dict[str, str]:
    """A referral to an outside body: which, since when, under what reference, and why."""
    body = _required(fields, "outside_body", "referred_on", "reason")
    _choice(body["outside_body"], OUTSIDE_BODIES, "outside_body")
    if body["outside_body"] == "other":
        _required(fields, "outside_body_name")
    body["referred_on"] = _date(body["referred_on"], "referred_on", True, office_today)
    if len(body.get("referral_reference", "")) > MAX_REFERENCE_CHARS:
        raise StepRefused("too_long", "referral_reference")
    return {
        name: body.get(name, "")
        for name in ("outside_body", "outside_body_name", "referred_on", "referral_reference")
    } | {"reason": body["reason"]}


def plan(
    case: Case, kind: str, fields: dict[str, str], office_today: date | None = None
) -> tuple[dict[str, Any], CaseStatus, str | None]:
    """Validate a step against the case; return (journal body, next status, notice code).

    ``office_today`` is the office's own date (``TIMEZONE``), the latest a
    date typed into a step may be.
    """
    status = case.status
    latest = office_today or today()
    if kind == "acknowledge":
        if status is not S.RECEIVED:
            raise StepRefused("wrong_status")
        body = _required(fields)
        return {"note": body.get("note", "")}, S.VERIFICATION, "acknowledged"
    if kind == "verification":
        if status is not S.VERIFICATION:
            raise StepRefused("wrong_status")
        body = _required(fields, "checked", "conclusion")
        outcome = _choice(body["conclusion"], VERIFICATION_OUTCOMES, "conclusion")
        notice = {
            "proceed": "investigating",
            "not_competent": "not_competent",
            "needs_information": None,
            "complete": None,
        }[outcome]
        return body, VERIFICATION_OUTCOMES[outcome], notice
    if kind == "investigation":
        if status is not S.INVESTIGATION:
            raise StepRefused("wrong_status")
        body = _required(fields, "activity", "description")
        _choice(body["activity"], ACTIVITIES, "activity")
        return body, S.INVESTIGATION, None
    if kind == "finding":
        if status is not S.INVESTIGATION:
            raise StepRefused("wrong_status")
        body = _required(fields, "finding", "reasoning")
        _choice(body["finding"], FINDINGS, "finding")
        # A criminal offence is then referred to law enforcement: the ``referral``
        # step, which records the body, the day and its reference.
        return body, S.DECISION, "decided"
    if kind == "sanction":
        if status not in (S.DECISION, S.SANCTION):
            raise StepRefused("wrong_status")
        body = _required(fields, "level", "sanction_type", "decree_number", "decided_on")
        _choice(body["level"], SANCTION_LEVELS, "level")
        body["decided_on"] = _date(body["decided_on"], "decided_on", True)
        body["carried_out_on"] = _date(body.get("carried_out_on", ""), "carried_out_on", False)
        return body, S.SANCTION, "sanctioned" if status is S.DECISION else None
    if kind == "status":
        body = _required(fields, "to", "reason")
        try:
            target = CaseStatus(body["to"])
        except ValueError:
            raise StepRefused("bad_choice", "to") from None
        if target not in STATUS_MOVES.get(status, frozenset()):
            raise StepRefused("wrong_status", "to")
        notice = {
            S.CLOSED: "closed",
            S.ON_HOLD: "on_hold",
            S.NOT_COMPETENT: "not_competent",
        }.get(target, "resumed")
        return body, target, notice
    if kind == "referral":
        if not can_refer(case):
            raise StepRefused("wrong_status")
        body = _referral(fields, latest)
        return body, S.REFERRED, f"referred_{body['outside_body']}"
    if kind == "reopen":
        if status not in CLOSED_STATUSES:
            raise StepRefused("wrong_status")
        body = _required(fields, "reason")
        return body, S.VERIFICATION, "reopened"
    raise StepRefused("unknown_step")


def record_step(
    session: Session,
    case: Case,
    staff: StaffMember,
    identity: Identity,
    kind: str,
    fields: dict[str, str],
    office_today: date | None = None,
) -> StepResult:
    """Validate, journal and apply one step, and tell the reporter what they should know.

    The reporter's notice is stored as its code (encrypted in their thread)
    and put into words in the reporter's own language when they read it.
    """
    case_keys.require_holder(session, case, staff)  # a foreign case's status is nobody's business
    body, target, notice = plan(case, kind, fields, office_today)
    case_before = case.status
    deciding = right_of_reply.decides(kind, case_before, target)
    ahead = ""
    if deciding:  # the right of reply: not while a respondent's time to answer runs
        try:
            ahead = right_of_reply.reason_to_go_ahead(session, case, fields)
        except right_of_reply.AnswerPeriodRunning:
            raise StepRefused("answer_period_running", "ahead_reason") from None
    body = {k: v for k, v in body.items() if k != "ahead_reason"}
    body = {**body, "from": case.status.value, "to": target.value}
    if ahead:
        body["ahead_reason"] = ahead
    journal.append(session, case, staff, identity, kind, body)
    if kind == "acknowledge":
        milestones.acknowledge(session, case)
    if kind == "finding":
        milestones.record_finding(case, body["finding"])
    if kind == "sanction":  # counted in the month it was decided, as the decree says
        milestones.record_sanction(case, body["level"], date.fromisoformat(body["decided_on"]))
    if kind == "reopen":
        case.triage = None  # reopened: a judgement of spam or duplicate no longer holds
    if target is not case.status:
        milestones.move(session, case, target)
    if notice is not None:
        casefile.add_staff_message(session, case, staff, identity, notice, kind="notice")
    if deciding:
        # The accused and witnesses learn that it was decided, never the reasoning.
        right_of_reply.close_threads(session, case, staff, identity, target.value, ahead)
    session.flush()
    return StepResult(target, notice)
