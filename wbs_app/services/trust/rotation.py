"""A new recovery key: a new root generation, and every recovery wrap moved to it.

``start`` (with K shares of the current root) makes the new root, retires the
old one and records a ``RootRotation``; its shares are returned to be printed
and the caller commits only once they are. From then on new audience keys are
wrapped to the new root. ``run`` moves the old wraps in batches, one
transaction each: it unwraps a batch with the old root, inserts the new
wraps, deletes the old ones they replace and advances ``last_key_id`` in the
same commit, so memory is bounded by the batch, a crash loses at most the
batch in flight and an old wrap is never deleted before its new one is
committed; running it again (with the old shares) resumes after
``last_key_id``. A rotation is often made because old shares may have been
exposed: a moved case is then out of the old key's reach as soon as its batch
commits, not only once the whole run ends. When no old wrap is left unmoved,
what remains of the old generation (the wraps that did not open) is deleted
and ``finished_at`` is set, again in one transaction. An old wrap that does
not open with the old root (a damaged row) cannot be moved by anyone: it is
recorded in ``rotation_failures`` and the move goes on, so one such row no
longer stops the rotation (and with it every recovery action) for good; the
end reports its key id.

A rotation grants nobody a case: the same custodians' power moves from one key
to the next. It is therefore one audit event at each end and the rotation row,
not a journal entry in every case (re-grants are journaled in each case).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from crypto import Identity
from crypto.custody import new_root_seed
from crypto.trustlinks import sign_endorsement
from wbs_app.models import (
    AudienceKey,
    Case,
    KeyWrap,
    RecipientKind,
    RootRotation,
    RotationFailure,
    TrustRoot,
)
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import begin_write
from wbs_app.services.staff import audit
from wbs_app.services.trust import anchors, rewrap_pool, root
from wbs_app.services.trust.statements import whole_seconds

BATCH = 1000  # about 3 MiB of rows and wraps in flight; one commit per batch


class RotationRunning(DomainError):
    """A rotation is unfinished: nothing else may change the root until it ends."""

    code = "rotation_running"


class NoRotation(DomainError):
    code = "no_rotation"


def pending(session: Session) -> RootRotation | None:
    return session.scalar(select(RootRotation).where(RootRotation.finished_at.is_(None)))


def start(
    session: Session,
    opened: root.OpenRoot,
    custodians: Sequence[root.CustodianName],
    threshold: int = root.DEFAULT_THRESHOLD,
) -> list[root.IssuedShare]:
    """Make the next root generation and return its shares; the caller commits once printed."""
    if pending(session) is not None:
        raise RotationRunning()
    root.check_custodians(custodians, threshold)
    old = session.get_one(TrustRoot, opened.generation)
    if old.retired_at is not None:
        raise root.SharesRefused()  # only the current root hands over to a new one
    if root.current_root(session) is not old:
        raise root.SharesRefused()  # only the anchored current root hands over
    now = whole_seconds(utcnow())
    # Above every row, anchored or not: a row a database writer added is not reused.
    generation = (session.scalar(select(func.max(TrustRoot.generation))) or 0) + 1
    if generation != old.generation + 1:
        raise root.SharesRefused()  # rows beyond the anchored root: the start-up check says why
    seed = new_root_seed()
    public = Identity(seed).public().to_bytes()
    old.retired_at = now
    session.flush()
    successor = TrustRoot(
        generation=generation,
        public=public,
        share_count=len(custodians),
        threshold=threshold,
        created_at=now,
        endorsement=sign_endorsement(opened.identity, generation, public),
    )
    session.add(successor)
    session.flush()
    anchors.record_root(session, successor)  # endorsed by the old root, anchored by the log
    session.add(
        RootRotation(
            from_generation=old.generation,
            to_generation=generation,
            started_at=now,
            last_key_id=0,
            rewrapped=0,
        )
    )
    issued = root.issue_shares(session, generation, seed, custodians, threshold)
    audit.record(
        session,
        "recovery_key_rotation_started",
        detail=f"root {old.generation} -> {generation}; {root.names_detail(custodians, threshold)}",
    )
    session.flush()
    return issued


def _unmoved(rotation: RootRotation) -> ColumnElement[bool]:
    """An old wrap whose key has no wrap to the new root yet, nor a recorded failure."""
    fresh = aliased(KeyWrap)
    moved = (
        select(fresh.id)
        .where(
            fresh.audience_key_id == KeyWrap.audience_key_id,
            fresh.recipient_kind == RecipientKind.RECOVERY,
            fresh.identity_generation == rotation.to_generation,
        )
        .exists()
    )
    failed = (
        select(RotationFailure.audience_key_id)
        .where(
            RotationFailure.rotation_id == rotation.id,
            RotationFailure.audience_key_id == KeyWrap.audience_key_id,
        )
        .exists()
    )
    return ~moved & ~failed


Row = tuple[int, int, bytes, str, str]  # key id, case id, old wrap, case uid, audience name


def _locked(session: Session, rotation_id: int) -> RootRotation:
    """The rotation row, locked (PostgreSQL) and read again: two operators take turns."""
    return session.scalars(
        select(RootRotation)
        .where(RootRotation.id == rotation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _read(
    session: Session, rotation: RootRotation, after: int, limit: int, *, late: bool = False
) -> list[Row]:
    """The old wraps of up to ``limit`` keys past key id ``after`` (``late``: without successor).

    Whole keys: a key has one recovery wrap per generation, but the unique
    constraint does not bind its NULL staff id, so a database writer can add a
    second; split across two batches, the cursor would pass the genuine one
    after the other was recorded as not opening, and the end would delete it.
    Only plain rows are read (no ORM objects), so the session holds nothing
    between batches.
    """
    wanted = (
        KeyWrap.recipient_kind == RecipientKind.RECOVERY,
        KeyWrap.identity_generation == rotation.from_generation,
        _unmoved(rotation) if late else KeyWrap.audience_key_id > after,
    )
    last_key = (
        select(KeyWrap.audience_key_id)
        .where(*wanted)
        .order_by(KeyWrap.audience_key_id)
        .offset(limit - 1)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(KeyWrap.audience_key_id, KeyWrap.case_id, KeyWrap.wrapped, Case.uid)
        .join(AudienceKey, AudienceKey.id == KeyWrap.audience_key_id)
        .join(Case, Case.id == KeyWrap.case_id)
        .add_columns(AudienceKey.audience, AudienceKey.label)
        .where(*wanted, or_(last_key.is_(None), KeyWrap.audience_key_id <= last_key))
        .order_by(KeyWrap.audience_key_id, KeyWrap.id)
    ).all()
    return [
        (key_id, case_id, wrapped, uid, f"{audience.value}:{label}")
        for key_id, case_id, wrapped, uid, audience, label in rows
    ]


def _items(rows: Sequence[Row]) -> list[rewrap_pool.Item]:
    return [(wrapped, uid, audience) for _, _, wrapped, uid, audience in rows]


def _write(
    session: Session, rotation: RootRotation, rows: Sequence[Row], moved: list[bytes | None]
) -> None:
    """A batch's new wraps in place of its old ones, its failures and the cursor past it.

    All in the caller's transaction, so an old wrap goes only with its successor.

    A wrap that did not open (None) is recorded in ``rotation_failures``
    instead of stopping the batch: the cursor passes it, ``finish`` does not
    wait for it, and the run reports it at the end.
    """
    done: list[tuple[Row, bytes]] = []
    moved_keys: set[int] = set()
    for row, wrap in zip(rows, moved, strict=True):
        if wrap is not None and row[0] not in moved_keys:  # one successor per key, should
            done.append((row, wrap))  # a database writer have given a key two old wraps
            moved_keys.add(row[0])
    failed = sorted({row[0] for row, wrap in zip(rows, moved, strict=True) if wrap is None})
    failed = [key for key in failed if key not in moved_keys]
    values = [
        {
            "audience_key_id": key_id,
            "case_id": case_id,
            "recipient_kind": RecipientKind.RECOVERY,
            "staff_id": None,
            "identity_generation": rotation.to_generation,
            "wrapped": wrap,
        }
        for (key_id, case_id, *_), wrap in done
    ]
    # On the connection: a plain executemany, without the ORM bulk path's work per row.
    if values:
        session.connection().execute(insert(KeyWrap), values)
        session.connection().execute(
            delete(KeyWrap).where(
                KeyWrap.recipient_kind == RecipientKind.RECOVERY,
                KeyWrap.identity_generation == rotation.from_generation,
                KeyWrap.audience_key_id.in_(moved_keys),
            )
        )
    if failed:
        session.connection().execute(
            insert(RotationFailure),
            [{"rotation_id": rotation.id, "audience_key_id": key_id} for key_id in failed],
        )
    session.execute(
        update(RootRotation)
        .where(RootRotation.id == rotation.id)
        .values(
            last_key_id=max(rotation.last_key_id, rows[-1][0]),
            rewrapped=RootRotation.rewrapped + len(values),
        )
    )


def failed_keys(session: Session, rotation_id: int) -> list[int]:
    """The audience key ids whose old wrap did not open in this rotation (never a secret)."""
    return list(
        session.scalars(
            select(RotationFailure.audience_key_id)
            .where(RotationFailure.rotation_id == rotation_id)
            .order_by(RotationFailure.audience_key_id)
        )
    )


def _failures_detail(keys: Sequence[int], shown: int = 12) -> str:
    """The audit detail's part on failures: the first key ids (the detail holds 200 characters)."""
    if not keys:
        return ""
    named = ", ".join(str(k) for k in keys[:shown])
    more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
    return f"; {len(keys)} did not open (keys {named}{more})"


