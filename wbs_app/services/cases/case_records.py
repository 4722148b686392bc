"""A case's records and attachments: what every later addition to a case is made of.

The report at intake, a reporter's reply or evidence, a respondent's
statement and files, a handler's note: each is a ``CaseRecord`` sealed under
the key of the audience it is meant for, and files come as ``Attachment``
rows for ciphertext already in the store. These are not intake: intake is
only the first caller, so they live here, and ``intake`` uses them like the
others (``casefile``, ``reporter_channel``, ``respondent``, ``right_of_reply``).
The callers commit, then promote the files (``AttachmentStore.promote``).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crypto import padded_length, seal_record
from wbs_app.models import Attachment, AudienceKey, AuthorKind, Case, CaseRecord, PendingFile
from wbs_app.services.cases import case_keys
from wbs_app.services.infra.clock import today


@dataclass
class FileInfo:
    """An uploaded file as its sender named it; stored only inside sealed payloads."""

    storage_name: str
    filename: str
    content_type: str
    size: int


def rounded_size(size: int) -> int:
    """The size kept in clear: the file's padded stream length, never the exact size.

    The same bucket as the ciphertext on disk (``crypto.stream.padded_length``:
    64 KiB steps up to 1 MiB, then the Padme scale), so the row and the file
    together tell no more than either alone.
    """
    return padded_length(size)


def add_record(
    session: Session,
    case: Case,
    key_row: AudienceKey,
    key: bytes,
    kind: str,
    author: AuthorKind,
    plaintext: bytes,
    author_staff_id: int | None = None,
) -> CaseRecord:
    """One sealed record of the case under ``key`` (its audience's), bound to the row's uid.

    Its place in the case is ``seq``, the case's next number: the case row is
    locked for it (PostgreSQL; SQLite's writers are serial already), so two
    writers of one case cannot take the same number.
    """
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    last = session.scalar(select(func.max(CaseRecord.seq)).where(CaseRecord.case_id == case.id))
    record = CaseRecord(
        uid=secrets.token_hex(16),
        seq=(last or 0) + 1,
        case_id=case.id,
        audience_key_id=key_row.id,
        kind=kind,
        author_kind=author,
        author_staff_id=author_staff_id,
        created_on=today(),
        ciphertext=b"",
    )
    record.ciphertext = seal_record(key, plaintext, case_keys.record_context(case, record))
    session.add(record)
    session.flush()
    return record


def attach_files(
    session: Session,
    case: Case,
    key_row: AudienceKey,
    key: bytes,
    record: CaseRecord,
    files: list[FileInfo],
) -> list[str]:
    """Attachment rows for files already encrypted under ``key``; returns their storage names."""
    names = []
    for position, info in enumerate(files):
        meta = json.dumps(
            {"filename": info.filename, "content_type": info.content_type, "size": info.size},
            ensure_ascii=False,
        ).encode("utf-8")
        session.add(
            Attachment(
                case_id=case.id,
                record_id=record.id,
                position=position,
                audience_key_id=key_row.id,
                storage_name=info.storage_name,
                sealed_meta=seal_record(
                    key, meta, case_keys.file_meta_context(case.uid, info.storage_name)
                ),
                size_rounded=rounded_size(info.size),
                created_on=today(),
            )
        )
        names.append(info.storage_name)
    if names:
        session.execute(delete(PendingFile).where(PendingFile.storage_name.in_(names)))
    session.flush()
    return names
