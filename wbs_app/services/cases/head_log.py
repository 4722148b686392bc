"""The installation's head log: every journal append anchored under a key outside the database.

``journal._append`` calls ``record_head`` in the same transaction as each
entry: the case's head row (``CaseHead``) is updated and a link naming the
case, the entry's number and hash is added to one hash chain signed by the
installation key (``crypto.headlog``). A case deleted lawfully gets a
``deleted`` link first (``record_deletion``), so that the verifier can tell
it from a journal someone removed.

The key reaches this module through the session (``Session.info``, set by
``create_app`` from ``HEAD_LOG_SEED``; ``session_info``), because every service
that writes a journal entry takes a session and nothing else of the
installation: threading the key through each of them would change twenty
signatures for one concern. A session without it (a tool's bare ``Database``)
cannot append, loudly.

One chain, whatever the concurrency: the last link is read and the next
added under ``Lock.HEAD_LOG`` (a transaction-scoped advisory lock on
PostgreSQL, released at commit; on SQLite a writing transaction holds the one
write lock from its start), and ``position`` is the primary key, so two
appends that raced anyway could not both commit the same position.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from crypto import (
    Checkpoint,
    DecryptionError,
    HeadLink,
    InstallationKey,
    checkpoint_text,
    link_hash,
    log_genesis,
    make_checkpoint,
    sign_link,
)
from crypto.headlog import DELETED, HEAD, LINK_SIGNATURE_LABEL, TRUST_KINDS
from wbs_app.models import Case, CaseHead, HeadLogLink, JournalEntry, StaffMember, StaffRole
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.staff import audit

SESSION_KEY = "lentera.head_log_key"


class SupervisorsOnly(DomainError):
    """Only a supervisor hands the office's checkpoint to a witness."""

    code = "checkpoint_supervisors_only"


class NoInstallationKey(RuntimeError):
    """A journal append on a session made without the installation key (a programming error)."""


def session_info(key: InstallationKey) -> dict[str, InstallationKey]:
    """What ``Database(info=...)`` gives every session so that appends can sign."""
    return {SESSION_KEY: key}


def installation_key(session: Session) -> InstallationKey:
    key = session.info.get(SESSION_KEY)
    if not isinstance(key, InstallationKey):
        raise NoInstallationKey("this session carries no installation key (HEAD_LOG_SEED)")
    return key


def serialise_appends(session: Session) -> None:
    """Take the head log's turn before reading a journal's tail (see the module's docstring)."""
    serialise(session, Lock.HEAD_LOG)


def last_link(session: Session) -> HeadLogLink | None:
    return session.scalar(select(HeadLogLink).order_by(HeadLogLink.position.desc()).limit(1))


def _add_link(session: Session, kind: str, case_uid: str, seq: int, entry: bytes) -> HeadLogLink:
    serialise_appends(session)
    key = installation_key(session)
    last = last_link(session)
    link = HeadLink(
        position=1 if last is None else last.position + 1,
        kind=kind,
        case_id=case_uid,
        seq=seq,
        entry_hash=entry,
        prev_hash=log_genesis(key.public()) if last is None else last.link_hash,
    )
    row = HeadLogLink(
        position=link.position,
        kind=kind,
        case_uid=case_uid,
        seq=seq,
        entry_hash=entry,
        prev_hash=link.prev_hash,
        link_hash=link_hash(link),
        signature=sign_link(link, key),
    )
    session.add(row)
    return row  # flushed with the caller's work (autoflush before the next append reads the tail)


def add_trust_link(session: Session, kind: str, subject: str, seq: int, entry: bytes) -> None:
    """A root, certificate or revocation link (``services.trust.anchors`` says what it covers)."""
    if kind not in TRUST_KINDS:
        raise ValueError(f"not a trust link kind: {kind!r}")
    _add_link(session, kind, subject, seq, entry)
    session.flush()  # the gate reads links back in this transaction


def record_head(session: Session, case: Case, entry: JournalEntry) -> HeadLogLink:
    """The case's new head (its entry ``entry``) and its link in the log, in the caller's unit."""
    head = session.get(CaseHead, case.id)
    if head is None:
        session.add(
            CaseHead(
                case_id=case.id,
                seq=entry.seq,
                entry_hash=entry.entry_hash,
                signature=entry.signature,
            )
        )
    else:
        head.seq, head.entry_hash, head.signature = entry.seq, entry.entry_hash, entry.signature
    return _add_link(session, HEAD, case.uid, entry.seq, entry.entry_hash)


