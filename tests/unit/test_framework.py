"""The built-in Carers' Hub framework is faithful to seed 003, and round-trips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hub_model.framework import (
    REQUIRED_SCALES,
    Framework,
    ReferenceKind,
    YoungCarers,
    builtin_frameworks,
    dump_framework,
    framework_to_dict,
    load_builtin,
    load_framework,
    parse_framework,
)
from hub_model.scales import Polarity, Unit

HUB_HEADINGS = [
    "Emotional support & counselling",
    "Brokerage",
    "Advocacy",
    "Access to health & well being services",
    "Caring support & training",
    "Information",
    "Carers shaping policy & services",
    "Whole-family support",
    "Education and 1:1 support",
    "Activities & clubs",
    "Changes & transitions",
    "Emergency support",
    "Breaks",
    "Peer and community support",
    "Access to benefits & financial support",
    "Access to work/ training",
    "Housing support",
]


@pytest.fixture(scope="module")
def hub() -> Framework:
    return load_builtin()


def test_builtin_loads_with_its_header(hub: Framework) -> None:
    assert (hub.id, hub.version) == ("carers_hub_2010", "2010.1")
    assert "Commissioning Better Outcomes for Carers" in hub.source
    assert hub.base_version is None
    assert hub.changes == ()


def test_builtin_frameworks_lists_the_carers_hub(hub: Framework) -> None:
    assert ("carers_hub_2010", hub.title) in builtin_frameworks()


def test_load_builtin_is_cached() -> None:
    assert load_builtin() is load_builtin("carers_hub_2010")


def test_unknown_builtin_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no built-in framework '../secrets'"):
        load_builtin("../secrets")


def test_hub_has_the_17_headings_of_section_5_2_in_order(hub: Framework) -> None:
    assert [i.name for i in hub.interventions] == HUB_HEADINGS


def test_five_outcomes_the_fifth_for_young_carers(hub: Framework) -> None:
    assert [o.code for o in hub.outcomes] == ["1", "2", "3", "4", "5"]
    assert [o.young_carers for o in hub.outcomes] == [False, False, False, False, True]
    assert [o.code for o in hub.adult_outcomes()] == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("2", "Carers will be able to have a life of their own alongside their caring role"),
        (
            "4",
            "Carers will be supported to stay mentally and physically well"
            " and treated with dignity",
        ),
    ],
)
def test_outcome_titles_are_the_strategys_words(hub: Framework, code: str, title: str) -> None:
    assert hub.outcome(code).title == title


def test_outcome_1_is_the_whole_strategy_statement(hub: Framework) -> None:
    title = hub.outcome("1").title
    assert title.startswith("Carers will be respected as expert care partners")
    assert title.endswith("to support them in their caring role")


@pytest.mark.parametrize(
    ("code", "flag"),
    [
        ("activities_clubs", YoungCarers.WHOLLY),
        ("whole_family", YoungCarers.PARTLY),
        ("education_one_to_one", YoungCarers.PARTLY),
        ("breaks", YoungCarers.NO),
        ("housing", YoungCarers.NO),
    ],
)
def test_young_carers_flag_per_intervention(hub: Framework, code: str, flag: YoungCarers) -> None:
    assert hub.intervention(code).young_carers is flag


def test_only_three_interventions_touch_young_carers(hub: Framework) -> None:
    touched = [i.code for i in hub.interventions if i.young_carers is not YoungCarers.NO]
    assert touched == ["whole_family", "education_one_to_one", "activities_clubs"]


def test_every_intervention_link_is_derived_with_a_reason(hub: Framework) -> None:
    for intervention in hub.interventions:
        assert intervention.outcomes, intervention.code
        for link in intervention.outcomes:
            assert link.derived
            assert link.reason.strip()


def test_every_outcome_has_interventions(hub: Framework) -> None:
    for outcome in hub.outcomes:
        assert hub.interventions_for(outcome.code), outcome.code


def test_activities_and_clubs_serve_only_the_young_carers_outcome(hub: Framework) -> None:
    assert hub.intervention("activities_clubs").outcome_codes == ("5",)
    assert hub.intervention("benefits_financial") in hub.interventions_for("3")


def test_every_intervention_has_areas_of_work_citing_5_2(hub: Framework) -> None:
    for intervention in hub.interventions:
        assert intervention.areas_of_work
        assert intervention.source == "§5.2"


def test_principles_are_the_five_the_text_states_all_derived(hub: Framework) -> None:
    assert [p.title for p in hub.principles] == [
        "Carers as expert care partners",
        "Personalised support",
        "Inclusion of overlooked groups",
        "Carer-friendly commissioning across all services",
        "Co-production with carers",
    ]
    assert all(p.derived and "§" in p.source for p in hub.principles)


def test_checklist_has_the_ten_sub_outcomes(hub: Framework) -> None:
    codes = [(s.code, s.outcome) for s in hub.checklist]
    assert codes == [
        ("1a", "1"),
        ("1b", "1"),
        ("1c", "1"),
        ("2a", "2"),
        ("2b", "2"),
        ("2c", "2"),
        ("3a", "3"),
        ("3b", "3"),
        ("4a", "4"),
        ("4b", "4"),
    ]
    assert hub.sub_outcomes_for("5") == ()


def test_outcome_1_rows_are_noted_as_lettered_by_us(hub: Framework) -> None:
    for sub in hub.sub_outcomes_for("1"):
        assert sub.note is not None and "Unlettered" in sub.note


def test_checklist_keeps_the_seeds_wording(hub: Framework) -> None:
    assert hub.sub_outcome("1c").indicator == (
        "Carers are recognised by all services as expert care partners."
    )
    assert "NI135 returns." in hub.sub_outcome("1b").statistical_returns
    assert hub.sub_outcome("3b").services == (
        "Advice services relating to benefits and financial issues.",
    )


def test_2a_services_are_an_overlap_with_1b(hub: Framework) -> None:
    sub = hub.sub_outcome("2a")
    assert sub.services == ()
    assert [r.sub_outcome for r in sub.cross_references] == ["1b"]
    assert "Overlap with 1b" in sub.cross_references[0].note


def test_appendix_b_table_1_codes_as_printed(hub: Framework) -> None:
    table = {
        c.code: ([d.code for d in c.carers_outcomes], [d.code for d in c.area_outcomes])
        for c in hub.inspection.categories
    }
    assert table == {
        "community_capacity_building": (["O7 PC"], ["O3 PC", "D9", "O3"]),
        "universal_offer": (["O2", "O6", "O6 PC"], ["O3"]),
        "assessment_brokerage_advocacy": (["O4", "O5", "O7", "D9"], ["D9"]),
        "support": (["O2", "O2"], ["O1"]),
    }


def test_descriptor_code_parts(hub: Framework) -> None:
    first = hub.inspection.category("community_capacity_building").carers_outcomes[0]
    assert (first.reference, first.performance_characteristic) == ("O7", True)
    assert "treated as experts and care partners" in first.text


def test_appendix_b_table_2_codes_and_levels_as_printed(hub: Framework) -> None:
    grades = hub.inspection.grades_for("1")
    assert [(g.code, g.level) for g in grades][:2] == [
        ("O7.4", "adequate"),
        ("O2", "performing well"),
    ]
    assert len(grades) == 9
    assert [len(hub.inspection.grades_for(o.code)) for o in hub.outcomes] == [9, 4, 7, 6, 2]


def test_table_2_keeps_the_descriptor_printed_without_code(hub: Framework) -> None:
    first = hub.inspection.grades_for("2")[0]
    assert (first.code, first.level) == (None, None)
    assert first.text.startswith("People who use services and carers feel support")


def test_table_2_unlinked_descriptors(hub: Framework) -> None:
    unlinked = [(g.code, g.level) for g in hub.inspection.unlinked]
    assert unlinked == [
        ("O3", "performing well"),
        ("O3", "performing well"),
        ("D9", "adequate"),
        ("D9.2", "performing well"),
    ]
    assert hub.inspection.unlinked[3].reference == "D9"


def test_d8_is_named_but_has_no_descriptor(hub: Framework) -> None:
    missing = hub.inspection.references_without_descriptor()
    assert [(r.code, r.kind) for r in missing] == [("D8", ReferenceKind.DOMAIN)]
    assert missing[0].note is not None


def test_performing_excellently_is_a_level_without_descriptors(hub: Framework) -> None:
    ins = hub.inspection
    assert ins.grade_levels == ("adequate", "performing well", "performing excellently")
    levels = {g.level for group in ins.grades for g in group.descriptors} | {
        g.level for g in ins.unlinked
    }
    assert "performing excellently" not in levels


def test_outcome_4_grades_note_the_descriptors_not_listed(hub: Framework) -> None:
    note = hub.inspection.grades[3].note
    assert note is not None and "care home admissions" in note


def test_support_pathway_elements_match_table_1(hub: Framework) -> None:
    elements = [i.code for i in hub.list_items("support_pathway_elements")]
    assert elements == [c.code for c in hub.inspection.categories]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("added_value_measures", 5),
        ("kinds_of_change", 7),
        ("commissioning_routes", 4),
        ("quality_marks", 4),
        ("support_pathway_elements", 4),
        ("funding_modes", 2),
    ],
)
def test_list_sizes(hub: Framework, name: str, count: int) -> None:
    assert len(hub.list_items(name)) == count


def test_quality_marks_and_routes(hub: Framework) -> None:
    assert [i.label for i in hub.list_items("quality_marks")][:2] == ["PQASSO", "CROQUET"]
    assert [i.code for i in hub.list_items("commissioning_routes")] == [
        "open_tender",
        "closed_tender",
        "grant_giving",
        "personal_budgets",
    ]
    assert [i.code for i in hub.list_items("kinds_of_change")][-2:] == [
        "commission",
        "decommission",
    ]


def test_carer_groups_hierarchy(hub: Framework) -> None:
    assert [d.code for d in hub.dimensions] == ["condition", "age_band", "community"]
    assert [g.code for g in hub.group_descendants("older_people")] == ["stroke", "dementia"]
    assert hub.group("dementia").parent == "older_people"
    assert hub.group("distance_carers").dimension == "community"
    assert hub.group("young_carers").young_carers


def test_groups_flat_is_depth_first_with_depth(hub: Framework) -> None:
    flat = [(g.code, depth) for g, depth in hub.groups_flat()]
    assert flat[:4] == [
        ("older_people", 0),
        ("stroke", 1),
        ("dementia", 1),
        ("physical_disability", 0),
    ]
    assert len(flat) == len(hub.carer_groups)
    assert [g.code for g in hub.children_of(None)][:2] == ["older_people", "physical_disability"]


def test_group_codes_are_unique_across_dimensions(hub: Framework) -> None:
    codes = [g.code for g in hub.carer_groups]
    assert len(codes) == len(set(codes)) == 17


def test_stakeholder_types_and_subtypes(hub: Framework) -> None:
    subtypes = {t.code: [s.code for s in t.subtypes] for t in hub.stakeholder_types}
    assert list(subtypes) == ["carers", "providers", "decision_makers"]
    assert "mutual_carer" in subtypes["carers"]
    assert len(subtypes["providers"]) == len(subtypes["decision_makers"]) == 4


def test_ni135_is_defined_from_seed_000(hub: Framework) -> None:
    ni135 = hub.indicator("NI135")
    assert (ni135.unit, ni135.polarity) == (Unit.PERCENTAGE, Polarity.HIGHER)
    assert "community-based service" in ni135.title
    assert (ni135.outcomes, ni135.sub_outcomes) == (("1",), ("1b",))


def test_every_statistical_return_has_an_indicator_and_every_indicator_a_return(
    hub: Framework,
) -> None:
    returns = {r for sub in hub.checklist for r in sub.statistical_returns}
    defined = [d.statistical_return for d in hub.indicators]
    assert set(defined) == returns
    # Two returns name two measures each, and have an indicator for each half.
    twice = sorted(r for r in returns if defined.count(r) > 1)
    assert twice == [
        "Council/ NHS employees' flexible working requests and proportion agreed.",
        "Uptake of (satisfaction with) breaks services amongst range of carer groups.",
    ]


def test_complaints_have_no_polarity(hub: Framework) -> None:
    assert hub.indicator("A1b.5").polarity is Polarity.NONE


@pytest.mark.parametrize("code", list(REQUIRED_SCALES))
def test_each_scale_lists_its_enum_and_not_rated(hub: Framework, code: str) -> None:
    scale = hub.scale(code)
    assert {level.code for level in scale.levels} == {m.value for m in REQUIRED_SCALES[code]}
    assert scale.level("not_rated").label


def test_rag_and_maturity_carry_the_papers_meanings(hub: Framework) -> None:
    assert "many needs remain unmet" in hub.scale("rag").level("red").meaning
    assert "robust processes" in hub.scale("rag").level("green").meaning
    assert hub.scale("maturity").level("early").meaning.startswith("Little evidence of change")


def test_progress_scale_has_seed_002s_meanings(hub: Framework) -> None:
    meanings = {level.code: level.meaning for level in hub.scale("progress").levels}
    assert meanings["green_amber"] == "Delayed, low impact."
    assert meanings["red_amber"] == "Delayed, medium impact."
    assert meanings["red"] == "Risk of not delivering, or high impact."


@pytest.mark.parametrize(
    ("lookup", "code"),
    [
        ("intervention", "sitting"),
        ("outcome", "6"),
        ("group", "martians"),
        ("sub_outcome", "5a"),
        ("indicator", "NI999"),
        ("scale", "stars"),
        ("list_items", "colours"),
        ("principle", "thrift"),
        ("stakeholder_type", "press"),
        ("group_descendants", "nobody"),
    ],
)
def test_lookups_of_unknown_codes_raise_key_error(hub: Framework, lookup: str, code: str) -> None:
    with pytest.raises(KeyError, match=code):
        getattr(hub, lookup)(code)


def test_dump_and_parse_round_trip(hub: Framework) -> None:
    assert parse_framework(yaml.safe_load(dump_framework(hub)), "dumped") == hub


def test_to_dict_and_parse_round_trip(hub: Framework) -> None:
    assert parse_framework(framework_to_dict(hub), "dict") == hub


def test_to_dict_is_json_and_survives_it(hub: Framework) -> None:
    data = json.loads(json.dumps(framework_to_dict(hub)))
    assert parse_framework(data, "json") == hub


def test_to_dict_has_the_yaml_shape(hub: Framework) -> None:
    source = Path(__file__).parents[2] / "hub_model" / "frameworks" / "carers_hub_2010.yaml"
    assert framework_to_dict(hub) == yaml.safe_load(source.read_text(encoding="utf-8"))


def test_frameworks_hash_and_compare_by_value(hub: Framework) -> None:
    again = parse_framework(framework_to_dict(hub), "again")
    assert again is not hub
    assert hash(again) == hash(hub)


def test_load_framework_reads_a_copy_from_any_path(hub: Framework, tmp_path: Path) -> None:
    path = tmp_path / "local.yaml"
    path.write_text(dump_framework(hub), encoding="utf-8")
    assert load_framework(path) == hub


def test_importing_the_framework_pulls_in_no_web_stack() -> None:
    code = (
        "import sys, hub_model.framework, hub_model.tailoring; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'audit_app', 'flask_sqlalchemy'}))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
