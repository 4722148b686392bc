"""Working days: weekends, Indonesia's national holidays and the office's collective leave.

SP4N-LAPOR! counts its timelines in working days ("3 hari kerja" to forward a
complaint, 5 to answer it), and a deadline that falls in the Idul Fitri week
is not met by a handler on leave. A deadline counted in working days skips
Saturdays, Sundays, the national holidays of the ``holidays`` package
(country ID, its public category: the holidays set by presidential decree,
moveable feasts computed) and the office's own collective leave days (cuti
bersama), which its administrators enter: the national cuti bersama of the
joint ministerial decree are offered to them (the package's government
category), but an office may keep some open, so none is skipped unless entered.

The national holidays of a year are computed once per process: they are a
fact of the calendar, not of the installation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wbs_app.models import CollectiveLeaveDay, StaffMember
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.infra.text import one_line_name
from wbs_app.services.staff import audit

COUNTRY = "ID"
MAX_NAME = 120
# The days a deadline may span; far enough for a year counted in working days.
MAX_SPAN = timedelta(days=800)


class LeaveDayError(DomainError):
    """A collective leave day refused; ``code`` says why."""


@lru_cache(maxsize=64)
def national_holidays(year: int, language: str = "id") -> Mapping[date, str]:
    """Indonesia's public holidays of ``year``, named in ``language`` ("id" or "en_US")."""
    return dict(holidays.country_holidays(COUNTRY, years=year, language=language))


@lru_cache(maxsize=64)
def national_collective_leave(year: int, language: str = "id") -> Mapping[date, str]:
    """The national cuti bersama of ``year`` (offered to administrators, not skipped by itself)."""
    found = holidays.country_holidays(
        COUNTRY, years=year, categories=("government",), language=language
    )
    return dict(found)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: not a weekend, a national holiday or an entered leave day."""

    leave_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and day not in national_holidays(day.year)
            and day not in self.leave_days
        )

    def add(self, start: date, days: int, working: bool) -> date:
        """The day ``days`` days after ``start``: calendar days, or working days if ``working``.

        In working days, the n-th working day after ``start`` (``start`` itself
        never counts: a report received on Friday with three working days to
        go is due on Wednesday).
        """
        if not working:
            return start + timedelta(days=days)
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if day - start > MAX_SPAN:
                raise ValueError("a working-day deadline longer than the calendar allows")
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` is not later)."""
        if end - start > MAX_SPAN:
            raise ValueError("a span longer than the calendar counts")
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def calendar(session: Session) -> WorkCalendar:
    """The calendar in force: the national holidays and the office's entered leave days."""
    return WorkCalendar(frozenset(session.scalars(select(CollectiveLeaveDay.day))))


def leave_days(session: Session) -> list[CollectiveLeaveDay]:
    return list(session.scalars(select(CollectiveLeaveDay).order_by(CollectiveLeaveDay.day)))


def add_leave_days(
    session: Session, actor: StaffMember, days: Iterable[tuple[date, str]]
) -> list[date]:
    """Enter collective leave days (a day already entered keeps its name); returns the new ones."""
    known = {row.day for row in leave_days(session)}
    added: list[date] = []
    for day, name in days:
        cleaned = one_line_name(name)[:MAX_NAME]
        if not cleaned:
            raise LeaveDayError("leave_day_unnamed")
        if day in known or day in added:
            continue
        session.add(CollectiveLeaveDay(day=day, name=cleaned))
        added.append(day)
    if added:
        detail = ",".join(day.isoformat() for day in sorted(added))
        audit.record(session, "leave_days_added", actor_id=actor.id, detail=detail[:200])
    session.flush()
    return added


def remove_leave_day(session: Session, actor: StaffMember, day: date) -> None:
    """Open a day again for work. Deadlines already set keep their dates."""
    removed = session.execute(delete(CollectiveLeaveDay).where(CollectiveLeaveDay.day == day))
    if not getattr(removed, "rowcount", 0):
        raise LeaveDayError("not_found")
    audit.record(session, "leave_day_removed", actor_id=actor.id, detail=day.isoformat())
    session.flush()
