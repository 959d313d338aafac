"""Settings read from the environment, with development defaults in instance/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one kept in instance/secret_key.

    A generated key survives restarts (sessions stay valid) and is never committed.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// URLs mapped to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(instance_path: str) -> str:
    """DATABASE_URL, else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'audit.sqlite'}"
    return normalise_database_url(url)


def settings(instance_path: str) -> dict[str, Any]:
    """The app's configuration; tests override any key through create_app(test_config)."""
    development = (
        os.environ.get("FLASK_DEBUG") == "1" or os.environ.get("AUDIT_ENV") == "development"
    )
    redis_url = os.environ.get("REDIS_URL")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SERVICE_NAME": os.environ.get("SERVICE_NAME", "Carers' Hub commissioning audit"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not development,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))),
        # A signed-in person's form with a file may be this large, so that a file over
        # its limit is refused on the form, keeping the rest (audit_app/request_body.py).
        "MAX_UPLOAD_REQUEST_BYTES": int(
            os.environ.get("MAX_UPLOAD_REQUEST_BYTES", str(100 * 1024 * 1024))
        ),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "REDIS_URL": redis_url,
        # The demo accounts use the reserved .test domain; in development people may
        # invite them. Elsewhere .test addresses are refused like any special-use domain.
        "ALLOW_TEST_EMAIL_DOMAINS": development,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down must not take sign-in and the public survey down with it:
        # Flask-Limiter logs a warning and counts in this process until Redis is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": (
            {"socket_connect_timeout": 2, "socket_timeout": 2} if redis_url else {}
        ),
        # How many proxies in front set X-Forwarded-For and -Proto; unset: none, the
        # headers are ignored (anyone could send them).
        # A session ends this long after signing in, however busy (ASVS 3.3.2).
        "SESSION_MAX_HOURS": float(os.environ.get("SESSION_MAX_HOURS") or 12),
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES") or 0),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") == "1",
        "SIGN_IN_LIMIT_PER_ACCOUNT": os.environ.get(
            "SIGN_IN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"
        ),
        "SIGN_IN_LIMIT_PER_ADDRESS": os.environ.get(
            "SIGN_IN_LIMIT_PER_ADDRESS", "50 per 15 minutes"
        ),
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", "7")),
        "PUBLIC_SURVEY_LIMIT": os.environ.get("PUBLIC_SURVEY_LIMIT", "20 per hour"),
        # Where carers leads and administrators send feedback on the service (the beta
        # banner links to it); unset, leads are asked to tell their administrator.
        "FEEDBACK_EMAIL": os.environ.get("FEEDBACK_EMAIL") or None,
        **mail_settings(development),
    }


def mail_settings(development: bool) -> dict[str, Any]:
    """Email (audit_app/services/mail.py): the SMTP server, the sender, the address links
    in emails start with, and how often a failed send is tried again."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        # On unless turned off: a password must not cross the network in clear.
        "MAIL_STARTTLS": os.environ.get("MAIL_STARTTLS", "1") == "1",
        "MAIL_SENDER": os.environ.get("MAIL_SENDER") or "noreply@localhost",
        "MAIL_TIMEOUT_SECONDS": float(os.environ.get("MAIL_TIMEOUT_SECONDS") or 10),
        "MAIL_RETRY_SECONDS": [
            int(part)
            for part in os.environ.get("MAIL_RETRY_SECONDS", "30,300,1800").split(",")
            if part.strip()
        ],
        # Without a server, development prints each email whole (with its link);
        # elsewhere only that one was not sent, so that no link lands in a log.
        "MAIL_PRINT_UNSENT": development,
        # Links in emails start with this (https://audit.example.gov.uk); unset, with
        # the address the person who caused the email was using.
        "APP_BASE_URL": (os.environ.get("APP_BASE_URL") or "").rstrip("/") or None,
    }


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from X-Forwarded-For and -Proto when
    TRUSTED_PROXIES (the number of proxies in front) is set; otherwise ignore them."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
