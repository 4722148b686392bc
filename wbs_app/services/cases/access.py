"""Who may read a case: granting, revoking, assigning, re-granting.

Access is cryptographic: to grant, a handler who holds the case's keys
unwraps them with their own unlocked identity and wraps them to the
colleague's current identity; to revoke, the colleague's wraps are deleted.
A re-grant after a password reset is a grant to the new identity, which
replaces the stale wraps. A handler the reporter excluded is never granted.
Every change is a journal entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, exists, func, select
from sqlalchemy.orm import Session, aliased

from crypto import Identity
from crypto.envelope import WRAPPED_BYTES
from wbs_app.models import (
    AudienceKey,
    Case,
    HandlerExclusion,
    KeyWrap,
    RecipientKind,
    StaffMember,
    StaffRole,
    StaffStatus,
    Unit,
)
from wbs_app.services.cases import case_keys, journal
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.transactions import Lock, serialise
from wbs_app.services.trust import certificates, root

HANDLER_ROLES = (StaffRole.INVESTIGATOR, StaffRole.SUPERVISOR)


class AccessRefused(DomainError):
    """A grant or revocation refused; the raise site's ``code`` says why."""


@dataclass(frozen=True)
class HeldCase:
    """A case as an administrator may know it: its number and unit, nothing written in it."""

    case_id: int
    unit: str


class SoleHolder(DomainError):
    """Refused: the person is the only one who can still open these cases."""

    code = "sole_holder"

    def __init__(self, cases: list[HeldCase]) -> None:
        super().__init__()
        self.cases = cases


@dataclass(frozen=True)
class Holder:
    """Someone with a wrap of the case, and whether they can open it now.

    ``current`` is the one meaning of "can read this case" that every check
    uses (``sole_holder_cases`` says it in SQL): an active account, a seed,
    and a wrap to its current identity. ``state`` says why not, for the page.
    """

    staff: StaffMember
    current: bool
    state: str  # "ok", "deactivated", "reset" (key erased, new one not made yet), "old_key"


def opens_with_own_key(wrap: type[KeyWrap], person: type[StaffMember]) -> ColumnElement[bool]:
    """SQL: ``wrap`` is to ``person``'s current identity, and that identity's key exists.

    The one test of "this person can still open it" (a reset erases the key
    and later raises the generation): ``sole_holder_cases`` counts such wraps,
    ``regrant_wait`` looks for people who have none. Either argument may be an
    alias.
    """
    return and_(
        wrap.recipient_kind == RecipientKind.STAFF,
        wrap.staff_id == person.id,
        wrap.identity_generation == person.identity_generation,
        person.sealed_seed.is_not(None),
    )


def _staff_wraps(session: Session, case: Case, staff_id: int) -> list[KeyWrap]:
    return list(
        session.scalars(
            select(KeyWrap)
            .join(AudienceKey, AudienceKey.id == KeyWrap.audience_key_id)
            .where(
                AudienceKey.case_id == case.id,
                KeyWrap.recipient_kind == RecipientKind.STAFF,
                KeyWrap.staff_id == staff_id,
            )
        )
    )


def holders(session: Session, case: Case) -> list[Holder]:
    rows = session.execute(
        select(StaffMember, func.max(KeyWrap.identity_generation))
        .join(KeyWrap, KeyWrap.staff_id == StaffMember.id)
        .join(AudienceKey, AudienceKey.id == KeyWrap.audience_key_id)
        .where(AudienceKey.case_id == case.id, KeyWrap.recipient_kind == RecipientKind.STAFF)
        .group_by(StaffMember.id)
        .order_by(StaffMember.display_name)
    )
    return [_holder(staff, generation) for staff, generation in rows]


def _holder(staff: StaffMember, generation: int) -> Holder:
    if staff.status is StaffStatus.DEACTIVATED:
        state = "deactivated"
    elif staff.sealed_seed is None:
        state = "reset"
    elif generation != staff.identity_generation:
        state = "old_key"
    else:
        state = "ok"
    return Holder(staff, state == "ok", state)


