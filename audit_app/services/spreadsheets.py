"""Writing CSV and XLSX: every file the app offers for download goes through here.

A spreadsheet program runs a cell starting with ``=``, ``+``, ``-`` or ``@``
(and tab or carriage return, which some strip first) as a formula: a carer's
answer through the public survey could then send the sheet's contents away when
the lead opens it (OWASP, "CSV injection"). :func:`safe_cell` puts a single
quote in front of such text, so it shows as typed and never runs. Numbers stay
numbers: a negative number stored as a number is not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, with a leading single quote if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def csv_text(rows: Iterable[Sequence[Any]], shown: Callable[[Any], Any] | None = None) -> str:
    """Rows (the header first) as CSV text, every cell made safe; then written as
    ``shown`` gives it (a number formatted as text stays a number: it is not escaped)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        cells = safe_row(row)
        writer.writerow([shown(cell) for cell in cells] if shown else cells)
    return out.getvalue()


def append(sheet: Any, values: Iterable[Any]) -> None:
    """Add a row to an openpyxl sheet, every cell made safe (text never a formula)."""
    sheet.append(safe_row(values))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name made safe."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            # Built anew with the column's own type: Series.map would turn a column
            # of whole numbers and blanks into decimals (5 into 5.0).
            cells = [safe_cell(value) for value in values]
            safe[column] = pd.Series(cells, index=values.index, dtype=values.dtype)
    return safe.rename(columns=safe_cell)


def frame_csv(frame: pd.DataFrame) -> str:
    """A pandas table as CSV text (no index), every cell made safe."""
    return str(safe_frame(frame).to_csv(index=False))


def frame_xlsx(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """A pandas table as a one-sheet XLSX workbook (no index), every cell made safe."""
    return frames_xlsx({sheet_name: frame})


def frames_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Pandas tables as the sheets of one XLSX workbook (by sheet name, in order; no
    index), every cell made safe."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for sheet_name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=sheet_name, index=False)
    return out.getvalue()
