"""The board pack prints well: the PDF of the demo dementia audit, read back with pypdf.

Made once for the module, as the commissioner and as the lead, then checked page by
page: no page near blank, every font embedded, each report card on one page with its
fields, the framework's sub-outcomes whole, and every chart drawn at exactly its
printed size with no text under 8 pt. The expectations are generated from the
audit's own data (every indicator, every sub-outcome, every chart), not typed in.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask_login import login_user
from matplotlib.figure import Figure
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject
from sqlalchemy import select

from audit_app.extensions import db
from audit_app.models import Audit, User
from audit_app.services import charts, exports, maps, print_charts, report
from audit_app.services import indicators as step3
from audit_app.services.access import member_role
from audit_app.services.indicator_chart import PRINT_SIZE_MM, curve_figure, curve_of
from tests.conftest import clear_tables

DEMO_DEMENTIA = "Carers of people with dementia in Northshire 2026/27"
READERS = ("commissioner@demo.test", "lead@demo.test")
CARD_LABELS = (
    "Why it matters",
    "The story behind the baseline",
    "The curve",
    "What will success look like?",
    "Partners with a role to play",
    "What works",
    "Actions",
    "Responsible officers",
    "Data owner",
    "Data gaps",
)
CARD_FIELDS = ("why_it_matters", "story", "success", "partners", "what_works", "data_gaps")
# The widest a chart may print: A4 portrait's text column (210 mm less 2 x 14 mm).
COLUMN_MM = 210 - 2 * 14


@dataclass
class Card:
    heading: str
    fields: list[str]
    charted: bool


@dataclass
class Made:
    """What the module's tests read: the PDFs, and what the audit says they hold."""

    pdfs: dict[str, bytes] = field(default_factory=dict)
    cards: list[Card] = field(default_factory=list)
    sub_outcomes: list[str] = field(default_factory=list)
    thresholds: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)  # every chart the report draws
    map_labels: dict[str, list[str]] = field(default_factory=dict)
    screen_and_print: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def made(app: Flask) -> Made:
    from audit_app.demo import load_demo

    found = Made()
    with app.test_request_context():
        clear_tables()
        assert load_demo()
        audit = db.session.scalar(select(Audit).where(Audit.title == DEMO_DEMENTIA))
        assert audit is not None
        for email in READERS:
            user = db.session.scalar(select(User).where(User.email == email))
            assert user is not None
            login_user(user)
            role = member_role(user, audit)
            assert role is not None
            found.pdfs[email] = report.pdf_bytes(exports.ExportContext(audit, user, role))
        for indicator in step3.indicators(audit):
            texts = [
                _words(getattr(indicator, name) or "Not recorded yet.") for name in CARD_FIELDS
            ]
            heading = _words(f"{indicator.ref}: {indicator.title}")
            found.cards.append(Card(heading, texts, bool(indicator.values)))
            found.thresholds[indicator.ref] = step3.rows_of(indicator)[-1].thresholds_text
            if indicator.values:
                found.figures[f"report card {indicator.ref}"] = curve_figure(
                    curve_of(step3.rows_of(indicator)), printed=True
                )
        data = maps.audit_maps(audit)
        found.sub_outcomes = [
            _words(f"{s.code} {s.name}") for o in data.outcomes for s in o.sub_outcomes
        ]
        for scale in maps.WHEEL_SCALES:
            found.figures[f"{scale} wheel"] = print_charts.wheel_figure(data, scale)
        for kind in maps.MAP_KINDS:
            figure = print_charts.grid_figure(data, kind)
            found.figures[f"{kind} map"] = figure
            found.map_labels[kind] = [_words(t.get_text()) for t in print_charts.texts(figure)]
            found.screen_and_print[kind] = (
                maps.map_chart(audit, kind),
                maps.print_map_chart(audit, kind),
            )
        found.map_labels["checklist screen"] = [
            _words(t.get_text()) for t in print_charts.texts(charts._grid_figure(data, "checklist"))
        ]
    return found


def _pages(body: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages]


def _body_text(page: str) -> str:
    """A page's words less its running head (the title) and foot ("Page n of m")."""
    running = re.compile(rf"\s*(Page \d+ of \d+|{re.escape(DEMO_DEMENTIA)})\s*")
    return _words(" ".join(line for line in page.splitlines() if not running.fullmatch(line)))


# --- no blank pages --------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_no_page_is_near_blank(made: Made, reader: str) -> None:
    pages = _pages(made.pdfs[reader])
    thin = [
        (n, _body_text(text)[:80]) for n, text in enumerate(pages, 1) if len(_body_text(text)) < 150
    ]
    assert not thin, f"pages with next to nothing on them: {thin}"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
