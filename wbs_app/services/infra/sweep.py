"""The attachment sweep: reconcile the store's folders with the database, losing nothing.

A crash can leave a committed case whose files still wait in ``pending/``
(the sweep moves them into place), the ciphertext of an upload whose
request died (the database does not know it), and drafts that expired with
their files. The sweep runs at every gunicorn start and may run at any time
beside live servers, on one database shared by several of them, so:

- It holds a database lock for its whole transaction (a PostgreSQL advisory
  lock; SQLite's write lock), so two sweeps never act at once.
- It lists the folders before it reads the database, and checks each file
  again, under that lock and the file's own lock, right before it acts: a
  file is in ``files/`` only after its row was committed, so a file listed
  first is known to any later read if it is known at all; and a request
  keeps its pending files locked until it has committed them
  (``AttachmentStore.create_pending``), so an upload in progress on any
  server is left alone, whatever its age.
- It deletes only what the database knows to be abandoned (the files of
  expired drafts), and only after the transaction that forgets them has
  committed: a sweep that fails midway leaves every file of every row it
  did not get to delete. A file the database does not know is moved to
  ``quarantine/``, never deleted. When more than ``max_unknown`` files in
  ``files/`` are unknown, or more than it knows, the database is
  more likely wrong than the files (a wrong ``WBS_DATABASE_URL``, an older
  restore): the sweep then changes nothing and says so.

No file name is logged: counts only.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from wbs_app.models import Attachment, HeldMessage, PendingFile, SubmissionDraft
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.store import AttachmentStore, Folder, Hold
from wbs_app.services.infra.transactions import (
    DatabaseFailure,
    Lock,
    begin_write,
    database_failure,
    serialise,
)

_CHUNK = 500  # names per IN (...) query

log = logging.getLogger("wbs_app.sweep")


class SweepBusy(Exception):
    """Another sweep held the lock for longer than the wait: this one did nothing."""


class Verdict(enum.Enum):
    KEEP = "keep"  # attached and in place, or a live draft's file
    PROMOTE = "promote"  # committed, still in pending/
    DISCARD = "discard"  # an expired draft's file: the database knows it is abandoned
    QUARANTINE = "quarantine"  # the database does not know it


@dataclass
class SweepResult:
    promoted: int = 0
    quarantined: int = 0
    discarded: int = 0
    in_progress: int = 0
    unknown_files: int = 0  # in files/, found by the survey
    known_files: int = 0  # in files/, attached
    refused: bool = False

    def summary(self) -> str:
        return (
            f"sweep: {self.promoted} files moved into place, {self.quarantined} unknown files "
            f"quarantined, {self.discarded} files of expired drafts removed, "
            f"{self.in_progress} uploads in progress left alone"
        )


def refuses(unknown: int, known: int, max_unknown: int) -> bool:
    """Whether so many stored files are unknown that the database is the likelier mistake.

    A file reaches ``files/`` only after its attachment row was committed, so
    no crash leaves an unknown one there: they come from another database or
    another backup. More than ``max_unknown`` of them, or more than the
    database knows (a small office's wrong database knows none), and the
    sweep changes nothing.
    """
    return unknown > max_unknown or unknown > known


def refusal(unknown: int, known: int, max_unknown: int) -> str:
    """What the log and ``wbs sweep`` say when the sweep will not act (counts only)."""
    return (
        f"{unknown} stored files are unknown to this database, which knows {known} (more than "
        f"SWEEP_MAX_UNKNOWN = {max_unknown}, or more than it knows): nothing was "
        "moved or deleted. The server is most "
        "likely connected to the wrong database (check WBS_DATABASE_URL) or to an older "
        "restore of it than of the attachment folder. Point it at the right database, or "
        "restore the database backup that matches the files. Only if the database is right "
        "and these files belong to no case, run `flask --app wsgi wbs sweep "
        "--quarantine-unknown` to move them into quarantine/ in the attachment folder."
    )


def sweep(
    session: Session,
    store: AttachmentStore,
    *,
    max_unknown: int,
    lock_wait: timedelta,
    quarantine_unknown: bool = False,
) -> SweepResult:
    """Promote committed files, quarantine unknown ones, drop expired drafts and their files.

    One unit of work of its own: whatever the session held is committed
    first, and the sweep commits (releasing its lock) before it removes the
    files of the drafts it forgot. Safe to call repeatedly and beside live
    servers. Raises ``SweepBusy`` when another sweep, or a request it waits
    for, holds a lock past ``lock_wait``; nothing is changed then.
    """
    try:
        result, abandoned = _reconcile(session, store, max_unknown, quarantine_unknown, lock_wait)
        session.commit()
    except OperationalError as error:
        session.rollback()
        if database_failure(error) is DatabaseFailure.BUSY:
            raise SweepBusy from None
        raise
    for name in abandoned:  # forgotten for good now: a crash here leaves unknown files
        store.discard_pending(name)
    result.discarded = len(abandoned)
    return result


def _reconcile(
    session: Session,
    store: AttachmentStore,
    max_unknown: int,
    quarantine_unknown: bool,
    lock_wait: timedelta,
) -> tuple[SweepResult, list[str]]:
    """Everything but removing the abandoned files, whose names it returns."""
    _take_lock(session, lock_wait)
    now = utcnow()
    listed = {where: store.names(where) for where in Folder}  # before any read of the rows
    attached = _attached(session, listed[Folder.PENDING] | listed[Folder.FILES])
    claims = _claims(session, listed[Folder.PENDING], now)
    plan = {
        where: {
            name: _verdict(where, name in attached, claims.get(name, _NO_CLAIM)) for name in names
        }
        for where, names in listed.items()
    }
    result = SweepResult()
    verdicts = list(plan[Folder.FILES].values())
    result.unknown_files = verdicts.count(Verdict.QUARANTINE)
    result.known_files = len(verdicts) - result.unknown_files
    if not quarantine_unknown and refuses(result.unknown_files, result.known_files, max_unknown):
        result.refused = True
        log.warning("%s", refusal(result.unknown_files, result.known_files, max_unknown))
        return result, []

    session.execute(delete(SubmissionDraft).where(SubmissionDraft.expires_at <= now))
    # Kept messages (services.codes.held) expire like drafts; their files lose their claim.
    session.execute(delete(HeldMessage).where(HeldMessage.expires_at <= now))
    abandoned: list[str] = []
    for name, verdict in plan[Folder.PENDING].items():
        if verdict is not Verdict.KEEP:
            _settle_pending(session, store, name, now, result, abandoned)
    for name, verdict in plan[Folder.FILES].items():
        if verdict is Verdict.QUARANTINE and not _attached(session, [name]):
            result.quarantined += store.quarantine_file(Folder.FILES, name)
    _forget_abandoned_rows(session, store)
    session.flush()
    if result.quarantined:
        log.warning("the sweep moved %d unknown files into quarantine/", result.quarantined)
    return result, abandoned


def _take_lock(session: Session, lock_wait: timedelta) -> None:
    """Hold the sweep's lock to the end of the transaction, waiting at most ``lock_wait``.

    On PostgreSQL the transaction is READ COMMITTED whatever the server's
    default, so that each re-check sees every commit made before it.
    """
    try:
        begin_write(session)  # SQLite: BEGIN IMMEDIATE, within the busy timeout
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))
            wait_ms = max(1, int(lock_wait.total_seconds() * 1000))
            session.execute(select(func.set_config("lock_timeout", f"{wait_ms}ms", True)))
            serialise(session, Lock.SWEEP)
        else:
            session.execute(select(1))
    except OperationalError as error:
        if database_failure(error) is DatabaseFailure.BUSY:
            raise SweepBusy from None
        raise


@dataclass(frozen=True)
class _Claim:
    exists: bool
    live: bool


_NO_CLAIM = _Claim(exists=False, live=False)


def _verdict(where: Folder, attached: bool, claim: _Claim) -> Verdict:
    if where is Folder.FILES:
        return Verdict.KEEP if attached else Verdict.QUARANTINE
    if attached:
        return Verdict.PROMOTE
    if claim.live:
        return Verdict.KEEP
    return Verdict.DISCARD if claim.exists else Verdict.QUARANTINE


def _settle_pending(
    session: Session,
    store: AttachmentStore,
    name: str,
    now: datetime,
    result: SweepResult,
    abandoned: list[str],
) -> None:
    """Act on one pending file under its lock, after reading its rows again.

    An abandoned file (an expired draft's) is only noted: it is removed after
    the commit that forgets its draft.
    """
    with store.hold_pending(name) as hold:
        if hold is Hold.WRITING:
            result.in_progress += 1
            return
        if hold is Hold.GONE:
            return
        # The claim first, locked: a send committing this file is waited for;
        # then the attachment, read after it, sees that commit.
        claim = _claims(session, [name], now, lock=True).get(name, _NO_CLAIM)
        verdict = _verdict(Folder.PENDING, bool(_attached(session, [name])), claim)
        if verdict is Verdict.PROMOTE:
            store.promote(name)
            result.promoted += 1
        elif verdict is Verdict.DISCARD:
            abandoned.append(name)
        elif verdict is Verdict.QUARANTINE:
            result.quarantined += store.quarantine_file(Folder.PENDING, name)
        if verdict is not Verdict.KEEP:
            session.execute(delete(PendingFile).where(PendingFile.storage_name == name))


def _attached(session: Session, names: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(names):
        found.update(
            session.scalars(
                select(Attachment.storage_name).where(Attachment.storage_name.in_(chunk))
            )
        )
    return found


def _claims(
    session: Session, names: Iterable[str], now: datetime, lock: bool = False
) -> dict[str, _Claim]:
    """The pending_files rows of ``names``: is their draft or kept message alive at ``now``?"""
    claims: dict[str, _Claim] = {}
    for chunk in _chunks(names):
        query = (
            select(PendingFile.storage_name, SubmissionDraft.expires_at, HeldMessage.expires_at)
            .outerjoin(SubmissionDraft, SubmissionDraft.id_hash == PendingFile.draft_id_hash)
            .outerjoin(HeldMessage, HeldMessage.id_hash == PendingFile.held_id_hash)
            .where(PendingFile.storage_name.in_(chunk))
        )
        if lock:
            query = query.with_for_update(of=PendingFile)
        for name, draft_expires, held_expires in session.execute(query):
            live = any(when is not None and when > now for when in (draft_expires, held_expires))
            claims[name] = _Claim(exists=True, live=live)
    return claims


def _forget_abandoned_rows(session: Session, store: AttachmentStore) -> None:
    """Rows of expired drafts' and kept messages' files no longer on disk (removed, or lost)."""
    on_disk = store.names(Folder.PENDING)
    orphaned = [
        name
        for name in session.scalars(
            select(PendingFile.storage_name).where(
                PendingFile.draft_id_hash.is_(None), PendingFile.held_id_hash.is_(None)
            )
        )
        if name not in on_disk
    ]
    for chunk in _chunks(orphaned):
        session.execute(delete(PendingFile).where(PendingFile.storage_name.in_(chunk)))


def _chunks(names: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(names)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]
