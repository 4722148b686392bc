"""What a handler is told: one row per person and event, written with the event.

A notice says only that something happened in a case the person holds (its
kind and the case's number, shown in the app to someone who may open it);
what happened is read in the case itself. Rows are written in the transaction
of their event, so a notice is never lost and never made for an event that
was rolled back; the e-mail delivery (``services.staff.notice_mail``) reads
them as its outbox (``mail``). Times are kept to the day: a notice made by a
reporter's message must not record when the reporter wrote, so the outbox
keeps states and attempt counts, never a time of sending.

``DeadlineAlert`` is what the deadline job (``services.cases.deadline_alerts``)
has already raised, so that each reminder is made once per due date.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.types import RandomIdType, enum_column, random_id


class NoticeKind(enum.StrEnum):
    NEW_CASE = "new_case"
    REPORTER_MESSAGE = "reporter_message"  # a reply, evidence or a report of retaliation
    RESPONDENT_STATEMENT = "respondent_statement"
    EXTENSION_REQUEST = "extension_request"
    DEADLINE_SOON = "deadline_soon"  # an office deadline falls due within two working days
    DEADLINE_MISSED = "deadline_missed"
    ESCALATION = "escalation"  # a deadline of a case below was missed long enough to climb


class MailState(enum.StrEnum):
    """Where a notice is in the e-mail outbox."""

    PENDING = "pending"  # not mailed yet: the worker looks at it
    # Claimed by a batch being sent; a crashed run leaves it, and it is never sent again.
    SENDING = "sending"
    SENT = "sent"  # told in a mail the server accepted
    # Not mailed, and needs no mail: an earlier mail is still waiting for the
    # person to sign in, or the person (or the installation) wants none.
    COVERED = "covered"
    FAILED = "failed"  # the server refused the person's address every time


class NoticeMail(enum.StrEnum):
    """How a person wants to hear of notices by e-mail."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"  # once a day
    NONE = "none"  # in the app only


class StaffNotice(Base):
    __tablename__ = "staff_notices"
    __table_args__ = (
        # "How many unread?" on every staff page: one index range per person.
        Index("ix_staff_notices_staff_read", "staff_id", "read"),
        # The worker's look at the outbox, every minute: the pending rows only.
        Index("ix_staff_notices_mail", "mail"),
    )

    # Random, as a record's: a running number would put one reporter's message
    # before another case's new report (threat model C-M5).
    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, default=random_id)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "notice_kind"))
    created_on: Mapped[date] = mapped_column(Date)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    mail: Mapped[MailState] = mapped_column(
        enum_column(MailState, "mail_state"), default=MailState.PENDING
    )
    # Refusals of the person's address so far (an outage counts none).
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)


class DeadlineAlert(Base):
    """A reminder already raised: this deadline of this case, due that day, at this stage."""

    __tablename__ = "deadline_alerts"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    deadline: Mapped[str] = mapped_column(String(20), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    # "soon", "missed", or "escalated:<tier>" (tier 1: the unit above the case's, 2: above that).
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    raised_on: Mapped[date] = mapped_column(Date)
    # An escalation's unit (whose supervisors were told), and the day it ended
    # (the deadline met, or the case closed): open escalations have none.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    ended_on: Mapped[date | None] = mapped_column(Date)
