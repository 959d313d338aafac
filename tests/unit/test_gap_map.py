"""The gap map against the national outcomes, on a small hand-built audit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub_model.checklist import ChecklistCell
from hub_model.framework import load_builtin
from hub_model.framework_inspection import GradeDescriptor
from hub_model.gap_map import (
    RULES,
    CellKind,
    GapMapInput,
    GapState,
    PlanAction,
    checklist_gap,
    gap_map,
)
from hub_model.scales import ChecklistStatus, Maturity, Rag

R, A, G, N = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED
IN, PART, OUT, UNKNOWN, NA = (
    ChecklistStatus.IN_PLACE,
    ChecklistStatus.PARTLY,
    ChecklistStatus.NOT_IN_PLACE,
    ChecklistStatus.NOT_KNOWN,
    ChecklistStatus.NOT_RATED,
)
GROUPS = ("dementia", "stroke", "bme")
DESCRIPTOR = GradeDescriptor("O6", "adequate", "Carers are supported to maintain employment.")


def _audit(**changes: object) -> GapMapInput:
    """Two outcomes; breaks and info serve outcome 2, money serves outcome 3."""
    values: dict[str, object] = {
        "sub_outcomes": {"2": ("2a", "2b"), "3": ("3a",)},
        "links": {"2": ("breaks", "info"), "3": ("money", "unknown_intervention")},
        "interventions": ("breaks", "info", "money"),
        "groups": GROUPS,
        "rag": {
            ("breaks", "dementia"): G,
            ("breaks", "stroke"): R,
            ("breaks", "bme"): N,
            ("info", "dementia"): A,
            ("info", "stroke"): G,
            ("money", "dementia"): R,
            ("money", "stroke"): R,
        },
        "maturity": {
            ("breaks", "dementia"): Maturity.ADVANCED,
            ("breaks", "stroke"): Maturity.EARLY,
            ("info", "dementia"): Maturity.INTERMEDIATE,
        },
        "checklist": {
            ("2a", "dementia"): ChecklistCell(IN, G),
            ("2a", "stroke"): ChecklistCell(OUT, A),
            ("2a", "bme"): ChecklistCell(UNKNOWN, N),
            ("2b", "dementia"): ChecklistCell(PART, R),
            ("3a", "dementia"): ChecklistCell(IN, A),
        },
        "rating_evidence": {("breaks", "stroke"): ("7", "9"), ("money", "dementia"): ("3",)},
        "checklist_evidence": {("2a", "stroke"): ("11",)},
        "actions": (
            PlanAction("a1", interventions=("breaks",), groups=("stroke",)),
            PlanAction("a2", interventions=("money",)),
            PlanAction("a3", sub_outcomes=("2a",), groups=("dementia",)),
            PlanAction("a4", sub_outcomes=("2a",), groups=("stroke", "bme")),
        ),
        "descriptors": {"3": (DESCRIPTOR,), "2": ()},
    }
    values.update(changes)
    return GapMapInput(**values)  # type: ignore[arg-type]


def _gap(outcome: str, kind: CellKind, row: str, group: str):  # type: ignore[no-untyped-def]
    found = gap_map(_audit()).outcome(outcome)
    matches = [g for g in found.gaps if (g.kind, g.row, g.group) == (kind, row, group)]
    assert len(matches) <= 1
    return matches[0] if matches else None


def test_linked_interventions_summarise_by_their_weakest_rated_group() -> None:
    two = gap_map(_audit()).outcome("2")
    assert two.rag["breaks"].grade is R  # green, red, not rated: the red counts
    assert two.rag["breaks"].spread == {R: 1, A: 0, G: 1, N: 1}
    assert two.rag["info"].grade is A  # amber, green, bme missing = not rated
    assert two.rag["info"].not_rated == 1
    assert two.maturity["breaks"].grade is Maturity.EARLY
    assert two.maturity["info"].grade is Maturity.INTERMEDIATE


def test_outcome_shows_checklist_and_intervention_views_side_by_side() -> None:
    two = gap_map(_audit()).outcome("2")
    # The checklist's own judgement: weakest judged cell across 2a, 2b and every group.
    assert two.view.checklist.overall.status.grade is OUT
    assert two.view.checklist.overall.indicator.grade is R
    assert two.view.checklist.by_sub_outcome["2a"].status.grade is OUT
    assert two.view.checklist.by_sub_outcome["2b"].status.spread[NA] == 2
    # Beside it, the spread of the linked interventions' summaries.
    assert two.view.interventions.spread == {R: 1, A: 1, G: 0, N: 0}
    assert two.view.red == ("breaks",)


def test_not_rated_is_never_red() -> None:
    two = gap_map(_audit()).outcome("2")
    unrated = _gap("2", CellKind.INTERVENTION, "breaks", "bme")
    assert unrated is not None and unrated.state is GapState.NOT_RATED
    assert unrated.why == "Not rated"
    assert unrated not in two.red
    assert all(g.state is GapState.RED for g in two.red)
    # A missing cell (info for bme) is not rated too, never red.
    missing = _gap("2", CellKind.INTERVENTION, "info", "bme")
    assert missing is not None and missing.state is GapState.NOT_RATED
    # "Not known" with no indicator is a judgement, neither red nor unrated.
    assert _gap("2", CellKind.CHECKLIST, "2a", "bme") is None


def test_red_cells_are_named_with_their_evidence_and_actions() -> None:
    breaks = _gap("2", CellKind.INTERVENTION, "breaks", "stroke")
    assert breaks is not None
    assert (breaks.state, breaks.evidence, breaks.actions) == (GapState.RED, ("7", "9"), ("a1",))
    not_in_place = _gap("2", CellKind.CHECKLIST, "2a", "stroke")
    assert not_in_place is not None
    assert not_in_place.state is GapState.RED
    assert not_in_place.why == "Services not in place"
    assert not_in_place.evidence == ("11",)
    assert not_in_place.actions == ("a4",)  # a3 is for dementia only
    indicator_red = _gap("2", CellKind.CHECKLIST, "2b", "dementia")
    assert indicator_red is not None and indicator_red.why == "Outcome indicator red"
    assert indicator_red.actions == ()


def test_an_action_naming_no_group_addresses_every_group() -> None:
    three = gap_map(_audit()).outcome("3")
    money = {g.group: g.actions for g in three.red if g.row == "money"}
    assert money == {"dementia": ("a2",), "stroke": ("a2",)}
    assert _gap("3", CellKind.INTERVENTION, "money", "bme").actions == ("a2",)  # type: ignore[union-attr]


def test_green_and_amber_cells_are_not_gaps() -> None:
    assert _gap("2", CellKind.INTERVENTION, "breaks", "dementia") is None
    assert _gap("2", CellKind.INTERVENTION, "info", "stroke") is None
    assert _gap("2", CellKind.CHECKLIST, "2a", "dementia") is None


def test_unaddressed_gaps_are_the_red_ones_without_an_action() -> None:
    two = gap_map(_audit()).outcome("2")
    assert [(g.row, g.group) for g in two.unaddressed] == [("2b", "dementia")]


def test_groups_not_reached_overall_and_per_outcome() -> None:
    result = gap_map(_audit())
    assert result.unreached == ("bme",)
    assert result.reached_by["dementia"] == ("breaks", "info")
    assert result.outcome("2").unreached == ("bme",)
    # Only money serves outcome 3, and it is red everywhere it is rated.
    assert result.outcome("3").unreached == GROUPS


def test_descriptors_are_touched_only_by_outcomes_with_gaps() -> None:
    result = gap_map(_audit())
    assert result.outcome("3").descriptors == (DESCRIPTOR,)
    everything_green = _audit(
        rag={(i, g): G for i in ("breaks", "info", "money") for g in GROUPS},
        checklist={(s, g): ChecklistCell(IN, G) for s in ("2a", "2b", "3a") for g in GROUPS},
    )
    calm = gap_map(everything_green)
    assert calm.outcome("3").gaps == ()
    assert calm.outcome("3").descriptors == ()
    assert calm.unreached == ()


def test_unknown_linked_interventions_are_ignored() -> None:
    three = gap_map(_audit()).outcome("3")
    assert list(three.rag) == ["money"]
    assert {g.row for g in three.gaps if g.kind is CellKind.INTERVENTION} == {"money"}


def test_every_rule_is_stated_in_words() -> None:
    result = gap_map(_audit())
    assert result.rules == RULES
    assert any("never count as red" in rule for rule in result.rules)
    assert any("weakest rated carer group" in rule for rule in result.rules)


def test_the_builtin_framework_gives_every_adult_outcome_a_row() -> None:
    framework = load_builtin()
    adult = [o.code for o in framework.adult_outcomes()]
    data = GapMapInput(
        sub_outcomes={o: [s.code for s in framework.sub_outcomes_for(o)] for o in adult},
        links={o: [i.code for i in framework.interventions_for(o)] for o in adult},
        interventions=[i.code for i in framework.interventions],
        groups=["dementia"],
        rag={},
        maturity={},
        checklist={},
        descriptors={o: framework.inspection.grades_for(o) for o in adult},
    )
    result = gap_map(data)
    assert [o.outcome for o in result.outcomes] == adult
    for outcome in result.outcomes:
        assert outcome.red == ()  # nothing judged: nothing is red
        assert outcome.not_rated  # but everything is unknown
        assert outcome.descriptors == framework.inspection.grades_for(outcome.outcome)


CELLS = st.builds(ChecklistCell, st.sampled_from(list(ChecklistStatus)), st.sampled_from(list(Rag)))


@given(CELLS)
def test_a_checklist_cell_is_red_only_for_not_in_place_or_a_red_indicator(
    cell: ChecklistCell,
) -> None:
    found = checklist_gap(cell)
    is_red = cell.status is OUT or cell.indicator is R
    assert (found is not None and found[0] is GapState.RED) == is_red


@given(st.dictionaries(st.sampled_from(GROUPS), st.sampled_from(list(Rag))))
def test_red_gaps_match_red_cells_exactly(row: dict[str, Rag]) -> None:
    result = gap_map(_audit(rag={("info", g): grade for g, grade in row.items()}))
    red = {g.group for g in result.outcome("2").red if g.row == "info"}
    assert red == {g for g, grade in row.items() if grade is R}
    unrated = {g.group for g in result.outcome("2").not_rated if g.row == "info"}
    assert unrated == {g for g in GROUPS if row.get(g, N) is N}


INTERVENTIONS = ("breaks", "info", "money")
OUTCOMES = ("1", "2", "3", "4")


@given(
    links=st.fixed_dictionaries(
        {o: st.lists(st.sampled_from(INTERVENTIONS), unique=True) for o in OUTCOMES}
    ),
    rag=st.dictionaries(
        st.tuples(st.sampled_from(INTERVENTIONS), st.sampled_from(GROUPS)),
        st.sampled_from(list(Rag)),
    ),
    addressed=st.sets(st.sampled_from(INTERVENTIONS)),
)
def test_headline_counts_are_distinct_intervention_group_cells_whatever_the_links(
    links: dict[str, list[str]], rag: dict[tuple[str, str], Rag], addressed: set[str]
) -> None:
    """However many outcomes an intervention serves, each (intervention, group) counts once."""
    data = GapMapInput(
        sub_outcomes={o: () for o in OUTCOMES},
        links=links,
        interventions=INTERVENTIONS,
        groups=GROUPS,
        rag=rag,
        maturity={},
        checklist={},
        actions=[PlanAction(f"a-{code}", interventions=(code,)) for code in sorted(addressed)],
    )
    linked = {code for codes in links.values() for code in codes}
    cells = {(i, g): rag.get((i, g), Rag.NOT_RATED) for i in linked for g in GROUPS}
    red = {cell for cell, grade in cells.items() if grade is Rag.RED}
    counts = gap_map(data).counts()
    assert counts.red == len(red)
    assert counts.unaddressed == len({cell for cell in red if cell[0] not in addressed})
    assert counts.not_rated == sum(1 for grade in cells.values() if grade is Rag.NOT_RATED)
