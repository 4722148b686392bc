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

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base


class StatsTally(Base):
    __tablename__ = "stats_tallies"

    # The month first: every reading is a range of months.
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # year * 100 + month
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[str] = mapped_column(String(24), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
