"""Published figures of the national carers' survey: the checks a typed figure and an
imported table's rows share.

A published table has a row per council and measure: council code, measure, year,
value, base (the carers it is about), and optionally the two ends of its 95%
confidence interval. :func:`check` says, field by field, what is wrong with one
figure; :func:`read_table` reads the rows of one council from such a table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from hub_model.quality_of_life_scoring import Scoring

YEAR = re.compile(r"^(\d{4})-(\d{2})$")
COLUMNS = ("council code", "measure", "year", "value", "base")
OPTIONAL_COLUMNS = ("ci low", "ci high")
LARGEST_BASE = 10_000_000


@dataclass(frozen=True)
class Figure:
    measure: str
    year: str
    value: Decimal
    base: int | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    council_code: str | None = None


def number(text: str) -> Decimal | None:
    """A typed number ("7.8", "1,234", "64.2%"); None if it is not one."""
    cleaned = text.strip().replace(",", "").rstrip("%").strip()
    if not re.fullmatch(r"-?\d{1,12}(\.\d{1,6})?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover (the pattern admits only numbers)
        return None


def measure_code(scoring: Scoring, text: str) -> str | None:
    """The measure ``text`` names: its code, its ASCOF number ("1D") or its title."""
    wanted = text.strip().casefold()
    for code in scoring.measure_codes():
        names = (code, scoring.ascof_of(code), scoring.title_of(code))
        if wanted in (name.casefold() for name in names):
            return code
    return None


def check(scoring: Scoring, typed: Mapping[str, str]) -> tuple[Figure | None, dict[str, str]]:
    """The figure ``typed`` (texts by field: measure, year, value, base, ci_low,
    ci_high) describes, or the problems by field, in plain words."""
    problems: dict[str, str] = {}
    measure = measure_code(scoring, typed.get("measure", ""))
    if measure is None:
        problems["measure"] = (
            "Choose a measure the survey reports"
            if not typed.get("measure", "").strip()
            else f"‘{typed['measure']}’ is not a measure of the carers' survey"
        )
    year = typed.get("year", "").strip()
    found = YEAR.match(year)
    if not found or (int(found[1]) + 1) % 100 != int(found[2]):
        problems["year"] = "Enter the survey year like 2023-24"
    upper = Decimal(scoring.maximum) if measure == scoring.code else Decimal(100)
    value = _figure(typed.get("value", ""), "value", upper, problems, required=True)
    low = _figure(typed.get("ci_low", ""), "ci_low", upper, problems)
    high = _figure(typed.get("ci_high", ""), "ci_high", upper, problems)
    base = _base(typed.get("base", ""), problems)
    if (low is None) != (high is None) and "ci_low" not in problems and "ci_high" not in problems:
        problems["ci_high" if high is None else "ci_low"] = (
            "Enter both ends of the confidence interval, or neither"
        )
    if value is not None and low is not None and high is not None and not low <= value <= high:
        problems["ci_low"] = (
            "The confidence interval must run from a low end to a high end, around the value"
        )
    if problems or measure is None or value is None:
        return None, problems
    return Figure(measure, year, value, base, low, high), {}


def _figure(
    text: str, field: str, upper: Decimal, problems: dict[str, str], required: bool = False
) -> Decimal | None:
    what = {"value": "The value", "ci_low": "The low end", "ci_high": "The high end"}[field]
    if not text.strip():
        if required:
            problems[field] = "Enter the published value"
        return None
    found = number(text)
    if found is None:
        problems[field] = f"{what} must be a number, like 7.8 or 64.2"
        return None
    if not Decimal(0) <= found <= upper:
        problems[field] = f"{what} must be between 0 and {upper}"
        return None
    return found


def _base(text: str, problems: dict[str, str]) -> int | None:
    if not text.strip():
        return None
    found = number(text)
    if found is None or found != found.to_integral_value() or not 1 <= found <= LARGEST_BASE:
        problems["base"] = "The number of carers must be a whole number, like 412"
        return None
    return int(found)


@dataclass(frozen=True)
class TableRead:
    figures: tuple[Figure, ...]
    problems: tuple[str, ...]  # "Row 4: ..." in plain words
    other_councils: int  # rows of other councils, left alone


def read_table(scoring: Scoring, rows: Sequence[Mapping[str, str]], council: str) -> TableRead:
    """The figures of ``council`` (its code, any case) in a published table's rows
    (keys: the column headings, any case). Rows of other councils are left alone; a
    row that does not fit is a problem naming its row number (the heading is row 1)."""
    wanted = council.strip().casefold()
    figures: list[Figure] = []
    problems: list[str] = []
    others = 0
    seen: dict[tuple[str, str], int] = {}
    for number_, raw in enumerate(rows, start=2):
        row = {str(k).strip().casefold(): str(v or "") for k, v in raw.items()}
        if row.get("council code", "").strip().casefold() != wanted:
            others += 1
            continue
        typed = {
            "measure": row.get("measure", ""),
            "year": row.get("year", ""),
            "value": row.get("value", ""),
            "base": row.get("base", ""),
            "ci_low": row.get("ci low", ""),
            "ci_high": row.get("ci high", ""),
        }
        figure, wrong = check(scoring, typed)
        if figure is None:
            problems += [f"Row {number_}: {message}" for message in wrong.values()]
            continue
        key = (figure.measure, figure.year)
        if key in seen:
            problems.append(f"Row {number_}: the same measure and year as row {seen[key]}")
            continue
        seen[key] = number_
        figures.append(
            Figure(
                figure.measure,
                figure.year,
                figure.value,
                figure.base,
                figure.ci_low,
                figure.ci_high,
                row.get("council code", "").strip(),
            )
        )
    if not figures and not problems:
        problems.append(f"No row is for the council code ‘{council.strip()}’")
    return TableRead(tuple(figures), tuple(problems), others)


def missing_columns(headings: Sequence[str]) -> list[str]:
    have = {heading.strip().casefold() for heading in headings}
    return [column for column in COLUMNS if column not in have]
