"""Charts of an audit's maps, drawn with matplotlib's object API (no pyplot state).

Every grade is drawn with colour AND a hatch pattern AND its word, so the
charts read for colour-blind people and in greyscale print. Not rated is white
with a dashed edge and the words "Not rated": never anything like red. The
charts are images; each page shows the same data as a table beside them.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle, Wedge

from audit_app.services.maps import MapData
from hub_model.scales import ChecklistStatus, Maturity, Rag, label


@dataclass(frozen=True)
class Style:
    face: str
    text: str
    hatch: str
    short: str
    dashed: bool = False


NOT_RATED = Style("#ffffff", "#0b0c0c", "", "Not rated", dashed=True)
STYLES: dict[tuple[str, str], Style] = {
    ("rag", "red"): Style("#a3001b", "#ffffff", "xx", "Red"),
    ("rag", "amber"): Style("#ffbf47", "#0b0c0c", "//", "Amber"),
    ("rag", "green"): Style("#00703c", "#ffffff", "", "Green"),
    ("rag", "not_rated"): NOT_RATED,
    ("maturity", "early"): Style("#d2e2f1", "#0b0c0c", "\\\\", "Early"),
    ("maturity", "intermediate"): Style("#5694ca", "#0b0c0c", "..", "Interm."),
    ("maturity", "advanced"): Style("#003078", "#ffffff", "", "Advanced"),
    ("maturity", "not_rated"): NOT_RATED,
    ("checklist", "not_in_place"): Style("#a3001b", "#ffffff", "xx", "Not in place"),
    ("checklist", "partly"): Style("#ffbf47", "#0b0c0c", "//", "Partly"),
    ("checklist", "in_place"): Style("#00703c", "#ffffff", "", "In place"),
    ("checklist", "not_known"): Style("#b1b4b6", "#0b0c0c", "--", "Not known"),
    ("checklist", "not_rated"): Style("#ffffff", "#0b0c0c", "", "Not assessed", dashed=True),
}
HATCH_ON_DARK = "#ffffff"
HATCH_ON_LIGHT = "#505a5f"
SCALES = {"rag": Rag, "maturity": Maturity, "checklist": ChecklistStatus}


def style(scale: str, value: str) -> Style:
    return STYLES[(scale, value)]


def patch_style(s: Style) -> dict[str, object]:
    dark = s.text == "#ffffff"
    return {
        "facecolor": s.face,
        "edgecolor": "#0b0c0c",
        "hatch": s.hatch or None,
        "hatchcolor": HATCH_ON_DARK if dark else HATCH_ON_LIGHT,
        "linestyle": "--" if s.dashed else "-",
        "linewidth": 1.6 if s.dashed else 1.0,
    }


def label_box(s: Style) -> dict[str, object]:
    """A solid box behind a grade's word, so hatching never hides it."""
    return {"boxstyle": "round,pad=0.15", "facecolor": s.face, "edgecolor": "none"}


# --- the hub wheel -------------------------------------------------------------

INNER, RING, OUTER = 0.36, 0.40, 0.78
OUTCOME_SHADES = ("#f3f2f1", "#dedcda")
MIN_SLOTS = 4


@dataclass(frozen=True)
class WheelLayout:
    """A wheel's size (inches) and type sizes (points): one for the screen, one for print."""

    size: tuple[float, float]
    reach: float  # the axes show -reach..reach around the centre
    label_pt: float
    label_wrap: int
    outcome_pt: float
    outcome_wrap: int
    title_pt: float
    note_pt: float
    legend_pt: float
    radii: tuple[float, float, float] = (INNER, RING, OUTER)  # outcomes, ring start, rim
    outcome_weight: str = "bold"
    outcome_at: float = 0.2  # how far from the centre an outcome's name sits


SCREEN_WHEEL = WheelLayout((10, 11), 1.45, 9, 22, 9, 13, 13, 10, 11)


def _legend(fig: Figure, scale: str, y: float, fontsize: float = 11) -> None:
    levels = [lvl for lvl in SCALES[scale] if (scale, lvl.value) in STYLES]
    width = 1 / (len(levels) + 0.5)
    for n, level in enumerate(levels):
        s = style(scale, level.value)
        x = 0.04 + n * width
        ax = fig.add_axes((x, y, 0.035, 0.03))
        ax.set_axis_off()
        ax.add_patch(Rectangle((0, 0), 1, 1, **patch_style(s)))  # type: ignore[arg-type]
        fig.text(x + 0.045, y + 0.015, label(level), va="center", fontsize=fontsize)


