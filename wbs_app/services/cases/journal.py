"""The case journal: every step of the case as a signed, hash-chained, encrypted entry.

Entries are written only here and never edited. The body (what was checked,
found, decided, and why) is sealed to the case's internal audience; kind,
author, time, the chain and the signature stay in clear so that
``verify_all`` checks every case without any key.

Every append also moves the case's head and adds a link to the
installation's head log (``head_log.record_head``), in the same transaction.
New entries are format 2 (``crypto.journal``): the author is bound into the
content's associated data, so a body moved to another author's entry does
not open; format 1 entries, written before, still read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import (
    JOURNAL_VERSION,
    DecryptionError,
    Identity,
    JournalRecord,
    JournalVerdict,
    PublicIdentity,
    RecordContext,
    content_context,
    entry_hash,
    entry_verifies,
    genesis_hash,
    open_record,
    seal_record,
    sign_entry,
    verify_chain,
)
from wbs_app.models import (
    Audience,
    Case,
    JournalEntry,
    RespondentInvitation,
    StaffMember,
)
from wbs_app.services.cases import case_keys, head_log
from wbs_app.services.cases.journal_authors import SYSTEM_AUTHOR, AuthorKeys, custodians_author
from wbs_app.services.infra.clock import utcnow


@dataclass(frozen=True)
class JournalItem:
    """A decrypted entry, for the case page's timeline."""

    seq: int
    kind: str
    author: str
    created_at: str
    body: dict[str, Any]


def _context(case: Case, row: JournalEntry) -> RecordContext:
    return content_context(case.uid, row.seq, row.author, row.format)


def author_name(staff: StaffMember) -> str:
    return case_keys.staff_recipient(staff)


def _record(row: JournalEntry, case_uid: str) -> JournalRecord:
    return JournalRecord(
        case_id=case_uid,
        seq=row.seq,
        kind=row.kind,
        author=row.author,
        created_at=row.created_at,
        content=row.content,
        prev_hash=row.prev_hash,
        version=row.format,
    )


def append(
    session: Session,
    case: Case,
    staff: StaffMember,
    identity: Identity,
    kind: str,
    body: dict[str, Any],
) -> JournalEntry:
    """Add one entry by a handler: body sealed to the internal key, signed by them."""
    internal = case_keys.audience_key(session, case, Audience.INTERNAL)
    key = case_keys.unwrap_for_staff(session, case, internal, staff, identity)
    return _append(session, case, author_name(staff), identity, key, kind, body)


def append_by_respondent(
    session: Session,
    case: Case,
    invitation: RespondentInvitation,
    identity: Identity,
    key: bytes,
    kind: str,
    body: dict[str, Any],
) -> JournalEntry:
    """An entry by a respondent (a statement, a request): sealed to their invitation's key.

    The respondent holds no internal key; the handlers hold the invitation's
    key, so they read it, and the signature is checked like any other.
    """
    return _append(session, case, respondent_author(invitation), identity, key, kind, body)


def append_by_custodians(
    session: Session,
    case: Case,
    generation: int,
    root_identity: Identity,
    internal_key: bytes,
    kind: str,
    body: dict[str, Any],
) -> JournalEntry:
    """An entry by K custodians acting together (a recovery), signed by the root identity.

    The custodians hold no staff key; the internal key came from the case's
    recovery wrap, so the body is sealed to the handlers like any other step.
    The verifier accepts the author ``custodians:<generation>`` only while that
    root generation was current (``journal_authors``).
    """
    return _append(
        session, case, custodians_author(generation), root_identity, internal_key, kind, body
    )


def append_by_system(session: Session, case: Case, kind: str, body: dict[str, Any]) -> JournalEntry:
    """An entry by the installation itself (a deadline escalated, or its end).

    No person acted, so no person signs: the identity the installation key
    derives does, and the body (workflow facts only, in clear elsewhere) is
    sealed under a key the same installation key derives for the case. The
    worker holds no case key and needs none.
    """
    installation = head_log.installation_key(session)
    key = installation.system_key(case.uid)
    # To the day, as a reporter's: the run that ends an escalation follows within
    # minutes the act that ended it, which may be a reporter's withdrawal.
    signer = installation.system_identity()
    return _append(session, case, SYSTEM_AUTHOR, signer, key, kind, body, day_only=True)


