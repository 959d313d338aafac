"""Sign in and out, change password, accept an invitation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from audit_app.auth import sessions, throttle
from audit_app.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    JoinAuditForm,
    SignInForm,
)
from audit_app.auth.next_page import local_path
from audit_app.messages import INFORMATION, SUCCESS
from audit_app.models.audit import COMMISSIONER
from audit_app.services import access, accounts

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
WAITING = (
    "It is still a draft: commissioners see an audit once its carers lead publishes it. "
    "It will appear in your list of audits then."
)


@bp.route("/sign-in", methods=["GET", "POST"])
@throttle.throttled
def sign_in() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            throttle.forget_failures()
            sessions.start(user)
            return redirect(_safe_next(request.args.get("next")))
        throttle.record_failure()
        # One message for every failure: it must not reveal which accounts exist.
        form.email.errors = [SIGN_IN_FAILED]
        form.password.data = ""
    return render_template("auth/sign_in.html", form=form)


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("main.start")


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    if current_user.is_authenticated:
        accounts.sign_out(current_user)
    logout_user()
    flash("You have signed out.", SUCCESS)
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(
            current_user, form.current_password.data or "", form.new_password.data or ""
        ):
            # Every other session has ended; this one carries on with the new version.
            sessions.start(current_user._get_current_object())
            flash("Your password has been changed.", SUCCESS)
            return redirect(url_for("main.start"))
        form.current_password.errors = ["Your current password is not right"]
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Response | str:
    invitation = accounts.pending_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404  # type: ignore[return-value]
    existing = accounts.find_user(invitation.email)
    if existing is not None and (
        not current_user.is_authenticated or current_user.id != existing.id
    ):
        # The link alone must never sign anyone in to an existing account.
        logout_user()
        flash(f"Sign in as {invitation.email} to accept this invitation.", INFORMATION)
        return redirect(url_for("auth.sign_in", next=request.path))
    if existing is None and current_user.is_authenticated:
        logout_user()
    form: JoinAuditForm | AcceptInvitationForm = (
        JoinAuditForm() if existing else AcceptInvitationForm()
    )
    if form.validate_on_submit():
        try:
            if isinstance(form, AcceptInvitationForm):
                user = accounts.accept_invitation(invitation, form.name.data, form.password.data)
            else:
                user = accounts.accept_invitation(invitation, None, None)
        except accounts.InvitationUsed:
            return render_template("auth/invitation_used.html"), 409  # type: ignore[return-value]
        sessions.start(user)
        if not access.can_see(user, invitation.audit, invitation.role):
            # A commissioner sees an audit once it is published: its page would be a 404.
            flash(f"You have joined ‘{invitation.audit.title}’. {WAITING}", SUCCESS)
            return redirect(url_for("audits.index"))
        flash(f"You have joined ‘{invitation.audit.title}’.", SUCCESS)
        return redirect(url_for("audits.overview", audit_id=invitation.audit_id))
    return render_template(
        "auth/accept_invitation.html",
        form=form,
        invitation=invitation,
        existing=existing,
        waiting=WAITING
        if not invitation.audit.is_published and invitation.role == COMMISSIONER
        else None,
    )
