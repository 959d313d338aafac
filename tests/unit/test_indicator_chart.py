"""The report card chart renderer: bytes in, the right format out, same data every time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit_app.services.indicator_chart import Curve, curve_chart

CURVE = Curve(
    title="NI135 Carers receiving a service",
    unit_suffix="%",
    periods=("Q1", "Q2", "Q3"),
    results=(Decimal("23.1"), None, Decimal("27.7")),
    targets=(Decimal(26), Decimal(27), Decimal(28)),
    forecast_periods=("Forecast 1", "Forecast 2"),
    forecast=(Decimal("30"), Decimal("32.3")),
)


def test_svg_and_png_are_what_they_say() -> None:
    svg = curve_chart(CURVE, "svg")
    assert svg.startswith(b"<svg") and b'viewBox="' in svg
    assert curve_chart(CURVE, "png").startswith(b"\x89PNG")


def test_the_same_curve_draws_the_same_svg() -> None:
    assert curve_chart(CURVE, "svg") == curve_chart(CURVE, "svg")


def test_an_empty_curve_still_draws() -> None:
    empty = Curve("", "", (), (), (), (), ())
    assert curve_chart(empty, "png").startswith(b"\x89PNG")


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown chart format"):
        curve_chart(CURVE, "gif")


def test_the_svg_can_be_inlined_under_the_apps_content_security_policy() -> None:
    """style-src 'self' blocks inline styles, so the SVG must carry none."""
    svg = curve_chart(CURVE, "svg")
    assert b"style=" not in svg and b"<style" not in svg
    assert b'stroke="#0072b2"' in svg.lower()  # the result line keeps its colour
    root = svg[: svg.index(b">")]
    assert b"width=" not in root and b'stroke-linejoin="round"' in root
