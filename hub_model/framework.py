"""Frameworks as data: load, validate, dump.

A framework (the Carers' Hub of 2010 is the built-in one) is a YAML file under
``hub_model/frameworks/``. :func:`load_framework` reads and validates one into a
frozen :class:`Framework`; :func:`framework_to_dict` and :func:`dump_framework`
give it back in the same shape, so a tailored snapshot can be stored and read
again unchanged.

The dataclasses live in :mod:`hub_model.framework_schema`, shape checks in
:mod:`hub_model.framework_parse`, link checks in :mod:`hub_model.framework_check`;
import them all from here.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hub_model.framework_check import check_framework
from hub_model.framework_inspection import (
    Descriptor,
    GradeDescriptor,
    Inspection,
    InspectionReference,
    OutcomeGrades,
    ReferenceKind,
    ServiceCategory,
)
from hub_model.framework_parse import read_framework
from hub_model.framework_reader import FrameworkError, Node
from hub_model.framework_schema import (
    NOT_RATED,
    REQUIRED_LISTS,
    REQUIRED_SCALES,
    CarerGroup,
    ChangeKind,
    ChangeRecord,
    CrossReference,
    Framework,
    GroupDimension,
    IndicatorDefinition,
    Intervention,
    ListItem,
    NamedList,
    Outcome,
    OutcomeLink,
    Principle,
    Scale,
    ScaleLevel,
    StakeholderType,
    SubOutcome,
    YoungCarers,
)

__all__ = [
    "BUILTIN_DIR",
    "NOT_RATED",
    "REQUIRED_LISTS",
    "REQUIRED_SCALES",
    "CarerGroup",
    "ChangeKind",
    "ChangeRecord",
    "CrossReference",
    "Descriptor",
    "Framework",
    "FrameworkError",
    "GradeDescriptor",
    "GroupDimension",
    "IndicatorDefinition",
    "Inspection",
    "InspectionReference",
    "Intervention",
    "ListItem",
    "NamedList",
    "Outcome",
    "OutcomeGrades",
    "OutcomeLink",
    "Principle",
    "ReferenceKind",
    "Scale",
    "ScaleLevel",
    "ServiceCategory",
    "StakeholderType",
    "SubOutcome",
    "YoungCarers",
    "builtin_frameworks",
    "dump_framework",
    "framework_to_dict",
    "load_builtin",
    "load_framework",
    "parse_framework",
]

BUILTIN_DIR = Path(__file__).parent / "frameworks"
DEFAULT_FRAMEWORK = "carers_hub_2010"

# libyaml's safe loader and dumper when PyYAML was built with it: 15x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def parse_framework(data: object, source: str) -> Framework:
    """The framework ``data`` (as ``yaml.safe_load`` gives it) describes.

    ``source`` names the document in errors. Raises FrameworkError at the first
    problem: wrong shape, unknown key, bad value, duplicate code or broken link.
    """
    framework = read_framework(Node(data, source))
    check_framework(framework, source)
    return framework


def load_framework(path: str | Path) -> Framework:
    """The framework in the YAML file ``path``; FrameworkError if it is not valid.

    Errors name the file by its base name; a YAML syntax error names its line.
    """
    path = Path(path)
    return parse_framework(_read_yaml(path.read_text(encoding="utf-8"), path.name), path.name)


def _read_yaml(text: str, name: str) -> object:
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(unknown line)"
        raise FrameworkError(name, where, f"YAML syntax error: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise FrameworkError(name, "(unknown line)", f"YAML error: {exc}") from exc


def framework_to_dict(fw: Framework) -> dict[str, Any]:
    """``fw`` as plain JSON-able data in the YAML's shape; optional keys at their
    default are left out. ``parse_framework`` of the result equals ``fw``."""
    data: dict[str, Any] = {
        "id": fw.id,
        "version": fw.version,
        "title": fw.title,
        "source": fw.source,
    }
    if fw.base_version is not None:
        data["base_version"] = fw.base_version
    if fw.notes:
        data["notes"] = list(fw.notes)
    data |= {
        "outcomes": _plain(fw.outcomes),
        "principles": _plain(fw.principles),
        "interventions": _plain(fw.interventions),
        "checklist": _plain(fw.checklist),
        "inspection": _plain(fw.inspection),
        "carer_groups": {
            "dimensions": _plain(fw.dimensions),
            "groups": _plain(fw.carer_groups),
        },
        "stakeholder_types": _plain(fw.stakeholder_types),
        "lists": {n.name: {"source": n.source, "items": _plain(n.items)} for n in fw.lists},
        "indicators": _plain(fw.indicators),
        "scales": {s.code: _plain(s, skip="code") for s in fw.scales},
    }
    if fw.changes:
        data["changes"] = _plain(fw.changes)
    return data


def _plain(value: object, skip: str = "") -> Any:
    """Dataclasses to dicts (fields at their default left out), tuples to lists,
    enums to their values."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.name == skip or item == field.default:
                continue
            out[field.name] = _plain(item)
        return out
    return value


def dump_framework(fw: Framework) -> str:
    """``fw`` as YAML text that :func:`load_framework` reads back to an equal framework."""
    data = framework_to_dict(fw)
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)


def load_builtin(framework_id: str = DEFAULT_FRAMEWORK) -> Framework:
    """The built-in framework ``framework_id`` (loaded once, then cached).

    KeyError if there is no such built-in; FrameworkError if its file is invalid
    or its ``id`` does not match its file name.
    """
    return _load_builtin(framework_id)


@cache
def _load_builtin(framework_id: str) -> Framework:
    ids = [path.stem for path in _builtin_files()]
    if framework_id not in ids:
        raise KeyError(f"no built-in framework {framework_id!r} (have: {', '.join(ids)})")
    path = BUILTIN_DIR / f"{framework_id}.yaml"
    framework = load_framework(path)
    if framework.id != framework_id:
        raise FrameworkError(path.name, "id", f"{framework.id!r} does not match the file name")
    return framework


def builtin_frameworks() -> list[tuple[str, str]]:
    """``(id, title)`` of every built-in framework, by id."""
    return [(path.stem, load_builtin(path.stem).title) for path in _builtin_files()]


def _builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))