def wheel_figure(data: MapData, scale: str, layout: WheelLayout = SCREEN_WHEEL) -> Figure:
    summaries = data.rag_summaries if scale == "rag" else data.maturity_summaries
    fig = Figure(figsize=layout.size)
    ax = fig.add_axes((0.0, 0.1, 1.0, 0.86))
    ax.set_xlim(-layout.reach, layout.reach)
    ax.set_ylim(-layout.reach, layout.reach)
    ax.set_aspect("equal")
    ax.set_axis_off()
    rows = data.wheel_rows()
    # An outcome with few interventions still gets room for its name in the middle.
    weights = [max(len(codes), MIN_SLOTS) for _, codes in rows]
    unit = 360 / (sum(weights) or 1)
    angle = 90.0  # start at the top, go clockwise
    for n, (outcome, codes) in enumerate(rows):
        span = unit * weights[n]
        step = span / max(len(codes), 1)
        start, end = angle - span, angle
        inner, _, outer = layout.radii
        ax.add_patch(
            Wedge((0, 0), inner, start, end, facecolor=OUTCOME_SHADES[n % 2], edgecolor="#0b0c0c")
        )
        middle = math.radians((start + end) / 2)
        text = f"Outcome {outcome.code}\n" + textwrap.fill(outcome.short_title, layout.outcome_wrap)
        ax.text(
            layout.outcome_at * math.cos(middle),
            layout.outcome_at * math.sin(middle),
            text,
            ha="center",
            va="center",
            fontsize=layout.outcome_pt,
            fontweight=layout.outcome_weight,
        )
        # A heavy line from the centre to the rim marks where each outcome's group begins.
        edge = math.radians(end)
        ax.plot([0, outer * math.cos(edge)], [0, outer * math.sin(edge)], color="#0b0c0c", lw=3)
        for k, code in enumerate(codes):
            theta2 = end - k * step
            theta1 = theta2 - step
            _intervention_segment(
                ax, data, scale, code, summaries[code].grade.value, (theta1, theta2), layout
            )
        angle -= span
    kind = "red, amber, green" if scale == "rag" else "maturity"
    fig.text(
        0.5,
        0.975,
        f"Hub wheel ({kind}): outcomes in the middle, interventions around them",
        ha="center",
        fontsize=layout.title_pt,
        fontweight="bold",
    )
    rule = (
        "Each intervention shows its weakest rated carer group; not rated is never red."
        if scale == "rag"
        else "Each intervention shows its least developed rated carer group; not rated apart."
    )
    fig.text(
        0.5,
        0.085,
        rule,
        ha="center",
        fontsize=layout.note_pt,
    )
    _legend(fig, scale, 0.03, layout.legend_pt)
    return fig


def _intervention_segment(
    ax: object,
    data: MapData,
    scale: str,
    code: str,
    value: str,
    thetas: tuple[float, float],
    layout: WheelLayout,
) -> None:
    theta1, theta2 = thetas
    _, ring, outer = layout.radii
    s = style(scale, value)
    ax.add_patch(  # type: ignore[attr-defined]
        Wedge((0, 0), outer, theta1, theta2, width=outer - ring, **patch_style(s))  # type: ignore[arg-type]
    )
    middle = (theta1 + theta2) / 2
    rad = math.radians(middle)
    rotation = middle if -90 <= ((middle + 180) % 360) - 180 <= 90 else middle + 180
    ax.text(  # type: ignore[attr-defined]
        (ring + outer) / 2 * math.cos(rad),
        (ring + outer) / 2 * math.sin(rad),
        s.short,
        ha="center",
        va="center",
        rotation=rotation,
        rotation_mode="anchor",
        fontsize=layout.label_pt,
        fontweight="bold",
        color=s.text,
        bbox=label_box(s),
    )
    left = math.cos(rad) < 0
    ax.text(  # type: ignore[attr-defined]
        (outer + 0.03) * math.cos(rad),
        (outer + 0.03) * math.sin(rad),
        textwrap.fill(data.intervention_name(code), layout.label_wrap),
        ha="right" if left else "left",
        va="center",
        rotation=rotation,
        rotation_mode="anchor",
        fontsize=layout.label_pt,
    )


# --- the grid maps -------------------------------------------------------------


def _grid_figure(data: MapData, kind: str) -> Figure:
    scale = kind  # the grid's kind names its scale
    rows = grid_rows(data, kind)
    columns = grid_columns(data)
    cell_w, cell_h, head_w, head_h = 1.5, 0.62, 3.2, 1.0
    width = head_w + cell_w * len(columns) + 0.1
    height = cell_h * len(rows) + head_h
    fig = Figure(figsize=(max(width, 8), height + 1.6))
    ax = fig.add_axes((0.01, 0.12, 0.98, 0.80))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    for c, (_, name) in enumerate(columns):
        ax.text(
            head_w + (c + 0.5) * cell_w,
            head_h / 2,
            textwrap.fill(name, 16),
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold",
        )
    for r, (code, name) in enumerate(rows):
        y = head_h + r * cell_h
        # Whole, never cut: a sub-outcome's outcome indicator runs to four lines here.
        ax.text(0.05, y + cell_h / 2, textwrap.fill(name, 34), va="center", fontsize=8)
        for c, (group, _) in enumerate(columns):
            s, text = cell_words(data, kind, code, group)
            x = head_w + c * cell_w
            ax.add_patch(Rectangle((x, y), cell_w, cell_h, **patch_style(s)))  # type: ignore[arg-type]
            ax.text(
                x + cell_w / 2,
                y + cell_h / 2,
                text,
                ha="center",
                va="center",
                fontsize=7.5,
                color=s.text,
                fontweight="bold",
                bbox=label_box(s),
            )
    fig.text(
        0.5, 0.96, f"{GRID_TITLES[kind]} ({data.title})", ha="center", fontsize=11, weight="bold"
    )
    fig.text(0.5, 0.07, GRID_NOTE, ha="center", fontsize=9)
    _legend(fig, scale, 0.015)
    return fig


