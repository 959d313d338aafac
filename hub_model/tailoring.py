"""Tailoring a framework snapshot to a locality (§5.2: "add, remove or redefine").

Every operation returns a NEW :class:`Framework` and leaves its argument as it
was. Each appends a :class:`ChangeRecord` saying in plain words what changed,
sets ``base_version`` to the original ``id@version`` on the first change, and
marks what it adds or changes ``local``. A change that would make the framework
invalid raises :class:`TailoringError` and changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TypeVar

from hub_model.framework_check import SLUG, check_framework
from hub_model.framework_reader import FrameworkError
from hub_model.framework_schema import (
    CarerGroup,
    ChangeKind,
    ChangeRecord,
    Framework,
    IndicatorDefinition,
    Intervention,
    OutcomeLink,
    YoungCarers,
)
from hub_model.scales import Polarity, Unit

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


class TailoringError(ValueError):
    """A tailoring operation was refused; the message says why in plain words."""


def add_intervention(
    fw: Framework,
    code: str,
    name: str,
    outcome_codes: Sequence[str],
    reason: str,
    *,
    areas_of_work: Sequence[str] = (),
    young_carers: YoungCarers | str = YoungCarers.NO,
) -> Framework:
    """``fw`` with a new local intervention at the end, linked to ``outcome_codes``.

    The links are not derived: ``reason`` (required) says why they were made.
    """
    _new_code(code, [i.code for i in fw.interventions], "intervention")
    name = _intervention_name(fw, name)
    reason = _text(reason, "The reason")
    codes = _outcomes(fw, outcome_codes)
    intervention = Intervention(
        code=code,
        name=name,
        source="Added locally",
        areas_of_work=_texts(areas_of_work, "An area of work"),
        young_carers=_choice(YoungCarers, young_carers, "For young carers"),
        outcomes=tuple(OutcomeLink(c, False, reason) for c in codes),
        local=True,
    )
    new = dataclasses.replace(fw, interventions=(*fw.interventions, intervention))
    detail = f"Added {name!r}, linked to outcome(s) {', '.join(codes)}: {reason}"
    return _changed(fw, new, ChangeKind.ADD_INTERVENTION, code, detail)


def remove_intervention(fw: Framework, code: str) -> Framework:
    """``fw`` without intervention ``code``."""
    old = _intervention(fw, code)
    new = dataclasses.replace(fw, interventions=tuple(i for i in fw.interventions if i != old))
    return _changed(fw, new, ChangeKind.REMOVE_INTERVENTION, code, f"Removed {old.name!r}.")


def rename_intervention(fw: Framework, code: str, new_name: str) -> Framework:
    """``fw`` with intervention ``code`` called ``new_name`` (unique among interventions)."""
    old = _intervention(fw, code)
    name = _intervention_name(fw, new_name, renaming=old)
    new = _swap(fw, dataclasses.replace(old, name=name))
    return _changed(
        fw, new, ChangeKind.RENAME_INTERVENTION, code, f"Renamed {old.name!r} to {name!r}."
    )


def redefine_intervention(
    fw: Framework,
    code: str,
    *,
    areas_of_work: Sequence[str] | None = None,
    young_carers: YoungCarers | str | None = None,
) -> Framework:
    """``fw`` with new areas of work and/or young carers flag for intervention ``code``."""
    old = _intervention(fw, code)
    areas = old.areas_of_work if areas_of_work is None else _texts(areas_of_work, "An area of work")
    flag = (
        old.young_carers
        if young_carers is None
        else _choice(YoungCarers, young_carers, "For young carers")
    )
    said = []
    if areas != old.areas_of_work:
        said.append(f"areas of work now: {'; '.join(areas) or '(none)'}")
    if flag != old.young_carers:
        said.append(f"for young carers: {flag.value} (was {old.young_carers.value})")
    if not said:
        message = f"Nothing to change: {old.name!r} already has those areas of work and flag."
        raise TailoringError(message)
    new = _swap(fw, dataclasses.replace(old, areas_of_work=areas, young_carers=flag))
    detail = f"Redefined {old.name!r}: {'; '.join(said)}."
    return _changed(fw, new, ChangeKind.REDEFINE_INTERVENTION, code, detail)


def relink_intervention(
    fw: Framework, code: str, outcome_codes: Sequence[str], reason: str
) -> Framework:
    """``fw`` with intervention ``code`` linked to exactly ``outcome_codes``, in that order.

    Links it already had are kept as they were (derived or not); new ones are
    local, with ``reason`` (required).
    """
    old = _intervention(fw, code)
    codes = _outcomes(fw, outcome_codes)
    reason = _text(reason, "The reason")
    if codes == old.outcome_codes:
        raise TailoringError(f"{old.name!r} is already linked to exactly those outcomes.")
    kept = {link.outcome: link for link in old.outcomes}
    links = tuple(kept.get(c, OutcomeLink(c, False, reason)) for c in codes)
    new = _swap(fw, dataclasses.replace(old, outcomes=links))
    was = ", ".join(old.outcome_codes) or "none"
    detail = f"Linked {old.name!r} to outcome(s) {', '.join(codes)} (was {was}): {reason}"
    return _changed(fw, new, ChangeKind.RELINK_INTERVENTION, code, detail)


def add_carer_group(
    fw: Framework, code: str, name: str, dimension: str, parent: str | None = None
) -> Framework:
    """``fw`` with a local carer group in ``dimension``, under ``parent`` if given.

    A sub-group of a young carers' group is flagged young carers too.
    """
    _new_code(code, [g.code for g in fw.carer_groups], "carer group")
    name = _text(name, "The group's name")
    dimensions = {d.code: d.name for d in fw.dimensions}
    if dimension not in dimensions:
        known = ", ".join(dimensions)
        raise TailoringError(f"There is no dimension {dimension!r} (there are: {known}).")
    young, where = False, dimensions[dimension]
    if parent is not None:
        above = _lookup(fw.group, parent, "carer group")
        if above.dimension != dimension:
            raise TailoringError(f"{above.name!r} is not in dimension {dimension!r}.")
        young, where = above.young_carers, f"under {above.name!r}"
    group = CarerGroup(code, name, dimension, parent=parent, young_carers=young, local=True)
    new = dataclasses.replace(fw, carer_groups=(*fw.carer_groups, group))
    detail = f"Added carer group {name!r} ({where})."
    return _changed(fw, new, ChangeKind.ADD_CARER_GROUP, code, detail)


def add_indicator(fw: Framework, definition: IndicatorDefinition) -> Framework:
    """``fw`` with ``definition`` (marked local) added to its indicators.

    Its ref must be new, its title not blank, its unit and polarity known, and
    the outcomes and sub-outcomes it serves must exist, each sub-outcome's
    outcome among its outcomes.
    """
    ref = _text(definition.ref, "The indicator's ref")
    if any(d.ref == ref for d in fw.indicators):
        raise TailoringError(f"There is already an indicator {ref!r}.")
    outcomes = _outcomes(fw, definition.outcomes, at_least_one=False)
    for code in definition.sub_outcomes:
        sub = _lookup(fw.sub_outcome, code, "sub-outcome")
        if sub.outcome not in outcomes:
            message = (
                f"Sub-outcome {code!r} is under outcome {sub.outcome!r}: serve that outcome too."
            )
            raise TailoringError(message)
    added = dataclasses.replace(
        definition,
        ref=ref,
        title=_text(definition.title, "The indicator's title"),
        unit=_choice(Unit, definition.unit, "The unit"),
        polarity=_choice(Polarity, definition.polarity, "The polarity"),
        local=True,
    )
    new = dataclasses.replace(fw, indicators=(*fw.indicators, added))
    detail = f"Added indicator {ref!r}: {added.title}"
    return _changed(fw, new, ChangeKind.ADD_INDICATOR, ref, detail)


def edit_principle(
    fw: Framework, code: str, *, title: str | None = None, description: str | None = None
) -> Framework:
    """``fw`` with principle ``code`` given a new title and/or description."""
    old = _lookup(fw.principle, code, "principle")
    new_title = old.title if title is None else _text(title, "The title")
    text = old.description if description is None else _text(description, "The description")
    said = [f"title was {old.title!r}"] if new_title != old.title else []
    said += ["description rewritten"] if text != old.description else []
    if not said:
        raise TailoringError(f"Nothing to change: {old.title!r} already reads that way.")
    edited = dataclasses.replace(old, title=new_title, description=text, local=True)
    new = dataclasses.replace(
        fw, principles=tuple(edited if p.code == code else p for p in fw.principles)
    )
    detail = f"Edited principle {new_title!r}: {'; '.join(said)}."
    return _changed(fw, new, ChangeKind.EDIT_PRINCIPLE, code, detail)


def _changed(
    fw: Framework, new: Framework, kind: ChangeKind, target: str, detail: str
) -> Framework:
    """``new`` (``fw`` with a part replaced) with the change recorded, checked as a whole."""
    recorded = dataclasses.replace(
        new,
        base_version=fw.base_version or fw.id_version,
        changes=(*fw.changes, ChangeRecord(kind, target, detail)),
    )
    try:
        check_framework(recorded, f"{fw.id} (tailored)")
    except FrameworkError as exc:
        raise TailoringError(exc.message) from exc
    return recorded


def _swap(fw: Framework, new: Intervention) -> Framework:
    """``fw`` with the intervention of ``new``'s code replaced by ``new`` (marked local)."""
    new = dataclasses.replace(new, local=True)
    return dataclasses.replace(
        fw, interventions=tuple(new if i.code == new.code else i for i in fw.interventions)
    )


