"""Throttling of sign-in attempts: by account and by address, failures only.

ASVS 2.2.1 asks for throttling against guessing, not a hard lockout. Each limit
counts only failed attempts (a wrong password or an unknown account), so
signing in successfully never uses any of it, and a success clears that
account's count. Once an account has had too many failures in the window, no
one can sign in to it until the window ends (15 minutes by default), not even
with the right password: others can lock a person out for that long by guessing
at their email address. That is the known price of throttling by account; the
window is short and ends by itself, and the per-address limit stops one address
from keeping many accounts locked. Counting by account stops guessing spread
over many addresses; counting by address stops one address trying many accounts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Response, current_app, g, render_template, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address

from audit_app.extensions import limiter

ACCOUNT_SCOPE = "sign-in-account"
ADDRESS_SCOPE = "sign-in-ip"
TOO_MANY_FOR_ACCOUNT = "Too many attempts to sign in to this account. Try again in {wait}."
TOO_MANY_FROM_ADDRESS = "Too many attempts to sign in from your network. Try again in {wait}."


def submitted_email() -> str:
    """Rate-limit key for sign-in attempts against one account, whatever the address."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:320]


def record_failure() -> None:
    """Count this request against both limits (checked when the response is sent)."""
    g.sign_in_failed = True


def forget_failures() -> None:
    """After a successful sign-in: clear the account's count of failures (never the
    address's, or one good account would let an address keep guessing at others)."""
    for applied in limiter.current_limits:
        if applied.request_args[-1].endswith(f":{ACCOUNT_SCOPE}"):
            try:
                applied.limiter.clear(applied.limit, *applied.request_args)
            except Exception:  # a storage fault must not undo a good sign-in
                current_app.logger.warning("Could not clear the sign-in count", exc_info=True)


def _failed(response: Response) -> bool:
    return bool(g.get("sign_in_failed"))


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _wait(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _too_many(message: str) -> Callable[[RequestLimit], Response]:
    def breached(limit: RequestLimit) -> Response:
        from audit_app.auth.forms import SignInForm

        seconds = max(0.0, limit.window.reset_time - time.time())
        form = SignInForm()
        form.password.data = ""
        form.email.errors = [message.format(wait=_wait(seconds))]
        html = render_template("auth/sign_in.html", form=form)
        response = Response(html, status=429, mimetype="text/html")
        response.headers["Retry-After"] = str(math.ceil(seconds))
        return response

    return breached


def throttled(view: Callable[..., object]) -> Callable[..., object]:
    """Apply both sign-in limits to ``view`` (POST only, failures only)."""
    by_account = limiter.limit(
        _setting("SIGN_IN_LIMIT_PER_ACCOUNT"),
        key_func=submitted_email,
        methods=["POST"],
        scope=ACCOUNT_SCOPE,
        deduct_when=_failed,
        on_breach=_too_many(TOO_MANY_FOR_ACCOUNT),
    )
    by_address = limiter.limit(
        _setting("SIGN_IN_LIMIT_PER_ADDRESS"),
        key_func=get_remote_address,
        methods=["POST"],
        scope=ADDRESS_SCOPE,
        deduct_when=_failed,
        on_breach=_too_many(TOO_MANY_FROM_ADDRESS),
    )
    return by_address(by_account(view))
