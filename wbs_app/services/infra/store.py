"""The attachment store: ciphertext files on disk, made all-or-nothing with the database.

A file is written encrypted to ``pending/`` while it uploads. The transaction
that creates its ``Attachment`` row commits first; only then is the file
moved to ``files/`` (``promote``). A draft's files wait in ``pending/`` with a
``pending_files`` row until the draft is sent or expires. The sweep
(``wbs_app.services.infra.sweep``) reconciles the folders with the database after a
crash; it uses the primitives here and never deletes from ``files/``: what
the database does not know goes to ``quarantine/``.

Every pending file is locked (``flock``) by the request writing it, from its
creation until that request has committed it (or given it up): a sweep, in
any process on the host, leaves a locked file alone, so an upload still
streaming in, or written but not yet committed, is never moved. A writer
that dies (crash, ``kill -9``) loses its lock with its process, so what it
left behind is swept at once. The store never sees plaintext.
"""

from __future__ import annotations

import enum
import fcntl
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

STORAGE_NAME_BYTES = 24
QUARANTINE = "quarantine"

log = logging.getLogger("wbs_app.store")


class Folder(enum.Enum):
    """Where a stored file is: uploaded and waiting, or attached to a case."""

    PENDING = "pending"
    FILES = "files"


class Hold(enum.Enum):
    """What ``AttachmentStore.hold_pending`` found."""

    HELD = "held"  # the sweep holds the file's lock: no writer has it
    WRITING = "writing"  # a live request holds it: leave the file alone
    GONE = "gone"  # moved or removed meanwhile


class PendingWrite:
    """A new pending file: ``handle`` takes ciphertext; the lock lasts until ``release``.

    The lock is held on a second descriptor of the same open file, so closing
    ``handle`` when the stream ends keeps it: the request releases it once
    the file is committed (or discarded), at the end of the request.
    """

    def __init__(self, name: str, handle: BinaryIO, lock_fd: int) -> None:
        self.name = name
        self.handle = handle
        self._lock_fd = lock_fd

    def release(self) -> None:
        """Drop the lock; the handle too, should a failed write have left it open."""
        self.handle.close()
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.pending = root / Folder.PENDING.value
        self.files = root / Folder.FILES.value
        self.quarantine = root / QUARANTINE
        for folder in (
            self.root,
            self.pending,
            self.files,
            self.quarantine,
            *(self.quarantine / where.value for where in Folder),
        ):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    @staticmethod
    def new_name() -> str:
        return secrets.token_hex(STORAGE_NAME_BYTES)

    def folder(self, where: Folder) -> Path:
        return self.pending if where is Folder.PENDING else self.files

    def _pending_path(self, name: str) -> Path:
        return self.pending / _checked(name)

    def _file_path(self, name: str) -> Path:
        return self.files / _checked(name)

    def names(self, where: Folder) -> set[str]:
        """The storage names in a folder; anything else there is not ours and is left alone."""
        return {
            path.name
            for path in self.folder(where).iterdir()
            if is_storage_name(path.name) and path.is_file()
        }

    def create_pending(self) -> PendingWrite:
        """A new pending file for ciphertext (exclusive create, mode 0600), locked.

        Between the create and the lock a sweep could see the file unlocked
        and move it; the name is then no longer this file's, and a new one is
        taken. Once locked, no sweep touches it.
        """
        for _attempt in range(5):
            name = self.new_name()
            path = self._pending_path(name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _still_at(path, fd):
                return PendingWrite(name, os.fdopen(fd, "wb"), os.dup(fd))
            os.close(fd)
        raise RuntimeError("pending files keep disappearing: is a sweep misbehaving?")

    @contextmanager
    def open_pending(self, name: str) -> Iterator[BinaryIO]:
        """Read a pending file's ciphertext (a kept message's file, to re-encrypt it)."""
        with self._pending_path(name).open("rb") as handle:
            yield handle

    def discard_pending(self, name: str) -> None:
        self._pending_path(name).unlink(missing_ok=True)

    @contextmanager
    def hold_pending(self, name: str) -> Iterator[Hold]:
        """Take a pending file's lock for the sweep unless a writer holds it (never waits)."""
        path = self._pending_path(name)
        try:
            fd = os.open(path, os.O_RDWR)  # write access: NFS maps flock to a write lock
        except FileNotFoundError:
            yield Hold.GONE
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield Hold.WRITING
                return
            yield Hold.HELD if _still_at(path, fd) else Hold.GONE
        finally:
            os.close(fd)

    def promote(self, name: str) -> None:
        """Move a committed attachment's file into place (durably: fsync, rename, fsync dir).

        The request that committed it and a sweep may both try; whichever
        comes second finds the file already in place.
        """
        source, target = self._pending_path(name), self._file_path(name)
        try:
            with source.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(source, target)
        except FileNotFoundError:
            if not target.exists():  # not promoted already: lost
                log.error("a committed attachment's file is missing from the store")
            return
        _fsync_dir(self.files)

    def quarantine_file(self, where: Folder, name: str) -> bool:
        """Move a file the database does not know to ``quarantine/<folder>/``, durably.

        Nothing is overwritten: a name already in quarantine gets a numbered
        suffix. Only sweeps move files there, one at a time (they hold the
        sweep's database lock), so the check and the rename do not race.
        False if the file was gone already.
        """
        source = self.folder(where) / _checked(name)
        target_dir = self.quarantine / where.value
        target, copies = target_dir / name, 0
        while target.exists():
            copies += 1
            target = target_dir / f"{name}.{copies}"
        try:
            with source.open("rb") as handle:
                os.fsync(handle.fileno())
            os.rename(source, target)
        except FileNotFoundError:
            return False
        _fsync_dir(target_dir)
        _fsync_dir(source.parent)
        return True

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with self._file_path(name).open("rb") as handle:
            yield handle


def is_storage_name(name: str) -> bool:
    return len(name) == 2 * STORAGE_NAME_BYTES and all(c in "0123456789abcdef" for c in name)


def _checked(name: str) -> str:
    if not is_storage_name(name):
        raise ValueError("not a storage name")
    return name


def _still_at(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (a sweep may have moved it)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (found.st_dev, found.st_ino) == (opened.st_dev, opened.st_ino)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
