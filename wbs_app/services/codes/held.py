"""Typed text kept after its session ended: a reply or a statement waiting for its code.

A reporter (or respondent) may write for longer than the session lasts (idle
or absolute expiry, or a cookie the browser lost). The post is received all
the same: its files are encrypted under a fresh random key as they stream in,
its text and file list are sealed under that key, and the key's only copy
goes back to the writer in the code page (the ``held`` field: token + key,
built like a session cookie by ``services.infra.sessions``). The database alone
cannot read a kept message and the page alone has nothing to read; neither
names a case, an invitation or a code, and no code is stored. The sealed
message carries its form's ``binding_for`` tag, so it is sent only to the
case (or invitation) it was written to, whatever code comes back.

Once the code opened a session again, ``claim`` renews the kept message (so
that no sweep takes it meanwhile) and ``deliver`` re-encrypts its files to the
audience key as streams, one chunk in memory and no transaction open, then
adds the message through the zone's own service and forgets the kept one, in
the caller's write transaction. What remains of it then is its outcome
(``sent`` or ``refused``), so that the same page posted again says so. Kept
messages expire like drafts: the sweep removes them ``DRAFT_HOURS`` after the
last try, and their files with them.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crypto import (
    DecryptionError,
    RecordContext,
    StreamDecryptor,
    StreamEncryptor,
    derive_key,
    open_record,
    seal_record,
)
from wbs_app.models import HeldMessage, PendingFile
from wbs_app.services.cases.case_keys import file_context
from wbs_app.services.cases.case_records import FileInfo, rounded_size
from wbs_app.services.infra import sessions
from wbs_app.services.infra.clock import DAY, coarse_expiry, floor_to, utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.store import AttachmentStore, PendingWrite
from wbs_app.services.infra.transactions import begin_write, release_snapshot

REPORTER = "reporter"  # a reply to the reporter thread, sent by a receipt
RESPONDENT = "respondent"  # a defence statement, sent by an invitation code
RETALIATION = "retaliation"  # a reporter's report of retaliation, sent by a receipt
KINDS = (REPORTER, RESPONDENT, RETALIATION)


class HeldGone(DomainError):
    """The kept message cannot be sent (again): its ``code`` says why.

    ``gone``: never kept, or expired and swept; ``sent`` and ``refused``: a
    code already came back for it (the same page posted twice, say), and the
    case took it or refused it; ``damaged``: one of its files is unreadable.
    """

    codes = ("sent", "refused")  # outcomes stored with the kept message


class NothingToKeep(DomainError):
    """The post had neither text nor a file, or came from no page of ours (no binding)."""

    code = "nothing_to_keep"


class HeldElsewhere(DomainError):
    """The code opened another case or invitation than the one the message was written to.

    Nothing is sent and the message stays kept: a reporter holding two
    receipts (or an official two invitations) must never see text meant for
    one delivered to the other, whose handlers may be other people.
    """

    code = "held_elsewhere"


BINDING_LABEL = "lentera/kept/v1/binding"


def binding_for(audience_key: bytes) -> str:
    """What the reply or statement form carries: a tag of the key it is written under.

    A kept message names no case (the database must not link it to one), so
    the form drawn in the live session carries this tag; the message is sent
    only where the opened key gives the same tag. Derived with HKDF, it tells
    nothing of the key, and nobody without the key can make one that matches.
    """
    return derive_key(audience_key, BINDING_LABEL)[:16].hex()


@dataclass
class HeldPayload:
    text: str
    files: list[FileInfo] = field(default_factory=list)
    binding: str = ""

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> HeldPayload:
        data = json.loads(raw)
        return cls(
            text=data["text"],
            files=[FileInfo(**item) for item in data["files"]],
            binding=data.get("binding", ""),
        )


@dataclass(frozen=True)
class OpenHeld:
    row: HeldMessage
    secret: sessions.SessionSecret
    payload: HeldPayload

    @property
    def key(self) -> bytes:
        return self.secret.key

    @property
    def uid(self) -> str:
        return self.row.uid


@dataclass(frozen=True)
class Delivery:
    """After the caller's commit: move ``promote`` into place, delete ``discard``.

    ``refusal`` is the zone's answer when the case or invitation no longer
    takes the message (closed, past its deadline): the kept message is then
    dropped, as the same post from a live session would be.
    """

    promote: list[str]
    discard: list[str]
    refusal: DomainError | None = None
    # The re-encrypted files' locks against the sweep: released by the caller
    # once it has committed and promoted (``AttachmentStore.create_pending``).
    writes: list[PendingWrite] = field(default_factory=list)


def _context(row: HeldMessage, secret: sessions.SessionSecret) -> RecordContext:
    return RecordContext(row.uid, f"held/{row.kind}", secret.id_hash.hex())


def start(kind: str, lifetime: timedelta) -> OpenHeld:
    """A new kept message, not yet stored: its key and uid encrypt the files as they arrive."""
    if kind not in KINDS:
        raise ValueError("not a kind of kept message")
    secret = sessions.new_secret()
    row = HeldMessage(
        id_hash=secret.id_hash,
        kind=kind,
        uid=secrets.token_hex(16),
        sealed_payload=b"",
        expires_at=coarse_expiry(lifetime, DAY),
    )
    return OpenHeld(row, secret, HeldPayload(""))


def keep(
    session: Session, held: OpenHeld, text: str, files: list[FileInfo], binding: str
) -> OpenHeld:
    """Store a kept message made by ``start`` once the whole body has arrived.

    ``binding`` is the form's ``binding_for`` tag; a post without one came from
    no form of ours and is not kept.
    """
    if (not text.strip() and not files) or len(binding) != 32:
        raise NothingToKeep()
    payload = HeldPayload(text, files, binding)
    held.row.sealed_payload = seal_record(
        held.key, payload.to_bytes(), _context(held.row, held.secret)
    )
    session.add(held.row)
    session.flush()
    now = floor_to(utcnow(), DAY)
    for info in files:
        session.add(
            PendingFile(
                storage_name=info.storage_name,
                held_id_hash=held.row.id_hash,
                created_at=now,
                size_rounded=rounded_size(info.size),  # counted in the unsent files' budget
            )
        )
    session.flush()
    return OpenHeld(held.row, held.secret, payload)


def kind_of(session: Session, field_value: str | None) -> str | None:
    """Which kind of kept message a code page's ``held`` field names (None: none kept).

    One receipt login sends a reply or a report of retaliation; the kind
    says which service takes it. It opens nothing: ``open_held`` checks the key.
    """
    secret = sessions.parse_cookie(field_value)
    row = session.get(HeldMessage, secret.id_hash) if secret else None
    return None if row is None else row.kind


def open_held(session: Session, kind: str, field_value: str | None) -> OpenHeld:
    """The kept message a code page's ``held`` field names, or ``HeldGone('gone')``."""
    secret = sessions.parse_cookie(field_value)
    row = session.get(HeldMessage, secret.id_hash, populate_existing=True) if secret else None
    if secret is None or row is None or row.kind != kind:
        raise HeldGone("gone")
    if row.outcome is not None:
        raise HeldGone(row.outcome)
    try:
        raw = open_record(secret.key, row.sealed_payload, _context(row, secret))
    except DecryptionError:
        raise HeldGone("gone") from None
    return OpenHeld(row, secret, HeldPayload.from_bytes(raw))


