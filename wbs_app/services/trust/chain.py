"""Checking a certificate chain: to the custodians' root, each link valid when it signed.

Split from ``certificates`` (which issues, revokes and answers "may this
identity receive keys now?") so that the rules of a valid chain read in one
place: a root signature counts if that root generation was current at the
issue; a handler's signature counts if the handler's own certificate was
issued before, not revoked by then, reaches the subject's role and units, and
itself verifies, down to a root. A loop or a chain deeper than 32 fails.

Every certificate in a chain must have its issuance link in the head log and
every root must be anchored there (``services.trust.anchors``): rows a
database writer added or edited do not verify. A ``Checker`` made for new
wraps (the default) also refuses a root-issued certificate whose link comes
after the next root generation's link; one made for judging old journal
entries (``for_wraps=False``) keeps to the dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import DecryptionError, PublicIdentity
from crypto.certificates import CertificateStatement, verify_statement
from wbs_app.models import HandlerCertificate, StaffRole
from wbs_app.services.office.organisation import subtree_ids
from wbs_app.services.trust import anchors
from wbs_app.services.trust.statements import statement_of, units_of, whole_seconds

HANDLER_ROLES = (StaffRole.INVESTIGATOR, StaffRole.SUPERVISOR)
MAX_DEPTH = 32


@dataclass
class Checker:
    """One verification pass: memoises chains and the unit tree for this call only."""

    session: Session
    for_wraps: bool = True
    chains: dict[int, bool] = field(default_factory=dict)
    subtrees: dict[int, set[int]] = field(default_factory=dict)
    _trust: anchors.TrustIndex | None = None

    @property
    def trust(self) -> anchors.TrustIndex:
        """The head log's trust links, read once per pass."""
        if self._trust is None:
            self._trust = anchors.load(self.session)
        return self._trust

    def revoked_since(self, row: HandlerCertificate) -> datetime | None:
        return anchors.revoked_since(self.trust, row)

    def revoked_now(self, row: HandlerCertificate) -> bool:
        """Revoked in the row or in the log: clearing ``revoked_at`` undoes nothing."""
        return row.revoked_at is not None or anchors.has_revocation_link(self.trust, row)

    def subtree(self, unit_id: int) -> set[int]:
        if unit_id not in self.subtrees:
            self.subtrees[unit_id] = subtree_ids(self.session, unit_id)
        return self.subtrees[unit_id]

    def covers(self, issuer: HandlerCertificate, role: str, unit_ids: tuple[int, ...]) -> bool:
        """Whether a certificate's holder may vouch for ``role`` in ``unit_ids``."""
        issuer_units = units_of(issuer.unit_ids)
        if issuer.role == StaffRole.SUPERVISOR.value:
            if role not in (StaffRole.INVESTIGATOR.value, StaffRole.SUPERVISOR.value):
                return False
            reach: set[int] = set()
            for unit in issuer_units:
                reach |= self.subtree(unit)
            return set(unit_ids) <= reach
        if issuer.role == StaffRole.INVESTIGATOR.value:
            return role == StaffRole.INVESTIGATOR.value and set(unit_ids) <= set(issuer_units)
        return False

    def chain_verifies(self, row: HandlerCertificate, depth: int = 0) -> bool:
        """Signature by a root current at issue, or by a certificate valid when it signed."""
        if row.id in self.chains:
            return self.chains[row.id]
        self.chains[row.id] = False  # a loop in forged rows ends here, refused
        result = depth < MAX_DEPTH and self._verify(row, depth)
        self.chains[row.id] = result
        return result

    def _verify(self, row: HandlerCertificate, depth: int) -> bool:
        if row.role not in (r.value for r in HANDLER_ROLES):
            return False
        own_link = anchors.certificate_link(self.trust, row)
        if own_link is None:
            return False  # not issued through the application: no link covers it
        statement = statement_of(row)
        if row.issuer_kind == "root" and row.issuer_root_generation is not None:
            generation = row.issuer_root_generation
            roots = self.trust.anchored_roots(self.session)
            root = roots.get(generation)
            if root is None or row.issued_at < whole_seconds(root.created_at):
                return False
            successor = roots.get(generation + 1)
            # To the second, as stamped: a certificate of the rotation's own second stands
            # (for new wraps the log's order decides below, exactly).
            if successor is not None and row.issued_at > whole_seconds(successor.created_at):
                return False
            following = self.trust.next_root_position(generation)
            if self.for_wraps and following is not None and own_link.position > following:
                return False  # signed with old shares after the rotation
            return _signed(statement, row.signature, root.public)
        if row.issuer_kind != "staff" or row.issuer_staff_id is None:
            return False
        if row.issuer_staff_id == row.staff_id and row.issuer_generation == row.generation:
            return False
        for issuer in self._issuer_certificates(row):
            if (
                issuer.issued_at <= row.issued_at
                and _after(self.revoked_since(issuer), row.issued_at)
                and self.covers(issuer, row.role, units_of(row.unit_ids))
                and _signed(statement, row.signature, issuer.subject_public)
                and self.chain_verifies(issuer, depth + 1)
            ):
                return True
        return False

    def _issuer_certificates(self, row: HandlerCertificate) -> list[HandlerCertificate]:
        return list(
            self.session.scalars(
                select(HandlerCertificate)
                .where(
                    HandlerCertificate.staff_id == row.issuer_staff_id,
                    HandlerCertificate.generation == row.issuer_generation,
                    HandlerCertificate.id != row.id,
                )
                .order_by(HandlerCertificate.id.desc())
            )
        )


def _after(revoked: datetime | None, moment: datetime) -> bool:
    return revoked is None or revoked > moment


def _signed(statement: CertificateStatement, signature: bytes, public: bytes) -> bool:
    try:
        verify_statement(statement, signature, PublicIdentity.from_bytes(public))
    except (DecryptionError, ValueError):
        return False
    return True
