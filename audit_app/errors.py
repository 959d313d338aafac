"""Accessible error pages: a plain heading and what to do next, never a stack trace."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, Response, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from audit_app.services.changes import SaveFailed

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

DATABASE_MESSAGE = (
    "Sorry, the service is busy",
    [
        "The database did not respond, so this page could not be shown and nothing "
        "you sent with it was saved.",
        "Wait a minute, then go back and try again: what you typed is still on the "
        "page you came from.",
    ],
)
# A database that did not answer: lost, restarted, locked by another writer for too
# long, or every pooled connection busy; or a save it refused that no form caught
# (SaveFailed). The request changed nothing (its transaction is rolled back), and
# trying again soon usually works.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, SaveFailed)

CSRF_MESSAGE = (
    "Sorry, your form has expired",
    ["For your security, forms time out. Go back, reload the page and try again."],
)


# An error page: its HTML, status and headers.
ErrorPage = tuple[str, int, dict[str, str]]


def render_error(
    code: int, heading: str | None = None, paragraphs: list[str] | None = None
) -> ErrorPage:
    """The error page for ``code``; the page saying the database did not respond
    instead if it fails while drawing it (the header reads who is signed in)."""
    try:
        return _page(code, heading, paragraphs), code, {}
    except SQLAlchemyError as error:
        return database_unavailable(error)


def _page(code: int, heading: str | None, paragraphs: list[str] | None) -> str:
    default_heading, default_paragraphs = MESSAGES.get(code, MESSAGES[500])
    return render_template(
        "errors/error.html",
        heading=heading or default_heading,
        paragraphs=paragraphs or default_paragraphs,
        form=None,
    )


def database_unavailable(error: Exception) -> ErrorPage:
    """503, for a database that did not answer (UNAVAILABLE): the request's
    transaction rolled back, the page drawn as for someone signed out (the
    signed-in user, if loaded at all, was expired by the rollback, and reading it
    again would ask the database)."""
    from audit_app.extensions import db

    current_app.logger.warning("The database did not respond: %s", error)
    with suppress(SQLAlchemyError):  # the connection is gone: the pool replaces it
        db.session.rollback()
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    return _page(503, *DATABASE_MESSAGE), 503, {"Retry-After": "60"}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ErrorPage:
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | ErrorPage:
        if error.response is not None:  # a page made for this error (sign-in throttling)
            return error.response  # type: ignore[return-value]
        code = error.code or 500
        return render_error(code if code in MESSAGES else 500 if code >= 500 else 400)

    for unavailable in UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> ErrorPage:
        app.logger.exception("Unhandled error")
        from audit_app.extensions import db

        with suppress(SQLAlchemyError):
            db.session.rollback()
        return render_error(500)
