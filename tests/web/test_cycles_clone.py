"""Starting an audit from an earlier one: every record and column carried, or
deliberately left behind (services.cycles, services.cycle_columns)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from audit_app.extensions import db
from audit_app.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Audit,
    AuditMembership,
    ChangeEvent,
    ChecklistJudgement,
    EvidenceAttachment,
    EvidenceReturn,
    Finding,
    FundingContribution,
    GatheringMethod,
    LinkedSource,
    Objective,
    OutcomePriority,
    PlanningAnswer,
    PopulationStatistic,
    Priority,
    Questionnaire,
    QuestionnaireImport,
    QuestionnaireResponse,
    Rating,
    RatingProposal,
    Stakeholder,
    User,
)
from audit_app.services import cycle_columns, cycles, uploads
from tests.web.conftest import Cast

WHEN = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_every_column_of_every_model_is_copied_or_deliberately_left() -> None:
    """Fails when a model gains a column (or a new model appears) that the clone
    plan does not mention: decide whether the next cycle carries it."""
    for model in cycle_columns.all_models():
        columns = {column.key for column in inspect(model).column_attrs}
        if model in cycle_columns.NOT_CLONED:
            assert model not in cycle_columns.COPIED
            continue
        assert model in cycle_columns.COPIED, f"{model.__name__} is neither cloned nor excluded"
        copied = set(cycle_columns.COPIED[model])
        excluded = set(cycle_columns.NOT_COPIED[model])
        assert not copied & excluded, f"{model.__name__}: {copied & excluded} in both"
        assert copied | excluded == columns, (
            f"{model.__name__}: not decided {columns - copied - excluded}, "
            f"unknown {(copied | excluded) - columns}"
        )
    link_tables = {
        table.name
        for table in db.metadata.sorted_tables
        if not any(table is inspect(m).local_table for m in cycle_columns.all_models())
    }
    assert link_tables == set(cycle_columns.LINK_TABLES)


def test_what_only_a_new_version_carries_is_decided_column_by_column() -> None:
    """Questionnaires go into a new version, not the next cycle: their columns are
    still all decided, and the reason says what the next cycle does instead."""
    assert set(cycle_columns.NOT_CARRIED_TO_NEXT_CYCLE) == {
        Questionnaire,
        QuestionnaireResponse,
        QuestionnaireImport,
    }
    for model, reason in cycle_columns.NOT_CARRIED_TO_NEXT_CYCLE.items():
        assert model in cycle_columns.COPIED and model not in cycle_columns.NOT_CLONED
        assert "next cycle" in reason, model.__name__


def _fill(audit: Audit, lead: User, partner: User) -> dict[type, list[Any]]:
    """One record of every kind, every copied column set to something."""
    text = "Carried text"
    common = {"updated_by_id": lead.id, "updated_at": WHEN}
    accepted = EvidenceReturn(
        audit_id=audit.id,
        organisation_id=partner.organisation_id,
        author_id=partner.id,
        service_name="Dementia advice line",
        description=text,
        interventions=["information"],
        groups_reached=["dementia"],
        groups_not_reached=["bme"],
        numbers_reached=640,
        organisations_engaged=text,
        could_engage_better=text,
        quality_marks=["pqasso"],
        satisfaction="92% satisfied",
        caseload_profile=text,
        outcome_baseline=text,
        outcome_follow_up=text,
        pathway_element="support",
        funding_mode="core_funding",
        unit_cost=Decimal("12.50"),
        unit_cost_notes=text,
        contact_time="1 hour",
        evidence_date=date(2026, 5, 1),
        review_by=date(2027, 5, 1),
        status="accepted",
        lead_comments="Thank you",
        submitted_at=WHEN,
        decided_at=WHEN,
        **common,
    )
    draft = EvidenceReturn(
        audit_id=audit.id, author_id=partner.id, service_name="Draft return", status="draft"
    )
    submitted = EvidenceReturn(
        audit_id=audit.id, author_id=partner.id, service_name="Submitted", status="submitted"
    )
    returned = EvidenceReturn(
        audit_id=audit.id, author_id=partner.id, service_name="Returned", status="returned"
    )
    stored = uploads.store(
        audit.id, uploads.CheckedFile("report.pdf", "application/pdf", b"%PDF-1.4 carried")
    )
    accepted.attachments.append(
        EvidenceAttachment(
            filename="report.pdf",
            stored_name=stored,
            content_type="application/pdf",
            size=16,
            uploaded_by_id=partner.id,
            uploaded_at=WHEN,
        )
    )
    rating = Rating(
        audit_id=audit.id,
        intervention="breaks",
        group_code="dementia",
        rag="amber",
        maturity="intermediate",
        rationale="Waiting lists",
        reached=text,
        not_reached=text,
        provision="under",
        duplication=text,
        barriers=text,
        evidence=[accepted, submitted],
        **common,
    )
    cell = ChecklistJudgement(
        audit_id=audit.id,
        sub_outcome="1a",
        group_code="dementia",
        status="partly",
        indicator="amber",
        rationale="Some in place",
        evidence=[accepted],
        **common,
    )
    objective = Objective(audit_id=audit.id, position=2, title="Breaks", **common)
    records: dict[type, list[Any]] = {
        EvidenceReturn: [accepted],
        EvidenceAttachment: accepted.attachments,
        Rating: [rating],
        ChecklistJudgement: [cell],
        Stakeholder: [
            Stakeholder(
                audit_id=audit.id,
                name="Forum",
                organisation="Centre",
                type_code="carers",
                subtype_code="mutual",
                groups=["dementia"],
                engagement="engaged",
                notes=text,
                **common,
            )
        ],
        PopulationStatistic: [
            PopulationStatistic(
                audit_id=audit.id,
                measure="Carers",
                value=Decimal("6120.00"),
                unit="people",
                geography_level="ward",
                geography_name="North ward",
                group_code="dementia",
                community="Polish",
                source="Census",
                year=2021,
                notes=text,
                **common,
            )
        ],
        LinkedSource: [
            LinkedSource(
                audit_id=audit.id,
                kind="jsna",
                title="JSNA",
                url="https://example.org",
                year=2025,
                notes=text,
                **common,
            )
        ],
        PlanningAnswer: [
            PlanningAnswer(audit_id=audit.id, question="risks_gaps", answer=text, **common)
        ],
        GatheringMethod: [
            GatheringMethod(
                audit_id=audit.id,
                method="focus_group",
                description=text,
                groups=["dementia"],
                costs=text,
                cost_amount=Decimal("640.00"),
                alternatives=text,
                planned_for=date(2026, 6, 1),
                **common,
            )
        ],
        Finding: [
            Finding(
                audit_id=audit.id,
                method="focus_group",
                held_on=date(2026, 6, 10),
                participants=14,
                groups=["dementia"],
                key_messages=text,
                outcomes=["2"],
                **common,
            )
        ],
        OutcomePriority: [
            OutcomePriority(audit_id=audit.id, outcome="2", rank=1, said_by=text, **common)
        ],
        Priority: [
            Priority(
                audit_id=audit.id,
                rank=1,
                title="Breaks",
                description=text,
                carers_said=text,
                outcomes=["2"],
                **common,
            )
        ],
        ActionPlan: [
            ActionPlan(
                audit_id=audit.id,
                strategic_outcomes=text,
                key_risks=text,
                overall_position=text,
                achievements=text,
                challenges=text,
                board_decisions=text,
                **common,
            )
        ],
        Objective: [objective],
        Action: [
            Action(
                audit_id=audit.id,
                objective=objective,
                description="Tender",
                target_measure=text,
                due_by=date(2027, 3, 31),
                timescale="By March",
                leads=[{"post": "Lead", "organisation": "Council"}],
                capacity=text,
                service=text,
                interventions=["breaks"],
                sub_outcomes=["1a"],
                groups=["dementia"],
                kind_of_change="commission",
                commissioning_route="open_tender",
                **common,
            )
        ],
        FundingContribution: [
            FundingContribution(
                audit_id=audit.id,
                partner="Council",
                amount=Decimal("1000.00"),
                breaks_share=Decimal("60.00"),
                notes=text,
                **common,
            )
        ],
    }
    db.session.add_all([draft, submitted, returned])
    for rows in records.values():
        db.session.add_all(rows)
    db.session.flush()
    records.update(_questionnaires(audit, lead, partner))
    records[Action][0].updates.append(
        ActionUpdate(on=date(2026, 10, 1), rag="green", commentary="On track")
    )
    db.session.add(
        RatingProposal(
            audit_id=audit.id,
            intervention="breaks",
            group_code="dementia",
            rag="green",
            maturity="advanced",
            proposed_by_id=partner.id,
            proposed_at=WHEN,
        )
    )
    audit.description = "Why this audit"
    db.session.commit()
    return records


def _questionnaires(audit: Audit, lead: User, partner: User) -> dict[type, list[Any]]:
    """A carers' survey with a public link, online and imported answers and a finished
    and a failed import; a partners' questionnaire answered signed in."""
    common = {"updated_by_id": lead.id, "updated_at": WHEN}
    survey = Questionnaire(
        audit_id=audit.id,
        definition_id="carers_survey",
        definition={"id": "carers_survey"},
        title="Carers' survey",
        audience="carers",
        opens_on=date(2026, 6, 1),
        closes_on=date(2026, 9, 30),
        status="open",
        public_token="carried-link",
        **common,
    )
    views = Questionnaire(
        audit_id=audit.id,
        definition_id="partner_views",
        definition={"id": "partner_views"},
        title="Partner and provider views",
        audience="partners",
        opens_on=date(2026, 6, 1),
        closes_on=date(2026, 9, 30),
        status="closed",
        **common,
    )
    db.session.add_all([survey, views])
    db.session.flush()
    imports = [
        QuestionnaireImport(
            questionnaire_id=survey.id,
            filename=name,
            status=status,
            headers=["cares_for"],
            mapping={"cares_for": "cares_for"},
            content=content,
            rows_total=2,
            rows_done=2,
            errors=errors,
            created_by_id=lead.id,
            created_at=WHEN,
            queued_at=WHEN,
        )
        for name, status, content, errors in (
            ("paper.csv", "done", None, []),
            ("bad.csv", "invalid", "cares_for\nnobody\n", [{"row": 2, "reason": "unknown"}]),
        )
    ]
    db.session.add_all(imports)
    db.session.flush()
    responses = [
        QuestionnaireResponse(
            questionnaire_id=survey.id,
            answers={"cares_for": ["dementia"]},
            answered_on=date(2026, 6, 2),
            source="online",
        ),
        QuestionnaireResponse(
            questionnaire_id=survey.id,
            answers={"cares_for": ["stroke"]},
            answered_on=date(2026, 6, 3),
            source="import",
            import_id=imports[0].id,
        ),
        QuestionnaireResponse(
            questionnaire_id=views.id,
            answers={"joint_working": 4},
            answered_on=date(2026, 6, 4),
            source="online",
            respondent_id=partner.id,
        ),
    ]
    db.session.add_all(responses)
    return {
        Questionnaire: [survey, views],
        QuestionnaireImport: imports,
        QuestionnaireResponse: responses,
    }