def sole_holder_cases(
    session: Session, staff_id: int, case_id: int | None = None, *, recovery_counts: bool = False
) -> list[HeldCase]:
    """The cases with a key that only this person can still open, by number.

    With ``recovery_counts`` (a password reset: the key is lost with the
    password anyway) a key with a recovery wrap to the current root is not
    lost: K custodians can give it back. A deactivation only locks the key away (a reactivation
    gives it back) and a revoke is a choice, so both still need another
    handler who can read the case.

    A key is readable by someone whose account is active and whose wrap is to
    their current identity. Deactivated colleagues do not count (they may
    have left), nor do colleagues whose password was reset (their old key is
    erased; the generation changes only when the new identity is made). The
    person's own wraps count while their key exists, deactivated or not: a
    reset would destroy a key that a reactivation gives back.

    One query: the person's wraps through ``ix_key_wraps_staff_case``, and
    for each an anti-join on the key's other wraps through an index led by
    ``audience_key_id`` (the unique constraint's on SQLite,
    ``ix_key_wraps_audience_key_id`` on PostgreSQL), so it costs what the
    person holds, not what the installation holds; no new index.
    """
    other = aliased(KeyWrap)
    colleague = aliased(StaffMember)
    readable_elsewhere = (
        exists()
        .where(
            other.audience_key_id == KeyWrap.audience_key_id,
            other.recipient_kind == RecipientKind.STAFF,
            other.staff_id != staff_id,
            colleague.id == other.staff_id,
            colleague.status == StaffStatus.ACTIVE,
            other.identity_generation == colleague.identity_generation,
        )
        .correlate(KeyWrap)
    )
    # A key the custodians' root can open is not lost with this person's key:
    # K custodians can re-grant it (``services.trust.recovery``). Only a wrap
    # to the current root counts (an older generation's is moved or deleted by
    # a rotation, and recovery opens the current one only), and only one of a
    # wrap's size: a damaged or inserted row must not let a reset lose the case.
    # Whether a well-formed wrap opens cannot be told without the shares; the
    # anchoring of audience keys (review finding 3) is what would settle that.
    current = root.current_root(session) if recovery_counts else None
    recovery = aliased(KeyWrap)
    recoverable = (
        exists()
        .where(
            recovery.audience_key_id == KeyWrap.audience_key_id,
            recovery.recipient_kind == RecipientKind.RECOVERY,
            recovery.identity_generation == (current.generation if current else -1),
            func.length(recovery.wrapped) == WRAPPED_BYTES,
        )
        .correlate(KeyWrap)
    )
    query = (
        select(Case.id, Unit.name)
        .select_from(KeyWrap)
        .join(StaffMember, StaffMember.id == KeyWrap.staff_id)
        .join(Case, Case.id == KeyWrap.case_id)
        .join(Unit, Unit.id == Case.unit_id)
        .where(
            KeyWrap.staff_id == staff_id,
            opens_with_own_key(KeyWrap, StaffMember),
            ~readable_elsewhere,
            *([~recoverable] if recovery_counts else []),
        )
        .distinct()
        .order_by(Case.id)
    )
    if case_id is not None:
        query = query.where(KeyWrap.case_id == case_id)
    return [HeldCase(found, unit) for found, unit in session.execute(query)]


def keep_cases_readable(session: Session, staff_id: int, *, recovery_counts: bool = False) -> None:
    """Refuse (``SoleHolder``) a change that would take this person's keys away from every case.

    Called first by a password reset or a deactivation, in their write
    transaction; the lock keeps two such changes at once from each counting
    on the other's person.
    """
    serialise(session, Lock.HOLDERS)
    cases = sole_holder_cases(session, staff_id, recovery_counts=recovery_counts)
    if cases:
        raise SoleHolder(cases)


def excluded_ids(session: Session, case: Case) -> set[int]:
    return set(
        session.scalars(
            select(HandlerExclusion.staff_id).where(HandlerExclusion.case_id == case.id)
        )
    )


