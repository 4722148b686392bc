"""Receiving a report: drafts while the reporter writes, then one all-or-nothing submission.

A draft holds what was typed and the list of files already uploaded, sealed
under a random key whose only copy is in the form the reporter holds (the
``draft`` hidden field, like a session cookie: token + key). That key becomes
the case's reporter-audience key at submission, so evidence encrypted during
the upload is already in its final form. Submission makes the case, its keys,
wraps, records and attachment rows in the caller's transaction; the caller
commits, then moves the files into place (``AttachmentStore.promote``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import (
    Argon2Params,
    CodeKind,
    DecryptionError,
    Identity,
    RecordContext,
    derive_code_secrets,
    derive_key,
    generate_code,
    lookup_hash,
    open_record,
    seal_record,
)
from wbs_app.models import (
    Case,
    Category,
    PendingFile,
    SubmissionDraft,
    Unit,
)
from wbs_app.services.cases import case_records, disk_caps, filing, routing
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.cases.delivery import eligible_handlers as eligible_handlers
from wbs_app.services.infra import sessions
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot_between_transactions
from wbs_app.services.infra.clock import DAY, coarse_expiry, floor_to, today, utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.office import unit_admin
from wbs_app.services.office.deadlines import Deadlines

REPORT_FIELDS = ("what", "who", "where", "when", "how")
MAX_FIELD_CHARS = 20_000


class IntakeError(DomainError):
    """A report refused before it is a case; a refused route passes its code on."""

    codes = (*routing.RouteRefused.codes, "draft_files_full", "retry")


@dataclass
class DraftPayload:
    unit_id: int | None
    category_id: int | None
    report: dict[str, str]
    identity: dict[str, str] | None
    files: list[FileInfo] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> DraftPayload:
        data = json.loads(raw)
        data["files"] = [FileInfo(**item) for item in data["files"]]
        return cls(**data)


@dataclass(frozen=True)
class OpenDraft:
    row: SubmissionDraft
    secret: sessions.SessionSecret
    payload: DraftPayload | None

    @property
    def key(self) -> bytes:
        return self.secret.key

    @property
    def case_uid(self) -> str:
        return self.row.case_uid


def _draft_context(case_uid: str, secret: sessions.SessionSecret) -> RecordContext:
    return RecordContext(case_uid, "draft", secret.id_hash.hex())


def start_draft(
    lifetime: timedelta,
    secret: sessions.SessionSecret | None = None,
    first_post: bytes | None = None,
) -> OpenDraft:
    """A new, empty draft, not yet in the database.

    It is made when the form first posts, before any file is read; ``keep_draft``
    stores it once the whole body has arrived, so that a body cut off midway
    leaves nothing behind and no transaction is open while the file streams in.
    ``secret`` is the one the empty form was drawn with, if it carried one, and
    ``first_post`` the tag of what that post answered (``first_post_tag``): the
    same post sent again then finds the same draft (or its sent marker).
    """
    secret = secret or sessions.new_secret()
    row = SubmissionDraft(
        id_hash=secret.id_hash,
        case_uid=secrets.token_hex(16),
        sealed_payload=b"",
        expires_at=coarse_expiry(lifetime, DAY),
        first_post_tag=first_post,
    )
    return OpenDraft(row, secret, None)


FIRST_POST_FIELDS = ("unit", "category", *REPORT_FIELDS)


def first_post_tag(secret: sessions.SessionSecret, fields: Mapping[str, str]) -> bytes:
    """A tag of a form's first answers, keyed by its draft's secret.

    An empty form carries the secret its draft will have, so that sending its
    first post again (back, then "resubmit") finds that draft instead of
    starting a second report. A form page reused for another report (Firefox
    restores a hidden field on reload, a tab is duplicated) carries the same
    secret with other answers: the tag tells the two apart. The answers that
    come before the files in the form are enough, and are all the streaming
    parser has when the first file arrives. Keyed by the draft's key, it
    tells a database thief nothing about the answers.
    """
    canonical = json.dumps(
        [(fields.get(name) or "").strip() for name in FIRST_POST_FIELDS], ensure_ascii=False
    ).encode("utf-8")
    key = derive_key(secret.key, "lentera/draft/v1/first-post")
    return hmac.new(key, canonical, hashlib.sha256).digest()


def keep_draft(session: Session, draft: OpenDraft) -> bool:
    """Store a draft made by ``start_draft``; False if its form's other post stored it first.

    Any other failure of the insert is raised: only a row that is really
    there makes the clash a double click.
    """
    try:
        with session.begin_nested():
            session.add(draft.row)
    except IntegrityError as error:
        if not _clash_on_draft_key(error):
            raise
        return False
    return True


def _clash_on_draft_key(error: IntegrityError) -> bool:
    """Whether the insert met a draft with the same key, as the drivers name it."""
    diag = getattr(error.orig, "diag", None)  # psycopg
    if diag is not None:
        return getattr(diag, "constraint_name", None) == "pk_submission_drafts"
    return "submission_drafts.id_hash" in str(error.orig)  # sqlite3


def open_draft(session: Session, field_value: str | None) -> OpenDraft:
    """The draft a form's hidden field names; ``IntakeError('draft_gone')`` if none.

    One past its expiry that the sweep has not removed still opens: whoever
    posts its key is its writer, and expiry clears away what nobody holds.
    """
    secret = sessions.parse_cookie(field_value)
    row = session.get(SubmissionDraft, secret.id_hash, populate_existing=True) if secret else None
    if secret is None or row is None:
        raise IntakeError("draft_gone")
    payload = None
    if row.sealed_payload:
        try:
            raw = open_record(secret.key, row.sealed_payload, _draft_context(row.case_uid, secret))
        except DecryptionError:
            raise IntakeError("draft_gone") from None
        payload = DraftPayload.from_bytes(raw)
    return OpenDraft(row, secret, payload)


def register_pending(session: Session, draft: OpenDraft, info: FileInfo) -> None:
    """The file waits with its draft, counted (rounded) in the drafts' disk budget."""
    session.add(
        PendingFile(
            storage_name=info.storage_name,
            draft_id_hash=draft.row.id_hash,
            created_at=floor_to(utcnow(), DAY),
            size_rounded=case_records.rounded_size(info.size),
        )
    )