def claim(session: Session, kind: str, field_value: str | None, lifetime: timedelta) -> OpenHeld:
    """Open a kept message and renew it; the caller commits before ``deliver``.

    Like a draft, a kept message lives ``lifetime`` after its writer last
    touched it; renewed here, it cannot expire while its files are re-encrypted.
    """
    held = open_held(session, kind, field_value)
    held.row.expires_at = coarse_expiry(lifetime, DAY)
    session.flush()
    return held


def deliver(
    session: Session,
    store: AttachmentStore,
    held: OpenHeld,
    key: bytes,
    uid: str,
    add: Callable[[str, list[FileInfo]], list[str]],
) -> Delivery:
    """Send a claimed kept message with ``add(text, files)``, the zone's own service call.

    The files are re-encrypted to ``key`` (bound to ``uid``, the case's)
    before any transaction begins: a file of 100 MiB takes a while, and no
    write lock may be held across it. Then, in one write transaction the
    caller commits, ``add`` stores the message and the kept one is settled;
    ``HeldGone`` with the other's outcome if another request settled it meanwhile.
    """
    if not hmac.compare_digest(held.payload.binding, binding_for(key)):
        raise HeldElsewhere()
    release_snapshot(session)
    try:
        writes, files = _reencrypt(store, held, key, uid)
    except HeldGone:
        # Its files may be gone because another request sent it meanwhile.
        raise HeldGone(_outcome(session, held) or "damaged") from None
    fresh = [info.storage_name for info in files]
    refusal: DomainError | None = None
    try:
        begin_write(session)
        session.expire_all()  # the case may have changed while the files were re-encrypted
        try:
            with session.begin_nested():
                promote = add(held.payload.text, files)
        except DomainError as error:
            refusal, promote = error, []
        discard = _settle(session, held, "sent" if refusal is None else "refused")
    except BaseException:
        _discard(store, fresh, writes)
        raise
    if refusal is not None:
        _discard(store, fresh, writes)
        writes = []
    return Delivery(promote, discard, refusal, writes)


