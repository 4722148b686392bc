"""Cases: the workflow facts in clear, everything a person wrote as ciphertext.

DESIGN.md section 3: plaintext is limited to ids, unit, category, status,
dates and deadlines, assignments and rounded sizes. Reporter-originated dates
are kept to the day. The keys that open a case's records are never stored:
only their wraps, one per audience member (``KeyWrap``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.channels import Channel
from wbs_app.models.types import RandomIdType, UTCDateTime, enum_column, random_id


class CaseStatus(enum.StrEnum):
    """The lifecycle of DOMAIN.md, with its side exits."""

    RECEIVED = "diterima"
    VERIFICATION = "verifikasi"
    INVESTIGATION = "investigasi"
    DECISION = "keputusan"
    SANCTION = "sanksi"
    CLOSED = "selesai"
    REFERRED = "diteruskan"
    NOT_COMPETENT = "bukan_wewenang"
    ON_HOLD = "ditunda"
    WITHDRAWN = "dicabut"
    # A handler marked it spam or a duplicate and archived it (``services.cases.triage``).
    ARCHIVED = "diarsipkan"


# Where a case has ended (it may still be reopened with a reason).
CLOSED_STATUSES = frozenset(
    {
        CaseStatus.CLOSED,
        CaseStatus.REFERRED,
        CaseStatus.NOT_COMPETENT,
        CaseStatus.WITHDRAWN,
        CaseStatus.ARCHIVED,
    }
)


class TriageMark(enum.StrEnum):
    """A handler's judgement that a case is not a report to handle (``services.cases.triage``)."""

    SPAM = "spam"
    DUPLICATE = "duplikat"


class Audience(enum.StrEnum):
    """Who shares an audience key (DESIGN.md section 4, "Case keys")."""

    REPORTER = "reporter"  # the reporter and the case's handlers
    INTERNAL = "internal"  # the case's handlers only
    RESPONDENT = "respondent"  # one invited respondent and the handlers


class RecipientKind(enum.StrEnum):
    STAFF = "staff"
    REPORTER = "reporter"
    RESPONDENT = "respondent"
    # The custodians' root (``TrustRoot``): its generation is the wrap's identity_generation.
    RECOVERY = "recovery"


class AuthorKind(enum.StrEnum):
    REPORTER = "reporter"
    STAFF = "staff"
    RESPONDENT = "respondent"
    SYSTEM = "system"


class Case(Base):
    __tablename__ = "cases"
    # The inbox walks cases newest first and stops after one page.
    __table_args__ = (Index("ix_cases_received_on_id", "received_on", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Random, and the name every ciphertext of the case is bound to (AAD, HPKE
    # info): a row id could be reused after a deletion, a uid never is.
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    # SHA-256 of the receipt's Argon2-derived lookup id: testing a guess costs
    # one Argon2id run, and the receipt itself is stored nowhere.
    lookup_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, "case_status"), index=True)
    status_changed_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    acknowledge_due: Mapped[date] = mapped_column(Date)
    verification_due: Mapped[date] = mapped_column(Date)
    feedback_due: Mapped[date] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    # The handler responsible; assignments are workflow facts, kept in clear.
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    # The day the reporter last reported retaliation (tindakan balasan) that no
    # handler has acknowledged yet: a workflow fact, shown in the inbox; the
    # account itself is ciphertext in the reporter thread.
    retaliation_reported_on: Mapped[date | None] = mapped_column(Date)
    # The reporter's public identity (derived from the receipt), so that the
    # journal entries the reporter signs can be verified like any other. It
    # tests a receipt guess no faster than ``lookup_hash`` (one Argon2id run).
    reporter_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Spam or duplicate, as a handler marked it (journalled): a workflow fact in
    # clear, so that a flood's cases are found and archived together.
    triage: Mapped[TriageMark | None] = mapped_column(enum_column(TriageMark, "triage_mark"))
    # How far into the thread the reporter has read, sealed under a key only
    # their receipt gives (``reporter_channel.seen_by_reporter``): handlers and
    # a database copy learn nothing of when the reporter came back.
    reporter_seen: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Where the report came in (``models.channels``): in clear, for the inbox and statistics.
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, "channel"), default=Channel.WEB, server_default="web", index=True
    )
    # A report recorded by a handler: the lookup hash of the receipt printed for
    # the reporter once their first sign-in replaced it (it then opens nothing
    # and says so), and the day that happened (``services.codes.receipt_takeover``).
    printed_lookup_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    taken_over_on: Mapped[date | None] = mapped_column(Date)
    # Milestones and outcome, workflow facts in clear that the statistics count
    # (``services.cases.milestones`` sets them with the status; issue 21): the
    # day the verification result was first recorded, the day the reporter was
    # first answered (a decision, or the case ended), the day it ended (none
    # while open), the working days from receipt to acknowledgement and to the
    # end, the finding's kind, and the heaviest sanction with its first day.
    verified_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    acknowledged_days: Mapped[int | None] = mapped_column(Integer)
    closed_days: Mapped[int | None] = mapped_column(Integer)
    finding: Mapped[str | None] = mapped_column(String(20))
    sanction_level: Mapped[str | None] = mapped_column(String(10))
    sanctioned_on: Mapped[date | None] = mapped_column(Date)


