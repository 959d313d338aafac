"""The built-in framework says what seed 003 says, word for word, both ways.

Every outcome title, Hub heading and area of work (§5.2), Appendix A row (outcome
indicator, services to look for, statistical returns) and Appendix B descriptor
with its code and level is found in the seed, and every such item of the seed is
found in the framework. Only markup, bullets, curly quotes, whitespace and a
list item's closing full stop are normalised (tests/unit/seed_003.py). What the
seed does not state (an indicator's unit and polarity, its short title) is pinned
in :data:`CATALOGUE` with the reason from the seed.

test_framework_mutations.py proves the check: each kind of corruption, applied
to a copy of the YAML at every place it can go, is caught.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.unit.seed_003 import Descriptor, Seed, read_seed, same

FRAMEWORK = Path(__file__).parents[2] / "hub_model" / "frameworks" / "carers_hub_2010.yaml"

# (where, text) -> why the framework may differ from the seed there. Empty since
# issue 17: the rewordings it found ("Access to work/training", the areas of work
# in our own words, the dropped halves of two returns) were put back to the seed's words.
DEVIATIONS: dict[tuple[str, str], str] = {}

# Appendix A names each return; the paper never says how it is counted or which way
# is better. Our reading, one row per catalogue indicator: ref -> title, unit,
# polarity, why.
CATALOGUE: dict[str, tuple[str, str, str, str]] = {
    "NI135": (
        "Carers receiving a service or advice and information as a % of people receiving"
        " a community-based service in the year",
        "percentage",
        "higher",
        "National Indicator 135 is defined as this percentage; §7.3 counts reaching more carers as progress.",
    ),
    "A1a.1": (
        "Evidence of carers' views and their influence on local decisions",
        "other",
        "none",
        "Evidence from surveys and focus groups is read, not counted (1a).",
    ),
    "A1b.1": (
        "New carers identified in the year",
        "count",
        "higher",
        '"Numbers of" a year; §8.2 wants more carers identified.',
    ),
    "A1b.2": (
        "Carers provided with a support plan",
        "count",
        "higher",
        '"Number of carers"; a support plan is 1b\'s aim.',
    ),
    "A1b.3": (
        "Carers accessing carer training",
        "count",
        "higher",
        '"Numbers accessing"; training is 1b\'s service.',
    ),
    "A1b.4": (
        "Adults able to live independently according to their wishes",
        "count",
        "higher",
        '"Numbers of adults" living as they wish.',
    ),
    "A1b.5": (
        "Carers' complaints and their outcomes",
        "count",
        "none",
        '"Records of" complaints: more may mean a worse service or a better way to complain.',
    ),
    "A1c.1": (
        "Carers identified by health, social care, leisure, housing and education services",
        "count",
        "higher",
        '"Numbers of carers" identified; 1c wants every service to recognise carers.',
    ),
    "A1c.2": (
        "Carer uptake of personal budgets",
        "count",
        "higher",
        "Uptake counted; outcome 1 asks for personalised services.",
    ),
    "A1c.3": (
        "Personal budget uptake of people who have a carer",
        "percentage",
        "higher",
        "Uptake among a group (those who have a carer) is a share of it.",
    ),
    "A1c.4": (
        "Professionals trained on carers",
        "count",
        "higher",
        '"Numbers of professionals trained".',
    ),
    "A1c.5": (
        "Carers given a support plan during their relative's hospital discharge",
        "count",
        "higher",
        '"Numbers of carers given support plan".',
    ),
    "A2a.1": (
        "Carers accessing emotional support and counselling services",
        "count",
        "higher",
        "Carers accessing a service, counted; 2a wants a life alongside caring.",
    ),
    "A2b.1": (
        "Uptake of breaks services amongst range of carer groups",
        "count",
        "higher",
        'The uptake half of "Uptake of (satisfaction with)": carers using breaks, counted.',
    ),
    "A2b.2": (
        "Breaks offered as a personal budget",
        "percentage",
        "higher",
        '"Proportion of breaks"; 2b wants personalised breaks.',
    ),
    "A2b.3": (
        "Carer uptake and use of leisure services",
        "count",
        "higher",
        '"Carer uptake/ use", counted.',
    ),
    "A2b.4": (
        "Satisfaction with breaks services amongst range of carer groups",
        "percentage",
        "higher",
        'The bracketed half of "Uptake of (satisfaction with)": the share satisfied.',
    ),
    "A2c.1": (
        "End of life care that takes place at home",
        "percentage",
        "higher",
        '"Proportion of end of life care" at home, 2c\'s carer-friendly end of life.',
    ),
    "A2c.2": (
        "Family satisfaction with end of life care",
        "percentage",
        "higher",
        "Satisfaction is a share of families asked.",
    ),
    "A3a.1": (
        "Carers of working age in (at least part-time) employment",
        "percentage",
        "higher",
        '"Proportion of carers of working age" in work; 3a is carers sustaining employment.',
    ),
    "A3a.2": (
        "Proportion of council and NHS employees' flexible working requests agreed",
        "percentage",
        "higher",
        'The "proportion agreed" half of the return; 3a wants carer-friendly employers.',
    ),
    "A3a.3": (
        "Carers enrolled in education or training",
        "count",
        "higher",
        "Carers enrolled, counted.",
    ),
    "A3a.4": (
        "Carers' and other services' use of (ex-)carers as volunteers",
        "count",
        "higher",
        "Volunteers used, counted; §5.2 lists using ex-carers as volunteers as good practice.",
    ),
    "A3a.5": (
        "Council and NHS employees' flexible working requests",
        "count",
        "none",
        'The "requests" half of the return: more requests is neither better nor worse alone.',
    ),
    "A3b.1": (
        "Estimated eligible carers taking up Carer's Allowance",
        "percentage",
        "higher",
        '"Proportion of estimated eligible numbers"; 3b wants carers informed about benefits.',
    ),
    "A4a.1": (
        "Carers on GP registers",
        "count",
        "higher",
        "§8.2 asks for the numbers of carers on GP practices' registers.",
    ),
    "A4a.2": (
        "Care home placements due to carer emergency or breakdown of caring",
        "count",
        "lower",
        "A placement because caring broke down is what 4a's support should prevent.",
    ),
    "A4a.3": (
        "Care home admissions straight from hospital",
        "count",
        "lower",
        "§8.1: discharges home rather than to residential care are the carer's added value.",
    ),
    "A4a.4": (
        "Carer-related delays to hospital discharge",
        "count",
        "lower",
        "Appendix B's Table 2 looks for reductions in delays to hospital discharge.",
    ),
    "A4a.5": (
        "Emergency readmission rate",
        "percentage",
        "lower",
        "§8.1 measures a successful discharge by fewer emergency re-admissions within 28 days.",
    ),
    "A4a.6": (
        "Carers with an emergency plan",
        "count",
        "higher",
        "Carers with a plan, counted; 4a looks for emergency planning.",
    ),
    "A4b.1": (
        "Carers identified by housing associations and similar",
        "count",
        "higher",
        '"Numbers of carers identified"; 4b wants carer-aware housing services.',
    ),
}


# --- the check ------------------------------------------------------------------


def _compare(where: str, framework: list[str], seed: list[str]) -> Iterator[tuple[str, str]]:
    """(where, problem) for each framework text not in the seed's list and each
    seed text not in the framework's, in the same-normalised form."""
    ours, theirs = [same(t) for t in framework], [same(t) for t in seed]
    for text in ours:
        if text not in theirs:
            yield where, f"not in the seed: {text!r}"
    for text in theirs:
        if text not in ours:
            yield where, f"in the seed, not in the framework: {text!r}"
    if set(ours) == set(theirs) and ours != theirs:
        yield where, "in a different order from the seed"


