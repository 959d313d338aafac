"""The report card's curve as a chart: history, target, and the forecast if nothing changes.

`curve_chart` is a pure function of its data returning SVG or PNG bytes, so a
per-revision chart cache can wrap it. Lines differ by style and marker as well
as colour, so the chart reads in greyscale and for colour-blind readers.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from audit_app.models.indicators import Indicator
from audit_app.services import indicators as step3
from hub_model.indicator_trend import DEFAULT_AHEAD, forecast, months
from hub_model.scales import Unit

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
RESULT_COLOUR = "#0072B2"
TARGET_COLOUR = "#000000"
FORECAST_COLOUR = "#D55E00"


@dataclass(frozen=True)
class Curve:
    """The data a report card chart draws, and the table beside it shows."""

    title: str
    unit_suffix: str  # "%" or ""
    periods: tuple[str, ...]
    results: tuple[Decimal | None, ...]
    targets: tuple[Decimal | None, ...]
    forecast_periods: tuple[str, ...]
    forecast: tuple[Decimal, ...]
    # Where each period, then each forecast, sits along the time axis (months), so
    # uneven periods are drawn unevenly; empty: one step each.
    positions: tuple[float, ...] = ()


def curve_of(rows: Sequence[step3.Row], ahead: int = DEFAULT_AHEAD) -> Curve:
    """The curve of an indicator's assessed values, oldest first."""
    results = tuple(row.assessment.result for row in rows)
    unit = Unit(rows[0].indicator.unit) if rows else Unit.OTHER
    projected = forecast([step3.point_of(row) for row in rows], unit, ahead)
    title = f"{rows[0].indicator.ref} {rows[0].indicator.title}" if rows else ""
    ends = [row.value.period_end for row in rows] + [point.end for point in projected]
    return Curve(
        title=title,
        unit_suffix="%" if unit is Unit.PERCENTAGE else "",
        periods=tuple(row.value.period_label for row in rows),
        results=results,
        targets=tuple(row.value.target for row in rows),
        forecast_periods=tuple(
            f"Forecast {n} (to {point.end:%-d %b %Y})" for n, point in enumerate(projected, 1)
        ),
        forecast=tuple(point.value for point in projected if point.value is not None),
        positions=tuple(float(months(end)) for end in ends),
    )


def report_card_chart(indicator: Indicator, fmt: str = "svg") -> bytes:
    """The report card chart of ``indicator`` as SVG or PNG bytes (what a chart cache keys
    on: the audit's revision, the indicator's id and the format)."""
    return curve_chart(curve_of(step3.rows_of(indicator)), fmt)


# The report card chart in the PDF: beside the curve's table, at the size it prints
# (services.print_charts), so that a card keeps to one A4 page.
PRINT_SIZE_MM = (100, 54)


def print_report_card_chart(indicator: Indicator) -> bytes:
    """The report card chart drawn for the PDF, as PNG bytes."""
    from audit_app.services import print_charts

    return print_charts.png(curve_figure(curve_of(step3.rows_of(indicator)), printed=True))


def curve_chart(curve: Curve, fmt: str = "svg") -> bytes:
    """The chart as ``fmt`` ("svg" or "png") bytes."""
    if fmt not in {"svg", "png"}:
        raise ValueError(f"unknown chart format {fmt!r}")
    # matplotlib is imported here, not with the module: it costs every process that
    # loads the app about 30 MB and 0.3 s, and only a chart needs it.
    import matplotlib

    # A fixed salt keeps SVG ids, and so the bytes, the same for the same curve.
    with matplotlib.rc_context({"svg.hashsalt": "carers-hub-report-card"}):
        return _draw(curve, fmt)


def _draw(curve: Curve, fmt: str) -> bytes:
    figure = curve_figure(curve)
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    return csp_safe_svg(buffer.getvalue()) if fmt == "svg" else buffer.getvalue()