def _intervention(fw: Framework, code: str) -> Intervention:
    return _lookup(fw.intervention, code, "intervention")


def _lookup(find: Callable[[str], T], code: str, what: str) -> T:
    try:
        return find(code)
    except KeyError:
        raise TailoringError(f"There is no {what} {code!r}.") from None


def _new_code(code: str, existing: Sequence[str], what: str) -> None:
    if not SLUG.fullmatch(code):
        message = f"The {what} code {code!r} must be lower-case letters, digits and underscores."
        raise TailoringError(message)
    if code in existing:
        raise TailoringError(f"Another {what} already has the code {code!r}.")


def _intervention_name(fw: Framework, name: str, renaming: Intervention | None = None) -> str:
    """``name`` stripped, if no other intervention has it (in any letter case)."""
    name = _text(name, "The intervention's name")
    if renaming is not None and name == renaming.name:
        raise TailoringError(f"Nothing to change: it is already called {name!r}.")
    for other in fw.interventions:
        if other != renaming and other.name.casefold() == name.casefold():
            raise TailoringError(f"There is already an intervention called {other.name!r}.")
    return name


def _outcomes(fw: Framework, codes: Sequence[str], at_least_one: bool = True) -> tuple[str, ...]:
    known = [o.code for o in fw.outcomes]
    if at_least_one and not codes:
        raise TailoringError("Link it to at least one outcome.")
    for code in codes:
        if code not in known:
            raise TailoringError(f"There is no outcome {code!r} (there are: {', '.join(known)}).")
    if len(set(codes)) != len(codes):
        raise TailoringError("Each outcome can be linked only once.")
    return tuple(codes)


def _choice(enum: type[E], value: str, what: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise TailoringError(f"{what} must be one of {allowed}, not {value!r}.") from None


def _text(value: str, what: str) -> str:
    if not value.strip():
        raise TailoringError(f"{what} must not be blank.")
    return value.strip()


def _texts(values: Sequence[str], what: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TailoringError(f"{what} must be given as a list of texts.")
    return tuple(_text(v, what) for v in values)