def _carried_rows(model: type, audit_id: int) -> list[Any]:
    """The rows of ``model`` in an audit, oldest first, through their parent if need be."""
    query: Any = select(model)
    if model is EvidenceAttachment:
        query = query.join(EvidenceReturn).where(EvidenceReturn.audit_id == audit_id)
    elif model in (QuestionnaireImport, QuestionnaireResponse):
        query = query.join(
            Questionnaire,
            Questionnaire.id == model.questionnaire_id,  # type: ignore[attr-defined]
        ).where(Questionnaire.audit_id == audit_id)
    else:
        query = query.where(model.audit_id == audit_id)  # type: ignore[attr-defined]
    return list(db.session.scalars(query.order_by(model.id)))  # type: ignore[attr-defined]


def _clone(
    app: Flask, cast: Cast, carry_forward: bool
) -> tuple[Audit, Audit, dict[type, list[Any]]]:
    source = db.session.get(Audit, cast.published.id)
    lead = db.session.get(User, cast.lead.id)
    partner = db.session.get(User, cast.partner.id)
    assert source and lead and partner
    records = _fill(source, lead, partner)
    new = cycles.clone_audit(
        source,
        lead,
        title="Carers of people with dementia 2027/28",
        cycle="2027/28",
        period_start=date(2027, 4, 1),
        period_end=date(2028, 3, 31),
        carry_forward=carry_forward,
    )
    return source, new, records