GRID_TITLES = {
    "rag": "RAG map: interventions by carer group",
    "maturity": "Maturity map: interventions by carer group",
    "checklist": "Appendix A map: sub-outcomes by carer group",
}
GRID_NOTE = "Summary: the weakest judged carer group; not rated is counted apart, never as red."


def grid_rows(data: MapData, kind: str) -> list[tuple[str, str]]:
    """A grid map's rows: (code, label) of each sub-outcome (the Appendix A map, labelled
    with its code and whole outcome indicator) or each intervention."""
    if kind == "checklist":
        return [(s.code, f"{s.code} {s.name}") for o in data.outcomes for s in o.sub_outcomes]
    return [(i.code, i.name) for i in data.interventions]


def grid_columns(data: MapData) -> list[tuple[str, str]]:
    return [("__summary__", "Summary")] + [(g.code, g.name) for g in data.groups]


def cell_words(data: MapData, kind: str, row: str, group: str) -> tuple[Style, str]:
    """A grid cell's style and its words (the grade, and the indicator's on Appendix A)."""
    value, extra = _cell_value(data, kind, row, group)
    s = style(kind, value)
    return s, s.short + (f"\n{extra}" if extra else "")


def _cell_value(data: MapData, kind: str, row: str, group: str) -> tuple[str, str]:
    if kind == "rag":
        if group == "__summary__":
            return data.rag_summaries[row].grade.value, ""
        return data.rag.get((row, group), Rag.NOT_RATED).value, ""
    if kind == "maturity":
        if group == "__summary__":
            return data.maturity_summaries[row].grade.value, ""
        return data.maturity.get((row, group), Maturity.NOT_RATED).value, ""
    if group == "__summary__":
        summary = data.checklist_summaries[row]
        indicator = summary.indicator.grade
    else:
        cell = data.checklist.get((row, group))
        status = cell.status if cell else ChecklistStatus.NOT_RATED
        indicator = cell.indicator if cell else Rag.NOT_RATED
        return status.value, f"Indicator: {label(indicator).lower()}"
    return summary.status.grade.value, f"Indicator: {label(indicator).lower()}"


# --- output --------------------------------------------------------------------


def _bytes(fig: Figure, fmt: str, title: str, desc: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "svg":
        FigureCanvasSVG(fig)
        fig.savefig(buffer, format="svg", metadata={"Title": title, "Date": None})
        return _accessible_svg(buffer.getvalue(), title, desc)
    FigureCanvasAgg(fig)
    fig.savefig(buffer, format="png", dpi=100, metadata={"Title": title})
    return buffer.getvalue()


def _accessible_svg(svg: bytes, title: str, desc: str) -> bytes:
    """Give the SVG role="img" with a <title> and <desc> a screen reader announces."""
    text = svg.decode("utf-8")
    opening = re.search(r"<svg\b[^>]*>", text)
    if opening is None:
        return svg
    tag = opening.group(0)
    new_tag = tag[:-1] + ' role="img" aria-labelledby="chart-title chart-desc">'
    extra = f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>'
    text = text.replace(tag, new_tag + extra, 1)
    return text.encode("utf-8")


def wheel(data: MapData, scale: str, fmt: str) -> bytes:
    """The hub wheel for ``scale`` ("rag" or "maturity") as SVG or PNG bytes."""
    name = "red, amber, green" if scale == "rag" else "maturity"
    summaries = data.rag_summaries if scale == "rag" else data.maturity_summaries
    desc = "; ".join(
        f"Outcome {outcome.code} {outcome.short_title}: "
        + ", ".join(f"{data.intervention_name(c)} {summaries[c].text}" for c in codes)
        for outcome, codes in data.wheel_rows()
    )
    return _bytes(wheel_figure(data, scale), fmt, f"Hub wheel ({name}) for {data.title}", desc)


def grid_map(data: MapData, kind: str) -> bytes:
    """The RAG, maturity or Appendix A map as PNG bytes."""
    return _bytes(_grid_figure(data, kind), "png", f"{kind} map for {data.title}", "")
