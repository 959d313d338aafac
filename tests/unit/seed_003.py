"""Seed 003 (the 2010 ADASS / Princess Royal Trust paper) read into the items the
built-in framework transcribes: the five outcomes, the Hub's headings and areas of
work (§5.2), Appendix A's rows, and Appendix B's Tables 1 and 2.

The text is a markdown conversion of the PDF, with HTML table cells (<p>, <ul>,
<li>, <b>, <i>) and bullets; :func:`norm` removes only that markup, curly quotes and
runs of whitespace, so a comparison after it is word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEED = Path(__file__).parent.parent / "data" / "seed_003_commissioning_better_outcomes.txt"

Descriptor = tuple[str | None, str | None, str]  # code, level, text
_CODE = r"(?:O\d|D\d)(?:\.\d)?(?: PC)?"
_LEVEL = r"adequate|performing well|performing excellently"
_TAGGED = re.compile(rf"^(.*?)\s*\(({_CODE})(?: ({_LEVEL}))?\)\.?$")
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z\"])")


def norm(text: str) -> str:
    """``text`` without markup, bullets, curly quotes or repeated whitespace."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("•", " ")
    for curly, straight in (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", " ", text).strip()


def same(text: str) -> str:
    """The form two texts are compared in: :func:`norm`, less one closing full stop
    (a list item printed as a sentence is the same item without its stop)."""
    return norm(text).removesuffix(".")


def sentences(cell: str) -> list[str]:
    """The sentences of a table cell: "leaflets etc. Researching" splits after
    "etc."; "(e.g. priority access" does not (a small letter follows)."""
    return [s for s in _SENTENCE_END.split(norm(cell)) if s]


@dataclass(frozen=True)
class SubOutcome:
    code: str  # "1a" (Appendix A letters outcome 1's rows only by position)
    indicator: str
    services: tuple[str, ...]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class Seed:
    text: str  # the whole seed, normalised
    outcomes: tuple[str, ...]  # §7.1's five, as sentences
    hub: dict[str, tuple[str, ...]]  # §5.2 heading -> areas of work
    appendix_a: dict[str, SubOutcome]
    table_1: dict[str, dict[str, tuple[Descriptor, ...]]]  # category -> side -> items
    table_2: dict[str, tuple[Descriptor, ...]]  # outcome heading -> descriptors
    unlinked: tuple[Descriptor, ...]


def _between(lines: list[str], start: str, end: str) -> list[str]:
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = next(i for i in range(first + 1, len(lines)) if lines[i].startswith(end))
    return lines[first + 1 : last]


def _rows(lines: list[str]) -> list[list[str]]:
    """Tab-separated rows; a line whose first cell is empty continues the row above."""
    rows: list[list[str]] = []
    for line in lines:
        if "\t" not in line:
            continue
        cells = line.split("\t")
        if cells[0].strip() or not rows:
            rows.append(cells)
        else:
            for index, cell in enumerate(cells[1:], start=1):
                rows[-1][index] += " " + cell
    return rows


def _outcomes(lines: list[str]) -> tuple[str, ...]:
    bullets = _between(lines, "The vision is that by 2018", "Appendix A links these")
    out = []
    for line in bullets:
        if line.startswith("- "):
            text = norm(line[2:]).rstrip(";.")
            out.append(text[0].upper() + text[1:])
    return tuple(out)


def _hub(lines: list[str]) -> dict[str, tuple[str, ...]]:
    table = _between(lines, "<b>Heading on the Carers Hub</b>", "In using this model")
    return {norm(row[0]): tuple(sentences(row[1])) for row in _rows(table)}


def _paragraphs(cell: str) -> list[str]:
    return [p for p in re.split(r"</p>\s*<p>", cell)]


def _appendix_a(lines: list[str]) -> dict[str, SubOutcome]:
    table = _between(lines, "## Appendix A", "Note: the outcome")
    found: dict[str, SubOutcome] = {}
    outcome = ""
    for line in table:
        heading = re.match(r"^(?:<i>)?(\d)\. ", line)
        if heading:
            outcome = heading.group(1)
            continue
        if line.startswith("<p>"):  # outcome 1: one row of three paragraphs per cell
            cells = [_paragraphs(cell) for cell in line.split("\t")]
            for letter, (ind, ser, ret) in zip("abc", zip(*cells, strict=True), strict=False):
                found[f"1{letter}"] = SubOutcome(
                    f"1{letter}", norm(ind), tuple(sentences(ser)), tuple(sentences(ret))
                )
            continue
        row = re.match(r"^([a-c])\. (.+?)\t(.*?)\t(.*)$", line)
        if row:
            letter, ind, ser, ret = row.groups()
            code = f"{outcome}{letter}"
            found[code] = SubOutcome(code, norm(ind), tuple(sentences(ser)), tuple(sentences(ret)))
    return found


def _descriptor(item: str) -> Descriptor:
    text = norm(item)
    tagged = _TAGGED.match(text)
    if tagged is None:
        return None, None, text
    return tagged.group(2), tagged.group(3), tagged.group(1)


def _items(cell: str) -> tuple[Descriptor, ...]:
    return tuple(_descriptor(item) for item in re.findall(r"<li>(.*?)</li>", cell))


def _table_1(lines: list[str]) -> dict[str, dict[str, tuple[Descriptor, ...]]]:
    table = _between(lines, "\tCommunity capacity building", "--\t")
    header = next(line for line in lines if line.startswith("\tCommunity capacity building"))
    categories = [norm(cell) for cell in header.split("\t")[1:]]
    out: dict[str, dict[str, tuple[Descriptor, ...]]] = {c: {} for c in categories}
    for row in _rows(table):
        side = "carers_outcomes" if "Carers' outcomes" in row[0] else "area_outcomes"
        for category, cell in zip(categories, row[1:], strict=True):
            out[category][side] = _items(cell)
    return out


def _table_2(lines: list[str]) -> dict[str, tuple[Descriptor, ...]]:
    table = _between(lines, "Strategy Outcomes\t", "Some relevant grade descriptors")
    return {norm(row[0]): _items(row[1]) for row in _rows(table)}


def _unlinked(lines: list[str]) -> tuple[Descriptor, ...]:
    block = _between(lines, "Some relevant grade descriptors", "## APPENDIX C")
    return tuple(_descriptor(line[2:]) for line in block if line.startswith("- "))


@cache
def read_seed(path: Path = SEED) -> Seed:
    """The items of seed 003 that the framework transcribes."""
    raw = path.read_text(encoding="utf-8")
    lines = raw.splitlines()
    return Seed(
        text=norm(raw),
        outcomes=_outcomes(lines),
        hub=_hub(lines),
        appendix_a=_appendix_a(lines),
        table_1=_table_1(lines),
        table_2=_table_2(lines),
        unlinked=_unlinked(lines),
    )