def record_deletion(session: Session, case: Case) -> HeadLogLink:
    """Before a lawful deletion (crypto-shredding): the log says the case is gone, at what head.

    Without this link the verifier reports the case's journal as removed.
    """
    head = session.get(CaseHead, case.id)
    seq = head.seq if head is not None else 0
    entry = head.entry_hash if head is not None else bytes(32)
    return _add_link(session, DELETED, case.uid, seq, entry)


def anchor_unanchored(session: Session) -> int:
    """Give every journal written before the head log its head and a link; returns how many.

    Run by ``wbs db-upgrade`` (a migration has no installation key). Anchoring
    the last entry anchors the whole journal: each entry's hash covers the one
    before it.
    """
    count = 0
    unanchored = (
        select(Case)
        .where(select(JournalEntry.id).where(JournalEntry.case_id == Case.id).exists())
        .where(~select(CaseHead.case_id).where(CaseHead.case_id == Case.id).exists())
        .order_by(Case.id)
    )
    for case in session.scalars(unanchored).all():
        last = session.scalar(
            select(JournalEntry)
            .where(JournalEntry.case_id == case.id)
            .order_by(JournalEntry.seq.desc())
            .limit(1)
        )
        if last is not None:
            record_head(session, case, last)
            count += 1
    return count


def signed_by_configured_key(session: Session) -> bool:
    """Whether the log is empty or its last link verifies under the configured key.

    At start-up (``create_app``): a database beside another ``instance/`` is
    refused before it can sign anything. A database not migrated this far yet
    has no log, and passes.
    """
    if not inspect(session.connection()).has_table(HeadLogLink.__tablename__):
        return True
    last = last_link(session)
    if last is None:
        return True
    try:
        installation_key(session).public().verify(
            last.signature, LINK_SIGNATURE_LABEL + last.link_hash
        )
    except DecryptionError:
        return False
    return True


def checkpoint(session: Session) -> Checkpoint:
    """A signed checkpoint of the log as it stands, to hand to an outside witness."""
    key = installation_key(session)
    last = last_link(session)
    made_at = utcnow().replace(microsecond=0).isoformat()
    if last is None:
        return make_checkpoint(0, log_genesis(key.public()), made_at, key)
    return make_checkpoint(last.position, last.link_hash, made_at, key)


def checkpoint_from_command(session: Session) -> Checkpoint:
    """``wbs journal-checkpoint``: the same file, recorded in the audit log without an actor."""
    made = checkpoint(session)
    audit.record(
        session, "journal_checkpoint", detail=f"log position {made.position}, command line"
    )
    return made


def may_hand_to_witness(staff: StaffMember) -> bool:
    return staff.role is StaffRole.SUPERVISOR


@dataclass(frozen=True)
class WitnessFile:
    position: int
    body: str


def witness_checkpoint_text(session: Session, staff: StaffMember) -> WitnessFile:
    """The checkpoint file's text for the staff page (``checkpoint_for_witness``)."""
    made = checkpoint_for_witness(session, staff)
    return WitnessFile(made.position, checkpoint_text(made))


def checkpoint_for_witness(session: Session, staff: StaffMember) -> Checkpoint:
    """The checkpoint a supervisor downloads for the witness; the audit log says who, when.

    Supervisors only: they answer for the office's cases, and the witness
    should learn of each checkpoint from someone who does not run the server.
    The file names no case, so nothing else limits it.
    """
    if not may_hand_to_witness(staff):
        raise SupervisorsOnly()
    made = checkpoint(session)
    audit.record(
        session, "journal_checkpoint", actor_id=staff.id, detail=f"log position {made.position}"
    )
    return made


@dataclass(frozen=True)
class LogSummary:
    links: int
    cases: int


def summary(session: Session) -> LogSummary:
    links = session.scalar(select(func.count()).select_from(HeadLogLink)) or 0
    cases = session.scalar(select(func.count(func.distinct(HeadLogLink.case_uid)))) or 0
    return LogSummary(links, cases)
