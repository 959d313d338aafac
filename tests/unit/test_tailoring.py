"""Tailoring returns a new framework, records what changed, and refuses bad changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hub_model.framework import (
    ChangeKind,
    Framework,
    IndicatorDefinition,
    YoungCarers,
    dump_framework,
    framework_to_dict,
    load_builtin,
    parse_framework,
)
from hub_model.scales import Polarity, Unit
from hub_model.tailoring import (
    TailoringError,
    add_carer_group,
    add_indicator,
    add_intervention,
    edit_principle,
    redefine_intervention,
    relink_intervention,
    remove_intervention,
    rename_intervention,
)

Op = Callable[[Framework], Framework]
HUB = load_builtin()


def _reload(fw: Framework) -> Framework:
    """``fw`` dumped to YAML and parsed back (libyaml's safe loader, for speed)."""
    return parse_framework(yaml.load(dump_framework(fw), Loader=yaml.CSafeLoader), "snapshot")


def _indicator(**overrides: object) -> IndicatorDefinition:
    fields: dict[str, object] = {
        "ref": "LOC1",
        "title": "Carers offered a sitting service",
        "unit": Unit.COUNT,
        "polarity": Polarity.HIGHER,
        "outcomes": ("2",),
        "sub_outcomes": ("2b",),
        "source": "Local carers' strategy",
    }
    fields.update(overrides)
    return IndicatorDefinition(**fields)  # type: ignore[arg-type]


def _check_added_intervention(fw: Framework) -> None:
    added = fw.intervention("sitting")
    assert fw.interventions[-1] is added
    assert added.local and added.young_carers is YoungCarers.NO
    assert [(lk.outcome, lk.derived) for lk in added.outcomes] == [("2", False), ("4", False)]


def _check_relinked(fw: Framework) -> None:
    links = fw.intervention("breaks").outcomes
    assert [(lk.outcome, lk.derived) for lk in links] == [("4", True), ("1", False)]
    assert links[0] == HUB.intervention("breaks").outcomes[1]
    assert links[1].reason == "Breaks let carers attend care planning"


VALID: list[tuple[str, Op, ChangeKind, str, Callable[[Framework], None], str]] = [
    (
        "add intervention",
        lambda fw: add_intervention(
            fw,
            "sitting",
            "Sitting service",
            ["2", "4"],
            "Gives carers time off",
            areas_of_work=["Home sitting"],
        ),
        ChangeKind.ADD_INTERVENTION,
        "sitting",
        _check_added_intervention,
        "Added 'Sitting service', linked to outcome(s) 2, 4: Gives carers time off",
    ),
    (
        "remove intervention",
        lambda fw: remove_intervention(fw, "brokerage"),
        ChangeKind.REMOVE_INTERVENTION,
        "brokerage",
        lambda fw: _assert(len(fw.interventions) == 16 and "brokerage" not in _codes(fw)),
        "Removed 'Brokerage'.",
    ),
    (
        "rename intervention",
        lambda fw: rename_intervention(fw, "brokerage", "  Brokerage and personal budgets "),
        ChangeKind.RENAME_INTERVENTION,
        "brokerage",
        lambda fw: _assert(fw.intervention("brokerage").name == "Brokerage and personal budgets"),
        "Renamed 'Brokerage' to 'Brokerage and personal budgets'.",
    ),
    (
        "redefine areas of work",
        lambda fw: redefine_intervention(fw, "housing", areas_of_work=["Home adaptations"]),
        ChangeKind.REDEFINE_INTERVENTION,
        "housing",
        lambda fw: _assert(fw.intervention("housing").areas_of_work == ("Home adaptations",)),
        "Redefined 'Housing support': areas of work now: Home adaptations.",
    ),
    (
        "redefine young carers flag",
        lambda fw: redefine_intervention(fw, "breaks", young_carers="partly"),
        ChangeKind.REDEFINE_INTERVENTION,
        "breaks",
        lambda fw: _assert(fw.intervention("breaks").young_carers is YoungCarers.PARTLY),
        "Redefined 'Breaks': for young carers: partly (was no).",
    ),
    (
        "relink intervention",
        lambda fw: relink_intervention(
            fw, "breaks", ["4", "1"], "Breaks let carers attend care planning"
        ),
        ChangeKind.RELINK_INTERVENTION,
        "breaks",
        _check_relinked,
        "Linked 'Breaks' to outcome(s) 4, 1 (was 2, 4, 3): Breaks let carers attend care planning",
    ),
    (
        "add top-level carer group",
        lambda fw: add_carer_group(fw, "sikh_carers", "Sikh carers", "community"),
        ChangeKind.ADD_CARER_GROUP,
        "sikh_carers",
        lambda fw: _assert(
            fw.group("sikh_carers").local and fw.group("sikh_carers").parent is None
        ),
        "Added carer group 'Sikh carers' (Commonly overlooked groups and communities).",
    ),
    (
        "add carer sub-group",
        lambda fw: add_carer_group(
            fw, "young_onset", "Young-onset dementia", "condition", "dementia"
        ),
        ChangeKind.ADD_CARER_GROUP,
        "young_onset",
        lambda fw: _assert(
            [g.code for g in fw.group_descendants("older_people")]
            == ["stroke", "dementia", "young_onset"]
        ),
        "Added carer group 'Young-onset dementia' (under 'Carers of older people with dementia').",
    ),
    (
        "add indicator",
        lambda fw: add_indicator(fw, _indicator()),
        ChangeKind.ADD_INDICATOR,
        "LOC1",
        lambda fw: _assert(fw.indicator("LOC1").local and fw.indicators[-1].ref == "LOC1"),
        "Added indicator 'LOC1': Carers offered a sitting service",
    ),
    (
        "edit principle",
        lambda fw: edit_principle(fw, "co_production", title="Working alongside carers"),
        ChangeKind.EDIT_PRINCIPLE,
        "co_production",
        lambda fw: _assert(fw.principle("co_production").title == "Working alongside carers"),
        "Edited principle 'Working alongside carers': title was 'Co-production with carers'.",
    ),
]


def _assert(condition: bool) -> None:
    assert condition


def _codes(fw: Framework) -> list[str]:
    return [i.code for i in fw.interventions]


@pytest.mark.parametrize(
    ("op", "kind", "target", "check", "detail"),
    [pytest.param(op, k, t, c, d, id=name) for name, op, k, t, c, d in VALID],
)
def test_tailoring_returns_a_new_framework_with_its_change_recorded(
    op: Op, kind: ChangeKind, target: str, check: Callable[[Framework], None], detail: str
) -> None:
    before = dump_framework(HUB)
    tailored = op(HUB)
    check(tailored)
    assert [(c.kind, c.target, c.detail) for c in tailored.changes] == [(kind, target, detail)]
    assert tailored.base_version == "carers_hub_2010@2010.1"
    assert dump_framework(HUB) == before
    assert (HUB.changes, HUB.base_version) == ((), None)


@pytest.mark.parametrize("op", [pytest.param(op, id=name) for name, op, *_ in VALID])
def test_a_tailored_framework_round_trips_with_its_history(op: Op) -> None:
    tailored = op(HUB)
    assert _reload(tailored) == tailored
    assert parse_framework(framework_to_dict(tailored), "snapshot") == tailored
    assert framework_to_dict(tailored)["changes"][0]["kind"] == tailored.changes[0].kind.value


def test_history_accumulates_and_base_version_is_set_once() -> None:
    once = rename_intervention(HUB, "breaks", "Short breaks")
    twice = remove_intervention(once, "housing")
    assert twice.base_version == "carers_hub_2010@2010.1"
    assert [c.kind for c in twice.changes] == [
        ChangeKind.RENAME_INTERVENTION,
        ChangeKind.REMOVE_INTERVENTION,
    ]
    assert once.changes == twice.changes[:1]


def test_renaming_may_change_only_the_letter_case() -> None:
    renamed = rename_intervention(HUB, "information", "INFORMATION")
    assert renamed.intervention("information").name == "INFORMATION"


def test_edited_items_are_marked_local() -> None:
    tailored = edit_principle(HUB, "co_production", description="Carers design services with us.")
    assert tailored.principle("co_production").local
    assert not tailored.principle("expert_partners").local
    assert rename_intervention(HUB, "breaks", "Short breaks").intervention("breaks").local


def test_sub_group_of_young_carers_is_flagged_young_carers() -> None:
    tailored = add_carer_group(
        HUB, "young_carers_school", "Young carers at school", "age_band", "young_carers"
    )
    assert tailored.group("young_carers_school").young_carers


INVALID: list[tuple[str, Op, str]] = [
    (
        "rename unknown intervention",
        lambda fw: rename_intervention(fw, "sitting", "Sitting"),
        "There is no intervention 'sitting'.",
    ),
    (
        "remove unknown intervention",
        lambda fw: remove_intervention(fw, "sitting"),
        "There is no intervention 'sitting'.",
    ),
    (
        "rename to blank",
        lambda fw: rename_intervention(fw, "breaks", "   "),
        "The intervention's name must not be blank.",
    ),
    (
        "rename to another's name",
        lambda fw: rename_intervention(fw, "breaks", "housing SUPPORT"),
        "There is already an intervention called 'Housing support'.",
    ),
    (
        "rename to its own name",
        lambda fw: rename_intervention(fw, "breaks", "Breaks "),
        "Nothing to change: it is already called 'Breaks'.",
    ),
    (
        "add with a duplicate code",
        lambda fw: add_intervention(fw, "breaks", "More breaks", ["2"], "Why not"),
        "Another intervention already has the code 'breaks'.",
    ),
    (
        "add with a code that is not a slug",
        lambda fw: add_intervention(fw, "Sitting Service", "Sitting", ["2"], "Time off"),
        "The intervention code 'Sitting Service' must be lower-case letters, digits and"
        " underscores.",
    ),
    (
        "add linked to an unknown outcome",
        lambda fw: add_intervention(fw, "sitting", "Sitting", ["6"], "Time off"),
        "There is no outcome '6' (there are: 1, 2, 3, 4, 5).",
    ),
    (
        "add without a reason for its links",
        lambda fw: add_intervention(fw, "sitting", "Sitting", ["2"], ""),
        "The reason must not be blank.",
    ),
    (
        "relink to nothing",
        lambda fw: relink_intervention(fw, "breaks", [], "None"),
        "Link it to at least one outcome.",
    ),
    (
        "relink to the same outcomes",
        lambda fw: relink_intervention(fw, "breaks", ["2", "4", "3"], "Same"),
        "'Breaks' is already linked to exactly those outcomes.",
    ),
    (
        "relink an outcome twice",
        lambda fw: relink_intervention(fw, "breaks", ["2", "2"], "Twice"),
        "Each outcome can be linked only once.",
    ),
    (
        "redefine with nothing new",
        lambda fw: redefine_intervention(fw, "breaks", young_carers="no"),
        "Nothing to change: 'Breaks' already has those areas of work and flag.",
    ),
    (
        "redefine with a bad young carers flag",
        lambda fw: redefine_intervention(fw, "breaks", young_carers="mostly"),
        "For young carers must be one of no, partly, wholly, not 'mostly'.",
    ),
    (
        "redefine with a blank area of work",
        lambda fw: redefine_intervention(fw, "breaks", areas_of_work=["Respite", ""]),
        "An area of work must not be blank.",
    ),
    (
        "group in an unknown dimension",
        lambda fw: add_carer_group(fw, "rich", "Rich carers", "wealth"),
        "There is no dimension 'wealth' (there are: condition, age_band, community).",
    ),
    (
        "group under an unknown parent",
        lambda fw: add_carer_group(fw, "x", "X", "condition", "ghosts"),
        "There is no carer group 'ghosts'.",
    ),
    (
        "group under a parent in another dimension",
        lambda fw: add_carer_group(fw, "x", "X", "community", "dementia"),
        "'Carers of older people with dementia' is not in dimension 'community'.",
    ),
    (
        "group with a duplicate code",
        lambda fw: add_carer_group(fw, "dementia", "Dementia again", "condition"),
        "Another carer group already has the code 'dementia'.",
    ),
    (
        "group with an empty name",
        lambda fw: add_carer_group(fw, "x", "", "condition"),
        "The group's name must not be blank.",
    ),
    (
        "indicator with a duplicate ref",
        lambda fw: add_indicator(fw, _indicator(ref="NI135")),
        "There is already an indicator 'NI135'.",
    ),
    (
        "indicator for an unknown sub-outcome",
        lambda fw: add_indicator(fw, _indicator(sub_outcomes=("2z",))),
        "There is no sub-outcome '2z'.",
    ),
    (
        "indicator missing its sub-outcome's outcome",
        lambda fw: add_indicator(fw, _indicator(outcomes=("1",))),
        "Sub-outcome '2b' is under outcome '2': serve that outcome too.",
    ),
    (
        "indicator with an unknown unit",
        lambda fw: add_indicator(fw, _indicator(unit="furlongs")),
        "The unit must be one of percentage, rate_per_100000, count, average, other,"
        " not 'furlongs'.",
    ),
    (
        "edit unknown principle",
        lambda fw: edit_principle(fw, "thrift", title="Thrift"),
        "There is no principle 'thrift'.",
    ),
    (
        "edit principle to the same words",
        lambda fw: edit_principle(fw, "co_production", title="Co-production with carers"),
        "Nothing to change: 'Co-production with carers' already reads that way.",
    ),
]


@pytest.mark.parametrize(
    ("op", "message"), [pytest.param(op, msg, id=name) for name, op, msg in INVALID]
)
def test_invalid_tailoring_is_refused_with_a_clear_message(op: Op, message: str) -> None:
    with pytest.raises(TailoringError) as caught:
        op(HUB)
    assert str(caught.value) == message
    assert HUB.changes == ()


def test_tailoring_error_is_a_value_error() -> None:
    assert issubclass(TailoringError, ValueError)


_names = st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != "")


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([i.code for i in HUB.interventions]), _names),
        min_size=1,
        max_size=6,
    )
)
def test_any_sequence_of_valid_renames_round_trips(renames: list[tuple[str, str]]) -> None:
    fw = HUB
    for n, (code, name) in enumerate(renames):
        fw = rename_intervention(fw, code, f"{name} #{n}")  # the suffix keeps names unique
    assert len(fw.changes) == len(renames)
    assert all(c.kind is ChangeKind.RENAME_INTERVENTION for c in fw.changes)
    last = {code: f"{name} #{n}".strip() for n, (code, name) in enumerate(renames)}
    assert {code: fw.intervention(code).name for code in last} == last
    assert _reload(fw) == fw
    assert HUB.changes == ()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([g.code for g in HUB.carer_groups]), min_size=1, max_size=5))
def test_added_sub_groups_stay_in_the_hierarchy(parents: list[str]) -> None:
    fw = HUB
    for n, parent in enumerate(parents):
        fw = add_carer_group(
            fw, f"local_{n}", f"Local group {n}", fw.group(parent).dimension, parent
        )
    flat = fw.groups_flat()
    assert len(flat) == len(fw.carer_groups)
    for n, parent in enumerate(parents):
        assert fw.group(f"local_{n}") in fw.group_descendants(parent)
    assert parse_framework(framework_to_dict(fw), "snapshot") == fw
