"""Where a report came in, who recorded it, and which cases are one matter (issue 20).

A report received by telephone, letter, the complaint box, SP4N-LAPOR! and
the like is recorded by a handler into the same system as a web report. The
channel is a workflow fact in clear (the inbox filters by it, the statistics
count by it); its reference number, which can identify the reporter's account
on the other system, is ciphertext in the case's internal records.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.types import enum_column


class Channel(enum.StrEnum):
    """The office's complaint channels (DOMAIN.md, "Channels")."""

    WEB = "web"  # this site's own form, filed by the reporter
    TELEPHONE = "telepon"
    LETTER = "surat"
    COMPLAINT_BOX = "kotak"
    EMAIL = "email"
    IN_PERSON = "tatap_muka"
    LAPOR = "lapor"  # SP4N-LAPOR!
    SIPIDU = "sipidu"
    SOCIAL_MEDIA = "media_sosial"
    MINISTRY_SITE = "laman"  # the ministry's "pengaduan masyarakat" page
    REFERRAL = "rujukan"  # passed on by another body (KPK, Ombudsman, Inspektorat Jenderal)


# What a handler may record; the web form is the reporter's own.
RECORDED_CHANNELS = tuple(channel for channel in Channel if channel is not Channel.WEB)


class ReporterContact(enum.StrEnum):
    """Whether the reporter of a recorded report can be given a receipt."""

    LETTER = "surat"  # a receipt letter, handed or sent to the reporter
    NONE = "tidak_ada"  # no way to reach them (an anonymous letter): no receipt exists


class RecordedIntake(Base):
    """A report a handler recorded from another channel: the facts of its recording.

    ``sealed_receipt`` is the printed receipt under the case's internal key,
    so that a handler can print the letter again (a printer jam must not cost
    the reporter their receipt); it is erased at the reporter's first sign-in,
    which replaces the printed receipt by one only they see
    (``services.codes.receipt_takeover``). ``form_hash`` is the hash of the
    recording form's draft token: the same form sent twice finds this case.
    """

    __tablename__ = "recorded_intakes"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    contact: Mapped[ReporterContact] = mapped_column(enum_column(ReporterContact, "contact"))
    form_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    sealed_receipt: Mapped[bytes | None] = mapped_column(LargeBinary)
    letter_shown_on: Mapped[date | None] = mapped_column(Date)


class LinkKind(enum.StrEnum):
    SAME_MATTER = "sama"  # one complaint sent through two channels: counted once
    RELATED = "terkait"


class CaseLink(Base):
    """Two cases a handler linked: one row per pair, the lower id first, so a link is symmetric."""

    __tablename__ = "case_links"
    __table_args__ = (
        CheckConstraint("low_id < high_id", name="ordered_pair"),
        Index("ix_case_links_high", "high_id"),
    )

    low_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    high_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[LinkKind] = mapped_column(enum_column(LinkKind, "link_kind"))
    linked_on: Mapped[date] = mapped_column(Date)
    linked_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )


__all__ = [
    "RECORDED_CHANNELS",
    "CaseLink",
    "Channel",
    "LinkKind",
    "RecordedIntake",
    "ReporterContact",
]
