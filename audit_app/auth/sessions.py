"""Starting a session, and deciding on every request whether it still stands.

A session stands while its user is active, its session version is current (see
``accounts.user_for_session``) and it began less than SESSION_MAX_HOURS ago
(ASVS 3.3.2 asks for re-authentication at least every 12 hours, even in use).
"""

from __future__ import annotations

import time

from flask import current_app, request, session
from flask_login import login_user

from audit_app.models import User
from audit_app.services import access, accounts

SIGNED_IN_AT = "signed_in_at"
# Pages that list the audits the user is a member of (access.user_and_memberships);
# the list of audits names the user's organisation too.
LISTS = frozenset({"audits.index", "cycles.compare_areas"})


def start(user: User) -> None:
    """Sign ``user`` in on this browser, from now."""
    login_user(user)
    session[SIGNED_IN_AT] = int(time.time())


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the session's user, or None once it is over."""
    hours = float(current_app.config.get("SESSION_MAX_HOURS") or 12)
    began = session.get(SIGNED_IN_AT)
    if not isinstance(began, int) or time.time() - began > hours * 3600:
        return None
    audit_id = (request.view_args or {}).get("audit_id")
    if isinstance(audit_id, int):  # an audit's page: its audit read with the user
        return accounts.user_for_session(
            session_id, lambda user_id: access.user_and_audit(user_id, audit_id)
        )
    if request.endpoint in LISTS:  # their audits read with the user
        return accounts.user_for_session(session_id, access.user_and_memberships)
    return accounts.user_for_session(session_id)
