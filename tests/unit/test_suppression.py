"""Cell suppression of a table with its totals: primary, line and hypercube conditions.

The property tests check the rule against plain linear algebra, not against the
graph the rule itself uses: a hidden cell can be worked out exactly when its unit
vector lies in the row space of the table's constraints restricted to hidden cells.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub_model.suppression import (
    RULE,
    SMALLEST_GROUP,
    Grid,
    Linked,
    bridges,
    primary,
    protect,
    protect_linked,
)


def _with_totals(inner: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in inner]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def _grid(inner: Sequence[Sequence[int]], rows_add_up: bool = True) -> Grid:
    return Grid.of(_with_totals(inner), rows_add_up)


def _constraints(grid: Grid) -> np.ndarray:
    """One row per line of the table: inner cells +1, the total -1."""
    equations = []
    for cells, total in grid.lines():
        equation = np.zeros(grid.height * grid.width)
        for i, j in cells:
            equation[i * grid.width + j] = -1 if (i, j) == total else 1
        equations.append(equation)
    return np.array(equations) if equations else np.zeros((0, grid.height * grid.width))


def _solvable(system: np.ndarray, hidden: Sequence[int], unknown: int) -> bool:
    """Whether variable ``unknown`` follows from ``system`` once every variable
    not in ``hidden`` is known."""
    part = system[:, list(hidden)]
    unit = np.zeros((1, len(hidden)))
    unit[0, list(hidden).index(unknown)] = 1
    return bool(np.linalg.matrix_rank(np.vstack([part, unit])) == np.linalg.matrix_rank(part))


def _shown(grid: Grid, hidden: frozenset[tuple[int, int]]) -> list[list[str]]:
    return [
        ["." if (i, j) in hidden else str(grid.value((i, j))) for j in range(grid.width)]
        for i in range(grid.height)
    ]


def test_a_table_with_nothing_small_shows_everything() -> None:
    grid = _grid([[5, 10], [7, 8]])
    assert protect(grid) == frozenset()


def test_a_small_cell_is_a_corner_of_a_hidden_rectangle() -> None:
    grid = _grid([[3, 10, 20], [7, 8, 9], [0, 12, 15]])
    hidden = protect(grid)
    assert _shown(grid, hidden) == [
        [".", ".", "20", "33"],
        [".", ".", "9", "24"],
        ["0", "12", "15", "27"],
        ["10", "30", "44", "84"],
    ]


def test_a_zero_names_nobody_and_is_shown() -> None:
    grid = _grid([[20, 30, 2], [15, 25, 0]])
    hidden = protect(grid)
    assert {(0, 2), (2, 2)} <= hidden and (1, 2) not in hidden
    assert not any(grid.small(cell) for cell in grid.cells() if cell not in hidden)


def test_two_blocks_joined_by_one_cell_are_caught() -> None:
    # Each line with a hidden cell holds two, yet the cell joining the two blocks of
    # hidden cells is a bridge: it can be solved by adding and subtracting totals.
    grid = _grid([[3, 3, 9, 9], [3, 3, 9, 9], [9, 9, 3, 3], [9, 9, 3, 3]])
    joined = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    assert (0, 2) in bridges(grid, joined)
    hidden = protect(grid)
    assert not bridges(grid, hidden) & primary(grid)


def test_a_line_of_zeros_given_away_by_its_total_needs_no_company() -> None:
    grid = _grid([[0, 0], [6, 2]])
    hidden = protect(grid)
    assert (0, 0) not in hidden and (0, 2) not in hidden


def test_one_column_without_row_constraints() -> None:
    # An "All answers" table: 1 carer aged 16 to 24, so the next smallest goes too.
    grid = Grid.of([[1], [11], [26], [38]], rows_add_up=False)
    assert protect(grid) == frozenset({(0, 0), (1, 0)})


def test_already_hidden_cells_stay_hidden() -> None:
    grid = _grid([[10, 10], [10, 10]])
    assert (0, 0) in protect(grid, [(0, 0)])


@pytest.mark.parametrize(
    ("values", "message"),
    [([], "at least its totals"), ([[1, 2], [3]], "one length"), ([[-1]], "negative")],
)
def test_bad_tables_are_refused(values: list[list[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Grid.of(values, rows_add_up=True)


def test_the_rule_is_stated_in_plain_words() -> None:
    assert RULE.startswith(f"Any figure about fewer than {SMALLEST_GROUP} people is hidden")


# Properties.

# Many small numbers, some zeros, some large: the cases that need care.
COUNTS = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[int]], bool]:
    height = draw(st.integers(1, 5))
    width = draw(st.integers(1, 5))
    inner = [[draw(COUNTS) for _ in range(width)] for _ in range(height)]
    return inner, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_shown_cell_is_small(table: tuple[list[list[int]], bool]) -> None:
    inner, rows_add_up = table
    grid = _grid(inner, rows_add_up)
    hidden = protect(grid)
    for cell in grid.cells():
        assert cell in hidden or not 0 < grid.value(cell) < SMALLEST_GROUP, _shown(grid, hidden)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_hidden_cell_can_be_worked_out_from_the_totals(
    table: tuple[list[list[int]], bool],
) -> None:
    inner, rows_add_up = table
    grid = _grid(inner, rows_add_up)
    hidden = protect(grid)
    system = _constraints(grid)
    columns = sorted(i * grid.width + j for i, j in hidden)
    for i, j in hidden:
        assert not _solvable(system, columns, i * grid.width + j), (
            (i, j),
            _shown(grid, hidden),
        )


@settings(max_examples=300, deadline=None)
@given(tables())
def test_every_line_with_a_hidden_small_cell_hides_at_least_five_people(
    table: tuple[list[list[int]], bool],
) -> None:
    inner, rows_add_up = table
    grid = _grid(inner, rows_add_up)
    hidden = protect(grid)
    for cells, total in grid.lines():
        if not any(cell in hidden and grid.small(cell) for cell in cells):
            continue
        inside = [cell for cell in cells if cell in hidden]
        assert len(inside) >= 2, _shown(grid, hidden)
        if total not in hidden:
            assert sum(grid.value(c) for c in inside) >= SMALLEST_GROUP, _shown(grid, hidden)


@settings(max_examples=150, deadline=None)
@given(tables(), st.lists(COUNTS, min_size=1, max_size=5))
def test_linked_tables_hide_a_shared_figure_everywhere_and_stay_safe_together(
    table: tuple[list[list[int]], bool], second_column: list[int]
) -> None:
    # Two blocks of columns beside the same row totals, like the condition groups
    # and the age bands beside "All answers": each block adds up to the totals.
    inner, _ = table
    first = _with_totals(inner)
    rows = len(inner)
    extra = (second_column * rows)[:rows]
    second = _with_totals(
        [[value, row[-1] - value] for value, row in zip(extra, first, strict=False)]
    )
    if any(v < 0 for row in second for v in row):
        return
    width = len(first[0])
    keys_first = tuple(
        tuple(("total", i) if j == width - 1 else ("a", i, j) for j in range(width))
        for i in range(rows + 1)
    )
    keys_second = tuple(
        tuple(("total", i) if j == 2 else ("b", i, j) for j in range(3)) for i in range(rows + 1)
    )
    linked = [
        Linked(Grid.of(first, True), keys_first),
        Linked(Grid.of(second, True), keys_second),
    ]
    hidden = protect_linked(linked)
    # Joint system over every distinct figure.
    names: dict[Hashable, int] = {}
    values: dict[Hashable, int] = {}
    for part in linked:
        for i, j in part.grid.cells():
            key = part.keys[i][j]
            names.setdefault(key, len(names))
            values[key] = part.grid.value((i, j))
    equations = []
    for part in linked:
        local = _constraints(part.grid)
        for row in local:
            equation = np.zeros(len(names))
            for index, coefficient in enumerate(row):
                if coefficient:
                    i, j = divmod(index, part.grid.width)
                    equation[names[part.keys[i][j]]] += coefficient
            equations.append(equation)
    system = np.array(equations)
    columns = sorted(names[key] for key in hidden)
    for key in hidden:
        if 0 < values[key] < SMALLEST_GROUP:
            assert not _solvable(system, columns, names[key]), (key, first, second)
    for key, value in values.items():
        assert key in hidden or not 0 < value < SMALLEST_GROUP
