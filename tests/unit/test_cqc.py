"""The CQC framework and cross-walk files, their checks, and the suggested score."""

from __future__ import annotations

import copy

import pytest

from hub_model.cqc import (
    CQC_DIR,
    CROSSWALK_FILE,
    Category,
    Known,
    LinkKind,
    load_cqc,
    parse_cqc,
    parse_crosswalk,
    read_yaml,
)
from hub_model.cqc_score import (
    Evidence,
    checklist_reading,
    indicator_reading,
    measure_reading,
    rating_reading,
    suggest,
)
from hub_model.framework import load_builtin
from hub_model.framework_reader import FrameworkError
from hub_model.scales import ChecklistStatus, Maturity, Rag, Rag4

PEOPLE, STAFF, PARTNERS, PROCESSES, OUTCOMES = list(Category)


def _known() -> Known:
    hub = load_builtin()
    return Known(
        {
            LinkKind.SUB_OUTCOME: frozenset(s.code for s in hub.checklist),
            LinkKind.INTERVENTION: frozenset(i.code for i in hub.interventions),
            LinkKind.INDICATOR: frozenset(
                [i.ref for i in hub.indicators]
                + [f"AV.{m.code}" for m in hub.list_items("added_value_measures")]
            ),
            LinkKind.MEASURE: frozenset(
                {
                    "carer_quality_of_life",
                    "carers_social_contact",
                    "carers_included_or_consulted",
                    "carers_find_information",
                    "carers_satisfaction",
                }
            ),
            LinkKind.QUESTIONNAIRE: frozenset(
                {"carers_survey", "partner_views", "stakeholder_views", "commissioner_priorities"}
            ),
        }
    )


@pytest.fixture(scope="module")
def crosswalk_data() -> dict:
    data = read_yaml(CQC_DIR / CROSSWALK_FILE)
    assert isinstance(data, dict)
    return data


def _parse(data: dict):
    return parse_crosswalk(data, load_cqc(), _known())


# The framework file.


def test_framework_has_four_themes_and_nine_statements_in_cqcs_order():
    fw = load_cqc()
    assert [t.name for t in fw.themes] == [
        "Working with people",
        "Providing support",
        "Ensuring safety",
        "Leadership",
    ]
    assert [s.number for s in fw.statements] == list(range(1, 10))
    assert fw.statement("safeguarding").theme == "ensuring_safety"
    assert fw.statement("assessing_needs").we_statement.startswith("We maximise")
    assert [c.code for c in fw.categories] == list(Category)
    assert fw.words(1) == "Evidence shows significant shortfalls"
    assert fw.words(4) == "Evidence shows an exceptional standard"


def test_every_fact_names_a_source_with_a_web_address():
    fw = load_cqc()
    keys = {s.key for s in fw.sources}
    for item in (*fw.themes, *fw.statements, *fw.categories, *fw.scores):
        assert item.source in keys
    assert all(s.url.startswith("http") for s in fw.sources)


def test_every_we_statement_but_governance_was_seen_in_a_stored_source():
    fw = load_cqc()
    unchecked = [s.code for s in fw.statements if not fw.source(s.we_statement_source).checked]
    assert unchecked == ["governance"]
    assert fw.statement("partnerships").we_statement_source == "trafford_appp_partnerships"
    assert fw.statement("learning").we_statement_source == "knowsley_appp_learning"
    assert fw.statement("equity").we_statement_source == "cqc_saf_equity"


def test_framework_refuses_a_statement_of_an_unknown_theme():
    data = read_yaml(CQC_DIR / "cqc_la_2023.yaml")
    assert isinstance(data, dict)
    broken = copy.deepcopy(data)
    broken["statements"][2]["theme"] = "working_with_peple"
    with pytest.raises(FrameworkError) as error:
        parse_cqc(broken)
    assert error.value.path == "statements[2].theme"


def test_framework_refuses_a_missing_score():
    data = read_yaml(CQC_DIR / "cqc_la_2023.yaml")
    assert isinstance(data, dict)
    broken = copy.deepcopy(data)
    del broken["scores"][3]
    with pytest.raises(FrameworkError, match="scores 1, 2, 3 and 4"):
        parse_cqc(broken)


