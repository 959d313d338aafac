"""The ``<option>`` list of a select, written once per page for each choice made.

The quick grids hold 100 to 300 selects that all offer the same few choices: the
markup of each list differs only in which option is selected. Writing and escaping
every option of every select was most of the checklist grid's rendering time
(bench/page_cpu.py, issue #21); this writes each (choices, selected) pair once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from markupsafe import Markup

_OPTION = Markup('<option value="{}"{}>{}</option>')
_SELECTED = Markup(" selected")


def select_options(choices: Iterable[tuple[Any, Any]], selected: Any) -> Markup:
    """The options of ``choices`` ((value, text) pairs), ``selected`` marked as such:
    the markup the grids' select macro wrote option by option."""
    return _options(tuple((value, text) for value, text in choices), selected)


@lru_cache(maxsize=512)
def _options(choices: tuple[tuple[Any, Any], ...], selected: Any) -> Markup:
    return Markup("").join(
        _OPTION.format(value, _SELECTED if value == selected else "", text)
        for value, text in choices
    )
