"""The report's charts drawn for the A4 PDF: at the size they print, with no text under 8 pt.

A chart on screen is scaled to its column, so its type size on paper was whatever
the scaling left (the maps printed at about 3 pt). Here each chart is drawn at its
printed size, at most :data:`PRINT_WIDTH_MM` wide (A4 portrait's text column), with
every word at least :data:`MIN_PT` points, and saved as a PNG of
:data:`PRINT_DPI` dots per inch. The PDF's stylesheet gives its images that
resolution (``image-resolution``), so a chart prints at exactly its drawn size and
its type sizes are the printed ones. Long labels are wrapped to the width they are
given, as measured by the renderer, never cut.

The chart cache keeps these under names of their own (``print-...``), apart from
the screen's images of the same maps.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from audit_app.services import charts
from audit_app.services.maps import MapData
from hub_model.scales import label

PRINT_DPI = 200
MM = 1 / 25.4
PRINT_WIDTH_MM = 170  # A4 portrait (210 mm) less the report's 14 mm margins, less a little
PRINT_WIDTH = PRINT_WIDTH_MM * MM  # inches
MIN_PT = 8.0

# The wheel at the column's width: at 8 pt the outcomes' names need a wider middle,
# and the interventions' names a little more room around the rim.
PRINT_WHEEL = charts.WheelLayout(
    size=(PRINT_WIDTH, 7.4),
    reach=1.36,
    label_pt=8,
    label_wrap=18,
    outcome_pt=8,
    outcome_wrap=11,
    title_pt=9,
    note_pt=8,
    legend_pt=8.5,
    radii=(0.47, 0.50, 0.82),
    outcome_weight="normal",
    outcome_at=0.26,
)


def png(fig: Figure) -> bytes:
    """The figure as an RGB PNG (no alpha channel, which the PDF would store apart)
    at :data:`PRINT_DPI`."""
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(PRINT_DPI)
    canvas.draw()
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    buffer = io.BytesIO()
    rgba.convert("RGB").save(buffer, format="PNG", compress_level=1, dpi=(PRINT_DPI,) * 2)
    return buffer.getvalue()


# --- checks the tests make of every print chart -----------------------------------


def texts(fig: Figure) -> Iterator[Text]:
    """Every piece of text the figure shows."""
    for artist in fig.findobj(Text):
        if artist.get_visible() and artist.get_text().strip():
            yield artist


def smallest_pt(fig: Figure) -> float:
    return min(float(t.get_fontsize()) for t in texts(fig))


def overflow(fig: Figure) -> float:
    """How far (inches) anything drawn, labels included, runs past the figure's edges,
    where it would be cut; 0 when everything is inside."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    drawn = fig.get_tightbbox(canvas.get_renderer())
    width, height = fig.get_size_inches()
    return float(max(0.0, -drawn.x0, -drawn.y0, drawn.x1 - width, drawn.y1 - height))


# --- wrapping by measure ------------------------------------------------------------


def wrap(renderer: RendererAgg, text: str, width: float, prop: FontProperties) -> str:
    """``text`` broken between words into lines at most ``width`` inches wide (as the
    renderer measures them in ``prop``); a single word wider than that keeps its line."""
    dpi = renderer.dpi

    def fits(line: str) -> bool:
        w, _, _ = renderer.get_text_width_height_descent(line, prop, ismath=False)
        return bool(w / dpi <= width)

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if line and not fits(trial):
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


def _measurer() -> RendererAgg:
    return RendererAgg(100, 100, PRINT_DPI)


# --- the grid maps, for print ----------------------------------------------------------

PAD = 0.05  # inches inside a cell, each side
MIN_ROW = 0.3  # inches: a one-line row still has room around its words
LINE = 1.22  # line height, in font sizes


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _height(lines: int, pt: float) -> float:
    return lines * pt * LINE / 72


