"""The Carers' Hub commissioning audit: a Flask application factory."""

from __future__ import annotations

import os
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from audit_app.config import settings, trust_proxies
from audit_app.extensions import csrf, db, limiter, login_manager, migrate
from audit_app.request_body import AppRequest
from hub_model.scales import ChecklistStatus, Maturity, Rag, Rag4, label


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Nothing happens at import time; tests pass their own config."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = AppRequest
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    if app.config.get("ALLOW_TEST_EMAIL_DOMAINS"):
        import email_validator

        # email-validator refuses reserved domains process-wide; development only.
        if "test" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
            email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("test")
    trust_proxies(app)
    _init_templates(app)
    _init_extensions(app)
    _register_blueprints(app)

    from audit_app.errors import register_error_handlers
    from audit_app.security import register_request_checks, register_security_headers

    register_error_handlers(app)
    register_security_headers(app)
    register_request_checks(app)

    from audit_app.cli import register_commands

    register_commands(app)
    return app


GOVUK_MACROS = {
    "govukErrorSummary": "error-summary",
    "govukNotificationBanner": "notification-banner",
    "govukBackLink": "back-link",
    "govukBreadcrumbs": "breadcrumbs",
    "govukButton": "button",
    "govukSummaryList": "summary-list",
    "govukInsetText": "inset-text",
    "govukWarningText": "warning-text",
    "govukDetails": "details",
    "govukPanel": "panel",
}


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("audit_app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    # GOV.UK Frontend's macros that pages use without importing them, imported once
    # here as template globals: base.html imported each of them on every page (about
    # 0.13 ms a page in all, in-process).
    for name, component in GOVUK_MACROS.items():
        macros = app.jinja_env.get_template(
            f"govuk_frontend_jinja/components/{component}/macro.html"
        )
        app.jinja_env.globals[name] = getattr(macros.module, name)

    from audit_app import layout
    from audit_app.forms import error_summary
    from audit_app.ratings.grid_html import grid_cell
    from audit_app.select_options import select_options
    from audit_app.services.chart_cache import cached_markup, kept_bytes
    from audit_app.tables import govuk_table
    from audit_app.task_list import govuk_tag, govuk_task_list

    app.add_template_global(error_summary)
    app.add_template_global(govuk_table, "govukTable")
    app.add_template_global(govuk_tag, "govukTag")
    app.add_template_global(govuk_task_list, "govukTaskList")
    app.add_template_global(select_options)
    app.add_template_global(grid_cell)
    app.add_template_global(cached_markup, "revision_cached")
    app.add_template_global(kept_bytes, "revision_kept")
    app.add_template_global(layout.header, "layout_header")
    app.add_template_global(layout.service_navigation, "layout_service_navigation")
    app.add_template_global(layout.phase_banner, "layout_phase_banner")
    app.add_template_filter(_format_datetime, "datetime")
    app.add_template_filter(_format_date, "date")
    app.add_template_filter(grade_label, "grade_label")
    app.add_template_global(GRADE_CODES, "grade_codes")


def _format_datetime(value: datetime | None) -> str:
    if value is None:
        return "Not recorded"
    return value.strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm") + " UTC"


_SCALES: dict[str, type[StrEnum]] = {
    "rag": Rag,
    "maturity": Maturity,
    "checklist": ChecklistStatus,
    "progress": Rag4,
}
GRADE_CODES = frozenset(grade.value for scale in _SCALES.values() for grade in scale)


# (scale or None, code) -> words; the first scale listing a code wins when none is named.
_LABELS: dict[tuple[str | None, str], str] = {}
for _name, _enum in reversed(list(_SCALES.items())):
    for _grade in _enum:
        _LABELS[(_name, _grade.value)] = _LABELS[(None, _grade.value)] = label(_grade)


def grade_label(value: Any, scale: str | None = None) -> str:
    """The words for a stored grade code; ``scale`` picks the scale where codes are shared."""
    value = getattr(value, "value", value)
    found = _LABELS.get((scale if scale in _SCALES else None, value))
    return found if found is not None else str(value)


def _format_date(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else "Not recorded"


def _init_extensions(app: Flask) -> None:
    from audit_app import models  # noqa: F401  (registers the tables)
    from audit_app.database import check_connections_on_checkout, use_sqlite_settings

    db.init_app(app)
    with app.app_context():
        check_connections_on_checkout(db.engine)
        use_sqlite_settings(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "information"  # not a success: audit_app.messages
    login_manager.session_protection = "strong"

    from audit_app.auth.sessions import load_user

    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    from audit_app.admin.views import bp as admin_bp
    from audit_app.audits.views import bp as audits_bp
    from audit_app.auth.views import bp as auth_bp
    from audit_app.cqc.views import bp as cqc_bp
    from audit_app.cycles.views import bp as cycles_bp
    from audit_app.evidence.views import bp as evidence_bp
    from audit_app.exports.views import bp as exports_bp
    from audit_app.indicators.views import bp as indicators_bp
    from audit_app.main.views import bp as main_bp
    from audit_app.maps.views import bp as maps_bp
    from audit_app.needs.views import bp as needs_bp
    from audit_app.plan.views import bp as plan_bp
    from audit_app.publishing.views import bp as publishing_bp
    from audit_app.quality_of_life.views import bp as quality_of_life_bp
    from audit_app.questionnaires.views import bp as questionnaires_bp
    from audit_app.ratings.views import bp as ratings_bp
    from audit_app.stakeholders.views import bp as stakeholders_bp
    from audit_app.tailoring.views import bp as tailoring_bp

    for blueprint in (
        main_bp,
        auth_bp,
        audits_bp,
        admin_bp,
        ratings_bp,
        stakeholders_bp,
        needs_bp,
        evidence_bp,
        plan_bp,
        publishing_bp,
        tailoring_bp,
        maps_bp,
        cycles_bp,
        indicators_bp,
        quality_of_life_bp,
        cqc_bp,
        questionnaires_bp,
        exports_bp,
    ):
        app.register_blueprint(blueprint)
