"""The accused's right of reply: invitations, their code, their thread, statements, extensions.

An invitation has its own audience key (``Audience.RESPONDENT``, labelled
with the invitation's uid), wrapped to the respondent identity derived from
the invitation code and to the case's current handlers. The allegation
summary is written fresh for the respondent and sealed under that key; the
respondent never holds the reporter key or the internal key. Statements and
extension requests are journal entries signed by the respondent identity.
When the team may decide and how more time is asked and given:
``services.respondents.right_of_reply``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeKind,
    Identity,
    derive_code_secrets,
    generate_code,
    lookup_hash,
    new_key,
    open_record,
)
from wbs_app.models import (
    Audience,
    AudienceKey,
    AuthorKind,
    Case,
    CaseRecord,
    CaseStatus,
    InvitationRole,
    NoticeKind,
    RecipientKind,
    RespondentInvitation,
    StaffMember,
)
from wbs_app.services.cases import access, case_keys, case_records, casefile, journal, staff_notices
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.cases.casefile import FileView
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.text import one_line_name
from wbs_app.services.office.deadlines import MAX_DEADLINE_DAYS, DeadlineKind, Deadlines
from wbs_app.services.respondents import invitation_letter
from wbs_app.services.respondents.respondent_signatures import statement_entry
from wbs_app.services.trust import certificates

ALLEGATION_FIELDS = ("name", "position", "allegation", "period", "rules")
ONE_LINE_FIELDS = ("name", "position", "period", "rules")
THREAD_KINDS = ("message", "statement", "extension_request", "notice", "outcome")


class RespondentError(DomainError):
    """A step of the right of reply refused; the raise site's ``code`` says why."""


@dataclass(frozen=True)
class RespondentEntry:
    kind: str
    author: AuthorKind
    created_on: date
    text: str
    files: list[FileView]
    uid: str = ""  # the record's, for its signature (services.respondents.respondent_signatures)


@dataclass(frozen=True)
class RespondentContext:
    """A respondent's visit, for one request: what their statements are written and signed with.

    Made by the sign-in (``services.codes.respondent_access``), which depends on
    this module; defined here so that the right of reply needs nothing of how
    a respondent signs in.
    """

    invitation: RespondentInvitation
    case: Case
    key: bytes
    identity: Identity
    id_hash: bytes


def invitation_key_row(
    session: Session, case: Case, invitation: RespondentInvitation
) -> AudienceKey:
    return case_keys.audience_key(session, case, Audience.RESPONDENT, invitation.uid)


def clean_allegation(details: dict[str, str]) -> dict[str, str]:
    """The summary as stored and as the letter prints it: trimmed, names on one line.

    The names are shown inline ("To: name, position"), so they lose direction
    overrides and invisible characters (see ``services.infra.text``).
    """
    cleaned = {name: (details.get(name) or "").strip()[:5000] for name in ALLEGATION_FIELDS}
    for name in ONE_LINE_FIELDS:
        cleaned[name] = one_line_name(cleaned[name])
    return cleaned


def answer_due(deadlines: Deadlines, days: int) -> date:
    """The day an answer invited today is due, ``days`` counted as the respondent's deadline is."""
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        raise RespondentError("bad_answer_days")
    return deadlines.after(DeadlineKind.RESPONDENT, today(), days)


def create_invitation(
    session: Session,
    case: Case,
    staff: StaffMember,
    identity: Identity,
    details: dict[str, str],
    role: InvitationRole,
    answer_due: date,
    installation_salt: bytes,
    params: Argon2Params,
    *,
    gate: Argon2Gate | None = None,
    form_token_hash: bytes | None = None,
    replacing: bool = False,
) -> tuple[RespondentInvitation, str]:
    """Create an invitation from a case under examination; returns it and its code.

    ``replacing`` is a new letter for an open invitation whose code was lost
    (``services.respondents.respondent_takeover.reissue``): allowed in any status, since
    whatever the reporter did (a withdrawal) must not show to the respondent.

    The code is also kept sealed to the case's handlers for printing the
    letter again (``services.respondents.invitation_letter``); ``form_token_hash`` ties
    the invitation to its creation form, which cannot then make another
    (``RespondentError("form_used")`` for a second one racing this one).
    """
    case_keys.require_holder(session, case, staff)
    certificates.require_certified(session, staff)
    handlers_key = invitation_letter.internal_key(session, case, staff, identity)
    if case.status is not CaseStatus.INVESTIGATION and not replacing:
        raise RespondentError("invitation_wrong_status")
    cleaned = clean_allegation(details)
    if not cleaned["name"] or not cleaned["allegation"]:
        raise RespondentError("invitation_incomplete")
    if answer_due <= today():
        raise RespondentError("bad_answer_days")
    code = generate_code()
    with slot_between_transactions(session, gate, patient=True) as run:
        code_secrets = run(
            derive_code_secrets, code, CodeKind.INVITATION, installation_salt, params
        )
    holder = Identity.from_seed(code_secrets.identity_seed).public()
    uid = secrets.token_hex(16)
    key = new_key()
    key_row = case_keys.new_audience_key(session, case, Audience.RESPONDENT, uid, key)
    case_keys.wrap_to_holder(session, case, key_row, key, holder, RecipientKind.RESPONDENT)
    # The new key goes to the holders whose certificate still verifies; a
    # holder revoked since (a role change) keeps what it had, gets nothing new.
    current_holders = [holder.staff for holder in access.holders(session, case) if holder.current]
    for holder_staff in certificates.certified_among(session, current_holders):
        case_keys.wrap_to_staff(session, case, key_row, key, holder_staff)
    invitation = RespondentInvitation(
        uid=uid,
        case_id=case.id,
        audience_key_id=key_row.id,
        lookup_hash=lookup_hash(code_secrets.lookup_id),
        identity_public=holder.to_bytes(),
        role=role,
        created_on=today(),
        answer_due=answer_due,
        extension_requested=False,
        sealed_code=invitation_letter.seal_code(handlers_key, case, uid, code),
        form_token_hash=form_token_hash,
    )
    session.add(invitation)
    try:
        session.flush()
    except IntegrityError:
        raise RespondentError("form_used") from None  # the same form, sent twice at once
    case_records.add_record(
        session,
        case,
        key_row,
        key,
        "allegation",
        AuthorKind.STAFF,
        json.dumps(cleaned, ensure_ascii=False).encode("utf-8"),
        author_staff_id=staff.id,
    )
    journal.append(
        session,
        case,
        staff,
        identity,
        "invitation_created",
        {
            "invitation": uid,
            "role": role.value,
            "name": cleaned["name"],
            "answer_due": invitation.answer_due.isoformat(),
        },
    )
    return invitation, code