def _descriptors(items: list[dict[str, Any]]) -> list[str]:
    return [f"{d.get('code')} | {d.get('level')} | {same(d['text'])}" for d in items]


def _seed_descriptors(items: tuple[Descriptor, ...]) -> list[str]:
    return [f"{code} | {level} | {same(text)}" for code, level, text in items]


def _outcomes(data: dict[str, Any], seed: Seed) -> Iterator[tuple[str, str]]:
    yield from _compare(
        "outcome titles", [o["title"] for o in data["outcomes"]], list(seed.outcomes)
    )


def _hub(data: dict[str, Any], seed: Seed) -> Iterator[tuple[str, str]]:
    names = [i["name"] for i in data["interventions"]]
    yield from _compare("§5.2 headings", names, list(seed.hub))
    for intervention in data["interventions"]:
        areas = seed.hub.get(same(intervention["name"]), ())
        yield from _compare(
            f"§5.2 areas of work of {intervention['name']}",
            intervention["areas_of_work"],
            list(areas),
        )


def _appendix_a(data: dict[str, Any], seed: Seed) -> Iterator[tuple[str, str]]:
    rows = {row["code"]: row for row in data["checklist"]}
    yield from _compare("Appendix A rows", list(rows), list(seed.appendix_a))
    for code, printed in seed.appendix_a.items():
        row = rows.get(code)
        if row is None:
            continue
        yield from _compare(
            f"Appendix A {code} outcome indicator", [row["indicator"]], [printed.indicator]
        )
        services = list(row["services"]) + [
            note.split('"')[1] for ref in row["cross_references"] if '"' in (note := ref["note"])
        ]
        yield from _compare(
            f"Appendix A {code} services/processes", services, list(printed.services)
        )
        yield from _compare(
            f"Appendix A {code} statistical returns",
            row["statistical_returns"],
            list(printed.returns),
        )


