"""Who holds which of a case's keys: wrapping, unwrapping and the contexts they bind.

Every wrap is bound (HPKE ``info``) to the case's uid, the audience key's
name and the recipient, including the staff member's identity generation, so
a wrap to an identity that was replaced by a password reset is recognisably
stale and never mistaken for a current one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import (
    DecryptionError,
    Identity,
    PublicIdentity,
    RecordContext,
    WrapContext,
    unwrap_key,
    wrap_key,
)
from wbs_app.models import (
    Audience,
    AudienceKey,
    Case,
    CaseRecord,
    KeyWrap,
    RecipientKind,
    StaffMember,
    TrustRoot,
)
from wbs_app.services.infra.errors import NotFound
from wbs_app.services.trust import certificates
from wbs_app.services.trust import root as trust_root

PURPOSE = "audience-key"


class NoAccess(NotFound):
    """The caller holds no (working) wrap of this key: to them the case does not exist."""

    code = "no_access"


def audience_name(key: AudienceKey) -> str:
    return f"{key.audience.value}:{key.label}"


def staff_recipient(staff: StaffMember) -> str:
    return f"staff:{staff.id}:{staff.identity_generation}"


def _context(case: Case, key: AudienceKey, recipient: str) -> WrapContext:
    return WrapContext(PURPOSE, case.uid, audience_name(key), recipient)


def record_context(case: Case, record: CaseRecord) -> RecordContext:
    return RecordContext(case.uid, record.kind, record.uid)


def file_context(case_uid: str, storage_name: str) -> RecordContext:
    return RecordContext(case_uid, "attachment", storage_name)


def file_meta_context(case_uid: str, storage_name: str) -> RecordContext:
    return RecordContext(case_uid, "attachment-meta", storage_name)


def wrap_to_staff(
    session: Session, case: Case, audience_key: AudienceKey, key: bytes, staff: StaffMember
) -> None:
    """Wrap ``key`` to the staff member's current identity, which must be certified now.

    Every caller chooses certified recipients already (``delivery``,
    ``access.grant``); the check here is the last one, so that no path added
    later can hand a key to an identity the administrator alone vouched for.
    """
    if staff.identity_public is None:
        raise ValueError("staff member has no identity")
    certificates.require_certified(session, staff)
    public = PublicIdentity.from_bytes(staff.identity_public)
    session.add(
        KeyWrap(
            audience_key_id=audience_key.id,
            case_id=case.id,
            recipient_kind=RecipientKind.STAFF,
            staff_id=staff.id,
            identity_generation=staff.identity_generation,
            wrapped=wrap_key(key, public, _context(case, audience_key, staff_recipient(staff))),
        )
    )


def wrap_to_holder(
    session: Session,
    case: Case,
    audience_key: AudienceKey,
    key: bytes,
    holder: PublicIdentity,
    kind: RecipientKind,
) -> None:
    """Wrap to a code holder (the reporter, or a respondent): one per audience key."""
    session.add(
        KeyWrap(
            audience_key_id=audience_key.id,
            case_id=case.id,
            recipient_kind=kind,
            staff_id=None,
            identity_generation=0,
            wrapped=wrap_key(key, holder, _context(case, audience_key, kind.value)),
        )
    )


def recovery_recipient(generation: int) -> str:
    return f"recovery:{generation}"


def wrap_to_recovery(
    session: Session,
    case: Case,
    audience_key: AudienceKey,
    key: bytes,
    root: TrustRoot | None = None,
) -> None:
    """Wrap a new audience key to the custodians' current root, if the ceremony was held.

    Called wherever an audience key is made (``new_audience_key``) and by the
    rotation to a new recovery key. Before the ceremony there is no root and
    nothing to wrap to. Intake does not work then: no handler can be
    certified without a root, and a report is refused (``no_supervisor``)
    until a certified supervisor receives it (README, "First start and staff
    accounts"). What reaches here without a root is a key of a case made
    before the upgrade to certificates (an invitation's audience key, say):
    such a case can be recovered only through a handler who still holds it.
    """
    root = root if root is not None else trust_root.current_root(session)
    if root is None:
        return
    public = trust_root.root_public(root)
    recipient = recovery_recipient(root.generation)
    session.add(
        KeyWrap(
            audience_key_id=audience_key.id,
            case_id=case.id,
            recipient_kind=RecipientKind.RECOVERY,
            staff_id=None,
            identity_generation=root.generation,
            wrapped=wrap_key(key, public, _context(case, audience_key, recipient)),
        )
    )


def rewrap_recovery(
    wrapped: bytes,
    case_uid: str,
    audience: str,
    old: tuple[int, Identity],
    new: tuple[int, PublicIdentity],
) -> bytes:
    """One recovery wrap moved from an old root generation to a new one (a rotation).

    Takes plain values, not rows, so a rotation's batch reads tuples only.
    """
    (old_generation, old_identity), (new_generation, new_public) = old, new
    old_context = WrapContext(PURPOSE, case_uid, audience, recovery_recipient(old_generation))
    new_context = WrapContext(PURPOSE, case_uid, audience, recovery_recipient(new_generation))
    return wrap_key(unwrap_key(wrapped, old_identity, old_context), new_public, new_context)


def new_audience_key(
    session: Session, case: Case, audience: Audience, label: str, key: bytes
) -> AudienceKey:
    """The one way an audience key comes to exist: its row, and its recovery wrap."""
    row = AudienceKey(case_id=case.id, audience=audience, label=label)
    session.add(row)
    session.flush()
    wrap_to_recovery(session, case, row, key)
    return row


def unwrap_for_recovery(
    session: Session, case: Case, key_row: AudienceKey, generation: int, identity: Identity
) -> bytes:
    """The audience key from its wrap to root ``generation``, opened with the root identity."""
    wrap = session.scalar(
        select(KeyWrap).where(
            KeyWrap.audience_key_id == key_row.id,
            KeyWrap.recipient_kind == RecipientKind.RECOVERY,
            KeyWrap.identity_generation == generation,
        )
    )
    if wrap is None:
        raise NoAccess()  # no recovery wrap (a case received before the ceremony)
    try:
        return unwrap_key(
            wrap.wrapped, identity, _context(case, key_row, recovery_recipient(generation))
        )
    except DecryptionError:
        raise NoAccess() from None  # the wrap does not open


def is_holder(session: Session, case: Case, staff: StaffMember) -> bool:
    """Whether the staff member holds a key of the case wrapped to their current identity.

    Asked before anything else about a case, so that to someone who holds none
    a case of another unit looks exactly like one that does not exist: no
    validation message, exclusion or holder list may answer first.
    """
    wrap = session.scalar(
        select(KeyWrap.id)
        .where(
            KeyWrap.case_id == case.id,
            KeyWrap.recipient_kind == RecipientKind.STAFF,
            KeyWrap.staff_id == staff.id,
            KeyWrap.identity_generation == staff.identity_generation,
        )
        .limit(1)
    )
    return wrap is not None


def held_among(session: Session, staff: StaffMember, case_ids: Iterable[int]) -> set[int]:
    """Which of these cases the staff member holds a current key of (one query).

    What a list of case numbers may show him: the statistics' overdue and
    escalated cases, like the inbox, name no case he was kept from.
    """
    ids = set(case_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(KeyWrap.case_id).where(
                KeyWrap.case_id.in_(ids),
                KeyWrap.recipient_kind == RecipientKind.STAFF,
                KeyWrap.staff_id == staff.id,
                KeyWrap.identity_generation == staff.identity_generation,
            )
        )
    )


def require_holder(session: Session, case: Case, staff: StaffMember) -> None:
    if not is_holder(session, case, staff):
        raise NoAccess()  # the actor holds no key of this case


def audience_key(session: Session, case: Case, audience: Audience, label: str = "") -> AudienceKey:
    found = session.scalar(
        select(AudienceKey).where(
            AudienceKey.case_id == case.id,
            AudienceKey.audience == audience,
            AudienceKey.label == label,
        )
    )
    if found is None:
        raise NoAccess()  # no such key
    return found


def unwrap_for_staff(
    session: Session, case: Case, key_row: AudienceKey, staff: StaffMember, identity: Identity
) -> bytes:
    wrap = session.scalar(
        select(KeyWrap).where(
            KeyWrap.audience_key_id == key_row.id,
            KeyWrap.recipient_kind == RecipientKind.STAFF,
            KeyWrap.staff_id == staff.id,
            KeyWrap.identity_generation == staff.identity_generation,
        )
    )
    if wrap is None:
        raise NoAccess()  # no wrap
    try:
        return unwrap_key(wrap.wrapped, identity, _context(case, key_row, staff_recipient(staff)))
    except DecryptionError:
        raise NoAccess() from None  # the wrap does not open


def unwrap_for_holder(
    session: Session, case: Case, key_row: AudienceKey, identity: Identity, kind: RecipientKind
) -> bytes:
    wrap = session.scalar(
        select(KeyWrap).where(KeyWrap.audience_key_id == key_row.id, KeyWrap.recipient_kind == kind)
    )
    if wrap is None:
        raise NoAccess()  # no wrap
    try:
        return unwrap_key(wrap.wrapped, identity, _context(case, key_row, kind.value))
    except DecryptionError:
        raise NoAccess() from None  # the wrap does not open
