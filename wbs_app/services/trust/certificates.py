"""Handler certificates: no case key reaches an identity nobody answerable vouched for.

The administrator runs the staff directory (invites, resets, roles, units),
so the directory alone must not decide who receives a wrap. A handler
identity receives wraps only while it holds a certificate whose chain ends at
the custodians' root: signed by the root itself, or by a handler who was
certified when signing and whose reach covers the subject's (a supervisor of
U covers U's subtree, an investigator only investigators of its own units).
The signer types the fingerprint the new colleague reads out, so the key
signed is the one that person holds, not one the administrator swapped in.

Every check reads the database afresh (no cache across calls; a memo within
one call only), so a revocation stops the next wrap at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import DecryptionError, Identity, PublicIdentity
from crypto.certificates import (
    CertificateStatement,
    certificate_fingerprint,
    fingerprint_matches,
    root_issuer,
    sign_statement,
    staff_issuer,
    verify_statement,
)
from wbs_app.models import HandlerCertificate, StaffMember, StaffRole, StaffStatus, TrustRoot
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office.organisation import subtree_ids
from wbs_app.services.staff import audit
from wbs_app.services.trust.root import OpenRoot

HANDLER_ROLES = (StaffRole.INVESTIGATOR, StaffRole.SUPERVISOR)
# Why a certificate stopped counting; the audit log shows the same word.
REVOKE_REASONS = ("deactivated", "password_reset", "role_changed", "units_changed", "identity")


class CertificationRefused(DomainError):
    """A certificate was asked for that the rules do not allow; the code says which rule."""

    codes = (
        "fingerprint_mismatch",
        "certifier_admin",
        "certifier_not_certified",
        "certifier_out_of_reach",
        "subject_not_handler",
        "subject_inactive",
        "subject_no_identity",
        "already_certified",
    )


class NotCertified(DomainError):
    """The identity holds no valid certificate, so no case key may be wrapped to it."""

    code = "not_certified"


def _whole_seconds(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _units_text(unit_ids: tuple[int, ...]) -> str:
    return ",".join(str(u) for u in unit_ids)


def _units_of(text: str) -> tuple[int, ...]:
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
        unit_ids=_units_of(row.unit_ids),
        generation=row.generation,
        issued_at=_iso(row.issued_at),
        issuer=issuer,
    )


@dataclass
class _Checker:
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
        issuer_units = _units_of(issuer.unit_ids)
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
        result = depth < 32 and self._verify(row, depth)
        self.chains[row.id] = result
        return result

    def _verify(self, row: HandlerCertificate, depth: int) -> bool:
        if row.role not in (r.value for r in HANDLER_ROLES):
            return False
        statement = statement_of(row)
        if row.issuer_kind == "root" and row.issuer_root_generation is not None:
            root = self.session.get(TrustRoot, row.issuer_root_generation)
            if root is None or row.issued_at < _whole_seconds(root.created_at):
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
                and self.covers(issuer, row.role, _units_of(row.unit_ids))
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


def _matches_now(row: HandlerCertificate, staff: StaffMember) -> bool:
    return (
        staff.identity_public is not None
        and row.subject_public == staff.identity_public
        and row.generation == staff.identity_generation
        and row.role == staff.role.value
        and _units_of(row.unit_ids) == tuple(sorted(u.id for u in staff.units))
    )


def _candidates(session: Session, staff_id: int, generation: int) -> list[HandlerCertificate]:
    return list(
        session.scalars(
            select(HandlerCertificate)
            .where(
                HandlerCertificate.staff_id == staff_id,
                HandlerCertificate.generation == generation,
            )
            .order_by(HandlerCertificate.id.desc())
        )
    )


def current_certificate(
    session: Session,
    staff: StaffMember,
    at: datetime | None = None,
    *,
    _checker: _Checker | None = None,
) -> HandlerCertificate | None:
    """The certificate that makes ``staff`` a recipient now (or at ``at``), or None.

    It must match the account exactly as it is (key, generation, role, units),
    be unrevoked (at ``at``, when given), and its chain must verify.
    """
    if staff.status is not StaffStatus.ACTIVE or staff.role not in HANDLER_ROLES:
        return None
    checker = _checker or _Checker(session)
    for row in _candidates(session, staff.id, staff.identity_generation):
        if not _matches_now(row, staff):
            continue
        if at is None:
            if row.revoked_at is not None:
                continue
        elif row.issued_at > at or (row.revoked_at is not None and row.revoked_at <= at):
            continue
        if checker.chain_verifies(row):
            return row
    return None


def is_certified(session: Session, staff: StaffMember, at: datetime | None = None) -> bool:
    return current_certificate(session, staff, at) is not None


def require_certified(session: Session, staff: StaffMember, at: datetime | None = None) -> None:
    """Raise ``NotCertified`` unless ``staff`` may receive a wrap now."""
    if not is_certified(session, staff, at):
        raise NotCertified()


def certified_among(session: Session, staff: list[StaffMember]) -> list[StaffMember]:
    """The members of ``staff`` that may receive wraps now, in the order given (one memo)."""
    checker = _Checker(session)
    return [s for s in staff if current_certificate(session, s, _checker=checker) is not None]


def certificate_valid_at(session: Session, staff_id: int, generation: int, when: datetime) -> bool:
    """Whether identity ``generation`` of ``staff_id`` was certified at ``when`` (for the journal).

    Unlike ``is_certified`` this does not compare with the account as it is
    now: an entry signed last year by a since-reset identity stays valid.
    """
    checker = _Checker(session)
    for row in _candidates(session, staff_id, generation):
        if row.issued_at > when or (row.revoked_at is not None and row.revoked_at <= when):
            continue
        if checker.chain_verifies(row):
            return True
    return False


def _check_subject(session: Session, subject: StaffMember, typed_fingerprint: str) -> bytes:
    if subject.role not in HANDLER_ROLES:
        raise CertificationRefused("subject_not_handler")
    if subject.status is not StaffStatus.ACTIVE:
        raise CertificationRefused("subject_inactive")
    if subject.identity_public is None:
        raise CertificationRefused("subject_no_identity")
    if is_certified(session, subject):
        raise CertificationRefused("already_certified")
    if not fingerprint_matches(subject.identity_public, typed_fingerprint):
        raise CertificationRefused("fingerprint_mismatch")
    return subject.identity_public


def _issue(
    session: Session,
    subject: StaffMember,
    public: bytes,
    signer: Identity,
    *,
    root_generation: int | None = None,
    issuer_staff: StaffMember | None = None,
) -> HandlerCertificate:
    row = HandlerCertificate(
        staff_id=subject.id,
        generation=subject.identity_generation,
        role=subject.role.value,
        unit_ids=_units_text(tuple(sorted(u.id for u in subject.units))),
        subject_public=public,
        issuer_kind="root" if issuer_staff is None else "staff",
        issuer_root_generation=root_generation,
        issuer_staff_id=None if issuer_staff is None else issuer_staff.id,
        issuer_generation=None if issuer_staff is None else issuer_staff.identity_generation,
        issued_at=_whole_seconds(utcnow()),
        signature=b"",
    )
    row.signature = sign_statement(statement_of(row), signer)
    session.add(row)
    session.flush()
    audit.record(
        session,
        "staff_certified",
        actor_id=None if issuer_staff is None else issuer_staff.id,
        target_staff_id=subject.id,
        detail="custodians" if issuer_staff is None else "",
    )
    return row


def certify_by_root(
    session: Session, subject: StaffMember, root: OpenRoot, typed_fingerprint: str
) -> HandlerCertificate:
    """The custodians certify a handler (the first ones, or any, in a recovery session)."""
    public = _check_subject(session, subject, typed_fingerprint)
    stored = session.get(TrustRoot, root.generation)
    if stored is None or stored.retired_at is not None:
        raise DecryptionError()  # an OpenRoot is only ever made from the current root
    if stored.public != root.identity.public().to_bytes():
        raise DecryptionError()
    return _issue(session, subject, public, root.identity, root_generation=root.generation)


def certify_by_handler(
    session: Session,
    subject: StaffMember,
    issuer: StaffMember,
    issuer_identity: Identity,
    typed_fingerprint: str,
) -> HandlerCertificate:
    """A certified handler vouches for a colleague within its reach, after hearing the digits."""
    if issuer.is_admin:
        raise CertificationRefused("certifier_admin")
    checker = _Checker(session)
    own = current_certificate(session, issuer, _checker=checker)
    if own is None or own.subject_public != issuer_identity.public().to_bytes():
        raise CertificationRefused("certifier_not_certified")
    subject_units = tuple(sorted(u.id for u in subject.units))
    if subject.id == issuer.id or not checker.covers(own, subject.role.value, subject_units):
        raise CertificationRefused("certifier_out_of_reach")
    public = _check_subject(session, subject, typed_fingerprint)
    return _issue(session, subject, public, issuer_identity, issuer_staff=issuer)


def may_certify(session: Session, issuer: StaffMember, subject: StaffMember) -> bool:
    """Whether ``issuer``'s valid certificate reaches ``subject`` (for the list of colleagues)."""
    if issuer.is_admin or subject.id == issuer.id:
        return False
    checker = _Checker(session)
    own = current_certificate(session, issuer, _checker=checker)
    units = tuple(sorted(u.id for u in subject.units))
    return own is not None and checker.covers(own, subject.role.value, units)


