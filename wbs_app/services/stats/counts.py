"""The counts the board adds up: deadlines met on time or late, a unit's figures, a median."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rate:
    """Deadlines met on time and late (missed ones still open count as late)."""

    on_time: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late

    @property
    def share(self) -> float | None:
        return self.on_time / self.total if self.total else None

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.on_time + other.on_time, self.late + other.late)


@dataclass(frozen=True)
class UnitCounts:
    received: int = 0
    ended: int = 0
    open_now: int = 0
    overdue_now: int = 0
    answered: Rate = field(default_factory=Rate)

    def __add__(self, other: UnitCounts) -> UnitCounts:
        return UnitCounts(
            self.received + other.received,
            self.ended + other.ended,
            self.open_now + other.open_now,
            self.overdue_now + other.overdue_now,
            self.answered + other.answered,
        )


def median(histogram: Counter[int]) -> float | None:
    """The median of values given as value -> how many times (None without any)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = ((total - 1) // 2, total // 2)  # the middle one, or the middle two
    middle: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        middle.extend(value for position in wanted if seen <= position < seen + count)
        seen += count
    return sum(middle) / 2