def grid_figure(data: MapData, kind: str) -> Figure:
    """The RAG, maturity or Appendix A map at the column's width: every row label,
    column heading and cell in full, wrapped to its column, at 8 pt or more."""
    measure = _measurer()
    body = FontProperties(size=MIN_PT)
    bold = FontProperties(size=MIN_PT, weight="bold")
    rows = charts.grid_rows(data, kind)
    columns = charts.grid_columns(data)
    label_w = 2.05 if kind == "checklist" else 1.75
    cell_w = (PRINT_WIDTH - label_w - 0.04) / len(columns)
    inner = cell_w - 2 * PAD

    title = wrap(
        measure, f"{charts.GRID_TITLES[kind]} ({data.title})", PRINT_WIDTH - 0.1, _bigger(bold)
    )
    heads = [wrap(measure, name, inner, bold) for _, name in columns]
    head_h = _height(max(map(_lines, heads)), MIN_PT) + 2 * PAD
    labels, cells, heights = [], [], []
    for code, name in rows:
        row_label = wrap(measure, name, label_w - 2 * PAD, body)
        words = [charts.cell_words(data, kind, code, group) for group, _ in columns]
        row_cells = [(s, wrap(measure, text, inner, bold)) for s, text in words]
        lines = max([_lines(row_label)] + [_lines(t) for _, t in row_cells])
        labels.append(row_label)
        cells.append(row_cells)
        heights.append(max(_height(lines, MIN_PT) + 2 * PAD, MIN_ROW))
    note = wrap(measure, charts.GRID_NOTE, PRINT_WIDTH - 0.1, body)

    title_h = _height(_lines(title), MIN_PT + 1) + 0.08
    legend_h = 0.3
    note_h = _height(_lines(note), MIN_PT) + 0.08
    height = title_h + head_h + sum(heights) + note_h + legend_h + 0.05
    fig = Figure(figsize=(PRINT_WIDTH, height), dpi=PRINT_DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, PRINT_WIDTH)
    ax.set_ylim(height, 0)
    ax.set_axis_off()

    ax.text(PRINT_WIDTH / 2, 0.02, title, ha="center", va="top", fontproperties=_bigger(bold))
    top = title_h
    for c, head in enumerate(heads):
        x = label_w + (c + 0.5) * cell_w
        ax.text(x, top + head_h / 2, head, ha="center", va="center", fontproperties=bold)
    y = top + head_h
    for row_label, row_cells, h in zip(labels, cells, heights, strict=True):
        ax.text(PAD, y + h / 2, row_label, va="center", fontproperties=body)
        for c, (s, text) in enumerate(row_cells):
            x = label_w + c * cell_w
            ax.add_patch(Rectangle((x, y), cell_w, h, **charts.patch_style(s)))  # type: ignore[arg-type]
            ax.text(
                x + cell_w / 2,
                y + h / 2,
                text,
                ha="center",
                va="center",
                fontproperties=bold,
                color=s.text,
                bbox=charts.label_box(s),
            )
        y += h
    ax.text(PRINT_WIDTH / 2, y + 0.06, note, ha="center", va="top", fontproperties=body)
    _legend(ax, measure, kind, y + note_h + 0.02)
    return fig


def _bigger(prop: FontProperties) -> FontProperties:
    bigger = prop.copy()
    bigger.set_size(float(prop.get_size_in_points()) + 1)
    return bigger


def _legend(ax: object, measure: RendererAgg, kind: str, y: float) -> None:
    """Each grade's swatch and word in a row under the map."""
    prop = FontProperties(size=MIN_PT + 0.5)
    x = 0.05
    for level in charts.SCALES[kind]:
        if (kind, level.value) not in charts.STYLES:
            continue
        s = charts.style(kind, level.value)
        word = label(level)
        ax.add_patch(  # type: ignore[attr-defined]
            Rectangle((x, y), 0.28, 0.18, **charts.patch_style(s))  # type: ignore[arg-type]
        )
        ax.text(x + 0.34, y + 0.09, word, va="center", fontproperties=prop)  # type: ignore[attr-defined]
        w, _, _ = measure.get_text_width_height_descent(word, prop, ismath=False)
        x += 0.34 + w / PRINT_DPI + 0.3


def grid_png(data: MapData, kind: str) -> bytes:
    return png(grid_figure(data, kind))


def wheel_figure(data: MapData, scale: str) -> Figure:
    return charts.wheel_figure(data, scale, PRINT_WHEEL)


def wheel_png(data: MapData, scale: str) -> bytes:
    return png(wheel_figure(data, scale))
