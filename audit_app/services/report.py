"""The printable report of an audit: an ordered list of sections, as HTML and PDF.

Each :class:`Section` names a template under ``exports/sections/`` and a
function that gives it its context from the :class:`ExportContext`; the page
and the PDF render the same template (``exports/report.html``), the PDF
through WeasyPrint with every image handed over from memory (``report-image:``
addresses, :func:`report_fetcher`) and a URL fetcher that refuses anything but
those and ``data:`` URIs, so making a PDF never touches the network.
A later area (indicators, report cards) adds a section with one
:func:`section` call and one template.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from audit_app.models.types import utcnow
from audit_app.services import exports, maps, quality_of_life, questionnaires
from audit_app.services import plan as plan_service
from audit_app.services.chart_cache import cached, splice
from audit_app.services.exports import ExportContext
from audit_app.services.frameworks import framework_of
from hub_model.quality_of_life import RULES


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    template: str
    context: Callable[[ExportContext], dict[str, Any]]
    landscape: bool = False  # wide tables print on a landscape page
    judgements: bool = False  # made of the lead's judgements (ExportContext.sees_judgements)
    minute: bool = False  # shows the time to the minute: kept no longer (report_cache)


SECTIONS: list[Section] = []


def section(
    slug: str, title: str, landscape: bool = False, judgements: bool = False, minute: bool = False
) -> Callable[
    [Callable[[ExportContext], dict[str, Any]]], Callable[[ExportContext], dict[str, Any]]
]:
    """Register a report section; its template is ``exports/sections/<slug>.html``."""

    def register(
        context: Callable[[ExportContext], dict[str, Any]],
    ) -> Callable[[ExportContext], dict[str, Any]]:
        SECTIONS.append(
            Section(
                slug, title, f"exports/sections/{slug}.html", context, landscape, judgements, minute
            )
        )
        return context

    return register


IMAGE_SCHEME = "report-image:"


def image_src(
    ctx: ExportContext, printed: Callable[[], bytes], endpoint: str, **values: Any
) -> str:
    """An image of the report: in the PDF, which fetches nothing, ``printed()`` (the
    chart drawn for A4, services.print_charts) kept in ``ctx.images`` under a
    ``report-image:`` address that :func:`report_fetcher` hands to WeasyPrint (as
    ``data:`` URIs, the PNGs were 3 MB of base64 that WeasyPrint's HTML parser read
    character by character: 0.13 s of each PDF); on the page, the address of the
    screen's image, which the browser fetches (and keeps) by itself. Embedding the 25
    images of a full audit made the page 3 MB of HTML and 10 times slower
    (bench/page_latency.py, issue #21)."""
    if ctx.for_pdf:
        address = f"{IMAGE_SCHEME}{len(ctx.images)}"
        ctx.images[address] = printed()
        return address
    return url_for(endpoint, audit_id=ctx.audit.id, **values)


def today() -> date:
    """The day the report is made: its dashboard counts actions overdue by it, so the
    page's kept sections are kept for the day at most (report_cache.report_key)."""
    return date.today()


# --- the sections ----------------------------------------------------------------


# Its figures say when they were exported, to the minute (export_tables.figures).
@section("summary", "Summary for the board", minute=True)
def _summary(ctx: ExportContext) -> dict[str, Any]:
    """The lead's summary for the board (the action plan's), then the audit's figures:
    the Summary sheet's rows (export_tables.summary), the lead's words as headings."""
    from audit_app.services import export_tables

    figures = exports.ExportTable(
        "summary", "Summary", ("Item", "Value"), export_tables.figures(ctx)
    )
    return {"board": export_tables.board_summary(ctx), "table": exports.shown(figures)}


@section("wheels", "Hub wheels", judgements=True)
def _wheels(ctx: ExportContext) -> dict[str, Any]:
    # SVG on the page (sharp on screen and when printed); PNG drawn for A4 in the
    # PDF, which WeasyPrint draws about 2 s faster per wheel than matplotlib's SVG paths.
    return {
        "wheels": [
            (
                heading,
                image_src(
                    ctx,
                    lambda scale=scale: maps.print_wheel_chart(ctx.audit, scale),
                    "maps.wheel_image",
                    scale=scale,
                    fmt="svg",
                ),
                rule,
            )
            for scale, heading, rule in (
                ("rag", "Red, amber, green", maps.RAG_RULE),
                ("maturity", "Maturity", maps.MATURITY_RULE),
            )
        ]
    }


# Portrait: each map is drawn for A4's text column; its table prints on a landscape
# page of its own (report.css, .app-report-map__table).
@section("maps", "Maps", judgements=True)
def _maps(ctx: ExportContext) -> dict[str, Any]:
    shown = (
        ("rag", "RAG map", "rag_map", maps.RAG_RULE),
        ("maturity", "Maturity map", "maturity_map", maps.MATURITY_RULE),
        ("checklist", "Appendix A map", "appendix_a_map", maps.CHECKLIST_RULE),
    )
    return {
        "maps": [
            (
                title,
                image_src(
                    ctx,
                    lambda kind=kind: maps.print_map_chart(ctx.audit, kind),
                    "maps.map_image",
                    kind=kind,
                ),
                exports.build(ctx, slug),
                rule,
            )
            for kind, title, slug, rule in shown
        ]
    }


@section("gap_map", "Gap map against the national outcomes", landscape=True, judgements=True)
def _gap_map(ctx: ExportContext) -> dict[str, Any]:
    from hub_model import reach
    from hub_model.gap_map import COUNT_RULE, RULES

    gaps = exports.build(ctx, "gap_map")
    state = gaps.headers.index("State")
    red = [row for row in gaps.rows if row[state] == "Red"]
    unrated = [row[:4] for row in gaps.rows if row[state] != "Red"]
    return {
        "red": exports.ExportTable(gaps.slug, gaps.title, gaps.headers, red),
        "not_rated": exports.ExportTable(gaps.slug, gaps.title, gaps.headers[:4], unrated),
        "unreached": [ctx.data.group_name(g) for g in ctx.data.gaps.unreached],
        "outcomes": ctx.data.gaps.outcomes,
        "rules": RULES,
        "count_rule": COUNT_RULE,
        "reach_rule": reach.RULE,
    }


@section("dashboard", "Indicator dashboard", landscape=True)
def _dashboard(ctx: ExportContext) -> dict[str, Any]:
    """Seed 002's dashboard as on screen (latest period), benchmarked against the
    other areas' published audits the reader was given."""
    from audit_app.services import indicator_dashboard, indicator_peers
    from audit_app.services import indicators as step3

    others = indicator_peers.other_area_audits(ctx.audit, ctx.user)
    board = indicator_dashboard.dashboard(ctx.audit, None, today(), others)
    return {"board": board, "step3": step3, "step4": plan_service}


@section("indicators", "Report cards")
def _indicators(ctx: ExportContext) -> dict[str, Any]:
    """Every indicator's report card (seed 004), each field as on its page."""
    from audit_app.services import indicators as step3
    from audit_app.services.indicator_chart import print_report_card_chart
    from audit_app.services.indicator_dashboard import report_card
    from hub_model.indicator_trend import DEFAULT_AHEAD, FORECAST_RULE

    cards = []
    actions = plan_service.actions(ctx.audit)  # once, not once per card
    for indicator in step3.indicators(ctx.audit):
        src = None
        if indicator.values:
            src = image_src(
                ctx,
                lambda i=indicator: cached(
                    ctx.audit, f"print-report-card-{i.id}.png", lambda: print_report_card_chart(i)
                ),
                "indicators.report_card_png",
                indicator_id=indicator.id,
            )
        card = report_card(ctx.audit, indicator, ctx.framework, actions)
        cards.append((indicator, card, src))
    # Every card's forecast looks the default number of periods ahead
    # (indicator_chart.curve_of): the rule is stated once for all of them.
    rule = FORECAST_RULE.format(ahead=DEFAULT_AHEAD)
    return {"cards": cards, "step3": step3, "forecast_rule": rule}


@section("last_cycle", "Comparison with the last cycle", landscape=True, judgements=True)
def _last_cycle(ctx: ExportContext) -> dict[str, Any]:
    """What changed since the last cycle: judgements and indicators (services.comparisons)."""
    from audit_app.services import comparisons

    return comparisons.last_cycle_context(ctx)


@section("other_areas", "Comparison with other areas", landscape=True, judgements=True)
def _other_areas(ctx: ExportContext) -> dict[str, Any]:
    """This area beside the other areas the reader was given (services.comparisons)."""
    from audit_app.services import comparisons

    return comparisons.other_areas_context(ctx)


PLAN_COLUMNS = (
    "Objective",
    "Action",
    "Target or measure",
    "Due by",
    "Leads",
    "Latest progress",
    "Latest commentary",
)


@section("plan", "Priorities and action plan", landscape=True)
def _plan(ctx: ExportContext) -> dict[str, Any]:
    header = plan_service.header(ctx.audit)
    funding = plan_service.funding(ctx.audit)
    return {
        "priorities": exports.shown(exports.build(ctx, "priorities")),
        "header": header,
        "actions": exports.shown(exports.columns(exports.build(ctx, "action_plan"), PLAN_COLUMNS)),
        "updates": exports.shown(exports.build(ctx, "action_updates")),
        "funding": exports.shown(exports.build(ctx, "funding")),
        "funding_total": plan_service.money(plan_service.funding_total(funding)),
        "breaks_total": plan_service.money(plan_service.breaks_total(funding)),
    }


@section("questionnaires", "What the questionnaires found")
def _questionnaires(ctx: ExportContext) -> dict[str, Any]:
    # The same results, through the same suppression rule, as the results pages.
    return {
        "surveys": questionnaires.for_report(ctx.audit, ctx.role),
        "rule": questionnaires.SUPPRESSION_RULE,
    }


@section("quality_of_life", "Carers' quality of life")
def _quality_of_life(ctx: ExportContext) -> dict[str, Any]:
    # Survey figures: for those who read questionnaire results, as on the page.
    if ctx.role not in questionnaires.RESULT_READERS:
        return {"readers": False}
    found = quality_of_life.results_for_audit(ctx.audit)
    return {
        "readers": True,
        "local": found[0] if found else None,
        "comparisons": quality_of_life.comparisons(ctx.audit, found),
        "names": questionnaires.group_names(framework_of(ctx.audit)),
        "rules": (*RULES, quality_of_life.COMPARISON_RULE, questionnaires.SUPPRESSION_RULE),
    }


@section("cqc", "CQC self-assessment", judgements=True)
def _cqc(ctx: ExportContext) -> dict[str, Any]:
    # The page's content, for the same person: survey figures for readers of results.
    from audit_app.services import cqc
    from hub_model.cqc import Category

    framework = cqc.framework()
    return {
        "views": cqc.statement_views(ctx.audit, ctx.user, ctx.role, lead_view=True),
        "framework": framework,
        "categories": [framework.category(c) for c in Category],
        "rule": cqc.RULE,
    }


# --- rendering -------------------------------------------------------------------


# The order a board reads: the summary, the dashboard, the gaps, the report cards,
# the plan, then how it compares with the last cycle and other areas; the pictures
# and the questionnaires behind them come last.
ORDER = (
    "summary",
    "dashboard",
    "gap_map",
    "indicators",
    "plan",
    "last_cycle",
    "other_areas",
    "cqc",
    "wheels",
    "maps",
)


def ordered(sections: list[Section]) -> list[Section]:
    """``sections`` in :data:`ORDER`; any not named there keep their order, after it."""
    rank = {slug: i for i, slug in enumerate(ORDER)}
    return sorted(sections, key=lambda s: rank.get(s.slug, len(ORDER)))


@dataclass(frozen=True)
class RenderedSection:
    """A section's content as HTML (under its heading), encoded as UTF-8 once (the
    page sends the kept bytes as they are: encoding its 600 KB on every request cost
    0.6 ms), and whether it is brief."""

    brief: bool
    data: bytes

    @property
    def html(self) -> str:
        return self.data.decode("utf-8")

    @property
    def markup(self) -> Markup:
        return Markup(self.html)  # noqa: S704  (our own templates' output)


def render_section(ctx: ExportContext, section: Section) -> RenderedSection:
    context = section.context(ctx)
    html = render_template(
        "exports/report_section.html",
        section=section,
        c=context,
        ctx=ctx,
        audit=ctx.audit,
        role=ctx.role,
    )
    return RenderedSection(is_brief(context), html.encode("utf-8"))


def render(ctx: ExportContext, layout: str) -> str:
    """The report as HTML in ``layout``: "base.html" (the page) or the PDF's own.

    The page's sections are kept for all that they show (services.report_cache); the
    PDF's are made afresh, its images being its own (``ctx.for_pdf``)."""
    from audit_app.services import report_cache

    shown = shown_sections(ctx)
    if ctx.for_pdf:
        parts = [(s, render_section(ctx, s)) for s in shown]
    else:
        parts = report_cache.kept_sections(ctx, shown)
    return _render_report(ctx, layout, parts)


def shown_sections(ctx: ExportContext) -> list[Section]:
    return [s for s in ordered(SECTIONS) if ctx.sees_judgements or not s.judgements]


def _render_report(
    ctx: ExportContext,
    layout: str,
    parts: list[tuple[Section, RenderedSection]] | list[tuple[Section, _Placeholder]],
    now: datetime | None = None,
    frame_key: str | None = None,
) -> str:
    """The report around ``parts``; ``frame_key``: the page's, naming everything its
    cover and contents show but the day (``now``'s, which it must name too)."""
    return render_template(
        "exports/report.html",
        layout=layout,
        ctx=ctx,
        audit=ctx.audit,
        role=ctx.role,
        sections=parts,
        pages=pages_of([(s, part.brief) for s, part in parts]),
        # The PDF's layout holds the stylesheet; the page links to it.
        stylesheet=Markup(stylesheet() if layout != PAGE_LAYOUT else ""),  # noqa: S704
        now=now or utcnow(),
        frame_key=frame_key,
    )


PAGE_LAYOUT = "base.html"


@dataclass(frozen=True)
class _Placeholder:
    """Stands for a kept section's content in the page's frame (:func:`render_page`)."""

    brief: bool
    markup: Markup


# Marks where each section's content goes in the page's frame: a comment, so no text
# of the frame (escaped by Jinja) can hold it.
_MARK = Markup("<!--report-section-content-->")


def render_page(ctx: ExportContext) -> bytes:
    """The report page (:func:`render` in the page's layout) as UTF-8: the same
    bytes as ``render(ctx, "base.html").encode()`` (:func:`page_chunks`, joined)."""
    return b"".join(page_chunks(ctx))


def page_chunks(ctx: ExportContext) -> list[bytes]:
    """The report page as UTF-8 in pieces, for the response to send one by one: each
    section's content kept as bytes (services.report_cache), put into the frame
    around them (cover, contents, headings, the layout), so the 600 KB of content is
    neither copied through the template nor encoded again. The whole page is kept
    too, for its reader, cut where the CSRF token goes (the one thing of the page that
    changes from request to request), and sent with the request's token between the
    pieces; not while a message waits to be shown once."""
    from flask import session

    from audit_app.services import report_cache

    key = report_cache.report_key(ctx)
    shown = shown_sections(ctx)
    now = utcnow()
    if session.get("_flashes"):
        return [_page_bytes(ctx, key, shown, now)]
    user = ctx.user
    minute = report_cache.this_minute() if any(s.minute for s in shown) else ""
    reader = f"{user.id}:{user.name}:{user.role_label}:{user.is_admin}:{ctx.role}"
    pieces = cached(
        ctx.audit,
        f"report-whole:{key}:{now.date().isoformat()}:{minute}:{request.script_root}:{reader}",
        lambda: _with_token_slot(lambda: _page_bytes(ctx, key, shown, now)).split(_SLOT),
    )
    token = generate_csrf().encode("utf-8")
    chunks = [pieces[0]]
    for piece in pieces[1:]:
        chunks += (token, piece)
    return chunks


def _page_bytes(ctx: ExportContext, key: str, shown: list[Section], now: datetime) -> bytes:
    from audit_app.services import report_cache

    parts = report_cache.kept_sections(ctx, shown, key)
    # The cover and contents are kept too, for the day they say they were made on.
    frame_key = f"report-frame:{key}:{now.date().isoformat()}:" + "".join(
        "b" if part.brief else "-" for _, part in parts
    )
    frame = _render_report(
        ctx,
        PAGE_LAYOUT,
        [(s, _Placeholder(part.brief, _MARK)) for s, part in parts],
        now,
        frame_key,
    )
    return splice(frame, _MARK, [part.data for _, part in parts], "report page: sections")


# Stands for the reader's CSRF token in a kept page: never in a page otherwise, since
# forms refuse control characters (audit_app/forms.py) and Jinja passes it unchanged.
_TOKEN_SLOT = "\x00csrf-token\x00"  # noqa: S105 (a placeholder, not a secret)
_SLOT = _TOKEN_SLOT.encode("utf-8")


def _with_token_slot(render: Callable[[], bytes]) -> bytes:
    """``render()`` with every CSRF token in it (Flask-WTF's, kept in ``g`` for the
    request) the slot; the request's own token is left as it was."""
    from flask import g

    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    had, token = field in g, g.get(field)
    setattr(g, field, _TOKEN_SLOT)
    try:
        page = render()
    finally:
        if had:
            setattr(g, field, token)
        else:
            g.pop(field, None)
    if _SLOT not in page:
        raise RuntimeError("the report page has no CSRF token to put in")
    return page


def is_brief(context: dict[str, Any]) -> bool:
    """A comparison section with nothing to compare (its context says why there is
    none, and holds no comparison): a sentence, not worth a page of its own."""
    return "none" in context and not context.get("comparison")


@dataclass(frozen=True)
class SectionPage:
    new_page: bool  # starts a new page (a brief section prints on after the one before)
    landscape: bool


def section_pages(parts: list[tuple[Section, dict[str, Any]]]) -> dict[str, SectionPage]:
    """How each section prints: on a new page, portrait or landscape as it says; a brief
    section on the page before it, in that page's orientation."""
    return pages_of([(section, is_brief(context)) for section, context in parts])


def pages_of(briefs: list[tuple[Section, bool]]) -> dict[str, SectionPage]:
    """:func:`section_pages` of each section and whether it is brief."""
    pages: dict[str, SectionPage] = {}
    landscape = False
    for section, is_short in briefs:
        brief = is_short and bool(pages)
        landscape = landscape if brief else section.landscape
        pages[section.slug] = SectionPage(not brief, landscape)
    return pages


PDF_LAYOUT = "exports/pdf_layout.html"


def stylesheet() -> str:
    return Path(current_app.static_folder or "", "report.css").read_text("utf-8")


def report_fetcher(images: dict[str, bytes] | None = None) -> Any:
    """WeasyPrint's URL fetcher for the PDF: the report's own images from memory
    (``images``, by their ``report-image:`` address, all PNG), ``data:`` URIs, and
    nothing else: the PDF fetches nothing."""
    known = images or {}
    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse  # WeasyPrint 68 and later
    except ImportError:  # pragma: no cover  (older WeasyPrint: a plain function)
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if url in known:
                return {"string": known[url], "mime_type": "image/png"}
            if not url.startswith("data:"):
                raise ValueError(f"the PDF fetches nothing: {url[:80]}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch

    class ReportFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url in known:
                return URLFetcherResponse(url, known[url], {"Content-Type": "image/png"})
            return super().fetch(url, headers)

    return ReportFetcher(allowed_protocols={"data"}, timeout=1)


@cache
def report_html() -> type[Any]:
    """WeasyPrint's ``HTML`` with its user-agent stylesheet trimmed by
    :func:`user_agent_css` (WeasyPrint's own tests subclass ``HTML`` the same way to
    give it another one); made once per process."""
    from weasyprint import CSS, HTML

    trimmed = CSS(string=user_agent_css(), media_type="print")

    class ReportHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [trimmed, *super()._ua_stylesheets(forms)[1:]]

    return ReportHTML


UNUSED_PSEUDO_ELEMENTS = re.compile(r"^::(footnote|note)-[a-z-]+ \{.*\}$", re.MULTILINE)


def user_agent_css() -> str:
    """WeasyPrint's user-agent stylesheet for HTML, less its rules for pseudo-elements
    of every element that the report never shows: footnotes' and notes' calls and
    markers (nothing in it floats as a footnote), and list markers of elements that
    are not list items. As they are, WeasyPrint computes the style of six
    pseudo-elements of each of the PDF's 4,000 elements: 0.8 s of each PDF, of the
    1 s its styles take. The PDF is the same, byte for byte (bench/README.md)."""
    import weasyprint

    css = Path(weasyprint.__file__).with_name("css").joinpath("html5_ua.css").read_text("utf-8")
    css = UNUSED_PSEUDO_ELEMENTS.sub("", css)
    return re.sub(r"^::marker \{", "li::marker {", css, flags=re.MULTILINE)


@dataclass(frozen=True)
class Pdf:
    body: bytes
    pages: int


def pdf(ctx: ExportContext) -> Pdf:
    """The report as a PDF, and its number of pages (from WeasyPrint's laid-out
    document: reading the finished PDF back with pypdf cost 0.04 s, 0.4 s in a fresh
    worker, which imports pypdf for it)."""
    ctx.for_pdf = True
    html = render(ctx, PDF_LAYOUT)
    fetcher = report_fetcher(ctx.images)
    document = report_html()(string=html, base_url="about:blank", url_fetcher=fetcher).render()
    result = document.write_pdf()
    assert result is not None
    return Pdf(bytes(result), len(document.pages))


def pdf_bytes(ctx: ExportContext) -> bytes:
    return pdf(ctx).body