def rewrap_batch(
    session: Session, rotation: RootRotation, old: Identity, limit: int, *, late: bool = False
) -> int:
    """Move up to ``limit`` old wraps (by audience key id) to the new root; 0 when none are left.

    Returns how many were read, moved or recorded as not opening.

    In this process, under the write lock from the read to the write. A key
    made after the start has no old wrap (intake wraps it to the new root), and
    a batch's new wraps and its cursor are committed together, so no key is
    moved twice. ``late``: the wraps the cursor passed while their intake was
    still uncommitted, found by their missing successor.
    """
    # Two operators resuming at once take turns: the rotation row is locked
    # (PostgreSQL) or the transaction holds SQLite's write lock from its first
    # statement, and the cursor is read again under it.
    begin_write(session)
    rotation = _locked(session, rotation.id)
    rows = _read(session, rotation, rotation.last_key_id, limit, late=late)
    if not rows:
        return 0
    new_public = root.anchored_public(session, rotation.to_generation)
    state = (rotation.from_generation, old, rotation.to_generation, new_public)
    _write(session, rotation, rows, rewrap_pool.move_each(state, _items(rows)))
    return len(rows)


class _Overtaken(Exception):
    """Another run committed batches meanwhile: what this one has in flight is stale."""


def _by_cursor(
    session: Session,
    rotation_id: int,
    mover: rewrap_pool.Mover,
    batch: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Move every old wrap past the cursor, with two batches in flight.

    The workers move batch n+1 while the parent writes batch n, reads batch
    n+2 and commits, so the database work and the HPKE work overlap; batches
    are still committed one by one, in key order, each with its cursor. The
    HPKE runs outside any transaction, so intake is not kept waiting by it. A
    batch is written only if the cursor is still where it was read from; if
    another run moved it, ours is dropped and the move goes on from its cursor.
    """
    in_flight: deque[tuple[int, list[Row], rewrap_pool.Moving]] = deque()

    def read_next(rotation: RootRotation) -> None:
        after = in_flight[-1][1][-1][0] if in_flight else rotation.last_key_id
        rows = _read(session, rotation, after, batch)
        if rows:
            in_flight.append((after, rows, mover.submit(_items(rows))))

    try:
        begin_write(session)
        rotation = _locked(session, rotation_id)
        read_next(rotation)
        read_next(rotation)
        session.commit()
        while in_flight:
            after, rows, moving = in_flight[0]
            moved = moving.result()
            begin_write(session)
            rotation = _locked(session, rotation_id)
            if rotation.last_key_id != after:
                session.rollback()
                raise _Overtaken()
            _write(session, rotation, rows, moved)
            in_flight.popleft()
            read_next(rotation)
            session.commit()
            if progress is not None:
                progress(session.get_one(RootRotation, rotation_id).rewrapped)
    finally:
        for _, _, moving in in_flight:
            moving.cancel()


def finish(session: Session, rotation: RootRotation) -> bool:
    """Close the rotation, if every old wrap has its successor or did not open.

    What is left of the old generation then (the wraps that did not open; the
    moved ones went with their batch) is deleted: no root opens them.

    Under the write lock, an old wrap without a new one (an intake that read
    the old root just before the start and committed after the last batch)
    means not yet: False, and ``run`` takes another batch.
    """
    begin_write(session)
    unmoved = session.scalar(
        select(KeyWrap.id)
        .where(
            KeyWrap.recipient_kind == RecipientKind.RECOVERY,
            KeyWrap.identity_generation == rotation.from_generation,
            _unmoved(rotation),
        )
        .limit(1)
    )
    if unmoved is not None:
        session.rollback()
        return False
    session.execute(
        delete(KeyWrap).where(
            KeyWrap.recipient_kind == RecipientKind.RECOVERY,
            KeyWrap.identity_generation == rotation.from_generation,
        )
    )
    rotation.finished_at = utcnow()
    audit.record(
        session,
        "recovery_key_rotation_finished",
        detail=f"root {rotation.from_generation} -> {rotation.to_generation}: "
        f"{rotation.rewrapped} wraps{_failures_detail(failed_keys(session, rotation.id))}",
    )
    session.flush()
    return True


def run(
    session: Session,
    old: root.OpenRoot,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> RootRotation:
    """Move every old wrap, one committed batch at a time, then finish; resumable.

    ``old`` is the retired root, opened with its shares
    (``root.open_root(session, shares, rotation.from_generation)``). The HPKE
    work goes to ``workers`` processes (default: one per core; 1: this
    process), which hold the old root's seed in memory until the run ends
    (``rewrap_pool``); reads, writes and commits stay here.
    """
    rotation = pending(session)
    if rotation is None:
        raise NoRotation()
    if old.generation != rotation.from_generation:
        raise root.SharesRefused()
    rotation_id = rotation.id
    new_public = root.anchored_public(session, rotation.to_generation)
    old_pair = (rotation.from_generation, old.identity)
    with rewrap_pool.Mover(old_pair, (rotation.to_generation, new_public), workers) as mover:
        while True:
            try:
                _by_cursor(session, rotation_id, mover, batch, progress)
            except _Overtaken:
                continue
            # An old wrap committed behind the cursor (an intake that read the old
            # root just before the start): found by its missing successor, in turn.
            while True:
                rotation = session.get_one(RootRotation, rotation_id)
                if finish(session, rotation):
                    session.commit()
                    return rotation
                if _late_batch(session, rotation_id, mover, batch):
                    session.commit()
                    if progress is not None:
                        progress(session.get_one(RootRotation, rotation_id).rewrapped)


def _late_batch(session: Session, rotation_id: int, mover: rewrap_pool.Mover, batch: int) -> int:
    """One batch of the wraps behind the cursor, moved under the write lock (they are few)."""
    begin_write(session)
    rotation = _locked(session, rotation_id)
    rows = _read(session, rotation, rotation.last_key_id, batch, late=True)
    if rows:
        _write(session, rotation, rows, mover.submit(_items(rows)).result())
    return len(rows)
