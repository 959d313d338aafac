"""Publish a version, commissioners' review, and "you said, we did".

- The lead publishes a draft (a confirmation page lists what is unfinished).
- Commissioners comment on a published version and record agreement to the
  priorities and the plan; the lead reads both. Partners see none of it.
- The lead writes "you said, we did" and may make it public at a random link
  that anyone can open without signing in.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit_app.extensions import db
from audit_app.forms import optional_int
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Audit, FeedbackItem
from audit_app.models.audit import COMMISSIONER, LEAD
from audit_app.models.publishing import SUBJECTS
from audit_app.publishing.forms import (
    AgreementForm,
    ButtonForm,
    CommentForm,
    ItemForm,
    PublishForm,
    SummaryForm,
)
from audit_app.record_pages import SAVE_FAILED, DeleteForm, edit_page
from audit_app.services import cycles, notify, publishing, questionnaires
from audit_app.services import plan as step4
from audit_app.services.access import audit_or_404
from audit_app.services.changes import SaveFailed, StaleEdit

bp = Blueprint("publishing", __name__)


@bp.route("/audits/<int:audit_id>/publish", methods=["GET", "POST"])
@login_required
def publish(audit_id: int) -> Response | str:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    form = PublishForm()
    if not audit.is_published and form.validate_on_submit():
        try:
            record = publishing.publish(audit, current_user, form.note.data)
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            sent = notify.published(audit, record, current_user)
            flash(
                f"Version {record.version_number} published. Commissioners can now see it."
                + notify.emailed(sent),
                SUCCESS,
            )
            return redirect(url_for("audits.overview", audit_id=audit.id))
    return render_template(
        "publishing/publish.html",
        audit=audit,
        form=form,
        readiness=publishing.readiness(audit),
        publication=publishing.publication(audit),
        version_number=publishing.next_version_number(audit),
    )


@bp.route("/audits/<int:audit_id>/new-version", methods=["POST"])
@login_required
def new_version(audit_id: int) -> Response:
    """A draft copy of a published version, to change and publish again."""
    audit, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    form = ButtonForm()
    if not audit.is_published or not form.validate_on_submit():
        abort(400)
    newer = publishing.newer_version(audit)
    if newer is not None:
        flash("A newer version of this audit exists already.", INFORMATION)
        return redirect(url_for("audits.overview", audit_id=newer.id))
    try:
        draft = cycles.clone_audit(
            audit,
            current_user,
            title=audit.title,
            cycle=audit.cycle,
            period_start=audit.period_start,
            period_end=audit.period_end,
            carry_forward=False,
        )
    except cycles.AlreadyStarted as started:
        flash("A newer version of this audit was started a moment ago: here it is.", INFORMATION)
        return redirect(url_for("audits.overview", audit_id=started.audit.id))
    except SaveFailed:
        flash(SAVE_FAILED, INFORMATION)
        return redirect(url_for("audits.overview", audit_id=audit.id))
    flash(
        f"Version {publishing.next_version_number(draft)} started as a draft. Commissioners "
        "keep seeing the published version until you publish this one.",
        SUCCESS,
    )
    return redirect(url_for("audits.overview", audit_id=draft.id))


def _agreement_forms(audit: Audit) -> dict[str, AgreementForm]:
    forms = {}
    for subject in SUBJECTS:
        record = publishing.agreement_of(audit, current_user, subject)
        form = AgreementForm(formdata=None, obj=record, prefix=subject)
        form.version.data = str(record.version) if record else "0"
        forms[subject] = form
    return forms


def _review(
    audit: Audit,
    role: str,
    comment_form: CommentForm | None = None,
    agreement_forms: dict[str, AgreementForm] | None = None,
    theirs: dict[str, object] | None = None,
) -> str:
    is_commissioner = role == COMMISSIONER
    forms = agreement_forms or (_agreement_forms(audit) if is_commissioner else {})
    comment_form = comment_form or (CommentForm(formdata=None) if is_commissioner else None)
    failed = [form for form in [comment_form, *forms.values()] if form and form.errors]
    return render_template(
        "publishing/review.html",
        audit=audit,
        role=role,
        form=failed[0] if failed else None,
        comment_form=comment_form,
        agreement_forms=forms,
        subjects=SUBJECTS,
        comments=publishing.comments(audit),
        sections=publishing.COMMENT_SECTIONS,
        agreements=publishing.agreements(audit),
        priorities=step4.priorities(audit) if audit.is_published else [],
        theirs=theirs or {},
    )


@bp.route("/audits/<int:audit_id>/review")
@login_required
def review(audit_id: int) -> str:
    audit, role = audit_or_404(audit_id, roles=(LEAD, COMMISSIONER))
    return _review(audit, role)


@bp.route("/audits/<int:audit_id>/review/comments", methods=["POST"])
@login_required
def add_comment(audit_id: int) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=(COMMISSIONER,), allow_published=True)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            publishing.add_comment(
                audit, current_user, form.section.data or "", form.body.data or ""
            )
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            flash("Comment added. The carers lead can read it.", SUCCESS)
            return redirect(url_for("publishing.review", audit_id=audit.id))
    return _review(audit, role, comment_form=form)


@bp.route("/audits/<int:audit_id>/review/agreement/<subject>", methods=["POST"])
@login_required
def record_agreement(audit_id: int, subject: str) -> Response | str:
    audit, role = audit_or_404(audit_id, roles=(COMMISSIONER,), allow_published=True)
    if subject not in SUBJECTS:
        abort(404)
    forms = _agreement_forms(audit)
    form = AgreementForm(prefix=subject)
    forms[subject] = form
    theirs: dict[str, object] = {}
    if form.validate_on_submit():
        try:
            publishing.record_agreement(
                audit,
                current_user,
                subject,
                form.decision.data or "",
                form.comment.data,
                optional_int(form.version.data) or 0,
            )
        except StaleEdit:
            record = publishing.agreement_of(audit, current_user, subject)
            theirs[subject] = record
            form.version.data = str(record.version) if record else "0"
            form.decision.errors = [
                "Your decision was changed in another window while you were editing"
            ]
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            flash(f"Your decision on {SUBJECTS[subject]} is recorded.", SUCCESS)
            return redirect(url_for("publishing.review", audit_id=audit.id))
    return _review(audit, role, agreement_forms=forms, theirs=theirs)


# "You said, we did": written by the lead, public only by choice.


def _summary_or_404(audit: Audit) -> publishing.FeedbackSummary:
    summary = publishing.feedback_summary(audit)
    if summary is None:
        abort(404)
    return summary


@bp.route("/audits/<int:audit_id>/you-said-we-did", methods=["GET", "POST"])
@login_required
def feedback(audit_id: int) -> Response | str:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    summary = publishing.feedback_summary(audit)
    here = url_for("publishing.feedback", audit_id=audit.id)

    def form(obj: publishing.FeedbackSummary | None) -> SummaryForm:
        form = SummaryForm(obj=obj)
        if request.method == "GET":
            form.version.data = str(summary.version) if summary else "0"
            if summary is None:
                form.title.data = f"You said, we did: {audit.title}"
        return form

    def save(form: SummaryForm, loaded: int) -> None:
        publishing.save_summary(
            audit, current_user, form.title.data or "", form.introduction.data, loaded
        )

    return edit_page(
        "publishing/feedback.html",
        summary,
        form=form,
        save=save,
        done=lambda form, saved: ("Summary saved.", here),
        stale="Someone else changed the summary while you were editing",
        describe=lambda theirs: [
            ("Title", theirs.title),
            ("Introduction", theirs.introduction or ""),
        ],
        audit=audit,
        summary=summary,
        cancel_url=here,
        button=ButtonForm(formdata=None),
        public_url=(
            url_for("publishing.public_feedback", token=summary.public_token, _external=True)
            if summary and summary.public_token
            else None
        ),
    )


@bp.route("/audits/<int:audit_id>/you-said-we-did/items/new", methods=["GET", "POST"])
@bp.route("/audits/<int:audit_id>/you-said-we-did/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(audit_id: int, item_id: int | None = None) -> Response | str:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    summary = _summary_or_404(audit)
    item = None
    if item_id is not None:
        item = publishing.item_or_none(audit, item_id)
        if item is None:
            abort(404)

    def form(obj: FeedbackItem | None) -> ItemForm:
        form = ItemForm(obj=obj)
        if request.method == "GET":
            form.version.data = str(item.version) if item else "0"
        else:  # a public page must not quote what the survey results withhold
            form.withheld = questionnaires.withheld_texts(audit)
        return form

    def save(form: ItemForm, loaded: int) -> None:
        you_said, we_did = form.you_said.data or "", form.we_did.data or ""
        version = loaded if item else None  # a new item has no version to check
        publishing.save_item(audit, summary, item, current_user, you_said, we_did, version)

    return edit_page(
        "publishing/item_form.html",
        item,
        form=form,
        save=save,
        done=lambda form, saved: ("Item saved.", url_for("publishing.feedback", audit_id=audit.id)),
        stale="Someone else changed this item while you were editing",
        describe=lambda theirs: [("You said", theirs.you_said), ("We did", theirs.we_did)],
        audit=audit,
        item=item,
        cancel_url=url_for("publishing.feedback", audit_id=audit.id),
    )


@bp.route(
    "/audits/<int:audit_id>/you-said-we-did/items/<int:item_id>/delete", methods=["GET", "POST"]
)
@login_required
def delete_item(audit_id: int, item_id: int) -> Response | str:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    item = publishing.item_or_none(audit, item_id)
    if item is None:
        abort(404)
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            publishing.remove_item(audit, item, current_user)
        except SaveFailed:
            form.submit.errors = [SAVE_FAILED]
        else:
            flash("Item deleted.", SUCCESS)
            return redirect(url_for("publishing.feedback", audit_id=audit.id))
    return render_template(
        "stakeholders/confirm_delete.html",
        audit=audit,
        form=form,
        noun="item",
        label=item.you_said[:80],
        warning="",
        cancel_url=url_for("publishing.edit_item", audit_id=audit.id, item_id=item.id),
    )


@bp.route("/audits/<int:audit_id>/you-said-we-did/public", methods=["POST"])
@login_required
def toggle_public(audit_id: int) -> Response:
    audit, _ = audit_or_404(audit_id, roles=(LEAD,), allow_published=True)
    summary = _summary_or_404(audit)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    if summary.public_token:
        publishing.withdraw(summary)
        flash("The public page is withdrawn. Its link no longer works.", SUCCESS)
    elif not summary.items:
        flash(
            "Add at least one ‘you said, we did’ item before making the page public.", INFORMATION
        )
    else:
        publishing.make_public(summary)
        flash("The page is public. Share its link with carers and stakeholders.", SUCCESS)
    return redirect(url_for("publishing.feedback", audit_id=audit.id))


@bp.route("/you-said-we-did/<token>")
def public_feedback(token: str) -> str:
    summary = publishing.public_summary(token)
    if summary is None:
        abort(404)
    audit = db.session.get(Audit, summary.audit_id)
    return render_template("publishing/public.html", summary=summary, audit=audit)
