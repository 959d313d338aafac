"""GOV.UK form widgets whose markup is written once per set of parameters.

govuk-frontend-wtf renders each field through a template (its own, importing a
GOV.UK Frontend macro on every call, which imports four more): choosing audits to
compare, a list of a commissioner's dozens of audits as checkboxes, was almost half
of the compare areas page's time, and the earlier audits' radios a fifth of the
compare cycles page's (bench/page_cpu.py, issue #21).

The macros read nothing but the parameters the widget maps from the field (its
name, id, label, choices, which are ticked, its error, and what the page passes),
so the markup is kept per those parameters, written out in full as the key: any
change to the field or to what the page passes is another key, never a stale page.
Parameters holding anything but plain data (strings, numbers, lists, dicts) are
rendered every time, as before.
"""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput
from markupsafe import Markup

from audit_app.services.kept import KeptLRU

KEPT = 256  # markups kept per process, least recently used dropped first

_kept: KeptLRU[Markup] = KeptLRU(KEPT)


class _Unkeyable(Exception):
    """A parameter that is not plain data: the markup is not kept."""


def _frozen(value: Any) -> Any:
    """``value`` as a hashable key, its types written in (Markup is not escaped where
    text is; True is not 1)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return (kind.__name__, value)
    if kind is Markup:
        return ("Markup", str(value))
    if kind is dict:
        return ("dict", tuple((key, _frozen(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (kind.__name__, tuple(_frozen(item) for item in value))
    raise _Unkeyable(kind)


def kept_render(template: str, params: dict[str, Any], render: Any) -> Markup:
    """``render(params)``, kept per (template, params)."""
    try:
        key = (template, _frozen(params))
    except _Unkeyable:
        return render(params)  # type: ignore[no-any-return]
    return _kept.get_or_make(key, lambda: render(params))


def clear() -> None:
    """Forget every kept markup (tests)."""
    _kept.clear()


class KeptRadioInput(GovRadioInput):  # type: ignore[misc]
    def render(self, params: dict[str, Any]) -> Markup:
        return kept_render(self.template, params, super().render)


class KeptCheckboxesInput(GovCheckboxesInput):  # type: ignore[misc]
    def render(self, params: dict[str, Any]) -> Markup:
        return kept_render(self.template, params, super().render)


class KeptSubmitInput(GovSubmitInput):  # type: ignore[misc]
    def render(self, params: dict[str, Any]) -> Markup:
        return kept_render(self.template, params, super().render)
