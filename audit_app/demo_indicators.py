"""Demo indicators for the dementia audit: eight indicators over three quarters, so the
dashboard shows every RAG level, a no-polarity indicator, met and missed targets with
comments, and report cards with curves that have (and have not) turned.

Southshire's dementia audit follows four of the same catalogue indicators and one
of its own over two quarters, so that comparing the two areas shows indicators
side by side, periods that differ and an indicator only one area has."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from audit_app.models import Audit, User
from audit_app.models.indicators import Indicator, IndicatorValue
from audit_app.services.changes import Change, save_all

QUARTERS = (
    ("Jan–Mar 2026", date(2026, 3, 31)),
    ("Apr–Jun 2026", date(2026, 6, 30)),
    ("Jul–Sep 2026", date(2026, 9, 30)),
)
OWNER = "Performance and intelligence team, Northshire County Council"

# (definition, [(numerator, denominator or None, target), ...] per quarter,
#  previous for the first quarter, (comments, proposed intervention) when missed: one
#  pair, or a list of one pair per quarter)
INDICATORS: list[dict[str, Any]] = [
    {
        "definition": {
            "ref": "NI135",
            "title": "Carers receiving a service or advice and information as a % of people "
            "receiving a community-based service",
            "kind": "ni135",
            "catalogue_ref": "NI135",
            "indicator_type": "strategic",
            "unit": "percentage",
            "polarity": "higher",
            "decimals": 1,
            "green_amber_within": Decimal("1"),
            "red_amber_within": Decimal("2.5"),
            "turn_tolerance": Decimal("1"),
            "comparator_group": "IPF comparator group",
            "outcomes": ["1"],
            "interventions": ["information", "breaks"],
            "accountability": "population",
            "why_it_matters": "Carers who are known and supported early are less likely to "
            "reach crisis; NI 135 shows how many carers of people using community services "
            "get anything at all.",
            "story": "The rate stalled at 23% in 2025 while carers' assessments waited. "
            "Self-assessment forms through GP surgeries and libraries began in April 2026.",
            "success": "At least 28% of carers of people using community services get a "
            "service or advice, in every locality, and at or above the IPF comparator group.",
            "partners": "Northshire Carers Centre; Northshire Memory Support; GP practices",
            "what_works": "Self-assessment forms offering a choice of an information pack or "
            "a full assessment; carers' workers in memory clinics.",
            "responsible_officers": "Lead: carers lead, Northshire County Council",
            "data_gaps": "Mental health trust returns arrive a quarter late.",
        },
        "values": [("462", "2000", "26"), ("472", "2000", "27"), ("560", "2022", "28")],
        "first_previous": "22.8",
        "missed": [
            (
                "Stalled at about 23% while carers' assessments waited.",
                "Self-assessment forms through GP surgeries and libraries from April.",
            ),
            (
                "The self-assessment forms went out in April; few had come back by June.",
                "Follow up every returned form within two weeks.",
            ),
            (
                "Up from 23.6% to 27.7% after self-assessment forms went out through GP "
                "surgeries, but still short of the 28% target.",
                "Extend the forms to memory clinics.",
            ),
        ],
    },
    {
        "definition": {
            "ref": "A4a.1",
            "title": "Carers on GP registers",
            "kind": "gp_register",
            "catalogue_ref": "A4a.1",
            "indicator_type": "strategic",
            "unit": "count",
            "polarity": "higher",
            "green_amber_within": Decimal("5"),
            "red_amber_within": Decimal("10"),
            "outcomes": ["4"],
            "interventions": ["information"],
            "accountability": "population",
            "why_it_matters": "A carer flagged on the GP record is offered health checks and "
            "flu jabs and can be referred for support.",
            "story": "Registers grew after the primary care carers' champions scheme.",
            "success": "Every practice with a carers' champion and a register that grows "
            "each quarter.",
            "responsible_officers": "Primary care manager, Northshire ICB",
        },
        "values": [("3900", None, "4000"), ("4150", None, "4200"), ("4480", None, "4400")],
        "first_previous": "3720",
        "missed": [
            (
                "Carers' champions were in post in only half the practices.",
                "Fund champions in the remaining practices.",
            ),
            (
                "Registers grew by 250, nearly all in practices with a champion.",
                "Champions in the six remaining practices from October.",
            ),
        ],
    },
    {
        "definition": {
            "ref": "A1c.1",
            "title": "Carers identified by health, social care, leisure, housing and "
            "education services",
            "kind": "non_carer_services",
            "catalogue_ref": "A1c.1",
            "indicator_type": "critical",
            "unit": "count",
            "polarity": "higher",
            "green_amber_within": Decimal("5"),
            "red_amber_within": Decimal("15"),
            "outcomes": ["1"],
            "interventions": ["information"],
            "accountability": "performance",
            "data_gaps": "Leisure and housing services do not yet record carers.",
        },
        "values": [("310", None, "330"), ("335", None, "345"), ("352", None, "360")],
        "first_previous": "290",
        "missed": [
            (
                "Hospital wards identify most carers; leisure and housing services hardly any.",
                "Carer awareness training for housing officers in the next quarter.",
            ),
            (
                "Housing officers were trained in June; their first referrals are not in yet.",
                "A referral card for housing officers to leave with carers.",
            ),
            (
                "Housing now refers carers; leisure services still refer almost none.",
                "Carer awareness sessions for leisure centre staff.",
            ),
        ],
    },
    {
        "definition": {
            "ref": "A1b.2",
            "title": "Carers provided with a support plan",
            "kind": "statistical_return",
            "catalogue_ref": "A1b.2",
            "indicator_type": "strategic",
            "unit": "count",
            "polarity": "higher",
            "green_amber_within": Decimal("2"),
            "red_amber_within": Decimal("5"),
            "outcomes": ["1", "4"],
            "interventions": ["emotional_support"],
            "accountability": "performance",
            "why_it_matters": "A support plan turns an assessment into help.",
            "story": "Two of five carers' workers left in the spring and were not replaced.",
            "success": "Every carer assessed leaves with a support plan within four weeks.",
        },
        "values": [("620", None, "650"), ("590", None, "680"), ("540", None, "700")],
        "first_previous": "640",
        "missed": [
            (
                "Down from 640: one carers' worker's post fell vacant in February.",
                "Recruit to the vacant post.",
            ),
            (
                "Falling for two quarters: two carers' workers' posts are vacant.",
                "Recruit to the vacant posts; the carers' centre to write plans for carers it "
                "assesses.",
            ),
            (
                "Still falling: the posts are advertised but not filled.",
                "Agency cover for assessments until the posts are filled.",
            ),
        ],
    },
    {
        "definition": {
            "ref": "AV.hospital_discharge",
            "title": "Emergency readmissions within 28 days of people who have a carer",
            "kind": "added_value",
            "catalogue_ref": "AV.hospital_discharge",
            "indicator_type": "critical",
            "unit": "percentage",
            "polarity": "lower",
            "decimals": 1,
            "green_amber_within": Decimal("2"),
            "red_amber_within": Decimal("10"),
            "comparator_group": "Family group of councils",
            "outcomes": ["4"],
            "interventions": ["changes_transitions"],
            "accountability": "population",
            "why_it_matters": "§8.1: carer support adds value when people it helps stay out "
            "of hospital.",
            "success": "Low, stable and below target readmissions: carers are part of every "
            "discharge plan.",
        },
        "values": [("124", "1000", "12"), ("118", "1000", "11.8"), ("115", "1027", "11.5")],
        "first_previous": "12.9",
        "missed": (
            "Winter pressures; discharge planning rarely involved the carer.",
            "Carers' workers on the two acute wards.",
        ),
    },
    {
        "definition": {
            "ref": "AV.discharge_home",
            "title": "Proportion of discharges to home rather than to residential care",
            "kind": "added_value",
            "catalogue_ref": "AV.discharge_home",
            "indicator_type": "critical",
            "unit": "percentage",
            "polarity": "higher",
            "decimals": 1,
            "green_amber_within": Decimal("3"),
            "red_amber_within": Decimal("8"),
            "outcomes": ["4"],
            "interventions": ["changes_transitions", "breaks"],
        },
        "values": [("468", "600", "80"), ("465", "600", "80"), ("457", "600", "80")],
        "first_previous": "79.1",
        "missed": [
            (
                "Just short of 80%: winter discharges went to residential care more often.",
                "Ask every carer before discharge what support they need to cope at home.",
            ),
            (
                "Fewer discharges home as carers of people with advanced dementia say they "
                "cannot cope without breaks.",
                "Emergency respite beds for carers of people leaving hospital.",
            ),
            (
                "Lower again while the emergency respite beds are being commissioned.",
                "Open the respite beds by December.",
            ),
        ],
    },
    {
        "definition": {
            "ref": "A1b.5",
            "title": "Carers' complaints and their outcomes",
            "kind": "statistical_return",
            "catalogue_ref": "A1b.5",
            "indicator_type": "critical",
            "unit": "count",
            "polarity": "none",
            "outcomes": ["1"],
            "story": "Read for themes, not counted for performance: most were about "
            "cancelled sitting visits.",
        },
        "values": [("14", None, None), ("9", None, None), ("11", None, None)],
        "first_previous": None,
        "missed": ("", ""),
    },
    {
        "definition": {
            "ref": "LOCAL1",
            "title": "Carers of people with dementia who have an emergency plan",
            "kind": "local",
            "indicator_type": "strategic",
            "unit": "percentage",
            "polarity": "higher",
            "decimals": 1,
            "green_amber_within": Decimal("5"),
            "red_amber_within": Decimal("10"),
            "outcomes": ["4"],
            "interventions": ["emergency_support"],
            "accountability": "performance",
            "why_it_matters": "Carers told the focus groups that their biggest worry is what "
            "happens to the person they care for if they fall ill.",
            "success": "A quarter of carers of people with dementia with an emergency plan by "
            "the end of the year, and every plan known to the emergency carers' service.",
            "data_gaps": "Plans held by the memory service are not yet counted.",
        },
        "values": [("180", "1000", "20"), ("210", "1000", "22.5"), ("245", "1000", "25")],
        "first_previous": "15",
        "missed": [
            (
                "Up from 15% since the emergency carers' service began taking plans.",
                "Offer an emergency plan at every carer's assessment and review.",
            ),
            (
                "Rising by three points a quarter but just short of target.",
                "Add the plan to the carer's review form.",
            ),
            (
                "Half a point short: plans held by the memory service are not yet counted.",
                "Count the memory service's plans from next quarter.",
            ),
        ],
    },
]


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text).quantize(Decimal("0.000001"))


# Last year's cycle (2025/26) followed three of the same indicators, so the report
# can say how each moved since: its last two quarters lead into this year's first
# quarter's previous result.
EARLIER_QUARTERS = (("Jul–Sep 2025", date(2025, 9, 30)), ("Oct–Dec 2025", date(2025, 12, 31)))
_EARLIER = {
    "NI135": ([("430", "2000", "25"), ("456", "2000", "25.5")], "21"),
    "A4a.1": ([("3600", None, "3800"), ("3720", None, "3900")], "3500"),
    "AV.hospital_discharge": ([("133", "1000", "12.5"), ("129", "1000", "12.2")], "13.6"),
}
EARLIER_INDICATORS: list[dict[str, Any]] = [
    {
        "definition": spec["definition"],
        "values": _EARLIER[spec["definition"]["ref"]][0],
        "first_previous": _EARLIER[spec["definition"]["ref"]][1],
        "missed": [
            (
                "Behind plan while two carers' workers' posts were vacant.",
                "Fill the carers' workers' posts.",
            ),
            (
                "Closer to plan once one of the posts was filled in November.",
                "Recruit to the second post by the spring.",
            ),
        ],
    }
    for spec in INDICATORS
    if spec["definition"]["ref"] in _EARLIER
]

SOUTHSHIRE_QUARTERS = QUARTERS[:2]
SOUTHSHIRE_OWNER = "Business intelligence, Southshire Council"
_SOUTHSHIRE_MISSED = [
    (
        "Fewer referrals from GP practices than planned.",
        "Carers' champions in the practices without one.",
    ),
    (
        "Referrals rose, but the practices without a champion still send few.",
        "Champions in the last practices by the autumn.",
    ),
]
SOUTHSHIRE_INDICATORS: list[dict[str, Any]] = [
    {
        "definition": {
            "ref": "NI135",
            "title": "Carers receiving a service or advice and information as a % of people "
            "receiving a community-based service",
            "kind": "ni135",
            "catalogue_ref": "NI135",
            "indicator_type": "strategic",
            "unit": "percentage",
            "polarity": "higher",
            "decimals": 1,
            "green_amber_within": Decimal("1"),
            "red_amber_within": Decimal("2.5"),
            "comparator_group": "IPF comparator group",
            "outcomes": ["1"],
        },
        "values": [("610", "2300", "25"), ("655", "2310", "26")],
        "first_previous": "25.1",
        "missed": _SOUTHSHIRE_MISSED,
    },
    {
        "definition": {
            # Southshire's own reference for the catalogue's indicator.
            "ref": "SC/GP1",
            "title": "Carers on GP registers",
            "kind": "gp_register",
            "catalogue_ref": "A4a.1",
            "indicator_type": "strategic",
            "unit": "count",
            "polarity": "higher",
            "green_amber_within": Decimal("5"),
            "red_amber_within": Decimal("15"),
            "outcomes": ["4"],
        },
        "values": [("2050", None, "2400"), ("2190", None, "2500")],
        "first_previous": "1980",
        "missed": _SOUTHSHIRE_MISSED,
    },
    {
        "definition": {
            "ref": "A1b.2",
            "title": "Carers provided with a support plan",
            "kind": "statistical_return",
            "catalogue_ref": "A1b.2",
            "indicator_type": "strategic",
            "unit": "count",
            "polarity": "higher",
            "green_amber_within": Decimal("2"),
            "red_amber_within": Decimal("5"),
            "outcomes": ["1", "4"],
        },
        "values": [("410", None, "400"), ("430", None, "420")],
        "first_previous": "395",
        "missed": _SOUTHSHIRE_MISSED,
    },
    {
        "definition": {
            "ref": "AV.hospital_discharge",
            "title": "Emergency readmissions within 28 days of people who have a carer",
            "kind": "added_value",
            "catalogue_ref": "AV.hospital_discharge",
            "indicator_type": "critical",
            "unit": "percentage",
            "polarity": "lower",
            "decimals": 1,
            "green_amber_within": Decimal("2"),
            "red_amber_within": Decimal("10"),
            "outcomes": ["4"],
        },
        "values": [("98", "900", "11.5"), ("101", "910", "11")],
        "first_previous": "11.6",
        "missed": (
            "Readmissions rose in the spring's heatwave.",
            "Carers' workers to phone every carer within a week of discharge.",
        ),
    },
    {
        "definition": {
            "ref": "SC/L1",
            "title": "Carers' breaks booked within two weeks of asking",
            "kind": "local",
            "indicator_type": "strategic",
            "unit": "percentage",
            "polarity": "higher",
            "decimals": 1,
            "green_amber_within": Decimal("5"),
            "red_amber_within": Decimal("10"),
            "outcomes": ["3"],
            "interventions": ["breaks"],
        },
        "values": [("140", "200", "75"), ("152", "200", "75")],
        "first_previous": "68",
        "missed": _SOUTHSHIRE_MISSED,
    },
]


def _value_fields(
    indicator: Indicator, spec: dict[str, Any], quarter: tuple[str, date], n: int
) -> dict[str, Any]:
    numerator, denominator, target = spec["values"][n]
    label, end = quarter
    figures: dict[str, Any] = {
        "indicator_id": indicator.id,
        "period_label": label,
        "period_end": end,
        "numerator": _number(numerator),
        "denominator": _number(denominator),
        "target": _number(target),
        "previous": _number(spec["first_previous"]) if n == 0 else None,
        "expected_to_report": True,
    }
    if indicator.polarity == "none" or target is None:
        return figures
    result = Decimal(numerator) * (100 if denominator else 1) / Decimal(denominator or 1)
    higher = indicator.polarity == "higher"
    if (result < Decimal(target)) if higher else (result > Decimal(target)):
        # Per quarter, as a board reads them: the same words each quarter say nothing new.
        missed = spec["missed"]
        figures["comments"], figures["proposed_intervention"] = (
            missed[n] if isinstance(missed, list) else missed
        )
    return figures


def add_demo_indicators(
    audit: Audit,
    lead: User,
    specs: list[dict[str, Any]] = INDICATORS,
    quarters: tuple[tuple[str, date], ...] = QUARTERS,
    owner: str = OWNER,
) -> None:
    """The indicators (Northshire's eight by default) with a value per quarter,
    saved through the audit trail."""
    for spec in specs:
        definition = spec["definition"]
        indicator = Indicator(audit_id=audit.id)
        values = {"data_owner": owner, **definition}
        label = f"{definition['ref']} {definition['title']}"[:300]
        save_all([Change(audit, indicator, values, "indicator", label)], lead)
        for n, quarter in enumerate(quarters):
            value = IndicatorValue(audit_id=audit.id)
            fields = _value_fields(indicator, spec, quarter, n)
            label = f"{indicator.ref} {fields['period_label']}"
            save_all([Change(audit, value, fields, "indicator value", label)], lead)
