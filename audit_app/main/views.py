"""The start page each role lands on, and the service's static pages."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def start() -> Response:
    if current_user.is_admin:
        return redirect(url_for("admin.index"))
    return redirect(url_for("audits.index"))


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("main/accessibility.html")


@bp.route("/about")
def about() -> str:
    return render_template("main/about.html")
