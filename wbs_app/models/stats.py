"""Running counts of the workflow facts, what the statistics read (issue 21).

One row counts the cases of one unit that, in one month, have one value of
one dimension (received; by status, category or channel, keyed by the month
received; acknowledged, verified, answered on time or late; ended, by how;
working days taken; findings; sanctions). ``services.stats.tallies`` keeps
them in the transaction that changes a case, so the board reads a number of
rows bounded by units x months x values, never by the number of cases.
Nothing here is report content: every value is a workflow fact the cases
table already holds in clear.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base


class StatsTally(Base):
    __tablename__ = "stats_tallies"
    # One dimension over a range of months (the unit rows, the months), read
    # from the index alone instead of every dimension's rows of those months.
    __table_args__ = (
        Index("ix_stats_tallies_dimension", "dimension", "month", "unit_id", "value", "count"),
    )

    # The month first: every reading is a range of months.
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # year * 100 + month
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[str] = mapped_column(String(24), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class PublishedQuarter(Base):
    """A quarter's figures as ``/transparansi`` first published them, never changed after.

    Frozen so that nobody can learn a hidden count by comparing two readings
    of the page: a case reclassified, reopened or recorded late changes the
    board, never what was once made public. ``figures`` is JSON, already
    protected (``services.stats.transparency``).
    """

    __tablename__ = "published_quarters"

    code: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-Q3"
    published_on: Mapped[date] = mapped_column(Date)
    figures: Mapped[str] = mapped_column(Text)