def release_pending(session: Session, storage_names: list[str]) -> None:
    """Forget files the reporter removed from a draft (the caller deletes them after commit)."""
    if storage_names:
        session.execute(delete(PendingFile).where(PendingFile.storage_name.in_(storage_names)))


def save_draft(
    session: Session, draft: OpenDraft, payload: DraftPayload, lifetime: timedelta
) -> None:
    """Seal what was typed; the draft then lives ``lifetime`` from now (see ``renew_draft``)."""
    draft.row.sealed_payload = seal_record(
        draft.key, payload.to_bytes(), _draft_context(draft.case_uid, draft.secret)
    )
    renew_draft(session, draft, lifetime)


def renew_draft(session: Session, draft: OpenDraft, lifetime: timedelta) -> None:
    """Slide the expiry: every post of the draft (the form, back to edit, a send that
    could not happen) keeps it ``lifetime`` from now, so a writer at work never loses it.

    The expiry is the first midnight UTC at least ``lifetime`` away (issue 18):
    the row tells on which day the reporter last saved, not the hour, and an
    abandoned draft is purged at most a day later than its lifetime alone."""
    draft.row.expires_at = coarse_expiry(lifetime, DAY)
    session.flush()


def validate_choice(session: Session, unit_id: int | None, category_id: int | None) -> None:
    """Refuse a unit that does not exist or was retired, and a category not offered."""
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and (unit is None or not unit.active):
        raise IntakeError("bad_unit")
    category = session.get(Category, category_id) if category_id is not None else None
    if category is None or not category.active:
        raise IntakeError("bad_category")