def read_thread(
    session: Session, case: Case, invitation: RespondentInvitation, key: bytes
) -> tuple[dict[str, str], list[RespondentEntry]]:
    """The allegation summary and the invitation's own thread (nothing else of the case)."""
    records = list(
        session.scalars(
            select(CaseRecord)
            .where(
                CaseRecord.case_id == case.id,
                CaseRecord.audience_key_id == invitation.audience_key_id,
            )
            .order_by(CaseRecord.seq)
        )
    )
    files = casefile.files_of(session, case, key, [record.id for record in records])
    allegation: dict[str, str] = {}
    entries: list[RespondentEntry] = []
    for record in records:
        plaintext = open_record(key, record.ciphertext, case_keys.record_context(case, record))
        if record.kind == "allegation":
            allegation = json.loads(plaintext)
        elif record.kind in THREAD_KINDS:
            text = plaintext.decode("utf-8")
            entries.append(
                RespondentEntry(
                    record.kind,
                    record.author_kind,
                    record.created_on,
                    text,
                    files.get(record.id, []),
                    record.uid,
                )
            )
    return allegation, entries


def can_submit(invitation: RespondentInvitation, case: Case) -> bool:
    """Statements and requests until the deadline, while the team has not closed the thread.

    Never the case's status: a reporter's withdrawal must not show here
    (``services.respondents.right_of_reply``).
    """
    return (
        today() <= invitation.answer_due
        and invitation.closed_on is None
        and invitation.replaced_on is None
    )


def submit_statement(
    session: Session, context: RespondentContext, text: str, files: list[FileInfo]
) -> list[str]:
    """A defence statement (or an addition to it) with evidence, until the deadline."""
    if not can_submit(context.invitation, context.case):
        raise RespondentError("deadline_passed")
    text = text.strip()[:20_000]
    if not text and not files:
        raise RespondentError("statement_empty")
    key_row = invitation_key_row(session, context.case, context.invitation)
    record = case_records.add_record(
        session,
        context.case,
        key_row,
        context.key,
        "statement",
        AuthorKind.RESPONDENT,
        text.encode("utf-8"),
    )
    names = case_records.attach_files(session, context.case, key_row, context.key, record, files)
    staff_notices.holders_of(session, context.case, NoticeKind.RESPONDENT_STATEMENT)
    journal.append_by_respondent(
        session,
        context.case,
        context.invitation,
        context.identity,
        context.key,
        "statement_received",
        statement_entry(context.case.uid, context.invitation.uid, record.uid, text, files),
    )
    return names


def add_staff_message(
    session: Session,
    case: Case,
    invitation: RespondentInvitation,
    staff: StaffMember,
    identity: Identity,
    text: str,
) -> None:
    """A handler's message in one respondent's thread (never seen by the reporter or others)."""
    key = staff_key(session, case, invitation, staff, identity)
    if invitation.replaced_on is not None:  # its codes open nothing: nobody would read it
        raise RespondentError("replaced")
    text = text.strip()
    if not text:
        raise RespondentError("message_empty")
    case_records.add_record(
        session,
        case,
        invitation_key_row(session, case, invitation),
        key,
        "message",
        AuthorKind.STAFF,
        text[:20_000].encode("utf-8"),
        author_staff_id=staff.id,
    )


def invitations(session: Session, case: Case) -> list[RespondentInvitation]:
    return list(
        session.scalars(
            select(RespondentInvitation)
            .where(RespondentInvitation.case_id == case.id)
            .order_by(RespondentInvitation.id)
        )
    )


def staff_key(
    session: Session,
    case: Case,
    invitation: RespondentInvitation,
    staff: StaffMember,
    identity: Identity,
) -> bytes:
    return case_keys.unwrap_for_staff(
        session, case, invitation_key_row(session, case, invitation), staff, identity
    )
