"""Numbering invitation letters the way an Indonesian office numbers its outgoing mail.

An official letter carries a number from the office's register: a sequence
that starts again each year, the office's code, the month in Roman numerals
and the year ("001/WBS/XII/2026"). A letter is numbered once, the first time
it is drawn; every reprint carries the same number and date, so the copy in
the respondent's hands and the register agree. The number tells how many
letters the office sent this year, nothing about the case or who reported it.

The next number is taken by raising the year's counter row, which locks it
until the transaction ends (PostgreSQL) or runs under the write lock the page
takes (SQLite): two letters drawn at once never get the same number, and a
letter drawn twice at once keeps one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wbs_app.models import InvitationLetter, LetterCounter, RespondentInvitation

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def format_number(sequence: int, prefix: str, issued_on: date) -> str:
    """``001/WBS/XII/2026``: at least three digits, the prefix, the Roman month, the year."""
    return f"{sequence:03d}/{prefix}/{ROMAN_MONTHS[issued_on.month - 1]}/{issued_on.year}"


def issued(session: Session, invitation: RespondentInvitation) -> InvitationLetter | None:
    """The number and date the invitation's letter got, if it was ever drawn."""
    return session.scalar(
        select(InvitationLetter)
        .where(InvitationLetter.invitation_id == invitation.id)
        .execution_options(populate_existing=True)
    )


def _next_sequence(session: Session, year: int) -> int:
    raised: int | None = session.scalar(
        update(LetterCounter)
        .where(LetterCounter.year == year)
        .values(last=LetterCounter.last + 1)
        .returning(LetterCounter.last)
    )
    if raised is not None:
        return raised
    try:
        with session.begin_nested():  # the year's first letter, perhaps drawn twice at once
            session.add(LetterCounter(year=year, last=1))
        return 1
    except IntegrityError:
        return _next_sequence(session, year)


def issue(
    session: Session, invitation: RespondentInvitation, prefix: str, on: date
) -> InvitationLetter:
    """The letter's number: the one it already has, or the year's next (the caller commits)."""
    if (earlier := issued(session, invitation)) is not None:
        return earlier
    savepoint = session.begin_nested()
    try:
        sequence = _next_sequence(session, on.year)
        # Drawn meanwhile by another request, which held the counter first.
        if (earlier := issued(session, invitation)) is not None:
            savepoint.rollback()
            return earlier
        letter = InvitationLetter(
            invitation_id=invitation.id,
            year=on.year,
            sequence=sequence,
            number=format_number(sequence, prefix, on),
            issued_on=on,
        )
        session.add(letter)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        found = issued(session, invitation)
        if found is None:
            raise
        return found
    savepoint.commit()
    return letter
