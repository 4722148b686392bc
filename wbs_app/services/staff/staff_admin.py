"""Administrators' work on accounts: deactivation, resets, new links, roles and units.

Kept apart from ``accounts`` (which is about a person proving who they are):
these are decisions one staff member makes about another, each audited.
A reset erases a person's key and a deactivation locks it away, so both are
refused while the person is the only one who can open a case
(``access.keep_cases_readable``). Role and unit changes delete no wrap (access
is the wraps), so they can orphan nothing and are not checked.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto import DecryptionError, seal_version
from wbs_app.models import StaffMember, StaffRole, StaffStatus, TokenPurpose
from wbs_app.services.cases import access
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.staff import accounts, audit, staff_sessions, tokens
from wbs_app.services.staff.accounts import ACTIVATION_TTL, AccountError, units_for_role
from wbs_app.services.trust import certificates


def list_staff(session: Session) -> list[StaffMember]:
    return list(session.scalars(select(StaffMember).order_by(StaffMember.display_name)))


def unpeppered(session: Session) -> list[StaffMember]:
    """Active accounts whose seal is still v1 (the password alone, ``crypto.passwords``).

    Such a seal moves to v2 at the person's next sign-in; until then a copy
    of the database can test guesses of that password. The operator sees who
    has not signed in since the upgrade (``wbs password-seals``).
    """
    active = select(StaffMember).where(
        StaffMember.status == StaffStatus.ACTIVE, StaffMember.sealed_seed.is_not(None)
    )
    return [
        staff
        for staff in session.scalars(active.order_by(StaffMember.username))
        if staff.sealed_seed is not None and _seal_version(staff.sealed_seed) < 2
    ]


def _seal_version(sealed: bytes) -> int:
    try:
        return seal_version(sealed)
    except DecryptionError:
        return 0


def get_staff(session: Session, staff_id: int) -> StaffMember:
    staff = session.get(StaffMember, staff_id)
    if staff is None:
        raise AccountError("not_found")
    return staff


def _other_active_admins(session: Session, staff_id: int) -> int:
    query = select(func.count()).where(
        StaffMember.role == StaffRole.ADMIN,
        StaffMember.status == StaffStatus.ACTIVE,
        StaffMember.id != staff_id,
    )
    return session.scalar(query) or 0


def deactivate(session: Session, actor: StaffMember, staff_id: int) -> None:
    """Switch an account off and end its sessions at once.

    The sessions end here, in the same transaction, so that no caller can
    switch an account off and leave it signed in. Raises ``access.SoleHolder``
    while the person is the only active holder of a case.
    """
    serialise(session, Lock.HOLDERS)  # two administrators deactivating each other take turns
    staff = get_staff(session, staff_id)
    if staff.role is StaffRole.ADMIN and _other_active_admins(session, staff.id) == 0:
        raise AccountError("last_admin")
    access.keep_cases_readable(session, staff.id)
    staff.status = StaffStatus.DEACTIVATED
    certificates.revoke(session, staff, "deactivated")  # no new wrap, even if reactivated
    staff_sessions.end_all(session, staff.id)
    audit.record(session, "staff_deactivated", actor_id=actor.id, target_staff_id=staff.id)
    session.flush()


def reactivate(session: Session, actor: StaffMember, staff_id: int) -> None:
    staff = get_staff(session, staff_id)
    if staff.status is not StaffStatus.DEACTIVATED or staff.sealed_seed is None:
        raise AccountError("not_deactivated")
    accounts.check_display_name(session, staff.display_name, staff.id)
    staff.status = StaffStatus.ACTIVE
    audit.record(session, "staff_reactivated", actor_id=actor.id, target_staff_id=staff.id)
    session.flush()


def reset_password(session: Session, actor: StaffMember, staff_id: int) -> str:
    """Start over for a person who forgot the password: the old key is gone for good.

    The sealed seed and TOTP secret are erased now and every session of the
    person ends (a session holds the old seed: it must not outlive it); the reset link makes a new
    identity, so cases wrapped to the old one must be re-granted by colleagues;
    while a case has no other active holder, ``access.SoleHolder`` is raised
    instead and nothing changes.
    """
    staff = get_staff(session, staff_id)
    if staff.id == actor.id:
        raise AccountError("reset_self")
    if staff.status is StaffStatus.INVITED:
        raise AccountError("not_activated")
    # A key with a recovery wrap is not lost with the password: the custodians
    # can give it back to the new key (services.trust.recovery).
    access.keep_cases_readable(session, staff.id, recovery_counts=True)
    staff.status = StaffStatus.RESET
    certificates.revoke(session, staff, "password_reset")
    staff.sealed_seed = None
    staff.sealed_totp_secret = None
    staff.totp_last_step = 0
    staff_sessions.end_all(session, staff.id)
    token = tokens.issue(session, TokenPurpose.RESET, ACTIVATION_TTL, staff_id=staff.id)
    audit.record(session, "staff_password_reset", actor_id=actor.id, target_staff_id=staff.id)
    session.flush()
    return token


def reissue_activation(session: Session, actor: StaffMember, staff_id: int) -> str:
    """A fresh activation link for someone who never used (or lost) theirs."""
    staff = get_staff(session, staff_id)
    if staff.status is not StaffStatus.INVITED:
        raise AccountError("not_invited")
    token = tokens.issue(session, TokenPurpose.ACTIVATION, ACTIVATION_TTL, staff_id=staff.id)
    audit.record(
        session, "staff_invited", actor_id=actor.id, target_staff_id=staff.id, detail="reissued"
    )
    return token


def change_role(
    session: Session, actor: StaffMember, staff_id: int, role: StaffRole, unit_ids: list[int]
) -> None:
    """Move a handler between investigator and supervisor, or change their units.

    An account never crosses between administrator and handler: administrators
    must hold no case keys, and a handler's identity may hold many.
    """
    staff = get_staff(session, staff_id)
    if (staff.role is StaffRole.ADMIN) != (role is StaffRole.ADMIN):
        raise AccountError("role_kind_fixed")
    units = units_for_role(session, role, unit_ids)
    # Any change revokes, a narrowing too (DESIGN.md 4a): the certificate
    # says exactly what was vouched for, and a wider reach needs a new one.
    if staff.role is not role:
        certificates.revoke(session, staff, "role_changed")
    elif {unit.id for unit in staff.units} != {unit.id for unit in units}:
        certificates.revoke(session, staff, "units_changed")
    staff.role = role
    staff.units = units
    detail = role.value + (":" + ",".join(str(unit.id) for unit in units) if units else "")
    audit.record(
        session, "staff_role_changed", actor_id=actor.id, target_staff_id=staff.id, detail=detail
    )
    session.flush()
