"""Accessible error pages: a plain heading and what to do next, never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES: dict[int, tuple[str, list[str]]] = {
    400: (
        "Sorry, there is a problem with that request",
        ["The request could not be understood. Go back, check what you entered and try again."],
    ),
    403: (
        "You do not have permission to see this page",
        ["If you think you should, ask your carers lead or an administrator."],
    ),
    404: (
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you followed a link, the page may have moved or you may not have access to it.",
        ],
    ),
    405: ("Sorry, that is not allowed", ["Go back and use the buttons on the page."]),
    409: (
        "This audit has been published",
        [
            "A published version cannot be changed, so that commissioners' comments "
            "and agreement always refer to what they saw. Nothing has been saved.",
            "The carers lead can start a new version of the audit from its overview page.",
        ],
    ),
    413: (
        "The file is too large",
        ["Files must be 10 MB or smaller. Go back and choose a smaller file."],
    ),
    429: (
        "Too many attempts",
        ["You have tried too many times. Wait 15 minutes, then try again."],
    ),
    500: (
        "Sorry, there is a problem with the service",
        ["Try again later. What you entered has not been saved."],
    ),
}

CSRF_MESSAGE = (
    "Sorry, your form has expired",
    ["For your security, forms time out. Go back, reload the page and try again."],
)


def render_error(
    code: int, heading: str | None = None, paragraphs: list[str] | None = None
) -> tuple[str, int]:
    default_heading, default_paragraphs = MESSAGES.get(code, MESSAGES[500])
    html = render_template(
        "errors/error.html",
        heading=heading or default_heading,
        paragraphs=paragraphs or default_paragraphs,
        form=None,
    )
    return html, code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | tuple[str, int]:
        if error.response is not None:  # a page made for this error (sign-in throttling)
            return error.response  # type: ignore[return-value]
        code = error.code or 500
        return render_error(code if code in MESSAGES else 500 if code >= 500 else 400)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error")
        from audit_app.extensions import db

        db.session.rollback()
        return render_error(500)
