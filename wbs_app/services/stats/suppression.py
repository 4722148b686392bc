"""Small counts protected: no figure from 1 to 4 leaves the team, nor can be worked out.

A table that leaves the handling team (the public transparency page, a report
marked public) says how many reports of a kind a unit had in a quarter. A
count of 1 or 2 in a small unit can point at a person, so counts from 1 to 4
are not shown (primary suppression). Hiding them is not enough: with the row
and column totals printed, a lone hidden cell in a row is its total minus the
others. So more cells are hidden (complementary suppression) until no hidden
cell is fixed by the published figures:

- every row and column, the totals' row and column included, hides either
  none of its cells or at least two (a lone unknown is a subtraction away),
  and its hidden figures add up to enough that each could be 5 or more
  (two hidden figures that add up to 2 are both 1);
- and then, exactly, no hidden value is determined by the whole system of
  published sums (Gaussian elimination over the rationals: a hidden cell is
  determined when its unit vector lies in the span of the equations
  restricted to the hidden cells), which also catches derivations through
  several rows and columns at once.

A complement is the smallest non-zero cell the line still shows, inner cells
before totals, so that as little as possible is lost; zeros stay shown (a
zero points at nobody, and hiding one would tell an attacker little). The
rule is public and so is the choice: the protection does not rest on secrecy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

SMALLEST_SHOWN = 5  # counts 1..4 are hidden

Position = tuple[int, int]


@dataclass(frozen=True)
class ProtectedTable:
    """A table as it may be published: ``None`` where a figure is hidden.

    ``grid`` holds the cells with the row totals as its last column and the
    column totals as its last row (the grand total in the corner).
    """

    grid: tuple[tuple[int | None, ...], ...]

    @property
    def cells(self) -> tuple[tuple[int | None, ...], ...]:
        return tuple(row[:-1] for row in self.grid[:-1])

    @property
    def row_totals(self) -> tuple[int | None, ...]:
        return tuple(row[-1] for row in self.grid[:-1])

    @property
    def column_totals(self) -> tuple[int | None, ...]:
        return self.grid[-1][:-1]

    @property
    def total(self) -> int | None:
        return self.grid[-1][-1]

    def hidden(self) -> set[Position]:
        return {
            (r, c)
            for r, row in enumerate(self.grid)
            for c, value in enumerate(row)
            if value is None
        }


def with_totals(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The cells with their row totals, column totals and grand total appended."""
    rows = [list(row) for row in cells]
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows) or any(v < 0 for row in rows for v in row):
        raise ValueError("a table of non-negative counts, every row as long")
    full = [[*row, sum(row)] for row in rows]
    full.append([sum(row[c] for row in full) for c in range(width + 1)])
    return full


def lines(height: int, width: int) -> list[list[Position]]:
    """Each published sum as its positions, the total last: every row, then every column.

    ``height`` and ``width`` count the totals' row and column too.
    """
    found = [[(r, c) for c in range(width)] for r in range(height)]
    found += [[(r, c) for r in range(height)] for c in range(width)]
    return found


def protect(cells: Sequence[Sequence[int]]) -> ProtectedTable:
    """The table with its small counts, and whatever would reveal them, hidden."""
    full = with_totals(cells)
    height, width = len(full), len(full[0])
    hidden = {
        (r, c) for r in range(height) for c in range(width) if 0 < full[r][c] < SMALLEST_SHOWN
    }
    sums = lines(height, width)
    while True:
        if _pair_lone_unknowns(full, sums, hidden) or _widen_narrow_lines(full, sums, hidden):
            continue
        fixed = determined(full, sums, hidden) | narrow(full, sums, hidden)
        if not fixed:
            break
        position = min(fixed)
        through = [line for line in sums if position in line]
        if not any(_hide_one_more(full, line, hidden) for line in through) and not _hide_a_total(
            full, hidden
        ):
            raise RuntimeError("a hidden figure cannot be protected")  # every figure hidden
    return ProtectedTable(
        tuple(
            tuple(None if (r, c) in hidden else full[r][c] for c in range(width))
            for r in range(height)
        )
    )


def _pair_lone_unknowns(
    full: list[list[int]], sums: list[list[Position]], hidden: set[Position]
) -> bool:
    changed = False
    for line in sums:
        if sum(1 for position in line if position in hidden) == 1:
            changed = _hide_one_more(full, line, hidden) or changed
    return changed