def _catalogue(data: dict[str, Any], seed: Seed) -> Iterator[tuple[str, str]]:
    indicators = data["indicators"]
    yield from _compare("catalogue refs", [i["ref"] for i in indicators], list(CATALOGUE))
    for indicator in indicators:
        ref = indicator["ref"]
        printed = [r for sub in indicator["sub_outcomes"] for r in seed.appendix_a[sub].returns]
        if same(indicator.get("statistical_return") or "") not in [same(r) for r in printed]:
            yield (
                f"catalogue {ref}",
                f"return not in its Appendix A row: {indicator.get('statistical_return')!r}",
            )
        pinned = CATALOGUE.get(ref)
        found = (indicator["title"], indicator["unit"], indicator["polarity"])
        if pinned is not None and found != pinned[:3]:
            yield (
                f"catalogue {ref}",
                f"title, unit, polarity {found} are not the pinned {pinned[:3]}",
            )
    covered = {same(i.get("statistical_return") or "") for i in indicators}
    for row in seed.appendix_a.values():
        for printed_return in row.returns:
            if same(printed_return) not in covered:
                yield "catalogue", f"no indicator for the return {printed_return!r}"


def _appendix_b(data: dict[str, Any], seed: Seed) -> Iterator[tuple[str, str]]:
    inspection = data["inspection"]
    categories = {c["name"]: c for c in inspection["categories"]}
    yield from _compare("Table 1 categories", list(categories), list(seed.table_1))
    for name, sides in seed.table_1.items():
        for side, printed in sides.items():
            ours = categories.get(name, {}).get(side, [])
            yield from _compare(
                f"Table 1 {name} {side}", _descriptors(ours), _seed_descriptors(printed)
            )
    grades = {same(g["heading"]): g for g in inspection["grades"]}
    yield from _compare("Table 2 outcomes", list(grades), list(seed.table_2))
    for heading, printed in seed.table_2.items():
        group = grades.get(heading, {"descriptors": []})
        ours = _descriptors(group["descriptors"]) + (
            [f"None | None | {same(group['note'])}"] if group.get("note") else []
        )
        yield from _compare(f"Table 2 {heading[:40]}…", ours, _seed_descriptors(printed))
    yield from _compare(
        "Table 2 unlinked", _descriptors(inspection["unlinked"]), _seed_descriptors(seed.unlinked)
    )


def problems(data: dict[str, Any], seed: Seed | None = None) -> list[tuple[str, str]]:
    """Every way ``data`` (the framework YAML, loaded) departs from the seed, less the
    listed deviations."""
    seed = seed or read_seed()
    found = []
    for check in (_outcomes, _hub, _appendix_a, _catalogue, _appendix_b):
        found.extend(check(data, seed))
    return [p for p in found if p not in DEVIATIONS]


@cache
def _loaded() -> dict[str, Any]:
    return yaml.safe_load(FRAMEWORK.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _framework() -> dict[str, Any]:
    """A fresh copy of the framework YAML, loaded (a mutation may change it)."""
    return copy.deepcopy(_loaded())


# --- the framework as it is -------------------------------------------------------


def test_the_seed_reads_into_every_item_the_framework_transcribes() -> None:
    seed = read_seed()
    assert len(seed.outcomes) == 5 and len(seed.hub) == 17
    assert list(seed.appendix_a) == ["1a", "1b", "1c", "2a", "2b", "2c", "3a", "3b", "4a", "4b"]
    assert sum(len(r.returns) for r in seed.appendix_a.values()) == 30
    assert [len(d) for d in seed.table_2.values()] == [9, 4, 7, 7, 2]
    assert len(seed.unlinked) == 4


def test_the_framework_is_the_seed_word_for_word_both_ways() -> None:
    assert problems(_framework()) == []


def test_every_deviation_is_still_needed_and_has_a_reason() -> None:
    seed = read_seed()
    data = _framework()
    raw = [
        p
        for check in (_outcomes, _hub, _appendix_a, _catalogue, _appendix_b)
        for p in check(data, seed)
    ]
    for deviation, reason in DEVIATIONS.items():
        assert deviation in raw, f"{deviation} no longer differs from the seed: remove it"
        assert reason.strip()


def test_every_catalogue_row_has_a_reason_and_a_known_unit_and_polarity() -> None:
    from hub_model.scales import Polarity, Unit

    for ref, (_, unit, polarity, reason) in CATALOGUE.items():
        assert Unit(unit) and Polarity(polarity) and reason.strip(), ref
