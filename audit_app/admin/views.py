"""Administration: organisations and user accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from audit_app.admin.forms import KIND_HINTS, ROLE_HINTS, OrganisationForm, UserForm
from audit_app.extensions import db
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models import Organisation, User
from audit_app.models.user import ADMINISTRATOR
from audit_app.services import accounts
from audit_app.services.access import account_role_required, visible_audits
from audit_app.services.audits import organisation_choices

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@account_role_required(ADMINISTRATOR)
def index() -> str:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    users = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template(
        "admin/index.html",
        organisations=organisations,
        users=users,
        audits=visible_audits(current_user),
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@account_role_required(ADMINISTRATOR)
def new_organisation() -> Response | str:
    form = OrganisationForm()
    if form.validate_on_submit():
        name = form.name.data or ""
        if db.session.scalar(select(Organisation).where(Organisation.name == name)):
            form.name.errors = ["An organisation with this name already exists"]
        else:
            db.session.add(Organisation(name=name, kind=form.kind.data))
            db.session.commit()
            flash(f"Organisation ‘{name}’ added.", SUCCESS)
            return redirect(url_for("admin.index"))
    hints = [
        {"hint": {"text": KIND_HINTS[value]}} if value in KIND_HINTS else {}
        for value, _ in form.kind.choices
    ]
    return render_template("admin/organisation_form.html", form=form, kind_hints=hints)


@bp.route("/users/new", methods=["GET", "POST"])
@account_role_required(ADMINISTRATOR)
def new_user() -> Response | str:
    form = UserForm()
    form.organisation_id.choices = [("", "No organisation")] + organisation_choices()
    if form.validate_on_submit():
        if accounts.find_user(form.email.data or ""):
            form.email.errors = ["An account with this email address already exists"]
        else:
            organisation = (
                db.session.get(Organisation, int(form.organisation_id.data))
                if form.organisation_id.data
                else None
            )
            accounts.create_user(
                form.email.data or "",
                form.name.data or "",
                form.role.data or "",
                form.password.data,
                organisation,
            )
            db.session.commit()
            flash(f"Account for {form.email.data} added.", SUCCESS)
            return redirect(url_for("admin.index"))
    hints = [{"hint": {"text": ROLE_HINTS[value]}} for value, _ in form.role.choices]
    return render_template("admin/user_form.html", form=form, role_hints=hints)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@account_role_required(ADMINISTRATOR)
def toggle_active(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", INFORMATION)
        return redirect(url_for("admin.index"))
    user.active = not user.active
    db.session.commit()
    flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", SUCCESS)
    return redirect(url_for("admin.index"))