def revoke(session: Session, staff: StaffMember, reason: str) -> int:
    """Revoke every live certificate of ``staff`` at once; returns how many were live."""
    if reason not in REVOKE_REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    now = utcnow()
    rows = session.scalars(
        select(HandlerCertificate).where(
            HandlerCertificate.staff_id == staff.id, HandlerCertificate.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
        row.revoked_reason = reason
    if rows:
        audit.record(session, "staff_certificate_revoked", target_staff_id=staff.id, detail=reason)
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class CertificateView:
    """What a page shows about one handler's key: never a secret, only who vouched and when."""

    fingerprint: str | None
    certified: bool
    certified_by: str | None  # a display name, or None with ``by_custodians``
    by_custodians: bool
    certified_at: datetime | None


def fingerprint_of(staff: StaffMember) -> str | None:
    return None if staff.identity_public is None else certificate_fingerprint(staff.identity_public)


def certificate_view(session: Session, staff: StaffMember) -> CertificateView:
    row = current_certificate(session, staff)
    if row is None:
        return CertificateView(fingerprint_of(staff), False, None, False, None)
    by_root = row.issuer_kind == "root"
    issuer = None if by_root else session.get(StaffMember, row.issuer_staff_id)
    return CertificateView(
        fingerprint_of(staff),
        True,
        None if issuer is None else issuer.display_name,
        by_root,
        row.issued_at,
    )
