"""Whose statement is this: the respondent's statements signed by the addressee's identity.

A statement's text is a record under the invitation's key, which the case's
handlers hold as well: a handler could re-seal other words in its place. So
the journal entry that records a statement carries a digest of what was
sent (the text and the files' names and sizes), and that entry is signed
with Ed25519 by the identity of the code that sent it. After the take-over
(``services.respondents.respondent_takeover``) that identity comes from a code only the
addressee saw, so a statement that verifies was sent by whoever holds that
code, and nobody, the handlers included, changed it since.

The verdict is one of three words and says no more: signed by the
addressee; sent with the printed code before the take-over (which proves
nothing about who wrote it); or does not verify (changed, forged, or its
journal entry missing: one opaque answer, never which part failed).
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import PublicIdentity
from crypto.encoding import encode_fields
from wbs_app.models import Case, JournalEntry, RespondentInvitation
from wbs_app.services.cases import journal

DIGEST_LABEL = "lentera/respondent-statement/v1"
STATEMENT_ENTRY = "statement_received"


class Signature(enum.StrEnum):
    ADDRESSEE = "addressee"  # signed by the identity of the code only the addressee saw
    PRINTED = "printed"  # sent with the printed code, before the take-over
    BROKEN = "broken"  # does not verify


class AttachedFile(Protocol):
    @property
    def filename(self) -> str: ...

    @property
    def size(self) -> int: ...


class StatementView(Protocol):
    """What a thread entry offers for checking (``respondent.RespondentEntry``)."""

    @property
    def kind(self) -> str: ...

    @property
    def uid(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def files(self) -> Sequence[AttachedFile]: ...


def digest(
    case_uid: str, invitation_uid: str, record_uid: str, text: str, files: Sequence[tuple[str, int]]
) -> str:
    """What the signed journal entry says was sent: bound to the case, invitation and record."""
    fields: list[str | int] = [DIGEST_LABEL, case_uid, invitation_uid, record_uid, text, len(files)]
    for name, size in sorted(files):  # the order files are listed in is not what was sent
        fields += [name, size]
    return hashlib.sha256(encode_fields(*fields)).hexdigest()


def statement_entry(
    case_uid: str, invitation_uid: str, record_uid: str, text: str, files: Sequence[AttachedFile]
) -> dict[str, str | int]:
    """The body of a statement's journal entry: the record, and the digest its author signs."""
    return {
        "record": record_uid,
        "files": len(files),
        "digest": digest(
            case_uid,
            invitation_uid,
            record_uid,
            text,
            [(attached.filename, attached.size) for attached in files],
        ),
    }


def _signed_digests(
    session: Session, case: Case, invitation: RespondentInvitation, key: bytes
) -> dict[str, tuple[Signature, str | None]]:
    """Record uid to (who signed, the digest signed) for every statement entry that verifies."""
    signers = {journal.printed_code_author(invitation): invitation.identity_public}
    if invitation.addressee_public is not None:
        signers[journal.addressee_author(invitation)] = invitation.addressee_public
    found: dict[str, tuple[Signature, str | None]] = {}
    rows = session.scalars(
        select(JournalEntry).where(
            JournalEntry.case_id == case.id,
            JournalEntry.kind == STATEMENT_ENTRY,
            JournalEntry.author.in_(list(signers)),
        )
    )
    for row in rows:
        body = journal.signed_body(case, row, PublicIdentity.from_bytes(signers[row.author]), key)
        record_uid = body.get("record") if body is not None else None
        if body is None or not isinstance(record_uid, str):
            continue
        signer = (
            Signature.ADDRESSEE
            if row.author == journal.addressee_author(invitation)
            else Signature.PRINTED
        )
        signed = body.get("digest")
        found[record_uid] = (signer, signed if isinstance(signed, str) else None)
    return found


def verdicts(
    session: Session,
    case: Case,
    invitation: RespondentInvitation,
    key: bytes,
    thread: Sequence[StatementView],
) -> dict[str, str]:
    """Each statement's record uid and its ``Signature`` (as a string, for the case page)."""
    signed = _signed_digests(session, case, invitation, key)
    result: dict[str, str] = {}
    for entry in thread:
        if entry.kind != "statement":
            continue
        signer, expected = signed.get(entry.uid, (Signature.BROKEN, None))
        if signer is Signature.ADDRESSEE:
            actual = digest(
                case.uid,
                invitation.uid,
                entry.uid,
                entry.text,
                [(attached.filename, attached.size) for attached in entry.files],
            )
            if expected != actual:
                signer = Signature.BROKEN
        result[entry.uid] = signer.value
    return result
