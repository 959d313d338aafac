"""The CQC self-assessment page of an audit, and the lead's form for one statement.

The page is made of the lead's judgements (ratings, checklist, scores), so it follows
the maps' rule: the lead's on a draft, everyone's who reads the audit once published
(access.audit_with_judgements_or_404). Scoring is the lead's, on a draft only.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from audit_app.cqc.forms import NOT_SCORED, CqcScoreForm
from audit_app.messages import SUCCESS
from audit_app.models import CqcJudgement
from audit_app.models.audit import LEAD
from audit_app.ratings.views import SAVE_FAILED, STALE
from audit_app.services import cqc
from audit_app.services.access import (
    audit_with_judgements_or_404,
    editable_audit_or_404,
    may_edit,
)
from audit_app.services.changes import SaveFailed, StaleEdit
from hub_model.cqc import Category

bp = Blueprint("cqc", __name__, url_prefix="/audits/<int:audit_id>/cqc")


@bp.route("")
@login_required
def page(audit_id: int) -> str:
    audit, role = audit_with_judgements_or_404(audit_id)
    framework = cqc.framework()
    return render_template(
        "cqc/page.html",
        audit=audit,
        role=role,
        views=cqc.statement_views(audit, current_user, role, lead_view=True),
        framework=framework,
        categories=[framework.category(c) for c in Category],
        rule=cqc.RULE,
        can_edit=may_edit(audit, role),
    )


def _their_rows(form: CqcScoreForm, record: CqcJudgement) -> list[tuple[str, str, bool]]:
    words = dict(form.score.choices)  # type: ignore[arg-type]
    saved_score = str(record.score) if record.score else NOT_SCORED
    return [
        (form.score.label.text, words.get(saved_score, ""), saved_score != form.score.data),
        (
            form.narrative.label.text,
            record.narrative or "",
            (record.narrative or None) != (form.narrative.data or None),
        ),
    ]


@bp.route("/<statement>", methods=["GET", "POST"])
@login_required
def statement(audit_id: int, statement: str) -> BaseResponse | str:
    audit, _ = editable_audit_or_404(audit_id, roles=(LEAD,))
    found = cqc.statement_or_404(statement)
    record = cqc.judgement_for(audit, statement)
    framework = cqc.framework()
    form = CqcScoreForm().setup([(s.score, s.words) for s in framework.scores])
    stale = None
    if not form.is_submitted():
        form.score.data = str(record.score) if record.score else NOT_SCORED
        form.narrative.data = record.narrative
        form.version.data = record.version if record.id else None
    elif form.validate():
        try:
            cqc.save_judgement(
                audit,
                record,
                form.chosen_score,
                form.narrative.data or None,
                form.version.data or 0,  # 0: loaded before the judgement existed
                current_user,
            )
        except StaleEdit:
            form.form_errors.append(STALE)
            stale = _their_rows(form, record)
            form.version.data = record.version
        except SaveFailed:
            form.form_errors.append(SAVE_FAILED)
        else:
            flash(f"Score saved: {cqc.label_of(found)}.", SUCCESS)
            return redirect(url_for("cqc.page", audit_id=audit.id) + f"#{found.code}")
    view = next(
        v
        for v in cqc.statement_views(audit, current_user, LEAD, lead_view=False)
        if v.statement.code == statement
    )
    return render_template(
        "cqc/statement.html",
        audit=audit,
        statement=found,
        view=view,
        record=record,
        form=form,
        stale=stale,
        framework=framework,
        categories=[framework.category(c) for c in Category],
        rule=cqc.RULE,
    )