class AudienceKey(Base):
    """One random 256-bit key of a case; the key itself exists only in its wraps."""

    __tablename__ = "audience_keys"
    __table_args__ = (UniqueConstraint("case_id", "audience", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience, "audience"))
    # Distinguishes several keys of one audience (one per respondent invitation).
    label: Mapped[str] = mapped_column(String(40), default="")


class KeyWrap(Base):
    """An audience key sealed by HPKE to one member's identity."""

    __tablename__ = "key_wraps"
    __table_args__ = (
        UniqueConstraint("audience_key_id", "recipient_kind", "staff_id"),
        # "Does this handler hold a key of this case?", once per case in the inbox.
        Index("ix_key_wraps_staff_case", "staff_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience_key_id: Mapped[int] = mapped_column(
        ForeignKey("audience_keys.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from the audience key, so access checks are one index lookup.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    recipient_kind: Mapped[RecipientKind] = mapped_column(enum_column(RecipientKind, "recipient"))
    # Looked up through ix_key_wraps_staff_case, whose first column it is.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    # Which of the staff member's identities this wrap is for (resets make new ones).
    identity_generation: Mapped[int] = mapped_column(Integer, default=0)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class CaseRecord(Base):
    """One thing someone wrote in a case (the report, identity, a message, a note)."""

    __tablename__ = "case_records"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    # Random: a global sequence would place a reporter's message among other
    # cases' timestamped staff steps (issue 18). ``seq`` orders the case's records.
    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, default=random_id)
    seq: Mapped[int] = mapped_column(Integer)
    # Bound into the ciphertext's AAD, so it is known before the row is written.
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    audience_key_id: Mapped[int] = mapped_column(ForeignKey("audience_keys.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    author_kind: Mapped[AuthorKind] = mapped_column(enum_column(AuthorKind, "author_kind"))
    author_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    created_on: Mapped[date] = mapped_column(Date)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    """An evidence file: ciphertext on disk, its name, type and size sealed here."""

    __tablename__ = "attachments"

    # Random like the records' ids; ``position`` orders the files of one record.
    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, default=random_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(
        RandomIdType, ForeignKey("case_records.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    audience_key_id: Mapped[int] = mapped_column(ForeignKey("audience_keys.id", ondelete="CASCADE"))
    # Random file name in the attachment store; says nothing about the file.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_meta: Mapped[bytes] = mapped_column(LargeBinary)
    # Rounded up (to 64 KiB below 1 MiB, then to a power of two), never exact.
    size_rounded: Mapped[int] = mapped_column(Integer)
    created_on: Mapped[date] = mapped_column(Date)


class HandlerExclusion(Base):
    """A handler the reporter excluded for a conflict of interest: never granted the case."""

    __tablename__ = "handler_exclusions"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True
    )


class ReporterSession(Base):
    """A reporter's visit: keyed like staff sessions, short-lived, deleted on finish."""

    __tablename__ = "reporter_sessions"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sealed_seed: Mapped[bytes] = mapped_column(LargeBinary)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SubmissionDraft(Base):
    """A report being written: fields and file list sealed under a key only the form holds.

    The draft key becomes the case's reporter-audience key on submission, so
    files encrypted while the reporter was still typing need no re-encryption.
    Drafts expire and are swept with their pending files.
    """

    __tablename__ = "submission_drafts"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    case_uid: Mapped[str] = mapped_column(String(32), unique=True)
    sealed_payload: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # A keyed tag of the first post's answers (``intake.first_post_tag``): tells
    # the same first post sent again from a new report written on a reused form.
    first_post_tag: Mapped[bytes | None] = mapped_column(LargeBinary(32))


class HeldMessage(Base):
    """A reply or statement posted after its session ended, kept until its code is entered again.

    Text and file list are sealed under a random key whose only copy is in the
    code page the writer holds (the ``held`` field, token + key, like a
    session cookie); its files are encrypted under the same key. Nothing
    names the case, the invitation or the code. Kept messages expire like
    drafts and are swept with their files (and, once settled, their outcome).
    """

    __tablename__ = "held_messages"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    # Which login sends it: "reporter" (a reply) or "respondent" (a statement).
    kind: Mapped[str] = mapped_column(String(20))
    # Random; bound into the ciphertexts of its payload and files.
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    sealed_payload: Mapped[bytes] = mapped_column(LargeBinary)
    # None while it waits; "sent" or "refused" once a code came back (the payload is
    # then erased), so that a page sent again says what happened instead of "expired".
    outcome: Mapped[str | None] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PendingFile(Base):
    """A ciphertext file that waits: for its case (draft), its code (kept message) or its move."""

    __tablename__ = "pending_files"

    storage_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    draft_id_hash: Mapped[bytes | None] = mapped_column(
        ForeignKey("submission_drafts.id_hash", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The kept message (``HeldMessage``) whose file this is, while it waits for its code.
    held_id_hash: Mapped[bytes | None] = mapped_column(
        ForeignKey("held_messages.id_hash", ondelete="SET NULL"), index=True
    )
    # Rounded like ``Attachment.size_rounded``: what the drafts' disk budget
    # sums (``services.cases.disk_caps``); 0 where nobody counts it.
    size_rounded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CaseRead(Base):
    """How far a handler has read a case: the newest record they have seen (unread markers)."""

    __tablename__ = "case_reads"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    # The ``seq`` of the newest record seen (record ids are random, issue 18).
    last_seen_seq: Mapped[int] = mapped_column(Integer, default=0)
