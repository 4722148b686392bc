"""The public page's figures: per ended quarter, for the whole office, small counts hidden.

What leaves the handling team: reports received by category, cases ended
by how, and the share of reporters answered within the deadline. Three
rules keep a hidden count hidden:

- Each quarter is protected on its own (``suppression.protect`` on one
  column: counts 1 to 4 hidden, then complements until none can be worked
  out from the quarter's total and the rest), and no total across quarters
  is published, so no figure ties two quarters together.
- A quarter is published a month after it ends (the view's ``SETTLING``)
  and frozen the first time it is (``PublishedQuarter``):
  a case reclassified, reopened or recorded late afterwards changes the
  board, never the page, so two readings of it cannot be differenced.
- The share answered on time counts the answers that fell due in the
  quarter (given on time, given late, or still missing) and is shown only
  over at least ``SMALLEST_RATE_BASE`` of them, with neither the on-time nor
  the late ones from 1 to 4, rounded to a whole percent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wbs_app.models import CLOSED_STATUSES, Case, Category, PublishedQuarter, StatsTally
from wbs_app.services.cases.milestones import BEFORE_DECISION
from wbs_app.services.infra.transactions import write_apart
from wbs_app.services.stats.periods import Period
from wbs_app.services.stats.suppression import SMALLEST_SHOWN, protect

SMALLEST_RATE_BASE = 10
# How a case ended, as the public page groups it.
ENDINGS = tuple(status.value for status in sorted(CLOSED_STATUSES))


@dataclass(frozen=True)
class QuarterFigures:
    """One quarter as published: ``None`` where a figure is hidden."""

    code: str
    received: dict[str, int | None]  # category id (as text) -> count
    received_total: int | None
    ended: dict[str, int | None]  # ``ENDINGS`` -> count
    ended_total: int | None
    answered_on_time: int | None  # whole percent

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> QuarterFigures:
        return cls(**json.loads(text))


def published(session: Session, quarters: list[Period], on: date) -> list[QuarterFigures]:
    """The figures of ``quarters`` (ended ones), publishing those not published yet.

    A quarter read for the first time is computed and stored beside the
    page's read (``write_apart``); if that write is refused, the next
    reading computes and stores it again, from the same facts.
    """
    stored = {
        row.code: QuarterFigures.from_json(row.figures)
        for row in session.scalars(
            select(PublishedQuarter).where(PublishedQuarter.code.in_([q.code for q in quarters]))
        )
    }
    fresh = [quarter_figures(session, q) for q in quarters if q.code not in stored]
    if fresh:

        def store(apart: Session) -> None:
            known = set(apart.scalars(select(PublishedQuarter.code)))
            apart.add_all(
                PublishedQuarter(code=f.code, published_on=on, figures=f.to_json())
                for f in fresh
                if f.code not in known
            )

        write_apart(session, store)
    found = {**stored, **{f.code: f for f in fresh}}
    return [found[q.code] for q in quarters]


def quarter_figures(session: Session, quarter: Period) -> QuarterFigures:
    """One ended quarter's protected figures, from the running counts and the open cases."""
    counted: dict[tuple[str, str], int] = {}
    for dimension, value, count in session.execute(
        select(StatsTally.dimension, StatsTally.value, func.sum(StatsTally.count))
        .where(
            StatsTally.month.between(quarter.first_month, quarter.last_month),
            StatsTally.dimension.in_(("category", "closed", "answered")),
        )
        .group_by(StatsTally.dimension, StatsTally.value)
    ):
        counted[(dimension, value)] = int(count)
    categories = [
        str(category_id)
        for category_id in session.scalars(
            select(Category.id).order_by(Category.position, Category.id)
        )
    ]
    received, received_total = _protected({c: counted.get(("category", c), 0) for c in categories})
    ended, ended_total = _protected({e: counted.get(("closed", e), 0) for e in ENDINGS})
    on_time = counted.get(("answered", "on_time"), 0)
    late = counted.get(("answered", "late"), 0) + _still_unanswered(session, quarter)
    return QuarterFigures(
        quarter.code, received, received_total, ended, ended_total, _share(on_time, late)
    )


def _protected(counts: dict[str, int]) -> tuple[dict[str, int | None], int | None]:
    keys = list(counts)
    grid = protect([[counts[key]] for key in keys]).grid
    return {key: grid[n][0] for n, key in enumerate(keys)}, grid[-1][0]


def _share(on_time: int, late: int) -> int | None:
    base = on_time + late
    if base < SMALLEST_RATE_BASE or any(0 < n < SMALLEST_SHOWN for n in (on_time, late)):
        return None
    return round(100 * on_time / base)


def _still_unanswered(session: Session, quarter: Period) -> int:
    """Open cases whose answer fell due in the quarter and was never given (late too)."""
    return int(
        session.scalar(
            select(func.count(Case.id)).where(
                Case.status.in_(BEFORE_DECISION),  # on hold, its clock waits
                Case.answered_on.is_(None),
                Case.feedback_due.between(quarter.start, quarter.end),
            )
        )
        or 0
    )


def category_ids(figures: list[QuarterFigures]) -> set[str]:
    """Every category any shown quarter counts (ids as text, the way they are stored)."""
    return {key for quarter in figures for key in quarter.received}
