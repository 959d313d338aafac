"""GOV.UK Frontend's table component, in Python.

The same parameters and the same markup as ``govukTable`` from
govuk-frontend-jinja (components/table/macro.html, with its attributes macro),
about ten times faster: the Jinja macro calls ``govukAttributes`` and builds a
``{% set %}`` block for every cell, which made long tables (comparing cycles,
comparing areas, the audits and evidence lists) spend most of their page's time
in it (bench/page_latency.py, issue #21). Registered as the ``govukTable``
template global in place of the macro (base.html no longer imports it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape


def attributes(value: Any) -> Markup:
    """govukAttributes: ``name="value"`` pairs from a mapping (a string passes as is);
    ``{'value': v, 'optional': True}`` leaves out empty values and writes a bare
    name for True."""
    if isinstance(value, str):
        return Markup(value)  # noqa: S704 (a string of attributes passes as is, as in the macro)
    if not isinstance(value, Mapping):
        return Markup("")
    out = []
    for name, given in value.items():
        if isinstance(given, Mapping) and given.get("val") is not None and len(given):
            given = given["val"]
        if isinstance(given, Mapping):
            shown, optional = given.get("value"), given.get("optional") is True
        else:
            shown, optional = (str(given).lower() if isinstance(given, bool) else given), False
        if optional and shown is True:
            out.append(f" {escape(name)}")
        elif not optional or (shown is not None and shown is not False):
            out.append(f' {escape(name)}="{escape("" if shown is None else shown)}"')
    return Markup("".join(out))  # noqa: S704 (names and values escaped above)


def _content(cell: Mapping[str, Any]) -> Markup | str:
    html = cell.get("html")
    if html:
        return Markup(html)  # noqa: S704 (the 'html' parameter is markup, as `| safe` in the macro)
    return escape(cell.get("text", ""))


def _spans(cell: Mapping[str, Any]) -> str:
    if not (cell.get("colspan") or cell.get("rowspan") or cell.get("attributes")):
        return ""
    out = ""
    if cell.get("colspan"):
        out += f' colspan="{escape(cell["colspan"])}"'
    if cell.get("rowspan"):
        out += f' rowspan="{escape(cell["rowspan"])}"'
    return out + attributes(cell.get("attributes"))


def _classes(base: str, cell: Mapping[str, Any], kind: str | None) -> str:
    classes = base
    if kind and cell.get("format"):
        classes += f" {base}--{escape(cell['format'])}"
    if cell.get("classes"):
        classes += f" {escape(cell['classes'])}"
    return classes


def govuk_table(params: Mapping[str, Any]) -> Markup:
    """The table's HTML, as ``govukTable(params)`` renders it."""
    parts = [
        f'<table class="{_classes("govuk-table", params, None)}"'
        f"{attributes(params.get('attributes'))}>"
    ]
    if params.get("caption"):
        caption_classes = params.get("captionClasses")
        extra = f" {escape(caption_classes)}" if caption_classes else ""
        parts.append(
            f'<caption class="govuk-table__caption{extra}">{escape(params["caption"])}</caption>'
        )
    if params.get("head"):
        parts.append('<thead class="govuk-table__head"><tr class="govuk-table__row">')
        for item in params["head"]:
            parts.append(
                f'<th scope="col" class="{_classes("govuk-table__header", item, "format")}"'
                f"{_spans(item)}>{_content(item)}</th>"
            )
        parts.append("</tr></thead>")
    parts.append('<tbody class="govuk-table__body">')
    first_is_header = bool(params.get("firstCellIsHeader"))
    for row in params.get("rows") or ():
        if not row:
            continue
        parts.append('<tr class="govuk-table__row">')
        for index, cell in enumerate(row):
            if index == 0 and first_is_header:
                parts.append(
                    f'<th scope="row" class="{_classes("govuk-table__header", cell, None)}"'
                    f"{_spans(cell)}>{_content(cell)}</th>"
                )
            else:
                parts.append(
                    f'<td class="{_classes("govuk-table__cell", cell, "format")}"'
                    f"{_spans(cell)}>{_content(cell)}</td>"
                )
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return Markup("".join(parts))  # noqa: S704 (every part escaped above)