def respondent_author(invitation: RespondentInvitation) -> str:
    """Who signs the respondent's next entry.

    Before the take-over (``services.respondents.respondent_takeover``) that is whoever
    holds the printed code; after it, the addressee's own identity, under an
    author name of its own so that earlier entries still verify.
    """
    if invitation.addressee_public is not None:
        return addressee_author(invitation)
    return printed_code_author(invitation)


def printed_code_author(invitation: RespondentInvitation) -> str:
    return f"respondent:{invitation.uid}"


def append_by_reporter(
    session: Session,
    case: Case,
    identity: Identity,
    key: bytes,
    kind: str,
    body: dict[str, Any],
) -> JournalEntry:
    """An entry by the reporter (a report of retaliation): sealed to the reporter key.

    The reporter holds no internal key; every handler of the case holds the
    reporter key. Its time is kept to the day, like everything a reporter
    does (DESIGN.md section 5); the chain's order is all the journal needs.
    """
    return _append(session, case, reporter_author(case), identity, key, kind, body, day_only=True)


def reporter_author(case: Case) -> str:
    return f"reporter:{case.uid}"


def addressee_author(invitation: RespondentInvitation) -> str:
    return f"addressee:{invitation.uid}"


def respondent_authors(invitation: RespondentInvitation) -> tuple[str, ...]:
    """Every author name an invitation's entries may carry (their bodies are under its key)."""
    return (printed_code_author(invitation), addressee_author(invitation))


def _append(
    session: Session,
    case: Case,
    author: str,
    signer: Identity,
    key: bytes,
    kind: str,
    body: dict[str, Any],
    *,
    day_only: bool = False,
) -> JournalEntry:
    head_log.serialise_appends(session)  # one tail, one next link, whatever runs beside
    last = session.scalar(
        select(JournalEntry)
        .where(JournalEntry.case_id == case.id)
        .order_by(JournalEntry.seq.desc())
        .limit(1)
    )
    seq = 1 if last is None else last.seq + 1
    prev = genesis_hash(case.uid) if last is None else last.entry_hash
    plaintext = json.dumps(body, ensure_ascii=False).encode("utf-8")
    context = content_context(case.uid, seq, author, JOURNAL_VERSION)
    content = seal_record(key, plaintext, context)
    record = JournalRecord(
        case_id=case.uid,
        seq=seq,
        kind=kind,
        author=author,
        created_at=_stamp(day_only),
        content=content,
        prev_hash=prev,
        version=JOURNAL_VERSION,
    )
    row = JournalEntry(
        case_id=case.id,
        seq=seq,
        kind=kind,
        author=author,
        created_at=record.created_at,
        content=content,
        prev_hash=prev,
        entry_hash=entry_hash(record),
        signature=sign_entry(record, signer),
        format=JOURNAL_VERSION,
    )
    session.add(row)
    session.flush()
    head_log.record_head(session, case, row)
    return row


def _stamp(day_only: bool) -> str:
    now = utcnow()
    if day_only:
        now = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return now.isoformat(timespec="seconds")


def read(
    session: Session, case: Case, key: bytes, author_keys: dict[str, bytes] | None = None
) -> list[JournalItem]:
    """The decrypted timeline, oldest first.

    ``key`` is the internal key; ``author_keys`` maps respondent authors to
    their invitation's key, and the reporter to the reporter key, for the
    entries they wrote.
    """
    items = []
    system_key: bytes | None = None
    for row in session.scalars(
        select(JournalEntry).where(JournalEntry.case_id == case.id).order_by(JournalEntry.seq)
    ):
        entry_key = (author_keys or {}).get(row.author, key)
        if row.author == SYSTEM_AUTHOR:
            if system_key is None:
                system_key = head_log.installation_key(session).system_key(case.uid)
            entry_key = system_key
        try:
            body = json.loads(open_record(entry_key, row.content, _context(case, row)))
        except DecryptionError:
            body = {"unreadable": True}
        items.append(JournalItem(row.seq, row.kind, row.author, row.created_at, body))
    return items


