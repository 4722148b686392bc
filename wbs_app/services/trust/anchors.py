"""Trust anchored in the head log: a root or certificate row counts only with its signed link.

The custodians' roots and the handler certificates live in the database, so
a database writer could add a root generation of their own (every new case
then wrapped to their key), a certificate for a puppet, or clear a
``revoked_at``. Every ceremony, rotation, certificate and revocation
therefore adds a link to the head log (``crypto.trustlinks``), signed by the
installation key whose seed lives in ``instance/``; this module reads those
links back and judges the rows by them:

- a root generation is *anchored* when its link's hash covers the row
  (generation, key, start, endorsement) and, for n > 1, root n - 1 (itself
  anchored) endorsed it; the current root is the highest anchored generation,
  whatever ``retired_at`` says, and a row without its link is ignored;
- a certificate counts when its issuance link covers its statement and
  signature; a revocation link stops it, whatever the row says now;
- a root-issued certificate counts for new wraps only if its link comes
  before the link of the next root generation (back-dated with old shares
  after a rotation, it is refused).

Reading the links costs one Ed25519 verification each the first time this
process sees them: that a signature verifies under a key is a fact about
bytes, not about the database, so the verified (link hash, signature) pairs
are remembered per installation key for the process's life (an edited row
hashes differently and is verified afresh). The rows themselves are read
again at every check, so a revocation counts at once. The log's trust links
are few: one per ceremony, rotation, certificate and revocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from crypto import DecryptionError, HeadLink, PublicIdentity, link_hash
from crypto.encoding import encode_fields
from crypto.headlog import CERTIFICATE, LINK_SIGNATURE_LABEL, REVOCATION, ROOT, TRUST_KINDS
from crypto.trustlinks import (
    ROOT_CASE_ID,
    certificate_case_id,
    certificate_hash,
    revocation_hash,
    root_hash,
    verify_endorsement,
)
from wbs_app.models import HandlerCertificate, HeadLogLink, TrustRoot
from wbs_app.services.cases import head_log
from wbs_app.services.trust.statements import iso, statement_of

# Installation public key -> verified link hash + signature. Bounded: cleared past the cap.
_VERIFIED: dict[bytes, set[bytes]] = {}
_VERIFIED_CAP = 200_000
_ENDORSED: set[bytes] = set()


@dataclass(frozen=True)
class TrustLink:
    position: int
    seq: int
    entry_hash: bytes


@dataclass
class TrustIndex:
    """The log's verified trust links, by what they anchor (first link of each wins)."""

    roots: dict[int, TrustLink] = field(default_factory=dict)
    certificates: dict[int, TrustLink] = field(default_factory=dict)
    revocations: dict[int, TrustLink] = field(default_factory=dict)
    _anchored: dict[int, TrustRoot] | None = None

    def anchored_roots(self, session: Session) -> dict[int, TrustRoot]:
        """Generation -> row, for every root whose link and endorsement chain verify."""
        if self._anchored is None:
            self._anchored = _anchor_roots(session, self)
        return self._anchored

    def add(self, kind: str, subject: str, seq: int, link: TrustLink) -> None:
        """Index one verified link; a link naming something malformed is left out."""
        if kind == ROOT and subject == ROOT_CASE_ID:
            self.roots.setdefault(seq, link)
        elif kind in (CERTIFICATE, REVOCATION) and subject == certificate_case_id(seq):
            target = self.certificates if kind == CERTIFICATE else self.revocations
            target.setdefault(seq, link)

    def next_root_position(self, generation: int) -> int | None:
        """Where the next generation's link is: a root's certificates must come before it."""
        following = self.roots.get(generation + 1)
        return None if following is None else following.position


