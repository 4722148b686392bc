"""SQLAlchemy models, one module per aggregate.

Importing this package registers every table on ``Base.metadata``, which
Alembic's autogenerate and the migration tests compare against.
"""

from wbs_app.models.audit import AuditEvent
from wbs_app.models.case import (
    CLOSED_STATUSES,
    Attachment,
    Audience,
    AudienceKey,
    AuthorKind,
    Case,
    CaseRead,
    CaseRecord,
    CaseStatus,
    HandlerExclusion,
    HeldMessage,
    KeyWrap,
    PendingFile,
    RecipientKind,
    ReporterSession,
    SubmissionDraft,
    TriageMark,
)
from wbs_app.models.channels import (
    RECORDED_CHANNELS,
    CaseLink,
    Channel,
    LinkKind,
    RecordedIntake,
    ReporterContact,
)
from wbs_app.models.journal import CaseHead, HeadLogLink, JournalEntry, StaffIdentity
from wbs_app.models.letters import InvitationLetter, LetterCounter, Letterhead
from wbs_app.models.notices import DeadlineAlert, MailState, NoticeKind, NoticeMail, StaffNotice
from wbs_app.models.one_time_pages import ReceiptHandover, SentDraft
from wbs_app.models.organisation import Category, Unit
from wbs_app.models.respondent import InvitationRole, RespondentInvitation, RespondentSession
from wbs_app.models.settings import CollectiveLeaveDay, Installation, SettingValue
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
from wbs_app.models.stats import PublishedQuarter, StatsTally
from wbs_app.models.trust import (
    Custodian,
    HandlerCertificate,
    RootRotation,
    RotationFailure,
    TrustRoot,
)
from wbs_app.models.worker import WorkerJob

__all__ = [
    "CLOSED_STATUSES",
    "RECORDED_CHANNELS",
    "Attachment",
    "Audience",
    "AudienceKey",
    "AuditEvent",
    "AuthorKind",
    "Case",
    "CaseHead",
    "CaseLink",
    "CaseRead",
    "CaseRecord",
    "CaseStatus",
    "Category",
    "Channel",
    "CollectiveLeaveDay",
    "Custodian",
    "DeadlineAlert",
    "HandlerCertificate",
    "HandlerExclusion",
    "HeadLogLink",
    "HeldMessage",
    "Installation",
    "InvitationLetter",
    "InvitationRole",
    "JournalEntry",
    "KeyWrap",
    "LetterCounter",
    "Letterhead",
    "LinkKind",
    "LoginThrottle",
    "MailState",
    "NoticeKind",
    "NoticeMail",
    "OneTimeToken",
    "PendingFile",
    "PublishedQuarter",
    "ReceiptHandover",
    "RecipientKind",
    "RecordedIntake",
    "ReporterContact",
    "ReporterSession",
    "RespondentInvitation",
    "RespondentSession",
    "RootRotation",
    "RotationFailure",
    "SentDraft",
    "SettingValue",
    "StaffIdentity",
    "StaffMember",
    "StaffNotice",
    "StaffRole",
    "StaffSession",
    "StaffStatus",
    "StaffUnit",
    "StatsTally",
    "SubmissionDraft",
    "TokenPurpose",
    "TriageMark",
    "TrustRoot",
    "Unit",
    "WorkerJob",
]
