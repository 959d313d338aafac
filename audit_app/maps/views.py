"""The maps of an audit and its gap map against the national outcomes.

They are made of the lead's judgements: the lead reads them on a draft, every
other member once the audit is published (`audit_with_judgements_or_404`). Chart images are
served with their content type and cache headers; their data is in a table
on the page beside them.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from audit_app.services import maps
from audit_app.services.access import audit_with_judgements_or_404
from audit_app.services.chart_cache import cached
from hub_model import reach
from hub_model.gap_map import COUNT_RULE
from hub_model.gap_map import RULES as GAP_RULES

bp = Blueprint("maps", __name__, url_prefix="/audits/<int:audit_id>/maps")

TITLES = {"rag": "RAG map", "maturity": "Maturity map", "checklist": "Appendix A map"}


def _page(template: str, audit_id: int, **context: object) -> str:
    audit, role = audit_with_judgements_or_404(audit_id)
    return render_template(template, audit=audit, role=role, data=maps.audit_maps(audit), **context)


@bp.route("/")
@login_required
def index(audit_id: int) -> str:
    return _page("maps/index.html", audit_id)


@bp.route("/wheel")
@login_required
def wheel(audit_id: int) -> str:
    rules = {"rag": maps.RAG_RULE, "maturity": maps.MATURITY_RULE}
    return _page("maps/wheel.html", audit_id, rules=rules)


@bp.route("/rag")
@login_required
def rag_map(audit_id: int) -> str:
    return _page("maps/grid.html", audit_id, kind="rag", heading=TITLES["rag"], rule=maps.RAG_RULE)


@bp.route("/maturity")
@login_required
def maturity_map(audit_id: int) -> str:
    return _page(
        "maps/grid.html",
        audit_id,
        kind="maturity",
        heading=TITLES["maturity"],
        rule=maps.MATURITY_RULE,
    )


@bp.route("/appendix-a")
@login_required
def checklist_map(audit_id: int) -> str:
    return _page("maps/checklist.html", audit_id, rule=maps.CHECKLIST_RULE)


@bp.route("/gaps")
@login_required
def gap_map(audit_id: int) -> str:
    audit, role = audit_with_judgements_or_404(audit_id)
    evidence = maps.visible_evidence(audit, current_user, role)
    # The content depends only on the audit's revision and on which evidence the
    # viewer may see (its names are shown), so it is rendered once for each.
    seen = hashlib.sha256(repr(sorted(evidence.items())).encode()).hexdigest()[:16]

    def render_body() -> str:
        return render_template(
            "maps/_gaps_body.html",
            audit=audit,
            role=role,
            data=maps.audit_maps(audit),
            evidence=evidence,
            actions=maps.action_names(audit),
            rules=GAP_RULES,
            reach_rule=reach.RULE,
            count_rule=COUNT_RULE,
        )

    body = cached(audit, f"gap-map-page-{role}-{seen}.html", render_body)
    return render_template("maps/gaps.html", audit=audit, role=role, body=Markup(body))  # noqa: S704 (our own template's output)


@bp.route("/ratings/<intervention>/<group>")
@login_required
def rating_cell(audit_id: int, intervention: str, group: str) -> str:
    audit, role = audit_with_judgements_or_404(audit_id)
    cell = maps.rating_cell(audit, intervention, group, current_user, role)
    return render_template("maps/cell.html", audit=audit, role=role, cell=cell)


@bp.route("/checklist/<sub_outcome>/<group>")
@login_required
def checklist_cell(audit_id: int, sub_outcome: str, group: str) -> str:
    audit, role = audit_with_judgements_or_404(audit_id)
    cell = maps.checklist_cell(audit, sub_outcome, group, current_user, role)
    return render_template("maps/cell.html", audit=audit, role=role, cell=cell)


def _image(body: bytes, fmt: str, revision: int) -> Response:
    response = Response(body, mimetype=maps.IMAGE_FORMATS[fmt])
    # Private: only members may see an audit. The URL carries the revision, so a
    # cached copy is never stale; the browser may keep it for a day.
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.set_etag(f"{revision}-{len(body)}")
    return response.make_conditional(request)


@bp.route("/wheel-<scale>.<fmt>")
@login_required
def wheel_image(audit_id: int, scale: str, fmt: str) -> Response:
    audit, _ = audit_with_judgements_or_404(audit_id)
    if scale not in maps.WHEEL_SCALES or fmt not in maps.IMAGE_FORMATS:
        abort(404)
    return _image(maps.wheel_chart(audit, scale, fmt), fmt, audit.revision or 0)


@bp.route("/map-<kind>.png")
@login_required
def map_image(audit_id: int, kind: str) -> Response:
    audit, _ = audit_with_judgements_or_404(audit_id)
    if kind not in maps.MAP_KINDS:
        abort(404)
    return _image(maps.map_chart(audit, kind), "png", audit.revision or 0)