def _reencrypt(
    store: AttachmentStore, held: OpenHeld, key: bytes, uid: str
) -> tuple[list[PendingWrite], list[FileInfo]]:
    """Each kept file decrypted and encrypted again as a stream, into a new pending file.

    The new files stay locked against the sweep (their ``PendingWrite``) until
    the caller has committed and promoted them.
    """
    writes: list[PendingWrite] = []
    made: list[FileInfo] = []
    try:
        for info in held.payload.files:
            pending = store.create_pending()
            writes.append(pending)
            made.append(FileInfo(pending.name, info.filename, info.content_type, info.size))
            # The new file's handle first: it is closed even if the kept one is gone.
            with pending.handle as sink, store.open_pending(info.storage_name) as source:
                encryptor = StreamEncryptor(key, sink, file_context(uid, pending.name))
                kept = file_context(held.uid, info.storage_name)
                for chunk in StreamDecryptor(held.key, source, kept):
                    encryptor.write(chunk)
                encryptor.close()
    except (OSError, DecryptionError):
        _discard(store, [info.storage_name for info in made], writes)
        raise HeldGone("damaged") from None
    except BaseException:
        _discard(store, [info.storage_name for info in made], writes)
        raise
    return writes, made


def _settle(session: Session, held: OpenHeld, outcome: str) -> list[str]:
    """Erase the kept message, keeping only its outcome until it expires; its files go after.

    The update claims the row: of two requests sending the same kept message
    at once, the second finds it settled and gets ``HeldGone`` with the
    first one's outcome.
    """
    id_hash = held.secret.id_hash  # not the row's: expire_all() unloaded it, it may be gone
    settled = session.execute(
        update(HeldMessage)
        .where(HeldMessage.id_hash == id_hash, HeldMessage.outcome.is_(None))
        .values(outcome=outcome, sealed_payload=b"")
    )
    if getattr(settled, "rowcount", 1) != 1:
        raise HeldGone(_outcome(session, held) or "gone")
    names = [info.storage_name for info in held.payload.files]
    if names:
        session.execute(delete(PendingFile).where(PendingFile.storage_name.in_(names)))
    session.flush()
    return names


def _outcome(session: Session, held: OpenHeld) -> str | None:
    """What became of the kept message meanwhile, as stored now (None: still waiting)."""
    query = select(HeldMessage.outcome).where(HeldMessage.id_hash == held.secret.id_hash)
    outcome: str | None = session.scalar(query)
    return outcome


def _discard(
    store: AttachmentStore, names: list[str], writes: list[PendingWrite] | None = None
) -> None:
    for name in names:
        store.discard_pending(name)
    for pending in writes or []:
        pending.release()
