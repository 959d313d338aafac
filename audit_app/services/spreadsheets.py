"""Writing CSV and XLSX: every file the app offers for download goes through here.

A spreadsheet program runs a cell starting with ``=``, ``+``, ``-`` or ``@``
(and tab or carriage return, which some strip first) as a formula: a carer's
answer through the public survey could then send the sheet's contents away when
the lead opens it (OWASP, "CSV injection"). :func:`safe_cell` puts a single
quote in front of such text, so it shows as typed and never runs. Numbers stay
numbers: a negative number stored as a number is not a formula.

A table's cells carry typed values: text, whole numbers, decimals, dates, and
:class:`Figure` (a number with the text people read and the number format a
spreadsheet shows it with: a percentage as a fraction shown as a percent, an
amount of money in pounds). A CSV writes each as people read it; an XLSX stores
each as a number or a date with its number format, so that it can be summed
and charted. Missing figures are empty cells; words (a suppressed "[c]") stay text.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from hub_model.indicators import rounded

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Number formats (Excel's codes; LibreOffice reads the same).
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MONEY_FORMAT = "£#,##0.00"


@dataclass(frozen=True)
class Figure:
    """A number as a table holds it: ``value`` and ``number_format`` are what an XLSX
    cell stores, ``text`` what a CSV shows and ``page`` what a web page shows."""

    value: int | float | Decimal | date | datetime
    number_format: str
    text: str
    page: str

    def __str__(self) -> str:
        return self.text


def places_of(value: Decimal | float) -> int:
    """How many decimal places ``value`` has, trailing zeros aside (4.60 has 1)."""
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def places_format(places: int, percent: bool = False) -> str:
    """The number format showing ``places`` decimal places: "0", "0.0", "0.00%"."""
    return ("0." + "0" * places if places > 0 else "0") + ("%" if percent else "")


def _rounded(value: Decimal, places: int) -> Decimal:
    return rounded(value, Decimal(1).scaleb(-places))  # half up, as every page rounds


def number(value: Decimal, places: int) -> Figure:
    """``value`` rounded half up to ``places`` decimal places, as it is shown ("12.40")."""
    shown = _rounded(value, places)
    return Figure(shown, places_format(places), f"{shown:f}", f"{shown:f}")


def percent(points: Decimal, places: int, sign: bool = True) -> Figure:
    """A percentage given in points (4.6 for 4.6%), rounded half up to ``places``: stored
    as the fraction (0.046) shown as a percent; its text "4.6%", or "4.6" under a
    header that says "(%)" (``sign`` False)."""
    shown = _rounded(points, places)
    text = f"{shown:f}" + ("%" if sign else "")
    return Figure(shown.scaleb(-2), places_format(places, percent=True), text, text)


def money(amount: Decimal) -> Figure:
    """An amount in pounds: shown in pounds and pence in an XLSX, as entered in a CSV
    ("25000", "1250.5"), with thousands separators on a page ("25,000.00")."""
    return Figure(amount, MONEY_FORMAT, f"{amount.normalize():f}", f"{amount:,f}")


def moment(when: datetime, text: str) -> Figure:
    """A date and time (UTC; an XLSX has no time zones) with the text people read."""
    return Figure(when.replace(tzinfo=None), DATETIME_FORMAT, text, text)


def safe_cell(value: Any) -> Any:
    """``value``, with a leading single quote if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def csv_text(rows: Iterable[Sequence[Any]], shown: Callable[[Any], Any] | None = None) -> str:
    """Rows (the header first) as CSV text, every cell made safe; then written as
    ``shown`` gives it (a number formatted as text stays a number: it is not escaped),
    a :class:`Figure` as its text."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        cells = [cell.text if isinstance(cell, Figure) else cell for cell in safe_row(row)]
        writer.writerow([shown(cell) for cell in cells] if shown else cells)
    return out.getvalue()


def number_format(value: Any) -> str:
    """How a spreadsheet shows ``value``: a Figure's own format; a date as dd/mm/yyyy;
    a whole number as one; a decimal to the places it has (4.15 as "0.00")."""
    if isinstance(value, Figure):
        return value.number_format
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "General"
    return places_format(places_of(value))


def xlsx_value(value: Any) -> Any:
    """What an XLSX cell stores for ``value``: a Figure's number, a date without a time
    zone (ours are UTC), nothing for an empty text or a missing decimal."""
    if isinstance(value, Figure):
        value = value.value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if (isinstance(value, str) and value == "") or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def append(sheet: Any, values: Iterable[Any]) -> None:
    """Add a row to an openpyxl sheet: text made safe (never a formula), numbers and
    dates stored as such with their number formats."""
    cells = safe_row(values)
    sheet.append([xlsx_value(cell) for cell in cells])
    row = sheet.max_row
    for column, value in enumerate(cells, start=1):
        cell = sheet.cell(row, column)
        if cell.value is not None:
            cell.number_format = number_format(value)


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


def frames_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    typed: Mapping[str, Callable[[Any], Any]] | None = None,
) -> bytes:
    """Pandas tables as the sheets of one XLSX workbook (by sheet name, in order; no
    index; the header row bold), written as :func:`append` writes a row; ``typed``
    turns each number of the columns it names into a :class:`Figure` (words, such as
    a suppressed "[c]", stay as they are)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for sheet_name, frame in sheets.items():
        sheet = book.create_sheet(sheet_name)
        append(sheet, [str(column) for column in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        makers = [(typed or {}).get(str(column)) for column in frame.columns]
        # As objects: Python numbers rather than numpy's, which openpyxl may not know.
        for row in frame.astype(object).itertuples(index=False):
            append(sheet, [_typed(value, make) for value, make in zip(row, makers, strict=True)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _typed(value: Any, make: Callable[[Any], Any] | None) -> Any:
    if make is None or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return make(value)
