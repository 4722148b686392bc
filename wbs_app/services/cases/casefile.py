"""Reading and adding to a case with a key in hand: the report, the thread, the files.

Callers prove access by holding the audience key: the reporter through the
receipt (``reporter_access``), staff through their unlocked identity
(``staff_keys_for``). Nothing here decides access by role; a key that does not
unwrap is ``NoAccess``, the same as a case that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import DecryptionError, Identity, StreamDecryptor, open_record
from wbs_app.models import (
    Attachment,
    Audience,
    AuthorKind,
    Case,
    CaseRecord,
    CaseStatus,
    NoticeKind,
    StaffMember,
)
from wbs_app.services.cases import (
    case_keys,
    case_records,
    journal,
    milestones,
    reporter_channel,
    staff_notices,
)
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.store import AttachmentStore

THREAD_KINDS = (
    "message",
    "question",
    "notice",
    "withdrawal",
    "retaliation",
    "confirmation",  # the reporter checked a recorded report (``record_check``)
    "correction",
)
# Where the reporter may still withdraw; their thread stays open longer (``reporter_channel``).
OPEN_STATUSES = frozenset(
    {CaseStatus.RECEIVED, CaseStatus.VERIFICATION, CaseStatus.INVESTIGATION, CaseStatus.ON_HOLD}
)
MAX_MESSAGE_CHARS = 20_000


class CaseClosed(DomainError):
    """The case no longer takes this (withdrawn or concluded)."""


@dataclass(frozen=True)
class FileView:
    id: int
    filename: str
    content_type: str
    size: int
    size_rounded: int


@dataclass(frozen=True)
class ThreadEntry:
    kind: str
    author: AuthorKind
    author_name: str | None
    created_on: date
    text: str
    files: list[FileView] = field(default_factory=list)
    seq: int = 0  # its place in the case (what the reporter has seen is counted so)


@dataclass(frozen=True)
class CaseFile:
    case: Case
    report: dict[str, str]
    report_files: list[FileView]
    thread: list[ThreadEntry]
    identity: dict[str, str] | None
    identity_given: bool


def files_of(
    session: Session, case: Case, key: bytes, record_ids: list[int]
) -> dict[int, list[FileView]]:
    """The files attached to these records, their names and types decrypted with ``key``."""
    found: dict[int, list[FileView]] = {}
    if not record_ids:
        return found
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.record_id.in_(record_ids))
        .order_by(Attachment.record_id, Attachment.position)
    )
    for row in rows:
        meta = json.loads(
            open_record(
                key, row.sealed_meta, case_keys.file_meta_context(case.uid, row.storage_name)
            )
        )
        found.setdefault(row.record_id, []).append(
            FileView(row.id, meta["filename"], meta["content_type"], meta["size"], row.size_rounded)
        )
    return found


def _records(session: Session, case: Case, audience_key_id: int) -> list[CaseRecord]:
    return list(
        session.scalars(
            select(CaseRecord)
            .where(CaseRecord.case_id == case.id, CaseRecord.audience_key_id == audience_key_id)
            .order_by(CaseRecord.seq)
        )
    )


def _staff_names(session: Session, records: list[CaseRecord]) -> dict[int, str]:
    """Display names of the staff who wrote the records (one query)."""
    ids = {record.author_staff_id for record in records if record.author_staff_id}
    if not ids:
        return {}
    rows = session.execute(
        select(StaffMember.id, StaffMember.display_name).where(StaffMember.id.in_(ids))
    )
    return {staff_id: name for staff_id, name in rows}


def read_reporter_thread(
    session: Session, case: Case, reporter_key: bytes
) -> tuple[dict[str, str], list[FileView], list[ThreadEntry]]:
    """The report as sent and the reporter thread, decrypted with the reporter key."""
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    records = _records(session, case, key_row.id)
    files = files_of(session, case, reporter_key, [record.id for record in records])
    staff_names = _staff_names(session, records)
    report: dict[str, str] = {}
    report_files: list[FileView] = []
    thread: list[ThreadEntry] = []
    for record in records:
        try:
            plaintext = open_record(
                reporter_key, record.ciphertext, case_keys.record_context(case, record)
            )
        except DecryptionError:
            raise NoAccess() from None  # the record does not open
        if record.kind == "report":
            report = json.loads(plaintext)
            report_files = files.get(record.id, [])
        elif record.kind in THREAD_KINDS:
            thread.append(
                ThreadEntry(
                    kind=record.kind,
                    author=record.author_kind,
                    author_name=staff_names.get(record.author_staff_id or 0),
                    created_on=record.created_on,
                    text=plaintext.decode("utf-8"),
                    files=files.get(record.id, []),
                    seq=record.seq,
                )
            )
    return report, report_files, thread


def identity_given(session: Session, case: Case) -> bool:
    return (
        session.scalar(
            select(CaseRecord.id).where(
                CaseRecord.case_id == case.id, CaseRecord.kind == "identity"
            )
        )
        is not None
    )


def reporter_file(session: Session, case: Case, reporter_key: bytes) -> CaseFile:
    report, report_files, thread = read_reporter_thread(session, case, reporter_key)
    return CaseFile(case, report, report_files, thread, None, identity_given(session, case))


def staff_file(
    session: Session, case: Case, staff: StaffMember, identity: Identity, *, reveal_identity: bool
) -> CaseFile:
    """The case as a handler sees it; the identity section only when asked for explicitly.

    Revealing the identity is a journal entry of its own (who looked, when),
    written here so that no caller can show the identity without it.
    """
    reporter_row = case_keys.audience_key(session, case, Audience.REPORTER)
    reporter_key = case_keys.unwrap_for_staff(session, case, reporter_row, staff, identity)
    report, report_files, thread = read_reporter_thread(session, case, reporter_key)
    revealed: dict[str, str] | None = None
    if reveal_identity:
        key_row = case_keys.audience_key(session, case, Audience.INTERNAL)
        key = case_keys.unwrap_for_staff(session, case, key_row, staff, identity)
        for record in _records(session, case, key_row.id):
            if record.kind == "identity":
                context = case_keys.record_context(case, record)
                revealed = json.loads(open_record(key, record.ciphertext, context))
        if revealed is not None:
            journal.append(session, case, staff, identity, "identity_viewed", {})
    return CaseFile(case, report, report_files, thread, revealed, identity_given(session, case))


def add_reporter_message(
    session: Session,
    case: Case,
    reporter_key: bytes,
    text: str,
    files: list[FileInfo],
    *,
    days_after_close: int,
) -> list[str]:
    """A reply from the reporter, with evidence already encrypted under the reporter key.

    Taken in every status, and for ``days_after_close`` days after the case
    closed (``reporter_channel``): an answer to a question, new evidence or
    news of retaliation matter through the decision and after it.
    """
    if not reporter_channel.channel(case, days_after_close).open:
        raise CaseClosed("report_closed")
    text = text.strip()
    if not text and not files:
        raise DomainError("reply_empty")
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    record = case_records.add_record(
        session,
        case,
        key_row,
        reporter_key,
        "message",
        AuthorKind.REPORTER,
        text[:MAX_MESSAGE_CHARS].encode("utf-8"),
    )
    staff_notices.holders_of(session, case, NoticeKind.REPORTER_MESSAGE)
    return case_records.attach_files(session, case, key_row, reporter_key, record, files)


def withdraw(
    session: Session, case: Case, reporter_key: bytes, identity: Identity, reason: str
) -> None:
    """Pencabutan laporan: the case ends as withdrawn; the reason joins the thread.

    The journal, the official record, gets the step too, signed by the
    reporter's identity (kept to the day, as everything a reporter does).
    """
    if case.status not in OPEN_STATUSES:
        raise CaseClosed("already_closed")
    before = case.status
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    case_records.add_record(
        session,
        case,
        key_row,
        reporter_key,
        "withdrawal",
        AuthorKind.REPORTER,
        reason.strip()[:MAX_MESSAGE_CHARS].encode("utf-8"),
    )
    staff_notices.holders_of(session, case, NoticeKind.REPORTER_MESSAGE)
    milestones.move(session, case, CaseStatus.WITHDRAWN)
    if case.reporter_public is None:  # a case made before the identity was kept
        case.reporter_public = identity.public().to_bytes()
    journal.append_by_reporter(
        session,
        case,
        identity,
        reporter_key,
        "withdrawn",
        {"from": before.value, "to": CaseStatus.WITHDRAWN.value},
    )
    session.flush()


@dataclass(frozen=True)
class Download:
    file: FileView
    chunks: Iterator[bytes]


def open_file(
    session: Session, store: AttachmentStore, case: Case, key: bytes, attachment_id: int
) -> Download:
    """A file of the case's reporter thread, decrypted as a stream (constant memory)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.case_id != case.id:
        raise NoAccess()  # no such file
    try:
        meta = json.loads(
            open_record(
                key, row.sealed_meta, case_keys.file_meta_context(case.uid, row.storage_name)
            )
        )
    except DecryptionError:
        raise NoAccess() from None  # the file does not open
    view = FileView(row.id, meta["filename"], meta["content_type"], meta["size"], row.size_rounded)

    # Plain values only: the generator runs while the response streams, after
    # the request's database session may be gone.
    storage_name = row.storage_name
    context = case_keys.file_context(case.uid, storage_name)

    def chunks() -> Iterator[bytes]:
        with store.open(storage_name) as handle:
            yield from StreamDecryptor(key, handle, context)

    return Download(view, chunks())


