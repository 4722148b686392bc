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

A file's times would say when a reporter uploaded it and when someone last
read it (issue 18): once a request is done with a file (``release``) its
modification and access times, and its folder's, are set to the day
(midnight UTC), moved files likewise, and files are read with
``O_NOATIME`` where the system allows. The change time cannot be set by a
process (docs/threat-model.md, "Metadata at rest").
"""

from __future__ import annotations

import enum
import fcntl
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from wbs_app.services.infra.clock import floor_to, utcnow

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

    def __init__(
        self, name: str, handle: BinaryIO, lock_fd: int, folders: tuple[Path, ...] = ()
    ) -> None:
        self.name = name
        self.handle = handle
        self._lock_fd = lock_fd
        self._folders = folders

    def release(self) -> None:
        """Drop the lock; the handle too, should a failed write have left it open.

        The file's times, wherever it is now (still pending, promoted, or
        deleted), and its folders' go to the day first: the lock's
        descriptor still names the file after a move.
        """
        self.handle.close()
        if self._lock_fd >= 0:
            to_the_day(self._lock_fd, *self._folders)
            os.close(self._lock_fd)
            self._lock_fd = -1


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.pending = root / Folder.PENDING.value
        self.files = root / Folder.FILES.value
        self.quarantine = root / QUARANTINE
        folders = (
            self.root,
            self.pending,
            self.files,
            self.quarantine,
            *(self.quarantine / where.value for where in Folder),
        )
        for folder in folders:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        to_the_day(*folders)  # no folder tells when the server started, or last changed

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
                folders = (self.pending, self.files)
                return PendingWrite(name, os.fdopen(fd, "wb"), os.dup(fd), folders)
            os.close(fd)
        raise RuntimeError("pending files keep disappearing: is a sweep misbehaving?")

    @contextmanager
    def open_pending(self, name: str) -> Iterator[BinaryIO]:
        """Read a pending file's ciphertext (a kept message's file, to re-encrypt it)."""
        with _open_quietly(self._pending_path(name)) as handle:
            yield handle

    def discard_pending(self, name: str) -> None:
        self._pending_path(name).unlink(missing_ok=True)
        to_the_day(self.pending)

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
        to_the_day(target, self.pending, self.files)
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
        to_the_day(target, target_dir, source.parent)
        _fsync_dir(target_dir)
        _fsync_dir(source.parent)
        return True

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        with _open_quietly(self._file_path(name)) as handle:
            yield handle


def to_the_day(*targets: int | Path) -> None:
    """Set files' (paths' or descriptors') access and modification times to midnight UTC today.

    Best effort: a file or folder gone meanwhile, or one that is not ours to
    change, keeps its times and never fails the request that touched it.
    """
    midnight = floor_to(utcnow(), timedelta(days=1)).timestamp()
    for target in targets:
        try:
            os.utime(target, (midnight, midnight))
        except OSError:
            continue


@contextmanager
def _open_quietly(path: Path) -> Iterator[BinaryIO]:
    """Open for reading without recording the access time (``O_NOATIME``, where allowed).

    Only the file's owner may ask for it; another user's file is opened the
    usual way.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOATIME", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
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