@dataclass(frozen=True)
class Author:
    """Who signed an entry, for the journal's words: a staff member or a respondent.

    ``role`` is a staff role's or a respondent role's value; ``name`` is
    empty for a respondent, whose name only the case's keys open.
    """

    kind: str  # "staff", "respondent", "reporter", "custodians", "system" or "unknown"
    name: str
    role: str


def _staff_id(author: str) -> int | None:
    """The account of a ``staff:<id>:<generation>`` label (``case_keys.staff_recipient``)."""
    kind, _, rest = author.partition(":")
    number = rest.split(":")[0]
    return int(number) if kind == "staff" and number.isdigit() else None


def _invitation_uid(author: str) -> str | None:
    """The invitation of an entry signed with its printed code or, after take-over, its own."""
    kind, _, rest = author.partition(":")
    return rest if kind in ("respondent", "addressee") else None


def authors(session: Session, items: list[JournalItem]) -> dict[str, Author]:
    """The author of each entry, from the signing identity's label in the chain."""
    labels = {item.author for item in items}
    staff_ids = {number for label in labels if (number := _staff_id(label)) is not None}
    uids = {uid for label in labels if (uid := _invitation_uid(label)) is not None}
    staff = {
        member.id: member
        for member in session.scalars(select(StaffMember).where(StaffMember.id.in_(staff_ids)))
    }
    invitations = {
        invitation.uid: invitation
        for invitation in session.scalars(
            select(RespondentInvitation).where(RespondentInvitation.uid.in_(uids))
        )
    }
    found: dict[str, Author] = {}
    for label in labels:
        member = staff.get(_staff_id(label) or 0)
        invitation = invitations.get(_invitation_uid(label) or "")
        if member is not None:
            found[label] = Author("staff", member.display_name, member.role.value)
        elif invitation is not None:
            found[label] = Author("respondent", "", invitation.role.value)
        elif label.startswith("custodians:"):
            found[label] = Author("custodians", "", "")
        elif label.startswith("reporter:"):
            found[label] = Author("reporter", "", "")
        elif label == SYSTEM_AUTHOR:
            found[label] = Author("system", "", "")
        else:
            found[label] = Author("unknown", "", "")
    return found


def signed_body(
    case: Case, row: JournalEntry, signer: PublicIdentity, key: bytes
) -> dict[str, Any] | None:
    """One entry's body, if the entry is intact and signed by ``signer``; None otherwise.

    For a step shown on its own (a respondent's statement): whether it holds,
    never which part failed.
    """
    if not entry_verifies(_record(row, case.uid), row.signature, row.entry_hash, signer):
        return None
    try:
        body = json.loads(open_record(key, row.content, _context(case, row)))
    except (DecryptionError, ValueError):
        return None
    return body if isinstance(body, dict) else None


@dataclass(frozen=True)
class BrokenChain:
    case_id: int
    seq: int
    reason: str


def verify_case(
    session: Session, case: Case, keys: AuthorKeys | None = None
) -> JournalVerdict | None:
    """Check one case's chain; an author counts only with a key valid at the entry's date."""
    rows = list(
        session.scalars(
            select(JournalEntry).where(JournalEntry.case_id == case.id).order_by(JournalEntry.seq)
        )
    )
    triples = [(_record(row, case.uid), row.signature, row.entry_hash) for row in rows]
    return verify_chain(triples, keys if keys is not None else AuthorKeys(session))


def verify_all(session: Session) -> tuple[int, list[BrokenChain]]:
    """Check every case's chain and signatures; returns (cases checked, broken links)."""
    keys = AuthorKeys(session)
    broken = []
    checked = 0
    for case in session.scalars(select(Case).order_by(Case.id)):
        checked += 1
        verdict = verify_case(session, case, keys)
        if verdict is not None:
            broken.append(BrokenChain(case.id, verdict.index + 1, verdict.reason))
    return checked, broken
