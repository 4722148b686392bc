"""The public transparency page's figures: per quarter, for the whole office, small counts hidden.

What leaves the handling team: reports received by category, cases ended
by how, and the share answered on time, for the last quarters. Each table
goes through ``suppression.protect`` (counts 1 to 4 hidden, then as many
others as it takes that no hidden count can be worked out from the totals
and the rest). A share answered on time is shown only where at least
``SMALLEST_RATE_BASE`` answers fell due in the quarter, rounded to a whole
percent: a share of a handful would point at the handful.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wbs_app.models import Category, StatsTally
from wbs_app.services.stats.periods import Period
from wbs_app.services.stats.suppression import ProtectedTable, protect
from wbs_app.services.stats.tallies import LATE, ON_TIME

SMALLEST_RATE_BASE = 10
# How a case ended, as the public page groups it.
ENDINGS = ("selesai", "diteruskan", "bukan_wewenang", "dicabut", "diarsipkan")


@dataclass(frozen=True)
class PublicFigures:
    quarters: list[Period]
    categories: list[Category]
    received: ProtectedTable  # rows: categories; columns: quarters
    ended: ProtectedTable  # rows: ``ENDINGS``; columns: quarters
    answered_on_time: list[int | None]  # whole percent per quarter, None where too few


def public_figures(session: Session, quarters: list[Period]) -> PublicFigures:
    """The published tables for ``quarters`` (oldest first), from the running counts."""
    rows = session.execute(
        select(StatsTally.month, StatsTally.dimension, StatsTally.value, func.sum(StatsTally.count))
        .where(
            StatsTally.month.between(quarters[0].first_month, quarters[-1].last_month),
            StatsTally.dimension.in_(("category", "closed", "answered")),
        )
        .group_by(StatsTally.month, StatsTally.dimension, StatsTally.value)
    )
    column = {month: n for n, quarter in enumerate(quarters) for month in quarter.months()}
    counted: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(quarters))
    for month, dimension, value, count in rows:
        counted[(dimension, value)][column[month]] += int(count)
    categories = list(session.scalars(select(Category).order_by(Category.position, Category.id)))
    shown = [c for c in categories if c.active or any(counted[("category", str(c.id))])]
    received = protect([counted[("category", str(c.id))] for c in shown])
    ended = protect([counted[("closed", ending)] for ending in ENDINGS])
    rates: list[int | None] = []
    for n in range(len(quarters)):
        on_time, late = counted[("answered", ON_TIME)][n], counted[("answered", LATE)][n]
        base = on_time + late
        rates.append(round(100 * on_time / base) if base >= SMALLEST_RATE_BASE else None)
    return PublicFigures(quarters, shown, received, ended, rates)