@pytest.mark.parametrize("carry_forward", [True, False])
def test_clone_copies_every_record_and_column(app: Flask, cast: Cast, carry_forward: bool) -> None:
    with app.app_context():
        source, new, records = _clone(app, cast, carry_forward=carry_forward)
        assert (new.title, new.cycle, new.status, new.previous_audit_id) == (
            "Carers of people with dementia 2027/28",
            "2027/28",
            "draft",
            source.id,
        )
        assert (new.period_start, new.period_end) == (date(2027, 4, 1), date(2028, 3, 31))
        for name in cycle_columns.COPIED[Audit]:
            assert getattr(new, name) == getattr(source, name), name
        for model, olds in records.items():
            news = _carried_rows(model, new.id)
            if carry_forward and model in cycle_columns.NOT_CARRIED_TO_NEXT_CYCLE:
                assert news == [], model.__name__
                continue
            assert len(news) == len(olds), model.__name__
            for name in cycle_columns.COPIED[model]:
                assert any(getattr(old, name) not in (None, "", []) for old in olds), (
                    f"fixture leaves {model.__name__}.{name}"
                )
            for old, carried in zip(olds, news, strict=True):
                for name in cycle_columns.COPIED[model]:
                    assert getattr(carried, name) == getattr(old, name), f"{model.__name__}.{name}"
                assert carried.id != old.id