def load(session: Session) -> TrustIndex:
    """Every trust link of the log, each signature checked (once per process and link)."""
    public = head_log.installation_key(session).public()
    verified = _VERIFIED.setdefault(public.to_bytes(), set())
    if len(verified) > _VERIFIED_CAP:
        verified.clear()
    index = TrustIndex()
    rows = session.execute(  # plain columns: no ORM objects for a read made at every wrap
        select(
            HeadLogLink.position,
            HeadLogLink.kind,
            HeadLogLink.case_uid,
            HeadLogLink.seq,
            HeadLogLink.entry_hash,
            HeadLogLink.prev_hash,
            HeadLogLink.signature,
        )
        .where(HeadLogLink.kind.in_(TRUST_KINDS))
        .order_by(HeadLogLink.position)
    )
    for position, kind, subject, seq, entry, prev, signature in rows:
        computed = link_hash(HeadLink(position, kind, subject, seq, entry, prev))
        memo = computed + signature
        if memo not in verified:
            try:
                public.verify(signature, LINK_SIGNATURE_LABEL + computed)
            except DecryptionError:
                continue  # not the installation's: as if absent (verify-journals reports it)
            verified.add(memo)
        index.add(kind, subject, seq, TrustLink(position, seq, entry))
    return index


def root_row_hash(root: TrustRoot) -> bytes:
    return root_hash(root.generation, root.public, iso(root.created_at), root.endorsement or b"")


def _anchor_roots(session: Session, index: TrustIndex) -> dict[int, TrustRoot]:
    anchored: dict[int, TrustRoot] = {}
    previous: TrustRoot | None = None
    for generation in sorted(index.roots):
        if generation != len(anchored) + 1:
            break  # a gap: nothing above it has an endorsed path from generation 1
        row = session.get(TrustRoot, generation)
        link = index.roots[generation]
        if row is None or link.entry_hash != root_row_hash(row):
            break
        if previous is not None and not _endorsed(index, previous, row):
            break
        anchored[generation] = previous = row
    return anchored


def _endorsed(index: TrustIndex, previous: TrustRoot, row: TrustRoot) -> bool:
    """Root n - 1 signed "generation n is this key"; or, trusted on upgrade, no endorsement.

    Generations made before endorsements existed were anchored by ``wbs
    db-upgrade`` in one go, each link right after the one before; only such a
    run of links is accepted without an endorsement.
    """
    if row.endorsement is None:
        before = index.roots[previous.generation].position
        return index.roots[row.generation].position == before + 1
    memo = encode_fields(
        "endorsement", previous.public, row.generation, row.public, row.endorsement
    )
    if memo in _ENDORSED:
        return True
    try:
        verify_endorsement(
            PublicIdentity.from_bytes(previous.public), row.generation, row.public, row.endorsement
        )
    except (DecryptionError, ValueError):
        return False
    _ENDORSED.add(memo)  # as the links: a fact about bytes, a handful per installation
    return True


def current_root(session: Session, index: TrustIndex | None = None) -> TrustRoot | None:
    """The highest anchored root generation, or None (no ceremony, or none anchored)."""
    anchored = (index or load(session)).anchored_roots(session)
    return anchored[max(anchored)] if anchored else None


def certificate_link(index: TrustIndex, row: HandlerCertificate) -> TrustLink | None:
    """The certificate's issuance link, if it exists and covers the row as it is."""
    link = index.certificates.get(row.id)
    if link is None or link.entry_hash != certificate_hash(statement_of(row), row.signature):
        return None
    return link


def revoked_since(index: TrustIndex, row: HandlerCertificate) -> datetime | None:
    """When the certificate stopped counting: the anchored revocation, or the row's own.

    A revocation link the row no longer matches (``revoked_at`` cleared or
    moved) counts from the issue: the row was tampered with. A row revoked
    without a link (made before this check, or by a database writer) only
    ever narrows, so it is taken as it is.
    """
    link = index.revocations.get(row.id)
    if link is None:
        return row.revoked_at
    own = index.certificates.get(row.id)
    if (
        own is None
        or row.revoked_at is None
        or row.revoked_reason is None
        or link.entry_hash
        != revocation_hash(own.entry_hash, row.revoked_reason, iso(row.revoked_at))
    ):
        return row.issued_at
    return row.revoked_at


def has_revocation_link(index: TrustIndex, row: HandlerCertificate) -> bool:
    return row.id in index.revocations


def record_root(session: Session, root: TrustRoot) -> None:
    """A ceremony's or rotation's root link, in the caller's transaction."""
    head_log.add_trust_link(session, ROOT, ROOT_CASE_ID, root.generation, root_row_hash(root))


