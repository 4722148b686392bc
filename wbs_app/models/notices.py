"""What a handler is told: one row per person and event, written with the event.

A notice says only that something happened in a case the person holds (its
kind and the case's number, shown in the app to someone who may open it);
what happened is read in the case itself. Rows are written in the transaction
of their event, so a notice is never lost and never made for an event that
was rolled back; the e-mail delivery of the notification issue will read
them as its outbox. Times are kept to the day: a notice made by a reporter's
message must not record when the reporter wrote.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.types import RandomIdType, enum_column, random_id


class NoticeKind(enum.StrEnum):
    NEW_CASE = "new_case"
    REPORTER_MESSAGE = "reporter_message"  # a reply, evidence or a report of retaliation
    RESPONDENT_STATEMENT = "respondent_statement"
    EXTENSION_REQUEST = "extension_request"


class StaffNotice(Base):
    __tablename__ = "staff_notices"
    __table_args__ = (
        # "How many unread?" on every staff page: one index range per person.
        Index("ix_staff_notices_staff_read", "staff_id", "read"),
    )

    # Random, as a record's: a running number would put one reporter's message
    # before another case's new report (threat model C-M5).
    id: Mapped[int] = mapped_column(RandomIdType, primary_key=True, default=random_id)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "notice_kind"))
    created_on: Mapped[date] = mapped_column(Date)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
