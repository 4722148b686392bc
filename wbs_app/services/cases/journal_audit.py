"""``wbs verify-journals``: every case journal against its chain, its head and the head log.

What each check catches (docs/threat-model.md, "The anchored journal"):

- a chain broken inside a journal (an edited, inserted, removed or reordered
  entry; an author whose key was not valid at the entry's date): ``journal.verify_all``;
- the head log itself broken (a link edited, removed, or not signed by this
  installation's key): nothing after the break is trusted;
- a journal shorter than a head the log recorded (a cut tail), an entry whose
  hash differs from the log's (rewritten and re-signed), a case the log knows
  that is gone without a ``deleted`` link (a removed journal), entries the log
  never saw (written around it);
- a custodians' root or certificate row without its trust link, or a trust
  link whose row is gone or differs (``services.trust.anchors.problems``);
- with a checkpoint from an outside witness: a log cut or rewritten before the
  checkpoint's position, which someone holding ``instance/`` as well could do
  undetected otherwise.

Problems are plain lines naming a case uid, an entry number or a log
position: never content, which stays sealed and is never opened here.
Memory is bounded by the number of cases, not of entries: the log is read in
batches, in order.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from crypto import Checkpoint, HeadLink, LogWalker, checkpoint_verifies, log_genesis
from crypto.headlog import DELETED, TRUST_KINDS
from wbs_app.models import Case, CaseHead, HeadLogLink, JournalEntry
from wbs_app.services.cases import journal
from wbs_app.services.cases.head_log import installation_key
from wbs_app.services.trust import anchors

BATCH = 1000


@dataclass
class JournalReport:
    cases_checked: int = 0
    broken_chains: int = 0
    log_links: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _CaseState:
    """What the log says of one case: its highest recorded entry, and whether it was deleted."""

    max_seq: int = 0
    deleted: bool = False
    missing: list[int] = field(default_factory=list)
    rewritten: list[int] = field(default_factory=list)
    gone: bool = False


def verify(session: Session, checkpoint: Checkpoint | None = None) -> JournalReport:
    report = JournalReport()
    checked, broken = journal.verify_all(session)
    report.cases_checked, report.broken_chains = checked, len(broken)
    for link in broken:
        report.problems.append(f"case {link.case_id}: entry {link.seq} is broken ({link.reason})")
    trust = anchors.TrustIndex()
    states, trusted_to, at_checkpoint = _walk_log(session, report, checkpoint, trust)
    report.log_links = trusted_to
    _compare(session, states, report)
    report.problems.extend(anchors.problems(session, trust))
    _check_heads(session, report)
    if checkpoint is not None:
        _check_checkpoint(session, checkpoint, trusted_to, at_checkpoint, report)
    return report


def _walk_log(
    session: Session,
    report: JournalReport,
    checkpoint: Checkpoint | None,
    trust: anchors.TrustIndex,
) -> tuple[dict[str, _CaseState], int, bytes | None]:
    """Walk the log in order, checking each link and the entry it names; stop at a break."""
    public = installation_key(session).public()
    walker = LogWalker(public)
    states: dict[str, _CaseState] = {}
    at_checkpoint = log_genesis(public) if checkpoint and checkpoint.position == 0 else None
    entry = aliased(JournalEntry)
    rows = session.execute(
        select(HeadLogLink, Case.id, entry.entry_hash)
        .outerjoin(Case, Case.uid == HeadLogLink.case_uid)
        .outerjoin(entry, (entry.case_id == Case.id) & (entry.seq == HeadLogLink.seq))
        .order_by(HeadLogLink.position)
        .execution_options(yield_per=BATCH)
    )
    for row, case_id, found_hash in rows:
        link = HeadLink(
            row.position, row.kind, row.case_uid, row.seq, row.entry_hash, row.prev_hash
        )
        reason = walker.add(link, row.signature, row.link_hash)
        if reason is not None:
            report.problems.append(
                f"head log: link {row.position} is broken ({reason}); nothing after it is trusted"
            )
            break
        if checkpoint is not None and row.position == checkpoint.position:
            at_checkpoint = row.link_hash
        if row.kind in TRUST_KINDS:  # a root, certificate or revocation: checked after the walk
            link_at = anchors.TrustLink(row.position, row.seq, row.entry_hash)
            trust.add(row.kind, row.case_uid, row.seq, link_at)
            continue
        state = states.setdefault(row.case_uid, _CaseState())
        if row.kind == DELETED:
            state.deleted = True
            continue
        state.max_seq = max(state.max_seq, row.seq)
        if case_id is None:
            state.gone = True
        elif found_hash is None:
            state.missing.append(row.seq)
        elif not hmac.compare_digest(found_hash, row.entry_hash):
            state.rewritten.append(row.seq)
    rows.close()
    return states, walker.position, at_checkpoint


def _compare(session: Session, states: dict[str, _CaseState], report: JournalReport) -> None:
    """Name a case by its number where it is still here, by its uid where only the log knows it."""
    ids = dict(session.execute(select(Case.uid, Case.id)).all())

    def name(uid: str) -> str:
        return str(ids[uid]) if uid in ids else uid

    present = dict(
        session.execute(
            select(Case.uid, func.max(JournalEntry.seq))
            .join(JournalEntry, JournalEntry.case_id == Case.id)
            .group_by(Case.uid)
        ).all()
    )
    for uid, state in sorted(states.items()):
        if state.deleted:
            if uid in present:
                report.problems.append(
                    f"case {name(uid)}: the log records its deletion, yet it is here"
                )
            continue
        if state.gone or (uid not in present and state.max_seq):
            report.problems.append(
                f"case {name(uid)}: journal removed (the head log recorded entry {state.max_seq},"
                " and no deletion)"
            )
            continue
        if state.missing:
            have = present.get(uid, 0)
            report.problems.append(
                f"case {name(uid)}: journal cut: it has {have} entries, the head log recorded"
                f" entry {max(state.missing)}"
            )
        if state.rewritten:
            numbers = ", ".join(str(seq) for seq in state.rewritten[:10])
            report.problems.append(
                f"case {name(uid)}: entry {numbers} differs from the head log's hash"
                " (rewritten or re-signed)"
            )
    for uid, last in sorted(present.items()):
        recorded = states[uid].max_seq if uid in states else 0
        if last > recorded:
            report.problems.append(
                f"case {name(uid)}: entries {recorded + 1} to {last} are not in the head log"
                if recorded
                else f"case {name(uid)}: its journal is not in the head log (run wbs db-upgrade)"
            )


def _check_heads(session: Session, report: JournalReport) -> None:
    """Each case's head row is its last entry: same number, hash and signature."""
    last = (
        select(JournalEntry.case_id, func.max(JournalEntry.seq).label("seq"))
        .group_by(JournalEntry.case_id)
        .subquery()
    )
    entry = aliased(JournalEntry)
    rows = session.execute(
        select(Case.id, CaseHead, last.c.seq, entry.entry_hash, entry.signature)
        .join(CaseHead, CaseHead.case_id == Case.id)
        .outerjoin(last, last.c.case_id == Case.id)
        .outerjoin(entry, (entry.case_id == Case.id) & (entry.seq == CaseHead.seq))
        .execution_options(yield_per=BATCH)
    )
    for case_id, head, last_seq, found_hash, found_signature in rows:
        if (
            last_seq != head.seq
            or found_hash != head.entry_hash
            or found_signature != head.signature
        ):
            report.problems.append(
                f"case {case_id}: its head (entry {head.seq}) is not its last entry"
                f" ({last_seq or 0})"
            )


def _check_checkpoint(
    session: Session,
    checkpoint: Checkpoint,
    trusted_to: int,
    at_checkpoint: bytes | None,
    report: JournalReport,
) -> None:
    public = installation_key(session).public()
    if checkpoint.public != public.to_bytes():
        report.problems.append(
            f"checkpoint: made with installation key {checkpoint.fingerprint()}, not this"
            f" installation's ({public.fingerprint()})"
        )
        return
    if not checkpoint_verifies(checkpoint):
        report.problems.append("checkpoint: its signature does not verify (the file was altered)")
        return
    if trusted_to < checkpoint.position:
        report.problems.append(
            f"head log cut or broken before the checkpoint: it verifies to link {trusted_to},"
            f" the checkpoint of {checkpoint.made_at} is at link {checkpoint.position}"
        )
    elif at_checkpoint is None or not hmac.compare_digest(at_checkpoint, checkpoint.link_hash):
        report.problems.append(
            f"head log rewritten: link {checkpoint.position} is not the one the checkpoint of"
            f" {checkpoint.made_at} recorded"
        )
