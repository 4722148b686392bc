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
one call only), so a revocation stops the next wrap at once. A certificate
counts only with its issuance link in the head log and without a revocation
link (``services.trust.anchors``): a row a database writer inserted, or whose
``revoked_at`` they cleared, gives no wrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import DecryptionError, Identity, PublicIdentity
from crypto.certificates import certificate_fingerprint, fingerprint_matches, sign_statement
from wbs_app.models import HandlerCertificate, StaffIdentity, StaffMember, StaffStatus
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.staff import audit
from wbs_app.services.trust import anchors
from wbs_app.services.trust.chain import HANDLER_ROLES, Checker
from wbs_app.services.trust.root import OpenRoot, acting_detail
from wbs_app.services.trust.statements import statement_of, units_of, units_text, whole_seconds

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
        "subject_key_unrecorded",
        "already_certified",
    )


class NotCertified(DomainError):
    """The identity holds no valid certificate, so no case key may be wrapped to it."""

    code = "not_certified"


def matches_now(row: HandlerCertificate, staff: StaffMember) -> bool:
    return (
        staff.identity_public is not None
        and row.subject_public == staff.identity_public
        and row.generation == staff.identity_generation
        and row.role == staff.role.value
        and units_of(row.unit_ids) == tuple(sorted(u.id for u in staff.units))
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
    _checker: Checker | None = None,
) -> HandlerCertificate | None:
    """The certificate that makes ``staff`` a recipient now (or at ``at``), or None.

    It must match the account exactly as it is (key, generation, role, units),
    be unrevoked (at ``at``, when given), and its chain must verify.
    """
    if staff.status is not StaffStatus.ACTIVE or staff.role not in HANDLER_ROLES:
        return None
    checker = _checker or Checker(session)
    for row in _candidates(session, staff.id, staff.identity_generation):
        if not matches_now(row, staff):
            continue
        if at is None:
            if checker.revoked_now(row):
                continue
        else:
            revoked = checker.revoked_since(row)
            if row.issued_at > at or (revoked is not None and revoked <= at):
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
    checker = Checker(session)
    return [s for s in staff if current_certificate(session, s, _checker=checker) is not None]


def certificate_valid_at(session: Session, staff_id: int, generation: int, when: datetime) -> bool:
    """Whether identity ``generation`` of ``staff_id`` was certified at ``when`` (for the journal).

    Unlike ``is_certified`` this does not compare with the account as it is
    now: an entry signed last year by a since-reset identity stays valid.
    """
    checker = Checker(session, for_wraps=False)
    for row in _candidates(session, staff_id, generation):
        revoked = checker.revoked_since(row)
        if row.issued_at > when or (revoked is not None and revoked <= when):
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
    # The column alone can be swapped by a database writer; the generation's
    # record was made with the key at activation (see also staff.held_key).
    recorded = session.get(StaffIdentity, (subject.id, subject.identity_generation))
    if recorded is None or recorded.public != subject.identity_public:
        raise CertificationRefused("subject_key_unrecorded")
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
    audit_detail: str = "",
) -> HandlerCertificate:
    row = HandlerCertificate(
        staff_id=subject.id,
        generation=subject.identity_generation,
        role=subject.role.value,
        unit_ids=units_text(tuple(sorted(u.id for u in subject.units))),
        subject_public=public,
        issuer_kind="root" if issuer_staff is None else "staff",
        issuer_root_generation=root_generation,
        issuer_staff_id=None if issuer_staff is None else issuer_staff.id,
        issuer_generation=None if issuer_staff is None else issuer_staff.identity_generation,
        issued_at=whole_seconds(utcnow()),
        signature=b"",
    )
    row.signature = sign_statement(statement_of(row), signer)
    session.add(row)
    session.flush()
    anchors.record_certificate(session, row)
    audit.record(
        session,
        "staff_certified",
        actor_id=None if issuer_staff is None else issuer_staff.id,
        target_staff_id=subject.id,
        detail=audit_detail,
    )
    return row


def certify_by_root(
    session: Session, subject: StaffMember, root: OpenRoot, typed_fingerprint: str
) -> HandlerCertificate:
    """The custodians certify a handler (the first ones, or any, in a recovery session)."""
    public = _check_subject(session, subject, typed_fingerprint)
    stored = anchors.current_root(session)
    if stored is None or stored.generation != root.generation:
        raise DecryptionError()  # only the current anchored root certifies
    if stored.public != root.identity.public().to_bytes():
        raise DecryptionError()
    return _issue(
        session,
        subject,
        public,
        root.identity,
        root_generation=root.generation,
        # By the custodians, and which of them: "custodians; 1, 2: names".
        audit_detail=f"custodians; {acting_detail(session, root)}",
    )


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
    checker = Checker(session)
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
    checker = Checker(session)
    own = current_certificate(session, issuer, _checker=checker)
    units = tuple(sorted(u.id for u in subject.units))
    return own is not None and checker.covers(own, subject.role.value, units)


def revoke(session: Session, staff: StaffMember, reason: str) -> int:
    """Revoke every live certificate of ``staff`` at once; returns how many were live.

    Under ``Lock.HOLDERS`` whoever calls it (a revoke takes a holder away), and
    each revocation gets its head-log link in the same transaction, so that
    clearing ``revoked_at`` later brings nothing back.
    """
    if reason not in REVOKE_REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    serialise(session, Lock.HOLDERS)
    now = utcnow()  # the link covers it to the second (as the statement's times)
    rows = session.scalars(
        select(HandlerCertificate).where(
            HandlerCertificate.staff_id == staff.id, HandlerCertificate.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
        row.revoked_reason = reason
        anchors.record_revocation(session, row)
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


def own_certificate_view(
    session: Session, staff: StaffMember, held: PublicIdentity
) -> CertificateView:
    """What the person's own pages show: the fingerprint of the key they hold.

    ``held`` is the public half of the identity opened in their session, never
    the stored column: the digits read out to a certifier must be those of
    the key the person holds (issue 17 review, finding 2). A certificate
    counts only if it is for that key.
    """
    public = held.to_bytes()
    view = certificate_view(session, staff)
    if staff.identity_public != public:
        return CertificateView(certificate_fingerprint(public), False, None, False, None)
    return CertificateView(
        certificate_fingerprint(public),
        view.certified,
        view.certified_by,
        view.by_custodians,
        view.certified_at,
    )


def waiting_for(session: Session, issuer: StaffMember) -> list[StaffMember]:
    """Colleagues with a key but no valid certificate whom ``issuer`` may certify, by name.

    Empty for an administrator or an issuer whose own certificate does not
    verify: the certify page then says why instead of listing anyone.
    """
    if issuer.is_admin:
        return []
    checker = Checker(session)
    own = current_certificate(session, issuer, _checker=checker)
    if own is None:
        return []
    candidates = session.scalars(
        select(StaffMember)
        .where(
            StaffMember.role.in_(HANDLER_ROLES),
            StaffMember.status == StaffStatus.ACTIVE,
            StaffMember.identity_public.is_not(None),
            StaffMember.id != issuer.id,
        )
        .order_by(StaffMember.display_name)
    )
    return [
        staff
        for staff in candidates
        if checker.covers(own, staff.role.value, tuple(sorted(u.id for u in staff.units)))
        and current_certificate(session, staff, _checker=checker) is None
    ]


def certified_ids(session: Session, staff: list[StaffMember]) -> set[int]:
    """Which of ``staff`` hold a valid certificate now (the administrator's staff list)."""
    return {member.id for member in certified_among(session, staff)}