@pytest.mark.parametrize("reader", READERS)
def test_no_page_is_mostly_empty_paper(made: Made, reader: str, tmp_path: Any) -> None:
    """Rendered, each page's printing reaches at least a fifth of the way down the page
    (its running head and foot apart): a page with a heading or a few lines spilled from
    the page before does not."""
    from PIL import Image, ImageOps

    source = tmp_path / "report.pdf"
    source.write_bytes(made.pdfs[reader])
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None
    subprocess.run([pdftoppm, "-r", "20", "-gray", str(source), str(tmp_path / "p")], check=True)
    shallow = []
    for image_path in sorted(tmp_path.glob("p-*.pgm")):
        image = Image.open(image_path)
        width, height = image.size
        # Between the running head's band (16 mm of 297) and the foot's (18 mm).
        top, bottom = round(height * 0.07), round(height * 0.92)
        ink = ImageOps.invert(image.crop((0, top, width, bottom))).point(lambda v: 255 * (v > 55))
        box = ink.getbbox()
        reach = box[3] / (bottom - top) if box else 0.0
        if reach < 0.2:
            shallow.append((image_path.name, round(reach, 2)))
    assert not shallow, f"pages mostly empty: {shallow}"


# --- fonts ---------------------------------------------------------------------------


def _fonts(resources: DictionaryObject, seen: set[int]) -> list[DictionaryObject]:
    """Every font a page uses, through its form XObjects too."""
    found = []
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            found += _fonts(xobject.get("/Resources") or DictionaryObject(), seen)
    return found


