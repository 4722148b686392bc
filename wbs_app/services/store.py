"""The attachment store: ciphertext files on disk, made all-or-nothing with the database.

A file is written encrypted to ``pending/`` while it uploads, and registered
in ``pending_files``. The transaction that creates its ``Attachment`` row also
deletes the pending registration; only after that commit is the file moved to
``files/``. ``sweep`` (run at start-up and periodically) finishes any move a
crash interrupted and deletes every file that no live draft, kept message
or attachment claims, so a crash at any point leaves either the whole case or no trace.
The store never sees plaintext: callers hand it ciphertext only.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from wbs_app.models import Attachment, HeldMessage, PendingFile, SubmissionDraft
from wbs_app.services.clock import utcnow

STORAGE_NAME_BYTES = 24
# Pending files younger than this are left alone by the sweep: their upload
# may still be running in another request.
UPLOAD_GRACE = timedelta(hours=1)

log = logging.getLogger("wbs_app.store")


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.pending = root / "pending"
        self.files = root / "files"
        for folder in (self.root, self.pending, self.files):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    @staticmethod
    def new_name() -> str:
        return secrets.token_hex(STORAGE_NAME_BYTES)

    def _pending_path(self, name: str) -> Path:
        return self.pending / _checked(name)

    def _file_path(self, name: str) -> Path:
        return self.files / _checked(name)

    def create_pending(self, name: str) -> BinaryIO:
        """Open a new pending file for ciphertext (exclusive create, mode 0600)."""
        fd = os.open(self._pending_path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        return os.fdopen(fd, "wb")

    @contextmanager
    def open_pending(self, name: str) -> Iterator[BinaryIO]:
        """Read a pending file's ciphertext (a kept message's file, to re-encrypt it)."""
        with self._pending_path(name).open("rb") as handle:
            yield handle

    def discard_pending(self, name: str) -> None:
        self._pending_path(name).unlink(missing_ok=True)

    def promote(self, name: str) -> None:
        """Move a committed attachment's file into place (durably: fsync, rename, fsync dir)."""
        source = self._pending_path(name)
        if not source.exists():
            if not self._file_path(name).exists():  # not promoted already: lost
                log.error("a committed attachment's file is missing from the store")
            return
        with source.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(source, self._file_path(name))
        _fsync_dir(self.files)

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with self._file_path(name).open("rb") as handle:
            yield handle

    def delete(self, name: str) -> None:
        self._file_path(name).unlink(missing_ok=True)
        self._pending_path(name).unlink(missing_ok=True)

    def sweep(self, session: Session, grace: timedelta = UPLOAD_GRACE) -> dict[str, int]:
        """Finish interrupted moves, drop expired drafts and kept messages, delete unclaimed files.

        Pending files younger than ``grace`` that no draft claims are left
        alone, since an upload may still be streaming into them. At start-up
        no request is running, so the start-up sweep passes ``grace=0`` and
        removes what a crash cut off mid-upload at once.
        """
        now = utcnow()
        expired = list(
            session.scalars(
                select(SubmissionDraft.id_hash).where(SubmissionDraft.expires_at <= now)
            )
        )
        if expired:
            session.execute(delete(SubmissionDraft).where(SubmissionDraft.id_hash.in_(expired)))
        # Kept messages (services.held) expire like drafts; their files lose their claim.
        session.execute(delete(HeldMessage).where(HeldMessage.expires_at <= now))
        attached = set(session.scalars(select(Attachment.storage_name)))
        owner = func.coalesce(PendingFile.draft_id_hash, PendingFile.held_id_hash)
        claimed = {
            name: (draft, created)
            for name, draft, created in session.execute(
                select(PendingFile.storage_name, owner, PendingFile.created_at)
            )
        }
        counts = {"promoted": 0, "deleted": 0}
        for path in self.pending.iterdir():
            name = path.name
            if name in attached:
                self.promote(name)
                session.execute(delete(PendingFile).where(PendingFile.storage_name == name))
                counts["promoted"] += 1
                continue
            entry = claimed.get(name)
            if entry is not None:
                draft, created = entry
                if draft is not None or created + grace > now:
                    continue
            elif now.timestamp() - path.stat().st_mtime < grace.total_seconds():
                continue
            path.unlink(missing_ok=True)
            session.execute(delete(PendingFile).where(PendingFile.storage_name == name))
            counts["deleted"] += 1
        for path in self.files.iterdir():
            if path.name not in attached:
                path.unlink(missing_ok=True)
                counts["deleted"] += 1
        session.flush()
        return counts


def _checked(name: str) -> str:
    if len(name) != 2 * STORAGE_NAME_BYTES or not all(c in "0123456789abcdef" for c in name):
        raise ValueError("not a storage name")
    return name


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
