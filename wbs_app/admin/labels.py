"""Translated labels for the audit log's action codes, roles and account states."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AUDIT_ACTIONS = {
    "setup": _l("First administrator created"),
    "login": _l("Signed in"),
    "login_failed": _l("Failed sign-in"),
    "login_throttled": _l("Sign-in locked after repeated failures"),
    "login_key_mismatch": _l("Sign-in refused: the stored key is not the key the password unlocks"),
    "login_factor_locked": _l("Sign-in locked: right password, wrong codes (password known?)"),
    "logout": _l("Signed out"),
    "password_changed": _l("Password changed"),
    "keys_replaced": _l("Password changed with a new key"),
    "staff_invited": _l("Staff member invited"),
    "staff_activated": _l("Account activated"),
    "staff_deactivated": _l("Account deactivated"),
    "staff_reactivated": _l("Account reactivated"),
    "staff_password_reset": _l("Password reset (new key)"),
    "staff_role_changed": _l("Role or units changed"),
    "unit_created": _l("Unit created"),
    "unit_renamed": _l("Unit renamed"),
    "unit_moved": _l("Unit moved in the tree"),
    "unit_deactivated": _l("Unit deactivated"),
    "unit_reactivated": _l("Unit reactivated"),
    "unit_deleted": _l("Unit deleted"),
    "intake_unit_set": _l("Intake unit for unsure reporters chosen"),
    "category_changed": _l("Category changed"),
    "category_created": _l("Category added"),
    "settings_changed": _l("Deadlines changed"),
    "leave_days_added": _l("Collective leave days entered"),
    "leave_day_removed": _l("Collective leave day made a working day again"),
    "letterhead_changed": _l("Letterhead changed"),
    "journal_checkpoint": _l("Journal checkpoint downloaded"),
    "custodian_ceremony": _l("Custodian ceremony held (root of trust made)"),
    "custodians_resplit": _l("Root shares given to new custodians"),
    "recovery_refused": _l("Recovery: shares refused"),
    "recovery_regrant": _l("Recovery: cases given back to a handler"),
    "recovery_regrant_none": _l("Recovery: no case given back (nothing to give)"),
    "recovery_key_rotation_started": _l("New recovery key: re-wrapping started"),
    "recovery_key_rotation_finished": _l("New recovery key: re-wrapping finished"),
    "staff_certified": _l("Handler key certified"),
    "staff_certificate_revoked": _l("Handler certificate revoked"),
}

# Why a certificate was revoked (services.trust.certificates.REVOKE_REASONS), and who certified.
CERTIFICATE_DETAILS = {
    "custodians": _l("By the custodians"),
    "deactivated": _l("Because the account was deactivated"),
    "password_reset": _l("Because the password was reset"),
    "role_changed": _l("Because the role changed"),
    "units_changed": _l("Because the units changed"),
    "identity": _l("Because the key was replaced"),
}

ROLES = {
    "admin": _l("Administrator"),
    "investigator": _l("Investigator"),
    "supervisor": _l("Supervisor"),
}

STATUSES = {
    "invited": _l("Invited"),
    "active": _l("Active"),
    # The reset has happened: the person has yet to choose a new password with the link.
    "reset": _l("Waiting for reactivation"),
    "deactivated": _l("Deactivated"),
}

# The scheduled worker's jobs (``services.housekeeping.JOBS``), as the health page names them.
WORKER_JOBS = {
    "sweep": _l("Attachment sweep: expired drafts and their files"),
    "purge_sessions": _l("Expired sessions and uncollected receipts"),
    "compact": _l("Deleted rows out of the database files (WAL, vacuum)"),
    "deadline_alerts": _l("Reminders of deadlines due soon or missed"),
    "notice_mail": _l("E-mail of notices to handlers"),
}