def grantable(session: Session, case: Case) -> list[StaffMember]:
    """Certified active handlers without a current wrap, not excluded by the reporter."""
    current = {holder.staff.id for holder in holders(session, case) if holder.current}
    excluded = excluded_ids(session, case)
    candidates = [
        staff
        for staff in session.scalars(
            select(StaffMember)
            .where(StaffMember.role.in_(HANDLER_ROLES), StaffMember.status == StaffStatus.ACTIVE)
            .order_by(StaffMember.display_name)
        )
        if staff.id not in current and staff.id not in excluded
    ]
    return certificates.certified_among(session, candidates)


# ``grant``, ``revoke`` and ``assign``: (session, case, actor, actor's identity, target).
# Named here so that a view choosing one of them needs no crypto type.
HolderChange = Callable[[Session, Case, StaffMember, Identity, StaffMember], None]


def grant(
    session: Session, case: Case, actor: StaffMember, identity: Identity, target: StaffMember
) -> None:
    """Wrap every audience key the actor holds to the target's current identity."""
    case_keys.require_holder(session, case, actor)
    if target.role not in HANDLER_ROLES:
        raise AccessRefused("not_a_handler")
    if target.status is not StaffStatus.ACTIVE or target.identity_public is None:
        raise AccessRefused("inactive")
    if target.id in excluded_ids(session, case):
        raise AccessRefused("excluded")
    if not certificates.is_certified(session, target):
        raise AccessRefused("not_certified")
    keys = session.scalars(select(AudienceKey).where(AudienceKey.case_id == case.id))
    granted = 0
    stale = [
        w
        for w in _staff_wraps(session, case, target.id)
        if w.identity_generation != target.identity_generation
    ]
    for wrap in stale:
        session.delete(wrap)
    session.flush()
    held = 0
    for key_row in keys:
        try:
            key = case_keys.unwrap_for_staff(session, case, key_row, actor, identity)
        except case_keys.NoAccess:
            continue  # an audience the actor is not part of is not theirs to give
        held += 1
        existing = session.scalar(
            select(KeyWrap.id).where(
                KeyWrap.audience_key_id == key_row.id,
                KeyWrap.staff_id == target.id,
                KeyWrap.identity_generation == target.identity_generation,
            )
        )
        if existing is None:
            case_keys.wrap_to_staff(session, case, key_row, key, target)
            granted += 1
    if held == 0:
        raise case_keys.NoAccess()  # the actor holds no key of this case
    if granted == 0 and not stale:
        raise AccessRefused("already_granted")
    fingerprint = certificates.fingerprint_of(target)
    kind = "access_regranted" if stale else "access_granted"
    journal.append(
        session,
        case,
        actor,
        identity,
        kind,
        {"staff": target.display_name, "staff_id": target.id, "key": fingerprint},
    )


def revoke(
    session: Session, case: Case, actor: StaffMember, identity: Identity, target: StaffMember
) -> None:
    """Delete the target's wraps; every key must keep a holder who can open it."""
    case_keys.require_holder(session, case, actor)
    serialise(session, Lock.HOLDERS)
    if sole_holder_cases(session, target.id, case.id):
        raise AccessRefused("last_holder")
    wraps = _staff_wraps(session, case, target.id)
    if not wraps:
        raise AccessRefused("not_a_holder")
    # Journal first: the actor may be revoking themselves and lose the key.
    journal.append(
        session,
        case,
        actor,
        identity,
        "access_revoked",
        {"staff": target.display_name, "staff_id": target.id},
    )
    session.execute(delete(KeyWrap).where(KeyWrap.id.in_([w.id for w in wraps])))
    if case.assignee_id == target.id:
        case.assignee_id = None
    session.flush()


def assign(
    session: Session, case: Case, actor: StaffMember, identity: Identity, target: StaffMember
) -> None:
    """Make the target responsible, granting access first if they lack it."""
    case_keys.require_holder(session, case, actor)
    current = {h.staff.id for h in holders(session, case) if h.current}
    if target.id not in current:
        grant(session, case, actor, identity, target)
    case.assignee_id = target.id
    journal.append(
        session,
        case,
        actor,
        identity,
        "assigned",
        {"staff": target.display_name, "staff_id": target.id},
    )
    session.flush()
