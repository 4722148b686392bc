"""What K custodians can do together: re-grant cases to a handler whose key was lost.

Every action starts from ``open_with_shares``, which rebuilds the root from
the shares typed in this one request and throttles wrong ones (the seed is
kept nowhere, not even sealed: the page takes the shares again for the next
action; ``docs/crypto.md``, "Recovery session"). A re-grant unwraps each
audience key of a case from its recovery wrap and wraps it to the handler's
current identity, then writes one journal entry in that case, signed by the
root identity, and one audit event for the whole action.

Only a handler who may receive keys at all gets them: an active investigator
or supervisor with an identity whom the reporter did not exclude from the
case, and whose key is certified (``services.trust.certificates``): the
custodians can certify one themselves, after comparing the fingerprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from wbs_app.models import (
    Audience,
    AudienceKey,
    Case,
    KeyWrap,
    RecipientKind,
    StaffMember,
    StaffStatus,
)
from wbs_app.services.cases import access, case_keys, journal
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.staff import audit, throttle
from wbs_app.services.trust import certificates, root, rotation

REGRANTED = "recovery_regranted"
# One counter for the whole installation: the page has no account to count by,
# and every wrong attempt is a guess at the same seed.
THROTTLE_SCOPE = ("recovery", "root")
MAX_CASES = 10_000


class RecoveryThrottled(DomainError):
    """Too many wrong shares lately: the recovery page waits before trying more."""

    code = "recovery_throttled"

    def __init__(self, until: datetime) -> None:
        super().__init__()
        self.until = until


class RecoveryRefused(DomainError):
    """A recovery action refused; the raise site's ``code`` says why."""

    codes = (
        "recovery_not_handler",
        "recovery_not_certified",
        "recovery_no_cases",
        "recovery_too_many",
    )


@dataclass
class RegrantOutcome:
    """Which cases the handler can read now, and which were left as they were, and why."""

    regranted: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)  # the reporter excluded this handler
    unrecoverable: list[int] = field(default_factory=list)  # no recovery wrap (pre-ceremony)
    missing: list[int] = field(default_factory=list)  # no such case


def _throttle_key() -> bytes:
    return throttle.throttle_key(*THROTTLE_SCOPE)


def open_with_shares(
    session: Session, shares: Sequence[str], generation: int | None = None
) -> root.OpenRoot:
    """The root from shares, counting a wrong set towards a lock; the caller commits either way.

    A wrong set is one audit event ("recovery_refused") without any word of
    what was typed.
    """
    key = _throttle_key()
    until = throttle.locked_until(session, key)
    if until is not None:
        raise RecoveryThrottled(until)
    try:
        opened = root.open_root(session, shares, generation)
    except root.SharesRefused:
        audit.record(session, "recovery_refused")
        locked = throttle.record_failure(session, key)
        if locked is not None:
            raise RecoveryThrottled(locked) from None
        raise
    throttle.clear(session, key)
    return opened


def _target(session: Session, staff_id: int) -> StaffMember:
    staff = session.get(StaffMember, staff_id)
    if (
        staff is None
        or staff.role not in access.HANDLER_ROLES
        or staff.status is not StaffStatus.ACTIVE
        or staff.identity_public is None
    ):
        raise RecoveryRefused("recovery_not_handler")
    return staff


def _certified_target(session: Session, staff_id: int) -> StaffMember:
    """A handler who may receive keys now: certified (by a colleague, or by the custodians)."""
    staff = _target(session, staff_id)
    if not certificates.is_certified(session, staff):
        raise RecoveryRefused("recovery_not_certified")
    return staff


def staff_by_email(session: Session, email: str) -> StaffMember:
    """The handler named on the recovery page by their e-mail address (the page lists nobody)."""
    staff = session.scalar(
        select(StaffMember).where(func.lower(StaffMember.email) == email.strip().lower())
    )
    if staff is None:
        raise RecoveryRefused("recovery_not_handler")
    return _target(session, staff.id)


def regrant_with_shares(
    session: Session,
    shares: Sequence[str],
    staff_email: str,
    case_ids: Sequence[int],
    unit_id: int | None,
) -> tuple[StaffMember, RegrantOutcome]:
    """The recovery page's re-grant: open the root from the shares, then give the cases back.

    The cases are those numbered plus, if a unit is chosen, all of that unit's.
    The shares are checked first, so that a wrong set tells nothing about
    accounts or cases.
    """
    if rotation.pending(session) is not None:
        raise rotation.RotationRunning()
    opened = open_with_shares(session, shares)
    target = staff_by_email(session, staff_email)
    wanted = list(case_ids) + (unit_case_ids(session, unit_id) if unit_id is not None else [])
    return target, regrant(session, opened, target.id, wanted)