def test_clone_keeps_members_and_links_evidence_to_the_carried_returns(
    app: Flask, cast: Cast
) -> None:
    with app.app_context():
        source, new, _ = _clone(app, cast, carry_forward=True)
        members = {
            (m.user_id, m.role)
            for m in db.session.scalars(
                select(AuditMembership).where(AuditMembership.audit_id == new.id)
            )
        }
        assert members == {
            (cast.lead.id, "lead"),
            (cast.partner.id, "partner"),
            (cast.partner2.id, "partner"),
            (cast.commissioner.id, "commissioner"),
        }
        returns = list(
            db.session.scalars(select(EvidenceReturn).where(EvidenceReturn.audit_id == new.id))
        )
        assert [r.service_name for r in returns] == ["Dementia advice line"]
        rating = db.session.scalar(select(Rating).where(Rating.audit_id == new.id))
        cell = db.session.scalar(
            select(ChecklistJudgement).where(ChecklistJudgement.audit_id == new.id)
        )
        assert rating and cell
        # The submitted return stays behind, so its link does too.
        assert [e.id for e in rating.evidence] == [returns[0].id]
        assert [e.id for e in cell.evidence] == [returns[0].id]
        attachment = returns[0].attachments[0]
        old_attachment = db.session.scalar(
            select(EvidenceAttachment)
            .join(EvidenceReturn)
            .where(EvidenceReturn.audit_id == source.id)
        )
        assert old_attachment and attachment.stored_name != old_attachment.stored_name
        carried_file = uploads.path_of(new.id, attachment.stored_name)
        assert carried_file is not None and carried_file.read_bytes() == b"%PDF-1.4 carried"
        action = db.session.scalar(select(Action).where(Action.audit_id == new.id))
        objective = db.session.scalar(select(Objective).where(Objective.audit_id == new.id))
        assert action and objective and action.objective_id == objective.id
        assert action.updates == []
        assert (
            db.session.scalar(select(RatingProposal).where(RatingProposal.audit_id == new.id))
            is None
        )
        event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.audit_id == new.id))
        assert event and event.new == {
            "started_from": source.id,
            "carry_forward": True,
            "judgements_carried": 2,
            "questionnaires_carried": 0,
            "answers_carried": 0,
        }


@pytest.mark.parametrize("carry_forward", [True, False])
def test_carry_forward_marks_every_judgement_to_confirm(
    app: Flask, cast: Cast, carry_forward: bool
) -> None:
    with app.app_context():
        _, new, _ = _clone(app, cast, carry_forward=carry_forward)
        flags = [
            r.needs_confirmation
            for model in (Rating, ChecklistJudgement)
            for r in db.session.scalars(select(model).where(model.audit_id == new.id))
        ]
        assert flags == [carry_forward, carry_forward]
        ratings, cells = cycles.needing_confirmation(new)
        assert len(ratings) + len(cells) == (2 if carry_forward else 0)


def test_clone_leaves_nothing_behind_when_the_database_refuses(
    app: Flask, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit_app.services.changes import SaveFailed

    with app.app_context():
        source = db.session.get(Audit, cast.published.id)
        lead = db.session.get(User, cast.lead.id)
        assert source and lead
        before = db.session.scalar(select(db.func.count()).select_from(Audit))

        def refuse(*args: Any, **kwargs: Any) -> None:
            from sqlalchemy.exc import OperationalError

            raise OperationalError("INSERT", {}, Exception("database went away"))

        monkeypatch.setattr(cycles, "_carry_records", refuse)
        with pytest.raises(SaveFailed):
            cycles.clone_audit(
                source,
                lead,
                title="x",
                cycle="2027/28",
                period_start=date(2027, 4, 1),
                period_end=date(2028, 3, 31),
                carry_forward=True,
            )
        assert db.session.scalar(select(db.func.count()).select_from(Audit)) == before
