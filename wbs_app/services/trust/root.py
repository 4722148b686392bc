"""The custodians' root: made once at a ceremony, rebuilt only from enough shares.

``hold_ceremony`` makes a fresh root seed, keeps its public identity and the
custodians' names, and hands back the shares to be printed, one per custodian;
the seed itself is never written anywhere. ``open_root`` rebuilds it from
shares typed in by custodians, for the length of one recovery action, and
checks it against the stored public identity, so shares of another
installation or an older root open nothing here. Only a root anchored in the
head log counts (``services.trust.anchors``): the ceremony adds generation
1's link, a rotation each next one's, endorsed by the root before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto import DecryptionError, Identity, PublicIdentity
from crypto.custody import MAX_SHARES as MAX_SHARES  # for pages: the most shares asked
from crypto.custody import (
    ShareSet,
    join_shares,
    new_root_seed,
    normalise_share,
    split_seed,
    which_shares,
)
from wbs_app.models import Custodian, TrustRoot
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.staff import audit
from wbs_app.services.trust import anchors
from wbs_app.services.trust.statements import whole_seconds

DEFAULT_SHARES = 3
DEFAULT_THRESHOLD = 2


class RootExists(DomainError):
    """A ceremony was asked for while a root already exists: rotation is the way to replace it."""

    code = "root_exists"


class NoRoot(DomainError):
    """No custodian ceremony has been held yet, so nobody can be certified."""

    code = "no_root"


class SharesRefused(DomainError):
    """The shares typed do not rebuild the current root (too few, mistyped, or another root's)."""

    code = "shares_refused"


class SameShareTwice(SharesRefused):
    """One share typed into two boxes: the shares are right, a second custodian's is missing.

    A refusal of its own, so that the custodians do not check every word of a
    share that is correct; it still counts towards the lock like any refusal.
    """

    code = "shares_same"


class CustodianProblem(DomainError):
    """The custodian list is unusable: a name missing, or a threshold it cannot meet."""

    codes = ("custodian_name_missing", "custodian_threshold")


@dataclass(frozen=True)
class CustodianName:
    name: str
    position: str


@dataclass(frozen=True)
class IssuedShare:
    """One custodian's share as handed over at the ceremony; shown once, never stored."""

    share_number: int
    custodian: CustodianName
    words: str


@dataclass(frozen=True)
class OpenRoot:
    """The root identity rebuilt from shares, for one recovery action only."""

    generation: int
    identity: Identity
    shares: ShareSet  # which shares opened it (``acting_detail``)


def current_root(session: Session) -> TrustRoot | None:
    """The highest root generation anchored in the head log: a row added in SQL is not one."""
    return anchors.current_root(session)


def by_generation(session: Session, generation: int) -> TrustRoot | None:
    """An anchored root generation, or None."""
    return anchors.load(session).anchored_roots(session).get(generation)


def anchored_public(session: Session, generation: int) -> PublicIdentity:
    """The public identity of an anchored generation (a rotation's target), or ``NoRoot``.

    A rotation wraps every case to this key: read from the row alone, a
    database writer could swap it mid-rotation.
    """
    row = by_generation(session, generation)
    if row is None:
        raise NoRoot()
    return root_public(row)


def root_public(root: TrustRoot) -> PublicIdentity:
    return PublicIdentity.from_bytes(root.public)


def check_custodians(custodians: Sequence[CustodianName], threshold: int) -> None:
    if any(not c.name.strip() for c in custodians):
        raise CustodianProblem("custodian_name_missing")
    if not 2 <= threshold <= len(custodians) <= 16:
        raise CustodianProblem("custodian_threshold")


def names_detail(custodians: Sequence[CustodianName], threshold: int) -> str:
    """The audit log's data for a split: K/N and who holds the shares (never a share).

    Data, not words: ``admin.audit_view`` says it in the administrator's language.
    """
    names = "; ".join(c.name.strip() for c in custodians)
    return f"{threshold}/{len(custodians)}: {names}"[:160]


def issue_shares(
    session: Session,
    generation: int,
    seed: bytes,
    custodians: Sequence[CustodianName],
    threshold: int,
) -> list[IssuedShare]:
    words = split_seed(seed, len(custodians), threshold)
    session.get_one(TrustRoot, generation).split_id = which_shares(words).split
    for number, custodian in enumerate(custodians, start=1):
        session.add(
            Custodian(
                root_generation=generation,
                share_number=number,
                name=custodian.name.strip(),
                position=custodian.position.strip(),
            )
        )
    return [
        IssuedShare(number, custodian, share)
        for number, (custodian, share) in enumerate(zip(custodians, words, strict=True), start=1)
    ]


def hold_ceremony(
    session: Session, custodians: Sequence[CustodianName], threshold: int = DEFAULT_THRESHOLD
) -> list[IssuedShare]:
    """Make the installation's first root and return its shares, one per custodian."""
    check_custodians(custodians, threshold)
    if session.scalar(select(func.count()).select_from(TrustRoot)):
        raise RootExists()
    seed = new_root_seed()
    first = TrustRoot(
        generation=1,
        public=Identity(seed).public().to_bytes(),
        share_count=len(custodians),
        threshold=threshold,
        created_at=whole_seconds(utcnow()),
    )
    session.add(first)
    session.flush()
    anchors.record_root(session, first)  # trust on first ceremony: its link alone anchors it
    issued = issue_shares(session, 1, seed, custodians, threshold)
    audit.record(session, "custodian_ceremony", detail=names_detail(custodians, threshold))
    return issued


def open_root(session: Session, shares: Sequence[str], generation: int | None = None) -> OpenRoot:
    """A root's identity from custodians' shares (the current root unless told), or a refusal.

    ``generation`` names an older root only to finish a rotation away from it
    (``services.trust.rotation``): its shares still open its seed, which is
    why the rotation deletes each old wrap as soon as its successor is committed.
    """
    root = current_root(session) if generation is None else by_generation(session, generation)
    if root is None:
        raise NoRoot()
    typed = [normalise_share(share) for share in shares if share.strip()]
    if len(set(typed)) < len(typed):
        raise SameShareTwice()
    try:
        identity = Identity(join_shares(shares))
    except DecryptionError:
        raise SharesRefused() from None
    if identity.public() != root_public(root):
        raise SharesRefused()  # another installation's or an older root's shares
    return OpenRoot(root.generation, identity, which_shares(shares))


def acting_detail(session: Session, opened: OpenRoot) -> str:
    """Which custodians acted, as data for the audit log and the journal: "2, 3: Nurhayati; Yusuf".

    The shares' numbers always (never their words); the names printed for
    those numbers only when the shares are of the split those names were
    recorded for: after a re-split the old shares still open the root, and
    the names now under their numbers are other people's.
    """
    row = session.get_one(TrustRoot, opened.generation)
    numbers = ", ".join(str(n) for n in opened.shares.numbers)
    if row.split_id is None or row.split_id != opened.shares.split:
        return numbers
    names = {custodian.share_number: custodian.name for custodian in row.custodians}
    return f"{numbers}: {'; '.join(names.get(n, '?') for n in opened.shares.numbers)}"[:160]


def resplit(
    session: Session,
    opened: OpenRoot,
    custodians: Sequence[CustodianName],
    threshold: int = DEFAULT_THRESHOLD,
) -> list[IssuedShare]:
    """New shares of the same root for new custodians; the old custodians' names are replaced.

    The old shares still join to the same seed: nothing can recall a piece of
    paper. Where an old custodian is not trusted any more, a new recovery key
    (``rotation.start``) is the remedy, not a re-split.
    """
    check_custodians(custodians, threshold)
    root = session.get_one(TrustRoot, opened.generation)
    if root.retired_at is not None:
        raise SharesRefused()  # only the current root is re-split
    root.custodians.clear()
    session.flush()
    root.share_count, root.threshold = len(custodians), threshold
    issued = issue_shares(session, root.generation, opened.identity.seed, custodians, threshold)
    audit.record(
        session,
        "custodians_resplit",
        detail=f"root {root.generation}: {names_detail(custodians, threshold)}",
    )
    return issued