# The cross-walk file.


def test_crosswalk_links_every_sub_outcome_and_intervention_with_a_reason(crosswalk_data):
    crosswalk = _parse(crosswalk_data)
    hub = load_builtin()
    assert set(crosswalk.links[LinkKind.SUB_OUTCOME]) == {s.code for s in hub.checklist}
    assert set(crosswalk.links[LinkKind.INTERVENTION]) == {i.code for i in hub.interventions}
    assert {i.ref for i in hub.indicators} <= set(crosswalk.links[LinkKind.INDICATOR])
    assert crosswalk.statements_of(LinkKind.INTERVENTION, "breaks") == (
        "care_provision",
        "healthier_lives",
    )
    assert "personal budget" in crosswalk.reason(
        LinkKind.INTERVENTION, "brokerage", "care_provision"
    )
    assert crosswalk.categories["stakeholder_views"] is STAFF
    # Every statement is informed by something.
    linked = {
        link.statement
        for kind in LinkKind
        for links in crosswalk.links[kind].values()
        for link in links
    }
    assert linked == {s.code for s in load_cqc().statements}


def test_crosswalk_refuses_an_unknown_statement(crosswalk_data):
    broken = copy.deepcopy(crosswalk_data)
    broken["interventions"][1]["statements"][0]["statement"] = "safeguardin"
    with pytest.raises(FrameworkError) as error:
        _parse(broken)
    assert error.value.path == "interventions[1].statements[0].statement"
    assert "unknown statement 'safeguardin'" in str(error.value)
    assert str(error.value).startswith("cqc_crosswalk.yaml: ")


def test_crosswalk_refuses_a_link_without_a_reason(crosswalk_data):
    broken = copy.deepcopy(crosswalk_data)
    del broken["sub_outcomes"][0]["statements"][1]["reason"]
    with pytest.raises(FrameworkError) as error:
        _parse(broken)
    assert error.value.path == "sub_outcomes[0].statements[1]"
    assert "needs a reason" in error.value.message


def test_crosswalk_refuses_a_blank_reason(crosswalk_data):
    broken = copy.deepcopy(crosswalk_data)
    broken["indicators"][0]["statements"][0]["reason"] = "  "
    with pytest.raises(FrameworkError, match="must not be blank"):
        _parse(broken)


def test_crosswalk_refuses_a_statement_linked_twice_from_one_item(crosswalk_data):
    broken = copy.deepcopy(crosswalk_data)
    links = broken["interventions"][0]["statements"]
    links.append({"statement": links[0]["statement"], "reason": "Again."})
    with pytest.raises(FrameworkError) as error:
        _parse(broken)
    assert error.value.path == f"interventions[0].statements[{len(links) - 1}].statement"
    assert "linked twice" in error.value.message


def test_crosswalk_refuses_an_item_listed_twice(crosswalk_data):
    broken = copy.deepcopy(crosswalk_data)
    broken["interventions"].append(copy.deepcopy(broken["interventions"][3]))
    with pytest.raises(FrameworkError, match="intervention 'health_wellbeing' is listed twice"):
        _parse(broken)


@pytest.mark.parametrize(
    ("kind", "key", "code", "what"),
    [
        ("sub_outcomes", "code", "9z", "Appendix A sub-outcome"),
        ("interventions", "code", "juggling", "intervention"),
        ("indicators", "ref", "A9z.1", "indicator"),
        ("measures", "code", "carers_happiness", "quality-of-life measure"),
        ("questionnaires", "id", "staff_survey", "questionnaire"),
    ],
)
def test_crosswalk_refuses_a_link_from_something_the_audit_does_not_have(
    crosswalk_data, kind, key, code, what
):
    broken = copy.deepcopy(crosswalk_data)
    broken[kind][0][key] = code
    with pytest.raises(FrameworkError) as error:
        _parse(broken)
    assert error.value.path == f"{kind}[0].{key}"
    assert error.value.message == f"unknown {what} {code!r}"