def target_unit(session: Session, payload: DraftPayload) -> int:
    """The unit chosen, or for "not sure" the intake unit the administrators set."""
    if payload.unit_id is not None:
        return payload.unit_id
    intake = unit_admin.intake_unit(session)
    if intake is None:
        raise IntakeError("not_ready")
    return intake.id


@dataclass(frozen=True)
class Submitted:
    receipt: str
    case: Case
    storage_names: list[str]


def submit(
    session: Session,
    draft: OpenDraft,
    excluded_staff_ids: set[int],
    deadlines: Deadlines,
    installation_salt: bytes,
    params: Argon2Params,
    *,
    gate: Argon2Gate | None = None,
    checkpoint: Callable[[str], None] = lambda _step: None,
    route_up: int | None = None,
    caps: disk_caps.DiskCaps | None = None,
) -> Submitted:
    """Create the case from a draft; the caller commits and then promotes the files.

    Refused with ``no_supervisor`` or ``excluded_supervisors`` before anything
    is written unless a supervisor receives it (``services.cases.delivery``);
    ``route_up`` files it to the unit above that the reporter accepted
    instead (``services.cases.routing``), ``bad_route`` if it can no longer take it.
    ``caps`` are checked again here (``draft_files_full``): a draft stored
    under other caps, or by a post that slipped past them, never becomes a
    case holding more than they allow.

    ``checkpoint("encrypted")`` runs once every key is wrapped and every
    record sealed and flushed, before anything is committed (the crash tests
    kill the process there; see ``wbs_app.checkpoints``).
    """
    payload = draft.payload
    if payload is None:
        raise IntakeError("draft_gone")
    validate_choice(session, payload.unit_id, payload.category_id)
    if payload.category_id is None or not payload.report.get("what", "").strip():
        raise IntakeError("incomplete")
    if caps is not None:
        try:
            disk_caps.check_draft([info.size for info in payload.files], caps)
        except disk_caps.TooManyFiles as full:
            raise IntakeError(full.code) from None
    unit_id = target_unit(session, payload)
    _route(session, unit_id, excluded_staff_ids, route_up)  # refused before the Argon2 run

    receipt = generate_code()
    with slot_between_transactions(session, gate, patient=True) as run:
        code_secrets = run(
            derive_code_secrets, receipt, CodeKind.RECEIPT, installation_salt, params
        )
    # Read again, under the lock every reset and deactivation takes: whoever
    # left meanwhile must not be the case's only way in.
    serialise(session, Lock.HOLDERS)
    route = _route(session, unit_id, excluded_staff_ids, route_up)
    reporter = Identity.from_seed(code_secrets.identity_seed).public()
    try:
        filed = filing.file_case(
            session,
            filing.NewCase(
                uid=draft.case_uid,
                reporter_key=draft.key,
                lookup=lookup_hash(code_secrets.lookup_id),
                reporter=reporter,
                category_id=payload.category_id,
                received_on=today(),
                report=payload.report,
                identity=payload.identity,
                files=payload.files,
            ),
            route,
            excluded_staff_ids,
            deadlines,
        )
    except filing.FilingRefused as refused:
        raise IntakeError(refused.code) from None
    case, names = filed.case, filed.storage_names
    deleted = session.execute(
        delete(SubmissionDraft).where(SubmissionDraft.id_hash == draft.row.id_hash)
    )
    if getattr(deleted, "rowcount", 1) != 1:
        # Sent twice at once: the other request made the case while this one waited.
        raise IntakeError("draft_gone")
    session.flush()
    checkpoint("encrypted")
    return Submitted(receipt=receipt, case=case, storage_names=names)


def _route(
    session: Session, unit_id: int, excluded: set[int], route_up: int | None
) -> routing.Route:
    try:
        return routing.plan(session, unit_id, excluded, route_up)
    except routing.RouteRefused as refused:
        raise IntakeError(refused.code) from None  # nothing is written: the draft stays
