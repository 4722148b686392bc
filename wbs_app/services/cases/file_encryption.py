"""Files from the moment they arrive to their place in the store: encrypted, committed, promoted.

Plaintext file bytes exist only in memory, one chunk at a time:
``EncryptingSink`` feeds them to ``crypto.StreamEncryptor`` writing a pending
ciphertext file, under the key and file context of the case they belong to.
Whoever receives them (the web's streamed forms, the demo) knows no crypto
and no file format, only this sink.

``commit_and_promote`` is the one order in which a submission is made
durable: the rows first, then the files moved into place, then their locks
released. A crash before the commit leaves files the database never knew
(the sweep quarantines them); a crash after it leaves committed files in
``pending/`` (the sweep promotes them); a lock released before the commit
would let a sweep take a file the commit is about to name. Each step calls
``checkpoint`` with the names the crash tests kill at (``config.CRASH_POINTS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.orm import Session

from crypto import StreamEncryptor
from wbs_app.checkpoints import Checkpoint, no_checkpoint
from wbs_app.services.cases.case_keys import file_context
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.infra.store import AttachmentStore, PendingWrite


class Lock(Protocol):
    """A pending file's lock against the sweep (a ``PendingWrite`` or a sink)."""

    def release(self) -> None: ...


class EncryptingSink:
    """Encrypts one file into a new pending file of the store; ``discard`` removes it."""

    def __init__(
        self,
        store: AttachmentStore,
        key: bytes,
        case_uid: str,
        checkpoint: Checkpoint = no_checkpoint,
    ) -> None:
        self.store = store
        self._checkpoint = checkpoint
        self.pending: PendingWrite = store.create_pending()
        self.storage_name = self.pending.name
        self._handle = self.pending.handle
        self._encryptor = StreamEncryptor(
            key, self._handle, file_context(case_uid, self.storage_name)
        )

    def write(self, data: bytes) -> int:
        written = self._encryptor.write(data)
        self._checkpoint("stream")  # mid-file: some ciphertext is in pending/, not all
        return written

    def close(self) -> None:
        if not self._handle.closed:
            self._encryptor.close()
            self._handle.close()

    def discard(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.store.discard_pending(self.storage_name)
        self.release()

    def release(self) -> None:
        """Let the sweep see the file: it is committed, claimed by a draft, or given up."""
        if not self._handle.closed:
            self._handle.close()
        self.pending.release()

    def file_info(self, filename: str, content_type: str, size: int) -> FileInfo:
        """What the case's records say of this file, once it is whole."""
        return FileInfo(self.storage_name, filename, content_type, size)


def encrypt_whole(
    store: AttachmentStore,
    key: bytes,
    case_uid: str,
    filename: str,
    content_type: str,
    content: bytes,
) -> tuple[FileInfo, PendingWrite]:
    """A file already in memory (the demo's evidence), encrypted as an upload would be.

    The ``PendingWrite`` is the file's lock: pass it to ``commit_and_promote``.
    """
    sink = EncryptingSink(store, key, case_uid)
    try:
        sink.write(content)
        sink.close()
    except BaseException:
        sink.discard()
        raise
    return sink.file_info(filename, content_type, len(content)), sink.pending


def commit_and_promote(
    session: Session,
    store: AttachmentStore,
    promote: Iterable[str],
    *,
    discard: Iterable[str] = (),
    locks: Iterable[Lock] = (),
    checkpoint: Checkpoint = no_checkpoint,
) -> None:
    """Commit, move the committed files into place, delete the given-up ones, release locks.

    ``promote`` are the files the committed rows name, ``discard`` pending
    files no row names any more (removed from a draft, a kept message's old
    copies), ``locks`` every pending file this caller wrote, released even
    if a step fails (a lock kept by a failed request would hide its file from
    the sweep until the process ends).
    """
    try:
        checkpoint("before_commit")
        session.commit()
        checkpoint("after_commit")  # the rows exist; their files still wait in pending/
        for name in promote:
            store.promote(name)
        checkpoint("promoted")  # everything is in place
        for name in discard:
            store.discard_pending(name)
    finally:
        # Committed or not, these files are settled: what the database names
        # the sweep promotes, what it does not it quarantines.
        for lock in locks:
            lock.release()