def test_crosswalk_refuses_a_questionnaire_of_an_unknown_category(crosswalk_data):
    broken = copy.deepcopy(crosswalk_data)
    broken["questionnaires"][0]["category"] = "observation"
    with pytest.raises(FrameworkError) as error:
        _parse(broken)
    assert error.value.path == "questionnaires[0].category"


# The readings and the suggested score.


@pytest.mark.parametrize(
    ("rag", "maturity", "reading"),
    [
        (Rag.RED, Maturity.ADVANCED, 1),
        (Rag.AMBER, Maturity.EARLY, 2),
        (Rag.GREEN, Maturity.INTERMEDIATE, 3),
        (Rag.GREEN, Maturity.NOT_RATED, 3),
        (Rag.GREEN, Maturity.ADVANCED, 4),
        (Rag.NOT_RATED, Maturity.ADVANCED, None),
    ],
)
def test_rating_reading(rag, maturity, reading):
    assert rating_reading(rag, maturity) == reading


def test_checklist_and_indicator_readings():
    assert [checklist_reading(s) for s in ChecklistStatus] == [3, 2, 1, None, None]
    assert [indicator_reading(r) for r in Rag4] == [1, 2, 2, 3, None]


def test_measure_reading_is_2_only_when_the_whole_interval_is_below_the_published_figure():
    assert measure_reading(7.4, 7.5) == 2
    assert measure_reading(7.5, 7.5) == 3  # the published figure within the interval
    assert measure_reading(9.0, 7.5) == 3
    assert measure_reading(None, 7.5) is None
    assert measure_reading(7.0, None) is None


def test_suggestion_is_the_weakest_link():
    evidence = [
        Evidence(PEOPLE, "Carers' survey: 40 answers"),
        Evidence(STAFF, "Stakeholder views: 12 answers"),
        Evidence(PARTNERS, "Carers Centre's return"),
        Evidence(PROCESSES, "Breaks – all carers: green, advanced", 4),
        Evidence(PROCESSES, "2b – all carers: partly in place", 2),
        Evidence(OUTCOMES, "Uptake of breaks: green", 3),
    ]
    suggestion = suggest(evidence)
    assert suggestion.score == 2
    assert suggestion.gaps == ()
    assert [e.label for e in suggestion.weakest] == ["2b – all carers: partly in place"]
    assert suggestion.why == "The lowest score read from 3 pieces of evidence; held down by:"


def test_one_gap_still_gives_a_suggestion_and_names_the_gap():
    evidence = [
        Evidence(PEOPLE, "Quality of life below the published figure", 2),
        Evidence(PARTNERS, "Return"),
        Evidence(PROCESSES, "Advocacy: red", 1),
        Evidence(OUTCOMES, "Indicator: green", 3),
    ]
    suggestion = suggest(evidence)
    assert suggestion.score == 1
    assert suggestion.gaps == (STAFF,)


def test_two_gaps_give_no_suggestion_even_with_readings():
    evidence = [
        Evidence(PEOPLE, "Survey", 3),
        Evidence(PROCESSES, "Rating", 4),
        Evidence(OUTCOMES, "Indicator", 3),
    ]
    suggestion = suggest(evidence)
    assert suggestion.score is None
    assert suggestion.gaps == (STAFF, PARTNERS)
    assert "no evidence in 2 of the 5 categories" in suggestion.why


def test_evidence_without_readings_gives_no_suggestion():
    evidence = [Evidence(category, "Something held") for category in Category]
    suggestion = suggest(evidence)
    assert suggestion.score is None
    assert suggestion.gaps == ()
    assert "none of the evidence gives a score" in suggestion.why


def test_no_evidence_at_all_lists_every_category_as_a_gap():
    suggestion = suggest([])
    assert suggestion.score is None
    assert suggestion.gaps == tuple(Category)
    assert suggestion.why == "No suggestion: no evidence in any of the 5 categories."


def test_a_reading_outside_the_scale_is_refused():
    with pytest.raises(ValueError):
        Evidence(PROCESSES, "Rating", 5)