def narrow(
    full: list[list[int]], sums: list[list[Position]], hidden: set[Position]
) -> set[Position]:
    """Hidden figures an attacker can bound below ``SMALLEST_SHOWN`` by chaining the sums.

    Interval propagation: each hidden figure is at least 1 (zeros are shown)
    and unbounded above; every published sum tightens its members' bounds
    from the others' (a member is at most the total's upper bound less the
    others' lower bounds), until nothing moves. A small count whose upper
    bound falls below ``SMALLEST_SHOWN`` is known to be small, and a figure
    whose bounds meet is known outright.
    """
    infinite = 10**12  # "unbounded": nothing published bounds a figure of a wholly hidden line
    low = {p: (1 if p in hidden else full[p[0]][p[1]]) for line in sums for p in line}
    high = {p: (infinite if p in hidden else full[p[0]][p[1]]) for p in low}
    moved = True
    while moved:
        moved = False
        for line in sums:
            *members, total = line
            for p in members:
                others_low = sum(low[q] for q in members if q != p)
                others_high = sum(high[q] for q in members if q != p)
                new_high = min(high[p], high[total] - others_low)
                new_low = max(low[p], low[total] - others_high)
                if (new_low, new_high) != (low[p], high[p]):
                    low[p], high[p], moved = new_low, new_high, True
            new_total_low = max(low[total], sum(low[q] for q in members))
            new_total_high = min(high[total], sum(high[q] for q in members))
            if (new_total_low, new_total_high) != (low[total], high[total]):
                low[total], high[total], moved = new_total_low, new_total_high, True
    return {
        p
        for p in hidden
        if low[p] == high[p] or (full[p[0]][p[1]] < SMALLEST_SHOWN and high[p] < SMALLEST_SHOWN)
    }


def _hide_a_total(full: list[list[int]], hidden: set[Position]) -> bool:
    """The last resort: hide the largest total still shown (the grand total first)."""
    height, width = len(full), len(full[0])
    totals = [(height - 1, c) for c in range(width)] + [(r, width - 1) for r in range(height)]
    shown = [p for p in totals if p not in hidden and full[p[0]][p[1]] > 0]
    if not shown:
        return False
    hidden.add(max(shown, key=lambda p: (full[p[0]][p[1]], p)))
    return True


def _widen_narrow_lines(
    full: list[list[int]], sums: list[list[Position]], hidden: set[Position]
) -> bool:
    """Hidden figures known to be at least 1 that add up to little are not hidden at all.

    In a row ``[1, 1, 10]`` with the total shown, the two hidden ones add up to
    2, so both are 1. A line's hidden figures must add up to enough that each
    of them could be ``SMALLEST_SHOWN`` or more, whatever the others are.
    """
    changed = False
    for line in sums:
        members = [p for p in line if p in hidden]
        if not members:
            continue
        room = sum(full[r][c] for r, c in members) - (len(members) - 1)
        if room < SMALLEST_SHOWN:
            changed = _hide_one_more(full, line, hidden) or changed
    return changed


def _hide_one_more(
    full: list[list[int]], line: list[Position], hidden: set[Position], *, zeros: bool = False
) -> bool:
    """Hide the line's smallest non-zero shown figure, an inner cell before its total.

    ``zeros``: a zero too, when nothing else is left to hide in the line.
    """
    total = line[-1]
    shown = [p for p in line if p not in hidden and (zeros or full[p[0]][p[1]] > 0)]
    if not shown:
        return False
    choice = min(shown, key=lambda p: (p == total, full[p[0]][p[1]], p))
    hidden.add(choice)
    return True


def determined(
    full: Sequence[Sequence[int | None]], sums: list[list[Position]], hidden: set[Position]
) -> set[Position]:
    """The hidden positions whose value the published sums fix (exact, over the rationals)."""
    unknowns = sorted(hidden)
    index = {position: i for i, position in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for line in sums:
        *members, total = line
        coefficients = [Fraction(0)] * len(unknowns)
        for position in members:
            if position in index:
                coefficients[index[position]] += 1
        if total in index:
            coefficients[index[total]] -= 1
        if any(coefficients):
            rows.append(coefficients)
    basis = _row_echelon(rows)
    return {
        position
        for position, i in index.items()
        if _in_span(basis, [Fraction(int(j == i)) for j in range(len(unknowns))])
    }


def _row_echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """A reduced basis of the rows' span, each with its pivot column."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        vector = _reduce(basis, row)
        pivot = next((i for i, value in enumerate(vector) if value != 0), None)
        if pivot is None:
            continue
        vector = [value / vector[pivot] for value in vector]
        basis = [(p, _eliminate(b, vector, pivot)) for p, b in basis]
        basis.append((pivot, vector))
    return basis


def _eliminate(row: list[Fraction], pivot_row: list[Fraction], pivot: int) -> list[Fraction]:
    factor = row[pivot]
    if factor == 0:
        return row
    return [a - factor * b for a, b in zip(row, pivot_row, strict=True)]


def _reduce(basis: list[tuple[int, list[Fraction]]], row: list[Fraction]) -> list[Fraction]:
    vector = list(row)
    for pivot, base in basis:
        vector = _eliminate(vector, base, pivot)
    return vector


def _in_span(basis: list[tuple[int, list[Fraction]]], vector: list[Fraction]) -> bool:
    return not any(_reduce(basis, vector))
