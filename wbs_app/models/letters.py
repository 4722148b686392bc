"""What an office's letters carry: the letterhead, and the number each invitation letter gets.

The letterhead is what the office prints at the top and bottom of a letter
(its name, address, contact, logo and the official who signs); it names no
case and no person who reported. Each invitation letter is numbered once, in
a sequence per year, so a reprint carries the number of the first copy and
the office's register of outgoing letters matches what was handed over.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base


class Letterhead(Base):
    """The one row of letterhead settings; absent, letters carry no letterhead yet."""

    __tablename__ = "letterhead"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    office_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    # A path relative to instance/, never a URL: the logo is served by this site.
    logo_path: Mapped[str] = mapped_column(String(200), default="")
    signatory_name: Mapped[str] = mapped_column(String(120), default="")
    signatory_position: Mapped[str] = mapped_column(String(200), default="")
    number_prefix: Mapped[str] = mapped_column(String(40), default="WBS")


class LetterCounter(Base):
    """The last letter number given in a year (one row per year, raised under a row lock)."""

    __tablename__ = "letter_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class InvitationLetter(Base):
    """The number and date an invitation's letter was issued with, kept for every reprint."""

    __tablename__ = "invitation_letters"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("respondent_invitations.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    # As printed ("001/WBS/XII/2026"): a later change of prefix renumbers nothing.
    number: Mapped[str] = mapped_column(String(80))
    issued_on: Mapped[date] = mapped_column(Date)