def fingerprint_of(staff: StaffMember) -> str:
    """The handler's key fingerprint as their own key page shows it, for the custodians."""
    return certificates.fingerprint_of(staff) or ""


def certify_with_shares(
    session: Session, shares: Sequence[str], staff_email: str, typed_fingerprint: str
) -> StaffMember:
    """The recovery page's certification: the root, from the shares, vouches for a handler.

    For the first handlers after the ceremony, and for one whose key was
    renewed when no certified colleague can vouch. The fingerprint typed is
    the one the handler read out from their own key page, compared by the
    certificates service; the audit log records it as "staff_certified" by
    the custodians.
    """
    if rotation.pending(session) is not None:
        raise rotation.RotationRunning()
    opened = open_with_shares(session, shares)
    target = staff_by_email(session, staff_email)
    certificates.certify_by_root(session, target, opened, typed_fingerprint)
    return target


def unit_case_ids(session: Session, unit_id: int) -> list[int]:
    """Every case of one unit, oldest first."""
    return list(session.scalars(select(Case.id).where(Case.unit_id == unit_id).order_by(Case.id)))


def regrant(
    session: Session, opened: root.OpenRoot, staff_id: int, case_ids: Sequence[int]
) -> RegrantOutcome:
    """Give the handler every audience key of the cases, from their recovery wraps."""
    wanted = sorted(set(case_ids))
    if not wanted:
        raise RecoveryRefused("recovery_no_cases")
    if len(wanted) > MAX_CASES:
        raise RecoveryRefused("recovery_too_many")
    target = _certified_target(session, staff_id)
    acting = root.acting_detail(session, opened)
    outcome = RegrantOutcome()
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(wanted)))}
    for case_id in wanted:
        case = cases.get(case_id)
        if case is None:
            outcome.missing.append(case_id)
        elif target.id in access.excluded_ids(session, case):
            outcome.excluded.append(case_id)
        else:
            _regrant_case(session, opened, case, target, outcome, acting)
    # Data, rendered in the administrator's language by ``admin.audit_view``;
    # a request that gave nothing is its own action, not a give-back.
    audit.record(
        session,
        "recovery_regrant" if outcome.regranted else "recovery_regrant_none",
        target_staff_id=target.id,
        detail=f"root {opened.generation}: {len(outcome.regranted)}; {acting}",
    )
    session.flush()
    return outcome


def _regrant_case(
    session: Session,
    opened: root.OpenRoot,
    case: Case,
    target: StaffMember,
    outcome: RegrantOutcome,
    acting: str,
) -> None:
    rows = list(session.scalars(select(AudienceKey).where(AudienceKey.case_id == case.id)))
    try:
        keys = {
            row.id: case_keys.unwrap_for_recovery(
                session, case, row, opened.generation, opened.identity
            )
            for row in rows
        }
    except case_keys.NoAccess:
        outcome.unrecoverable.append(case.id)
        return
    session.execute(
        delete(KeyWrap).where(
            KeyWrap.case_id == case.id,
            KeyWrap.recipient_kind == RecipientKind.STAFF,
            KeyWrap.staff_id == target.id,
            KeyWrap.identity_generation != target.identity_generation,
        )
    )
    held = set(
        session.scalars(
            select(KeyWrap.audience_key_id).where(
                KeyWrap.case_id == case.id,
                KeyWrap.recipient_kind == RecipientKind.STAFF,
                KeyWrap.staff_id == target.id,
            )
        )
    )
    missing = [row for row in rows if row.id not in held]
    if not missing:
        outcome.already.append(case.id)
        return
    for row in missing:
        case_keys.wrap_to_staff(session, case, row, keys[row.id], target)
    internal = next(row for row in rows if row.audience is Audience.INTERNAL)
    journal.append_by_custodians(
        session,
        case,
        opened.generation,
        opened.identity,
        keys[internal.id],
        REGRANTED,
        {
            "staff": target.display_name,
            "staff_id": target.id,
            "key": fingerprint_of(target),
            "custodians": acting,  # which of them met: share numbers and names
        },
    )
    outcome.regranted.append(case.id)
