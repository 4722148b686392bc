"""SQLAlchemy models, one module per aggregate.

Importing this package registers every table on ``Base.metadata``, which
Alembic's autogenerate and the migration tests compare against.
"""

from wbs_app.models.audit import AuditEvent
from wbs_app.models.organisation import Category, Unit
from wbs_app.models.settings import SettingValue
from wbs_app.models.staff import (
    LoginThrottle,
    OneTimeToken,
    StaffMember,
    StaffRole,
    StaffSession,
    StaffStatus,
    StaffUnit,
    TokenPurpose,
)

__all__ = [
    "AuditEvent",
    "Category",
    "LoginThrottle",
    "OneTimeToken",
    "SettingValue",
    "StaffMember",
    "StaffRole",
    "StaffSession",
    "StaffStatus",
    "StaffUnit",
    "TokenPurpose",
    "Unit",
]
