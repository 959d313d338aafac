"""An invalid framework document is refused with the file, the path and what is wrong.

Each case mutates a deep copy of the built-in framework's dict, so exactly one
thing is wrong with it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub_model.framework import (
    FrameworkError,
    framework_to_dict,
    load_builtin,
    load_framework,
    parse_framework,
)

Doc = dict[str, Any]


def _built_in() -> Doc:
    return copy.deepcopy(framework_to_dict(load_builtin()))


def _set(path: str, value: object) -> Callable[[Doc], object]:
    """A mutation setting the value at a dotted path ("interventions.3.name")."""

    def mutate(doc: Doc) -> object:
        *parents, last = path.split(".")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(last) if isinstance(target, list) else last] = value
        return doc

    return mutate


def _delete(path: str) -> Callable[[Doc], object]:
    """A mutation deleting the key at a dotted path."""

    def mutate(doc: Doc) -> object:
        *parents, last = path.split(".")
        target: Any = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]
        return doc

    return mutate


def _dedupe_intervention(doc: Doc) -> object:
    doc["interventions"][5]["code"] = doc["interventions"][0]["code"]
    return doc


def _drop_not_rated(doc: Doc) -> object:
    levels = doc["scales"]["rag"]["levels"]
    doc["scales"]["rag"]["levels"] = [lv for lv in levels if lv["code"] != "not_rated"]
    return doc


def _link_outcome_twice(doc: Doc) -> object:
    links = doc["interventions"][0]["outcomes"]
    links.append(dict(links[0]))
    return doc


CASES: list[tuple[str, Callable[[Doc], object], str, str]] = [
    ("not a mapping", lambda doc: [doc], "(top level)", "expected a mapping, got a list"),
    ("empty document", lambda doc: None, "(top level)", "expected a mapping, got nothing (null)"),
    (
        "missing required key",
        _delete("interventions.3.name"),
        "interventions[3]",
        "missing required key 'name'",
    ),
    (
        "missing top-level section",
        _delete("checklist"),
        "(top level)",
        "missing required key 'checklist'",
    ),
    (
        "unknown top-level key (typo)",
        _set("intervention", []),
        "intervention",
        "unknown key 'intervention' (did you mean 'interventions'?)",
    ),
    (
        "unknown nested key",
        _set("outcomes.0.shorttitle", "x"),
        "outcomes[0].shorttitle",
        "unknown key 'shorttitle' (did you mean 'short_title'?)",
    ),
    (
        "wrong type: text for a list",
        _set("interventions.0.areas_of_work", "Counselling"),
        "interventions[0].areas_of_work",
        "expected a list, got text",
    ),
    (
        "wrong type: number for a code",
        _set("outcomes.0.code", 1),
        "outcomes[0].code",
        "expected text, got a number (1)",
    ),
    (
        "wrong type: text for a flag",
        _set("outcomes.4.young_carers", "yes"),
        "outcomes[4].young_carers",
        "expected true or false, got text",
    ),
    (
        "blank name",
        _set("interventions.2.name", "  "),
        "interventions[2].name",
        "must not be blank",
    ),
    (
        "unknown outcome in a link",
        _set("interventions.3.outcomes.0.outcome", "9"),
        "interventions[3].outcomes[0].outcome",
        "unknown outcome '9' (known: 1, 2, 3, 4, 5)",
    ),
    (
        "outcome linked twice",
        _link_outcome_twice,
        "interventions[0].outcomes[2].outcome",
        "outcome '4' is linked twice",
    ),
    (
        "duplicate intervention code",
        _dedupe_intervention,
        "interventions[5].code",
        "duplicate intervention code 'emotional_support' (first at interventions[0].code)",
    ),
    (
        "intervention code not a slug",
        _set("interventions.1.code", "Brokerage!"),
        "interventions[1].code",
        "intervention code 'Brokerage!' must be lower-case letters, digits and underscores",
    ),
    (
        "duplicate group code",
        _set("carer_groups.groups.4.code", "dementia"),
        "carer_groups.groups[4].code",
        "duplicate carer group code 'dementia' (first at carer_groups.groups[2].code)",
    ),
    (
        "group under an unknown parent",
        _set("carer_groups.groups.1.parent", "ghosts"),
        "carer_groups.groups[1].parent",
        "unknown parent group 'ghosts' (a parent must be listed above it)",
    ),
    (
        "group parent listed below it",
        _set("carer_groups.groups.0.parent", "stroke"),
        "carer_groups.groups[0].parent",
        "unknown parent group 'stroke'",
    ),
    (
        "group in another dimension than its parent",
        _set("carer_groups.groups.1.dimension", "community"),
        "carer_groups.groups[1].dimension",
        "parent 'older_people' is in dimension 'condition', not this one",
    ),
    (
        "group in an unknown dimension",
        _set("carer_groups.groups.0.dimension", "wealth"),
        "carer_groups.groups[0].dimension",
        "unknown dimension 'wealth'",
    ),
    (
        "sub-outcome under an unknown outcome",
        _set("checklist.2.outcome", "7"),
        "checklist[2].outcome",
        "unknown outcome '7'",
    ),
    (
        "cross-reference to an unknown sub-outcome",
        _set("checklist.3.cross_references.0.sub_outcome", "1z"),
        "checklist[3].cross_references[0].sub_outcome",
        "unknown sub-outcome '1z'",
    ),
    (
        "missing scale",
        _delete("scales.maturity"),
        "scales",
        "missing required scale 'maturity'",
    ),
    (
        "scale lacking not_rated",
        _drop_not_rated,
        "scales.rag.levels",
        "scale 'rag' has no 'not_rated' level; every scale needs one",
    ),
    (
        "scale level not on its enum",
        _set("scales.rag.levels.1.code", "purple"),
        "scales.rag.levels[1].code",
        "unknown level 'purple' (expected one of: red, amber, green, not_rated)",
    ),
    (
        "unknown unit",
        _set("indicators.0.unit", "percent"),
        "indicators[0].unit",
        "unknown value 'percent' (did you mean 'percentage'?)",
    ),
    (
        "unknown polarity",
        _set("indicators.0.polarity", "up"),
        "indicators[0].polarity",
        "unknown value 'up' (expected one of: higher, lower, none)",
    ),
    (
        "young_carers not no/partly/wholly",
        _set("interventions.0.young_carers", "some"),
        "interventions[0].young_carers",
        "unknown value 'some' (expected one of: no, partly, wholly)",
    ),
    (
        "young_carers no written unquoted",
        _set("interventions.0.young_carers", False),
        "interventions[0].young_carers",
        'expected text, got false: write "no" in quotes',
    ),
    (
        "indicator serving an unknown sub-outcome",
        _set("indicators.0.sub_outcomes", ["9z"]),
        "indicators[0].sub_outcomes[0]",
        "unknown sub-outcome '9z'",
    ),
    (
        "indicator serving a sub-outcome but not its outcome",
        _set("indicators.0.outcomes", ["2"]),
        "indicators[0].outcomes",
        "serves sub-outcome '1b' but not its outcome '1'",
    ),
    (
        "indicator citing a return its sub-outcome lacks",
        _set("indicators.0.statistical_return", "Numbers of unicorns."),
        "indicators[0].statistical_return",
        "is not among the statistical returns of its sub-outcomes",
    ),
    (
        "duplicate indicator ref",
        _set("indicators.2.ref", "NI135"),
        "indicators[2].ref",
        "duplicate indicator code 'NI135'",
    ),
    (
        "Appendix B code of no listed reference",
        _set("inspection.categories.0.carers_outcomes.0.code", "O8 PC"),
        "inspection.categories[0].carers_outcomes[0].code",
        "'O8 PC' refers to 'O8', which is not in inspection.references",
    ),
    (
        "Appendix B code malformed",
        _set("inspection.unlinked.3.code", "D9-2"),
        "inspection.unlinked[3].code",
        "'D9-2' is not a code like 'O7', 'O7.4' or 'O7 PC'",
    ),
    (
        "grade level not printed in the guide",
        _set("inspection.grades.0.descriptors.0.level", "excellent"),
        "inspection.grades[0].descriptors[0].level",
        "unknown grade level 'excellent'",
    ),
    (
        "service category that is not a pathway element",
        _set("inspection.categories.3.code", "respite"),
        "inspection.categories[3].code",
        "category 'respite' is not a support_pathway_elements item",
    ),
    (
        "missing list",
        _delete("lists.quality_marks"),
        "lists",
        "missing required list 'quality_marks'",
    ),
    (
        "duplicate stakeholder subtype across types",
        _set("stakeholder_types.1.subtypes.0.code", "carer"),
        "stakeholder_types[1].subtypes[0].code",
        "duplicate stakeholder subtype code 'carer'"
        " (first at stakeholder_types[0].subtypes[0].code)",
    ),
    (
        "change of an unknown kind",
        _set("changes", [{"kind": "paint", "target": "x", "detail": "y"}]),
        "changes[0].kind",
        "unknown value 'paint'",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [pytest.param(m, p, msg, id=name) for name, m, p, msg in CASES],
)
def test_invalid_document_is_refused_at_its_path(
    mutate: Callable[[Doc], object], path: str, message: str
) -> None:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(mutate(_built_in()), "bad.yaml")
    error = caught.value
    assert (error.file, error.path) == ("bad.yaml", path)
    assert message in error.message
    assert str(error) == f"bad.yaml: {path}: {error.message}"


def test_there_are_at_least_ten_distinct_error_cases() -> None:
    assert len({message for *_, message in CASES}) >= 10


def test_framework_error_is_a_value_error() -> None:
    error = FrameworkError("f.yaml", "outcomes[0]", "broken")
    assert isinstance(error, ValueError)
    assert (error.file, error.path, error.message) == ("f.yaml", "outcomes[0]", "broken")
    assert str(error) == "f.yaml: outcomes[0]: broken"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\noutcomes: [a\n  b: c\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    assert caught.value.file == "broken.yaml"
    assert caught.value.path.startswith("line 3")
    assert caught.value.message.startswith("YAML syntax error")


def test_a_file_that_is_a_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- id: x\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"list.yaml: \(top level\): expected a mapping"):
        load_framework(path)