def add_staff_message(
    session: Session,
    case: Case,
    staff: StaffMember,
    identity: Identity,
    text: str,
    kind: str = "message",
) -> CaseRecord:
    """A handler's message or question to the reporter, read at their next visit."""
    if kind not in ("message", "question", "notice"):
        raise ValueError("not a thread kind for staff")
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    key = case_keys.unwrap_for_staff(session, case, key_row, staff, identity)
    text = text.strip()
    if not text:
        raise DomainError("message_empty")
    return case_records.add_record(
        session,
        case,
        key_row,
        key,
        kind,
        AuthorKind.STAFF,
        text[:MAX_MESSAGE_CHARS].encode("utf-8"),
        author_staff_id=staff.id,
    )


def add_note(
    session: Session, case: Case, staff: StaffMember, identity: Identity, text: str
) -> CaseRecord:
    """An internal note: sealed to the handlers' internal key, never shown to the reporter."""
    key_row = case_keys.audience_key(session, case, Audience.INTERNAL)
    key = case_keys.unwrap_for_staff(session, case, key_row, staff, identity)
    text = text.strip()
    if not text:
        raise DomainError("note_empty")
    return case_records.add_record(
        session,
        case,
        key_row,
        key,
        "note",
        AuthorKind.STAFF,
        text[:MAX_MESSAGE_CHARS].encode("utf-8"),
        author_staff_id=staff.id,
    )


def read_notes(
    session: Session, case: Case, staff: StaffMember, identity: Identity
) -> list[ThreadEntry]:
    key_row = case_keys.audience_key(session, case, Audience.INTERNAL)
    key = case_keys.unwrap_for_staff(session, case, key_row, staff, identity)
    records = [r for r in _records(session, case, key_row.id) if r.kind == "note"]
    names = _staff_names(session, records)
    return [
        ThreadEntry(
            kind="note",
            author=record.author_kind,
            author_name=names.get(record.author_staff_id or 0),
            created_on=record.created_on,
            text=open_record(
                key, record.ciphertext, case_keys.record_context(case, record)
            ).decode(),
        )
        for record in records
    ]


def internal_key(session: Session, case: Case, staff: StaffMember, identity: Identity) -> bytes:
    key_row = case_keys.audience_key(session, case, Audience.INTERNAL)
    return case_keys.unwrap_for_staff(session, case, key_row, staff, identity)


def reporter_key_for_staff(
    session: Session, case: Case, staff: StaffMember, identity: Identity
) -> bytes:
    key_row = case_keys.audience_key(session, case, Audience.REPORTER)
    return case_keys.unwrap_for_staff(session, case, key_row, staff, identity)
