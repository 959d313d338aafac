"""Hiding small numbers in a published table: primary and secondary cell suppression.

The one rule for every survey figure that reaches a person (:data:`RULE`). It works
cell by cell on a table with its totals, the way official statistics protect
frequency tables (the GSS and Eurostat guidance on statistical disclosure control
of tabular data):

- **Primary suppression**: a cell counting 1 to ``smallest - 1`` people (fewer than
  :data:`SMALLEST_GROUP`) is hidden. A zero names nobody and is shown, as in
  official tables (hiding the zeros of a small group too would, with exact totals,
  force most of a small survey's table out to protect them).
- **Secondary (complementary) suppression** so that no hidden small cell can be
  worked out from the totals shown beside it. Two conditions, met by hiding the
  cheapest further cells (inner cells before totals, small before large):
  1. *Line condition*: every row and column holding a primary cell holds at least
     two hidden cells, and where that line's total is shown, its hidden cells hold
     at least :data:`SMALLEST_GROUP` people between them (otherwise "these hidden
     cells together hold 3" is itself a small number, and the range an intruder
     could work out for a hidden cell would stay below the threshold). A hidden
     cell that the totals give away anyway does not count.
  2. *Hypercube condition*: every hidden small cell is a corner of a rectangle of
     hidden cells (the hypercube method of Repsilber's GHMITER, as in tau-ARGUS).
     Lines alone are not enough: two separate blocks of hidden cells joined by one
     hidden cell let an intruder solve that cell by adding and subtracting totals.
     Seen as a graph with a node per row and per column and an edge per hidden
     cell, a hidden cell can be solved exactly when it is a bridge; a cell on a
     cycle cannot. When a small cell is a bridge, the cheapest rectangle through it
     is hidden.

A complementary cell that the totals give away all the same protects nothing and is
shown again at the end. Tables that print the same figure (a question's "All
answers" column beside each block of carer groups) are protected together
(:func:`protect_linked`): a figure hidden in one is hidden in all, until none changes.

A table here is its inner cells plus its totals: ``values`` has one extra row (the
column totals) and one extra column (the row totals), the corner being the grand
total. Columns always add up to their totals. Rows add up to theirs only where
``rows_add_up``; where they do not (a table of one column of counts), a row is no
constraint at all. Where the real relation is looser than that (a person in two
carer groups counts in both; someone in no group counts only in the total), the
rule treats it as exact, which can only protect more.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

SMALLEST_GROUP = 5

RULE = (
    f"Any figure about fewer than {SMALLEST_GROUP} people is hidden, and so are a few "
    "others where needed so that a hidden figure cannot be worked out from the totals."
)
# What an exported table says in place of a hidden figure: "[c]", confidential, as
# the Government Statistical Service marks suppressed cells in spreadsheets.
HIDDEN = "[c]"
SUPPRESSED = (
    f"{HIDDEN}: hidden because it is about fewer than {SMALLEST_GROUP} people, or so that "
    "such a figure cannot be worked out from the totals"
)

Cell = tuple[int, int]
# A node of the table's graph: ("row", i) or ("col", j); the free node stands for
# every row that is no constraint.
Node = tuple[str, int]
FREE: Node = ("free", 0)


@dataclass(frozen=True)
class Grid:
    """A table with its totals in the last row and column (see the module docstring)."""

    values: tuple[tuple[int, ...], ...]
    rows_add_up: bool
    smallest: int = SMALLEST_GROUP

    @classmethod
    def of(
        cls, values: Sequence[Sequence[int]], rows_add_up: bool, smallest: int = SMALLEST_GROUP
    ) -> Grid:
        """Raises ValueError for a ragged or empty table, a negative value or ``smallest`` < 1."""
        if smallest < 1:
            raise ValueError(f"the smallest group shown must be at least 1, not {smallest}")
        rows = tuple(tuple(int(v) for v in row) for row in values)
        if not rows or len({len(row) for row in rows}) != 1 or not rows[0]:
            raise ValueError("a table needs at least its totals, and rows of one length")
        if any(v < 0 for row in rows for v in row):
            raise ValueError("counts cannot be negative")
        return cls(rows, rows_add_up, smallest)

    @property
    def height(self) -> int:
        return len(self.values)

    @property
    def width(self) -> int:
        return len(self.values[0])

    def value(self, cell: Cell) -> int:
        return self.values[cell[0]][cell[1]]

    def cells(self) -> list[Cell]:
        return [(i, j) for i in range(self.height) for j in range(self.width)]

    def is_total(self, cell: Cell) -> bool:
        return cell[0] == self.height - 1 or cell[1] == self.width - 1

    def small(self, cell: Cell) -> bool:
        return 0 < self.value(cell) < self.smallest

    def rows_constrain(self) -> bool:
        return self.rows_add_up and self.width > 1

    def lines(self) -> list[tuple[list[Cell], Cell]]:
        """Every constraint as (its cells, its total cell)."""
        found = [
            ([(i, j) for i in range(self.height)], (self.height - 1, j)) for j in range(self.width)
        ]
        if self.rows_constrain():
            found += [
                ([(i, j) for j in range(self.width)], (i, self.width - 1))
                for i in range(self.height)
            ]
        return [(cells, total) for cells, total in found if len(cells) > 1]

    def nodes(self, cell: Cell) -> tuple[Node, Node]:
        row: Node = ("row", cell[0]) if self.rows_constrain() else FREE
        return row, ("col", cell[1])


def primary(grid: Grid) -> set[Cell]:
    """The small cells: the ones no one may see or work out."""
    return {cell for cell in grid.cells() if grid.small(cell)}


def _cost(grid: Grid, cell: Cell) -> tuple[int, int, int]:
    # Inner cells before totals; a zero protects nothing, so it goes last among inner ones.
    return (int(grid.is_total(cell)), int(grid.value(cell) == 0), grid.value(cell))


def _line_fault(
    grid: Grid, hidden: set[Cell], protected: set[Cell], strict: bool
) -> list[Cell] | None:
    """Cells to hide next for the first line that breaks the line condition, if any.

    Only lines holding a protected cell are checked: a complementary cell needs
    company only so far as it protects one. A hidden cell that can be worked out
    anyway (a bridge) protects nothing, so it does not count; where a line has
    nothing left to hide, the cheapest of those is made safe by a rectangle. Not
    ``strict``: every hidden cell counts (the first, cheap pass)."""
    solvable = bridges(grid, hidden) - protected if strict else set()
    for cells, total in grid.lines():
        inside = [cell for cell in cells if cell in hidden and cell not in solvable]
        if not protected.intersection(cells) or (total not in hidden and grid.value(total) == 0):
            continue  # nothing to protect, or a line of zeros that its total gives away
        inner_sum = sum(grid.value(cell) for cell in inside if cell != total)
        if len(inside) >= 2 and (total in inside or inner_sum >= grid.smallest):
            continue
        shown = [cell for cell in cells if cell not in hidden]
        if shown:
            return [min(shown, key=lambda cell: _cost(grid, cell))]
        given_away = [cell for cell in cells if cell in solvable]
        if given_away:
            return _rectangle(grid, hidden, max(given_away, key=lambda cell: _cost(grid, cell)))
    return None


def bridges(grid: Grid, hidden: Iterable[Cell]) -> set[Cell]:
    """The hidden cells that can be worked out exactly from the shown cells and the
    totals: the bridges of the graph whose edges are the hidden cells (Tarjan)."""
    edges = sorted(set(hidden))
    around: dict[Node, list[tuple[int, Node]]] = {}
    for number, cell in enumerate(edges):
        start, end = grid.nodes(cell)
        around.setdefault(start, []).append((number, end))
        around.setdefault(end, []).append((number, start))
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: set[Cell] = set()
    for root in around:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Node, int, int]] = [(root, -1, 0)]  # node, edge in, next neighbour
        while stack:
            node, came_by, index = stack.pop()
            if index < len(around[node]):
                stack.append((node, came_by, index + 1))
                number, other = around[node][index]
                if number == came_by:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = len(order)
                    stack.append((other, number, 0))
            elif came_by >= 0:
                parent = stack[-1][0]  # its entry waits below the child's
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    found.add(edges[came_by])
    return found


def _rectangle(grid: Grid, hidden: set[Cell], cell: Cell) -> list[Cell]:
    """The cheapest three cells that make ``cell`` a corner of a hidden rectangle."""
    best: tuple[tuple[int, int, int], list[Cell]] | None = None
    for i in range(grid.height):
        for j in range(grid.width):
            if i == cell[0] or j == cell[1]:
                continue
            corners = [(cell[0], j), (i, cell[1]), (i, j)]
            new = [corner for corner in corners if corner not in hidden]
            costs = [_cost(grid, corner) for corner in new]
            cost = (sum(c[0] for c in costs), sum(c[1] for c in costs), sum(c[2] for c in costs))
            if best is None or cost < best[0]:
                best = (cost, new)
    return best[1] if best else []


def protect(grid: Grid, already: Iterable[Cell] = ()) -> frozenset[Cell]:
    """The cells to hide: the primary cells and ``already`` (hidden for another reason,
    such as a figure never printed or hidden in a linked table), then enough
    complementary cells to meet the line and hypercube conditions."""
    protected = primary(grid)
    hidden = protected | set(already)
    while True:
        more = _line_fault(grid, hidden, protected, strict=False)
        if more is None:
            solvable = sorted(protected & bridges(grid, hidden))
            more = _rectangle(grid, hidden, solvable[0]) if solvable else None
        if more is None:
            more = _line_fault(grid, hidden, protected, strict=True)
        if more is None:  # a complementary cell that can be worked out anyway is shown
            return frozenset(hidden - (bridges(grid, hidden) - set(already) - protected))
        if not more:  # no rectangle fits this table: hide it all
            return frozenset(grid.cells())
        hidden.update(more)


@dataclass(frozen=True)
class Linked:
    """One table of several that share figures: ``keys`` names each cell of ``grid``
    (same shape), so that a figure printed once is hidden everywhere it appears."""

    grid: Grid
    keys: tuple[tuple[Hashable, ...], ...]


def protect_linked(tables: Sequence[Linked]) -> frozenset[Hashable]:
    """The keys to hide so that every table meets the rule, given that a key hidden
    in one table is hidden in every table holding it (repeated until none changes)."""
    hidden: set[Hashable] = set()
    while True:
        before = len(hidden)
        for table in tables:
            already = [cell for cell in table.grid.cells() if _key(table, cell) in hidden]
            hidden.update(_key(table, cell) for cell in protect(table.grid, already))
        if len(hidden) == before:
            break
    # A figure hidden to protect another, which the totals of some table give away
    # all the same, protects nothing: show it.
    needed: set[Hashable] = set()
    loose: set[Hashable] = set()
    for table in tables:
        cells = [cell for cell in table.grid.cells() if _key(table, cell) in hidden]
        needed.update(_key(table, cell) for cell in primary(table.grid))
        loose.update(_key(table, cell) for cell in bridges(table.grid, cells))
    return frozenset(hidden - (loose - needed))


def _key(table: Linked, cell: Cell) -> Hashable:
    return table.keys[cell[0]][cell[1]]
