"""Checking a certificate chain: to the custodians' root, each link valid when it signed.

Split from ``certificates`` (which issues, revokes and answers "may this
identity receive keys now?") so that the rules of a valid chain read in one
place: a root signature counts if that root generation was current at the
issue; a handler's signature counts if the handler's own certificate was
issued before, not revoked by then, reaches the subject's role and units, and
itself verifies, down to a root. A loop or a chain deeper than 32 fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import DecryptionError, PublicIdentity
from crypto.certificates import (
    CertificateStatement,
    root_issuer,
    staff_issuer,
    verify_statement,
)
from wbs_app.models import HandlerCertificate, StaffRole, TrustRoot
from wbs_app.services.office.organisation import subtree_ids

HANDLER_ROLES = (StaffRole.INVESTIGATOR, StaffRole.SUPERVISOR)
MAX_DEPTH = 32


def whole_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def units_text(unit_ids: tuple[int, ...]) -> str:
    return ",".join(str(u) for u in unit_ids)


def units_of(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def statement_of(row: HandlerCertificate) -> CertificateStatement:
    """The signed statement, rebuilt from the row's plain fields alone."""
    if row.issuer_kind == "root" and row.issuer_root_generation is not None:
        issuer = root_issuer(row.issuer_root_generation)
    elif row.issuer_staff_id is not None and row.issuer_generation is not None:
        issuer = staff_issuer(row.issuer_staff_id, row.issuer_generation)
    else:
        issuer = "invalid"
    return CertificateStatement(
        subject_public=row.subject_public,
        account_id=row.staff_id,
        role=row.role,
        unit_ids=units_of(row.unit_ids),
        generation=row.generation,
        issued_at=iso(row.issued_at),
        issuer=issuer,
    )


@dataclass
class Checker:
    """One verification pass: memoises chains and the unit tree for this call only."""

    session: Session
    chains: dict[int, bool] = field(default_factory=dict)
    subtrees: dict[int, set[int]] = field(default_factory=dict)

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
        statement = statement_of(row)
        if row.issuer_kind == "root" and row.issuer_root_generation is not None:
            root = self.session.get(TrustRoot, row.issuer_root_generation)
            if root is None or row.issued_at < whole_seconds(root.created_at):
                return False
            if root.retired_at is not None and row.issued_at >= root.retired_at:
                return False
            return _signed(statement, row.signature, root.public)
        if row.issuer_kind != "staff" or row.issuer_staff_id is None:
            return False
        if row.issuer_staff_id == row.staff_id and row.issuer_generation == row.generation:
            return False
        for issuer in self._issuer_certificates(row):
            if (
                issuer.issued_at <= row.issued_at
                and (issuer.revoked_at is None or issuer.revoked_at > row.issued_at)
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


def _signed(statement: CertificateStatement, signature: bytes, public: bytes) -> bool:
    try:
        verify_statement(statement, signature, PublicIdentity.from_bytes(public))
    except (DecryptionError, ValueError):
        return False
    return True