def curve_figure(curve: Curve, printed: bool = False) -> Figure:
    """The chart as a figure: for the screen, or ``printed`` at its size in the PDF
    (:data:`PRINT_SIZE_MM`, every word 8 pt, the periods' names wrapped, not slanted)."""
    from matplotlib.figure import Figure  # object API: no pyplot, no backend to choose

    if printed:
        width, height = PRINT_SIZE_MM
        figure = Figure(figsize=(width / 25.4, height / 25.4), dpi=100)
    else:
        figure = Figure(figsize=(7.2, 3.8), dpi=100)
    words = 8 if printed else 9
    line, mark = (1.8, 5.0) if printed else (2.5, 7.0)  # at its printed size, thinner
    axes = figure.subplots()
    labels = list(curve.periods) + list(curve.forecast_periods)
    steps = list(curve.positions) if curve.positions else [float(n) for n in range(len(labels))]
    known = [(steps[i], float(v)) for i, v in enumerate(curve.results) if v is not None]
    if known:
        axes.plot(
            *zip(*known, strict=True),
            color=RESULT_COLOUR,
            linestyle="-",
            linewidth=line,
            marker="o",
            markersize=mark,
            label="Result",
        )
    targets = [(steps[i], float(v)) for i, v in enumerate(curve.targets) if v is not None]
    if targets:
        axes.plot(
            *zip(*targets, strict=True),
            color=TARGET_COLOUR,
            linestyle="--",
            linewidth=line * 0.6,
            marker="s",
            markersize=mark * 5 / 7,
            markerfacecolor="white",
            label="Target",
        )
    if curve.forecast and known:
        start = known[-1]
        points = [start] + [
            (steps[len(curve.periods) + n], float(v)) for n, v in enumerate(curve.forecast)
        ]
        axes.plot(
            *zip(*points, strict=True),
            color=FORECAST_COLOUR,
            linestyle=":",
            linewidth=line,
            marker="^",
            markersize=mark,
            markevery=list(range(1, len(points))),  # not over the last result's circle
            label="Forecast if nothing changes",
        )
    if printed:
        # Narrow: each period's name on up to three short lines under its point.
        wrapped = [textwrap.fill(text, 11) for text in labels]
        axes.set_xticks(steps, wrapped, fontsize=words)
    else:
        # Right-aligned, slanted labels stay inside the figure however long the last one is.
        axes.set_xticks(steps, labels, fontsize=9, rotation=20, ha="right", rotation_mode="anchor")
    axes.tick_params(axis="y", labelsize=words)
    if curve.unit_suffix:
        axes.yaxis.set_major_formatter(lambda value, _pos: f"{value:g}{curve.unit_suffix}")
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    if (known or targets) and printed:
        # Above the plot, in a row: never over a line.
        axes.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=3,
            fontsize=words,
            frameon=False,
            handlelength=1.6,
            columnspacing=1.0,
        )
    elif known or targets:
        axes.legend(loc="best", fontsize=9, frameon=False)
    if printed:
        # Twice: the first fit can change the ticks (and the width of their labels).
        figure.tight_layout(pad=0.3)
        figure.tight_layout(pad=0.3)
    else:
        figure.tight_layout()
    return figure


_STYLE_ATTRIBUTE = re.compile(rb'style="([^"]*)"')
_STYLE_ELEMENT = re.compile(rb"<style[^>]*>.*?</style>", re.DOTALL)
_PROLOGUE = re.compile(rb"^.*?(?=<svg)", re.DOTALL)
_ROOT_SIZE = re.compile(rb'(<svg[^>]*?) width="[^"]*" height="[^"]*"')


def _as_attributes(match: re.Match[bytes]) -> bytes:
    pairs = [part.split(b":", 1) for part in match.group(1).split(b";") if b":" in part]
    return b" ".join(b'%s="%s"' % (name.strip(), value.strip()) for name, value in pairs)


def csp_safe_svg(svg: bytes) -> bytes:
    """Matplotlib's SVG made fit to inline under a CSP without 'unsafe-inline': style
    attributes become presentation attributes, the <style> element goes, and the fixed
    size goes so the chart scales to its column (the viewBox keeps its shape)."""
    svg = _PROLOGUE.sub(b"", svg, count=1)
    svg = _STYLE_ELEMENT.sub(b"", svg)
    svg = _STYLE_ATTRIBUTE.sub(_as_attributes, svg)
    # The dropped <style> set round line joins for everything; the root passes it down.
    return _ROOT_SIZE.sub(rb'\1 stroke-linejoin="round"', svg, count=1)
