"""The periods figures are given for: a month, a quarter or a year, written as in a URL.

``2026-11`` is November 2026, ``2026-Q4`` its quarter, ``2026`` its year: the
way the board's filter, the periodic reports' file names and the public
page name them. Anything else is refused with one code, ``bad_period``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from wbs_app.services.infra.errors import DomainError

MONTH, QUARTER, YEAR = "month", "quarter", "year"
EARLIEST_YEAR = 2000
_PATTERN = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")


class PeriodRefused(DomainError):
    """A period that is not a month, quarter or year we can count (code ``bad_period``)."""


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # the month (1-12), the quarter (1-4), or 0 for a year

    @property
    def first_month(self) -> int:
        first = {MONTH: self.number, QUARTER: 3 * self.number - 2, YEAR: 1}[self.kind]
        return self.year * 100 + first

    @property
    def last_month(self) -> int:
        last = {MONTH: self.number, QUARTER: 3 * self.number, YEAR: 12}[self.kind]
        return self.year * 100 + last

    @property
    def start(self) -> date:
        return date(self.year, self.first_month % 100, 1)

    @property
    def end(self) -> date:
        """The period's last day."""
        last = self.last_month % 100
        following = date(self.year + 1, 1, 1) if last == 12 else date(self.year, last + 1, 1)
        return following - timedelta(days=1)

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    def months(self) -> list[int]:
        return list(range(self.first_month, self.last_month + 1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse(text: str, latest: date) -> Period:
    """The period ``text`` names; refused if malformed, before 2000 or after ``latest``'s year."""
    found = _PATTERN.match((text or "").strip())
    if found is None:
        raise PeriodRefused("bad_period")
    year = int(found.group(1))
    if not EARLIEST_YEAR <= year <= latest.year:
        raise PeriodRefused("bad_period")
    if found.group(2) is not None:
        month = int(found.group(2))
        if not 1 <= month <= 12:
            raise PeriodRefused("bad_period")
        return Period(MONTH, year, month)
    if found.group(3) is not None:
        return Period(QUARTER, year, int(found.group(3)))
    return Period(YEAR, year, 0)


def quarter_of(day: date) -> Period:
    return Period(QUARTER, day.year, (day.month - 1) // 3 + 1)


def month_of(day: date) -> Period:
    return Period(MONTH, day.year, day.month)


def last_quarters(day: date, count: int) -> list[Period]:
    """The ``count`` quarters up to the one ``day`` is in, oldest first."""
    current = quarter_of(day)
    found = []
    year, number = current.year, current.number
    for _ in range(count):
        found.append(Period(QUARTER, year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return list(reversed(found))