def record_certificate(session: Session, row: HandlerCertificate) -> None:
    """An issuance link (the row must be flushed: its id names the link)."""
    entry = certificate_hash(statement_of(row), row.signature)
    head_log.add_trust_link(session, CERTIFICATE, certificate_case_id(row.id), row.id, entry)


def record_revocation(session: Session, row: HandlerCertificate) -> None:
    """A revocation link over the certificate's own link hash, reason and time."""
    if row.revoked_at is None or row.revoked_reason is None:
        raise ValueError("only a revoked certificate gets a revocation link")
    own = certificate_hash(statement_of(row), row.signature)
    entry = revocation_hash(own, row.revoked_reason, iso(row.revoked_at))
    head_log.add_trust_link(session, REVOCATION, certificate_case_id(row.id), row.id, entry)


def roots_agree(session: Session) -> bool:
    """At start-up: every root row anchored, every root link matched by its row.

    A database not migrated this far, or whose roots were made before trust
    links and not yet anchored (no root link at all: ``wbs db-upgrade`` does
    it), passes.
    """
    connection = inspect(session.connection())
    if not connection.has_table(TrustRoot.__tablename__):
        return True
    if "endorsement" not in {c["name"] for c in connection.get_columns(TrustRoot.__tablename__)}:
        return True
    index = load(session)
    if not index.roots:
        return True
    anchored = index.anchored_roots(session)
    generations = set(session.scalars(select(TrustRoot.generation)))
    return generations == set(anchored) == set(index.roots)


@dataclass(frozen=True)
class Anchored:
    roots: int
    certificates: int
    revocations: int


def anchor_existing(session: Session) -> Anchored:
    """Trust on upgrade (``wbs db-upgrade``): link the roots and certificates made before links.

    Roots and certificates are linked only when the log has no trust link at
    all (the first upgrade after this change): whatever the database held at
    that moment is taken as honest, and a row inserted later is never
    anchored by running the command again. A revocation without its link is
    linked whenever found: that only ever narrows.
    """
    index = load(session)
    first = not (index.roots or index.certificates or index.revocations)
    roots = certificates = revocations = 0
    if first:
        for root in session.scalars(select(TrustRoot).order_by(TrustRoot.generation)).all():
            record_root(session, root)
            roots += 1
    for row in session.scalars(select(HandlerCertificate).order_by(HandlerCertificate.id)).all():
        if first and row.id not in index.certificates:
            record_certificate(session, row)
            certificates += 1
        if (
            row.revoked_at is not None
            and row.id not in index.revocations
            and (first or row.id in index.certificates)
        ):
            if row.revoked_reason is None:
                row.revoked_reason = "identity"
            record_revocation(session, row)
            revocations += 1
    session.flush()
    return Anchored(roots, certificates, revocations)


def problems(session: Session, index: TrustIndex) -> list[str]:
    """For ``wbs verify-journals``: every root or certificate row and trust link that disagree.

    ``index`` holds the links the walk of the log verified. Plain lines naming
    a generation or a certificate number, nothing else.
    """
    found: list[str] = []
    anchored = index.anchored_roots(session)
    for generation in sorted(set(index.roots) - set(anchored)):
        found.append(
            f"root {generation}: its head-log link does not match its row (gone, edited,"
            " or not endorsed by the root before)"
        )
    for generation in session.scalars(select(TrustRoot.generation).order_by(TrustRoot.generation)):
        if generation not in index.roots:
            found.append(f"root {generation}: not in the head log (added outside the application)")
    rows = {row.id: row for row in session.scalars(select(HandlerCertificate))}
    for number in sorted(index.certificates):
        row = rows.get(number)
        if row is None or certificate_link(index, row) is None:
            found.append(f"certificate {number}: gone or edited since its head-log link")
    for number in sorted(index.revocations):
        row = rows.get(number)
        if row is not None and revoked_since(index, row) == row.issued_at:
            found.append(f"certificate {number}: its revocation was cleared or edited")
    for number, row in sorted(rows.items()):
        if number not in index.certificates:
            found.append(
                f"certificate {number}: not in the head log (added outside the application)"
            )
        elif row.revoked_at is not None and number not in index.revocations:
            found.append(f"certificate {number}: revoked in the database only")
    return found
