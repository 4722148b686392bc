"""A password change that also replaces the person's identity (issue 17).

A password is changed because someone else may know it. If that someone
also had a copy of the database and ``instance/`` (the pepper), they may have
opened the seed already, and a new password re-seals the same seed: they
would keep reading. Replacing the keys makes a new identity generation, as
an activation after a reset does, but without an administrator: the old seed
is dropped, so the wraps to the old identity open for nobody any more.

The cost is that the person's cases no longer open for them: a colleague
re-grants them (or the custodians, through recovery), as after a reset, once a
certified colleague has certified the new key (its certificate ends with the old
key: ``certificates.revoke(..., "identity")``). So, like a
reset, it is refused while the person is the only one who can still open a
case. Every session of the person ends, the one making the change included
(it holds the old seed), and the person signs in again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crypto import Argon2Params, DecryptionError, Identity, open_seed, seal_seed
from wbs_app.models import StaffMember, StaffStatus
from wbs_app.services.cases import access
from wbs_app.services.infra.argon2_gate import Argon2Gate, slot, slot_between_transactions
from wbs_app.services.infra.transactions import release_snapshot
from wbs_app.services.staff import audit, password_policy, staff_sessions, totp
from wbs_app.services.staff.accounts import AccountError, check_new_password, install_identity
from wbs_app.services.trust import certificates


@dataclass(frozen=True)
class KeysReplaced:
    """The new generation, and how many sessions ended (every one of the person's)."""

    generation: int
    sessions_ended: int


def change_password_and_keys(
    session: Session,
    staff: StaffMember,
    current: str,
    new: str,
    confirm: str,
    params: Argon2Params,
    *,
    pepper: bytes,
    gate: Argon2Gate | None = None,
) -> KeysReplaced:
    """Seal a new identity under the new password; the old seed is gone for good.

    Refused (``AccountError("sole_holder_keys")``) before any Argon2 work
    while a case would be left with nobody able to read it, and checked
    again under the holders' lock before anything is written. The TOTP
    secret is kept (the person's authenticator app stays enrolled), sealed
    again under the new seed.
    """
    if staff.sealed_seed is None or len(current) > password_policy.MAX_LENGTH:
        raise AccountError("wrong_password")
    if len(new) > password_policy.MAX_LENGTH:
        raise AccountError("weak_password", (password_policy.PasswordProblem.TOO_LONG.value,))
    if access.sole_holder_cases(session, staff.id):
        raise AccountError("sole_holder_keys")
    opened, sealed_totp = staff.sealed_seed, staff.sealed_totp_secret
    release_snapshot(session)
    try:
        with slot(gate) as run:
            seed = run(open_seed, opened, current, pepper)
    except (DecryptionError, ValueError):
        raise AccountError("wrong_password") from None
    check_new_password(new, confirm, (staff.username, staff.email, staff.display_name))
    if sealed_totp is None:
        raise AccountError("changed_meanwhile")
    secret = totp.open_secret(seed, sealed_totp, staff.id)
    identity = Identity.generate()
    with slot_between_transactions(session, gate) as run:
        sealed = run(seal_seed, identity.seed, new, params, pepper)
    session.refresh(staff, with_for_update=True)
    if staff.status is not StaffStatus.ACTIVE or staff.sealed_seed != opened:
        raise AccountError("changed_meanwhile")
    try:
        access.keep_cases_readable(session, staff.id)
    except access.SoleHolder:
        raise AccountError("sole_holder_keys") from None
    certificates.revoke(session, staff, "identity")  # the new key is certified afresh
    install_identity(session, staff, identity, sealed, secret)
    audit.record(
        session,
        "keys_replaced",
        actor_id=staff.id,
        target_staff_id=staff.id,
        detail=str(staff.identity_generation),
    )
    ended = staff_sessions.end_all(session, staff.id)
    session.flush()
    return KeysReplaced(staff.identity_generation, ended)
