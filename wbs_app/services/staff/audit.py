"""Writing and reading the staff audit log.

Every service that changes accounts, units or settings records one event
here, in the same transaction as the change, so the log cannot miss a change
that happened nor show one that was rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from wbs_app.models import AuditEvent, StaffMember, StaffStatus, Unit
from wbs_app.services.infra.clock import utcnow

ACTIONS = (
    "setup",
    "login",
    "login_failed",
    "login_throttled",
    "login_key_mismatch",
    "login_factor_locked",
    "logout",
    "password_changed",
    "keys_replaced",
    "staff_invited",
    "staff_activated",
    "staff_deactivated",
    "staff_reactivated",
    "staff_password_reset",
    "staff_role_changed",
    "unit_created",
    "unit_renamed",
    "unit_moved",
    "unit_deactivated",
    "unit_reactivated",
    "unit_deleted",
    "intake_unit_set",
    "category_changed",
    "category_created",
    "settings_changed",
    "leave_days_added",
    "leave_day_removed",
    "letterhead_changed",
    "journal_checkpoint",
    "custodian_ceremony",
    "custodians_resplit",
    "recovery_refused",
    "recovery_regrant",
    "recovery_regrant_none",
    "recovery_key_rotation_started",
    "recovery_key_rotation_finished",
    "staff_certified",
    "staff_certificate_revoked",
)


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    target_staff_id: int | None = None,
    target_unit_id: int | None = None,
    detail: str = "",
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEvent(
            at=utcnow(),
            action=action,
            actor_id=actor_id,
            target_staff_id=target_staff_id,
            target_unit_id=target_unit_id,
            detail=detail[:200],
        )
    )


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    action: str
    actor: str | None
    target_staff: str | None
    target_unit: str | None
    detail: str


def page(session: Session, page_number: int, per_page: int = 50) -> tuple[list[AuditRow], int]:
    """One page of the log, newest first, with the total number of events."""
    actor = aliased(StaffMember)
    target = aliased(StaffMember)
    # An invited account has only a placeholder user name until it is activated:
    # the name the administrator typed says whom the event concerns.
    target_name = case(
        (target.status == StaffStatus.INVITED, target.display_name), else_=target.username
    )
    query = (
        select(AuditEvent, actor.username, target_name, Unit.name)
        .outerjoin(actor, AuditEvent.actor_id == actor.id)
        .outerjoin(target, AuditEvent.target_staff_id == target.id)
        .outerjoin(Unit, AuditEvent.target_unit_id == Unit.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset(max(page_number - 1, 0) * per_page)
    )
    rows = [
        AuditRow(event.at, event.action, actor_name, target_name, unit_name, event.detail)
        for event, actor_name, target_name, unit_name in session.execute(query)
    ]
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return rows, total