@pytest.mark.parametrize("reader", READERS)
def test_every_font_is_embedded(made: Made, reader: str) -> None:
    pdf = PdfReader(io.BytesIO(made.pdfs[reader]))
    checked = 0
    for page in pdf.pages:
        for font in _fonts(page["/Resources"], set()):
            for part in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                if part.get("/Subtype") == "/Type0":
                    continue  # its descendant carries the descriptor
                descriptor = part["/FontDescriptor"].get_object()
                files = {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
                assert files, f"{part.get('/BaseFont')} is not embedded"
                checked += 1
    assert checked >= len(pdf.pages)  # at least one font a page


# --- report cards -------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_each_report_card_keeps_to_one_page_with_its_fields(made: Made, reader: str) -> None:
    pages = [_body_text(text) for text in _pages(made.pdfs[reader])]
    assert len(made.cards) == 8
    for card in made.cards:
        holding = [n for n, text in enumerate(pages) if card.heading in text]
        assert len(holding) == 1, f"{card.heading!r} is on pages {holding}"
        page = pages[holding[0]]
        for label in CARD_LABELS:
            assert label in page, f"{card.heading}: {label!r} is not on its page"
        for text in card.fields:
            assert text in page, f"{card.heading}: {text!r} is not on its page"
        # Nothing of the card runs on: the next page starts the next card or a section.
        following = pages[holding[0] + 1]
        starts = tuple(c.heading for c in made.cards)
        assert following.startswith(starts) or re.match(r"\d+\. ", following), following[:80]


# --- labels whole ----------------------------------------------------------------------


def test_every_sub_outcome_is_whole_in_the_pdf(made: Made) -> None:
    assert len(made.sub_outcomes) >= 10
    for reader in READERS:
        text = _words(" ".join(_pages(made.pdfs[reader])))
        for label in made.sub_outcomes:
            code, indicator = label.split(" ", 1)
            assert indicator in text, f"{reader}: {label!r} is cut or missing"
        assert "…" not in text


@pytest.mark.parametrize("kind", [*maps.MAP_KINDS, "checklist screen"])
def test_map_labels_are_wrapped_never_cut(made: Made, kind: str) -> None:
    labels = made.map_labels[kind]
    assert not [label for label in labels if "…" in label]
    if kind.startswith("checklist"):
        for label in made.sub_outcomes:
            assert label in labels, f"the {kind} map cuts {label!r}"


# --- chart sizes -------------------------------------------------------------------------


def test_every_chart_is_drawn_for_a4_with_no_text_under_8_pt(made: Made) -> None:
    charted = sum(card.charted for card in made.cards)
    assert len(made.figures) == charted + len(maps.WHEEL_SCALES) + len(maps.MAP_KINDS)
    for name, figure in made.figures.items():
        width_mm = figure.get_size_inches()[0] * 25.4
        assert width_mm <= COLUMN_MM, f"{name} is {width_mm:.0f} mm wide"
        assert print_charts.smallest_pt(figure) >= print_charts.MIN_PT, name
        assert print_charts.overflow(figure) == 0, f"{name}: something runs off its edge"
    card = next(f for n, f in made.figures.items() if n.startswith("report card"))
    assert tuple(round(x * 25.4) for x in card.get_size_inches()) == PRINT_SIZE_MM


def _drawn_images(body: bytes) -> list[tuple[int, float]]:
    """(pixel width, printed width in points) of every image drawn in the PDF."""
    pdf = PdfReader(io.BytesIO(body))
    drawn = []
    for page in pdf.pages:
        images = {
            name: xobject.get_object()
            for name, xobject in (page["/Resources"].get("/XObject") or {}).items()
        }
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        stack = []
        for operands, operator in ContentStream(page.get_contents(), pdf).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                ctm = stack.pop()
            elif operator == b"cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                p = ctm
                ctm = [
                    a * p[0] + b * p[2],
                    a * p[1] + b * p[3],
                    c * p[0] + d * p[2],
                    c * p[1] + d * p[3],
                    e * p[0] + f * p[2] + p[4],
                    e * p[1] + f * p[3] + p[5],
                ]
            elif operator == b"Do" and images.get(operands[0], {}).get("/Subtype") == "/Image":
                width = (ctm[0] ** 2 + ctm[1] ** 2) ** 0.5
                drawn.append((int(images[operands[0]]["/Width"]), width))
    return drawn


@pytest.mark.parametrize("reader", READERS)
def test_every_chart_prints_at_exactly_its_drawn_size(made: Made, reader: str) -> None:
    """The images are the print charts (PRINT_DPI) and none is scaled: so a chart's
    type prints at the size it was drawn, 8 pt or more."""
    drawn = _drawn_images(made.pdfs[reader])
    assert len(drawn) == len(made.figures)
    expected = sorted(
        f.get_size_inches()[0] * print_charts.PRINT_DPI for f in made.figures.values()
    )
    for pixels, width in zip(sorted(p for p, _ in drawn), expected, strict=True):
        assert abs(pixels - width) <= 1, (pixels, width)
    for pixels, points in drawn:
        natural = pixels / print_charts.PRINT_DPI * 72
        assert points == pytest.approx(natural, rel=0.005), (pixels, points)


def test_print_charts_are_cached_apart_from_the_screens(made: Made) -> None:
    for kind, (screen, printed) in made.screen_and_print.items():
        assert screen != printed, kind
        assert screen[:8] == printed[:8] == b"\x89PNG\r\n\x1a\n"


# --- the dashboard -------------------------------------------------------------------------


def test_the_dashboards_thresholds_are_listed_once_under_its_tables(made: Made) -> None:
    text = _words(" ".join(_pages(made.pdfs["commissioner@demo.test"])))
    assert "Thresholds:" not in text  # not beside each grade, where rows grew tall
    for ref, thresholds in made.thresholds.items():
        listed = re.search(
            rf"RAG thresholds of [^:]*\b{re.escape(ref)}\b[^:]*: {re.escape(thresholds)}", text
        )
        assert listed, f"{ref}: {thresholds!r} is not listed"


# --- sections with nothing to compare -----------------------------------------------------


def test_a_section_with_nothing_to_compare_prints_on_after_the_one_before() -> None:
    def part(slug: str, landscape: bool, context: dict[str, Any]) -> Any:
        return (report.Section(slug, slug, "", lambda _: context, landscape), context)

    pages = report.section_pages(
        [
            part("plan", True, {}),
            part("last_cycle", True, {"none": "No last cycle.", "comparison": None}),
            part("wheels", False, {}),
            part("other_areas", True, {"none": "No other areas.", "comparison": None}),
            part("maps", False, {"comparison": "something"}),
        ]
    )
    assert pages == {
        "plan": report.SectionPage(new_page=True, landscape=True),
        "last_cycle": report.SectionPage(new_page=False, landscape=True),
        "wheels": report.SectionPage(new_page=True, landscape=False),
        "other_areas": report.SectionPage(new_page=False, landscape=False),
        "maps": report.SectionPage(new_page=True, landscape=False),
    }


def test_the_pdfs_user_agent_stylesheet_lacks_only_what_the_report_never_shows() -> None:
    """report.user_agent_css drops WeasyPrint's rules for footnotes' and notes'
    pseudo-elements and keeps list markers to list items (0.8 s of each PDF): a
    document with lists, numbered and not, nested, a table and a line break prints
    byte for byte as with WeasyPrint's own stylesheet."""
    from weasyprint import HTML

    css = report.user_agent_css()
    assert not re.search(r"^::(footnote|note)-", css, re.MULTILINE)
    assert re.search(r"^li::marker \{", css, re.MULTILINE)
    assert not re.search(r"^::marker", css, re.MULTILINE)
    html = (
        "<h1>Title</h1><ol><li>one<ol><li>nested</li></ol></li><li>two</li></ol>"
        "<ul><li>a<ul><li>b</li></ul></li></ul><p>line<br>break <q>quoted</q></p>"
        "<table><caption>C</caption><tr><th>H</th><td>1</td></tr></table>"
    )
    own = HTML(string=html).write_pdf()
    trimmed = report.report_html()(string=html).write_pdf()
    assert own and trimmed == own
