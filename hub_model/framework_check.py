"""Checking a framework's codes and the links between its parts.

:func:`check_framework` works on a :class:`Framework` object, so it checks a
freshly loaded file and a tailored snapshot alike. Paths in its errors are
those of the YAML the framework dumps to (``interventions[3].outcomes[0].outcome``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NoReturn

from hub_model.framework_inspection import GradeDescriptor, Inspection
from hub_model.framework_reader import FrameworkError
from hub_model.framework_schema import (
    NOT_RATED,
    REQUIRED_LISTS,
    REQUIRED_SCALES,
    Framework,
    Scale,
)

SLUG = re.compile(r"[a-z0-9][a-z0-9_]*")
DESCRIPTOR_CODE = re.compile(r"([A-Z][0-9]+)(\.[0-9]+)?( PC)?")
Coded = tuple[str, str]  # a code and the path where it is written


def check_framework(fw: Framework, file: str) -> None:
    """Raise FrameworkError (naming ``file``) at the first bad code or broken link.

    Codes must be slugs and unique where they name things; every outcome,
    sub-outcome, group, dimension, list item and Appendix B reference a part
    points to must exist; the required lists and scales must be there, each scale
    with its ``not_rated`` level.
    """
    _Checker(fw, file).run()


class _Checker:
    def __init__(self, fw: Framework, file: str) -> None:
        self.fw = fw
        self.file = file
        self.outcomes = {o.code for o in fw.outcomes}
        self.sub_outcomes = {s.code: s for s in fw.checklist}

    def fail(self, path: str, message: str) -> NoReturn:
        raise FrameworkError(self.file, path, message)

    def run(self) -> None:
        if not SLUG.fullmatch(self.fw.id):
            self.fail("id", f"{self.fw.id!r} must be lower-case letters, digits and underscores")
        self.unique(_at("outcomes", self.fw.outcomes), "outcome")
        self.unique(_at("principles", self.fw.principles), "principle")
        self.lists()
        self.interventions()
        self.checklist()
        self.inspection(self.fw.inspection)
        self.groups()
        self.stakeholders()
        self.indicators()
        self.scales()

    def unique(self, coded: list[Coded], what: str, slug: bool = True) -> None:
        """Each code a slug (if ``slug``) and none repeated; ``coded`` is (code, path)."""
        first: dict[str, str] = {}
        for code, path in coded:
            if slug and not SLUG.fullmatch(code):
                message = f"{what} code {code!r} must be lower-case letters, digits and underscores"
                self.fail(path, message)
            if code in first:
                self.fail(path, f"duplicate {what} code {code!r} (first at {first[code]})")
            first[code] = path

    def outcome(self, code: str, path: str) -> None:
        if code not in self.outcomes:
            self.fail(path, f"unknown outcome {code!r} (known: {', '.join(sorted(self.outcomes))})")

    def sub_outcome(self, code: str, path: str) -> None:
        if code not in self.sub_outcomes:
            known = ", ".join(self.sub_outcomes)
            self.fail(path, f"unknown sub-outcome {code!r} (known: {known})")

    def lists(self) -> None:
        names = [n.name for n in self.fw.lists]
        for required in REQUIRED_LISTS:
            if required not in names:
                self.fail("lists", f"missing required list {required!r}")
        for named in self.fw.lists:
            self.unique(_at(f"lists.{named.name}.items", named.items), f"{named.name} item")

    def interventions(self) -> None:
        self.unique(_at("interventions", self.fw.interventions), "intervention")
        for i, intervention in enumerate(self.fw.interventions):
            seen: set[str] = set()
            for j, link in enumerate(intervention.outcomes):
                path = f"interventions[{i}].outcomes[{j}].outcome"
                self.outcome(link.outcome, path)
                if link.outcome in seen:
                    self.fail(path, f"outcome {link.outcome!r} is linked twice")
                seen.add(link.outcome)

    def checklist(self) -> None:
        self.unique(_at("checklist", self.fw.checklist), "sub-outcome")
        for i, sub in enumerate(self.fw.checklist):
            self.outcome(sub.outcome, f"checklist[{i}].outcome")
            for j, ref in enumerate(sub.cross_references):
                path = f"checklist[{i}].cross_references[{j}].sub_outcome"
                self.sub_outcome(ref.sub_outcome, path)
                if ref.sub_outcome == sub.code:
                    self.fail(path, f"sub-outcome {sub.code!r} refers to itself")

    def inspection(self, ins: Inspection) -> None:
        self.unique(_at("inspection.references", ins.references), "reference", slug=False)
        self.unique(_at("inspection.categories", ins.categories), "category")
        pathway = {item.code for item in self.fw.list_items("support_pathway_elements")}
        for i, category in enumerate(ins.categories):
            path = f"inspection.categories[{i}]"
            if category.code not in pathway:
                message = f"category {category.code!r} is not a support_pathway_elements item"
                self.fail(f"{path}.code", message)
            for j, d in enumerate(category.carers_outcomes):
                self.descriptor_code(d.code, f"{path}.carers_outcomes[{j}].code")
            for j, d in enumerate(category.area_outcomes):
                self.descriptor_code(d.code, f"{path}.area_outcomes[{j}].code")
        self.unique(_at("inspection.grades", ins.grades, "outcome"), "grades outcome")
        for i, grades in enumerate(ins.grades):
            self.outcome(grades.outcome, f"inspection.grades[{i}].outcome")
            for j, gd in enumerate(grades.descriptors):
                self.grade(gd, f"inspection.grades[{i}].descriptors[{j}]")
        for j, gd in enumerate(ins.unlinked):
            self.grade(gd, f"inspection.unlinked[{j}]")

    def descriptor_code(self, code: str | None, path: str) -> None:
        """A printed code is a reference, optionally ".n" and/or " PC": "O7.4", "O3 PC"."""
        if code is None:
            return
        match = DESCRIPTOR_CODE.fullmatch(code)
        if match is None:
            self.fail(path, f"{code!r} is not a code like 'O7', 'O7.4' or 'O7 PC'")
        if match.group(1) not in {r.code for r in self.fw.inspection.references}:
            message = (
                f"{code!r} refers to {match.group(1)!r}, which is not in inspection.references"
            )
            self.fail(path, message)

    def grade(self, gd: GradeDescriptor, path: str) -> None:
        self.descriptor_code(gd.code, f"{path}.code")
        levels = self.fw.inspection.grade_levels
        if gd.level is not None and gd.level not in levels:
            message = f"unknown grade level {gd.level!r} (expected one of: {', '.join(levels)})"
            self.fail(f"{path}.level", message)

    def groups(self) -> None:
        self.unique(_at("carer_groups.dimensions", self.fw.dimensions), "dimension")
        self.unique(_at("carer_groups.groups", self.fw.carer_groups), "carer group")
        dimensions = {d.code for d in self.fw.dimensions}
        above: dict[str, str] = {}  # code -> dimension of the groups listed so far
        for i, group in enumerate(self.fw.carer_groups):
            path = f"carer_groups.groups[{i}]"
            if group.dimension not in dimensions:
                self.fail(f"{path}.dimension", f"unknown dimension {group.dimension!r}")
            parent = group.parent
            if parent is not None and parent not in above:
                message = f"unknown parent group {parent!r} (a parent must be listed above it)"
                self.fail(f"{path}.parent", message)
            if parent is not None and above[parent] != group.dimension:
                message = f"parent {parent!r} is in dimension {above[parent]!r}, not this one"
                self.fail(f"{path}.dimension", message)
            above[group.code] = group.dimension

    def stakeholders(self) -> None:
        types = self.fw.stakeholder_types
        self.unique(_at("stakeholder_types", types), "stakeholder type")
        subtypes = [
            c
            for i, t in enumerate(types)
            for c in _at(f"stakeholder_types[{i}].subtypes", t.subtypes)
        ]
        self.unique(subtypes, "stakeholder subtype")

    def indicators(self) -> None:
        self.unique(_at("indicators", self.fw.indicators, "ref"), "indicator", slug=False)
        for i, d in enumerate(self.fw.indicators):
            path = f"indicators[{i}]"
            for j, code in enumerate(d.outcomes):
                self.outcome(code, f"{path}.outcomes[{j}]")
            for j, code in enumerate(d.sub_outcomes):
                self.sub_outcome(code, f"{path}.sub_outcomes[{j}]")
                parent = self.sub_outcomes[code].outcome
                if parent not in d.outcomes:
                    message = f"serves sub-outcome {code!r} but not its outcome {parent!r}"
                    self.fail(f"{path}.outcomes", message)
            subs = [self.sub_outcomes[code] for code in d.sub_outcomes]
            returns = [text for sub in subs for text in sub.statistical_returns]
            if d.statistical_return is not None and d.statistical_return not in returns:
                message = "is not among the statistical returns of its sub-outcomes"
                self.fail(f"{path}.statistical_return", message)

    def scales(self) -> None:
        codes = [s.code for s in self.fw.scales]
        for required in REQUIRED_SCALES:
            if required not in codes:
                self.fail("scales", f"missing required scale {required!r}")
        for scale in self.fw.scales:
            self.scale(scale)

    def scale(self, scale: Scale) -> None:
        path = f"scales.{scale.code}.levels"
        self.unique(_at(path, scale.levels), "level")
        levels = [level.code for level in scale.levels]
        if NOT_RATED not in levels:
            self.fail(
                path, f"scale {scale.code!r} has no {NOT_RATED!r} level; every scale needs one"
            )
        enum = REQUIRED_SCALES.get(scale.code)
        if enum is None:
            return
        expected = [m.value for m in enum]
        for i, code in enumerate(levels):
            if code not in expected:
                message = f"unknown level {code!r} (expected one of: {', '.join(expected)})"
                self.fail(f"{path}[{i}].code", message)
        for code in expected:
            if code not in levels:
                self.fail(path, f"scale {scale.code!r} lacks level {code!r}")


def _at(prefix: str, items: Sequence[object], attr: str = "code") -> list[Coded]:
    """``(item.attr, "prefix[i].attr")`` for each item."""
    return [(getattr(item, attr), f"{prefix}[{i}].{attr}") for i, item in enumerate(items)]
