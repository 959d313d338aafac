"""Every change a page makes to an audit's records gives the audit a new revision.

Parts of pages (the maps, the indicators, the comparison of cycles, the gap map,
the dashboard) and the charts are kept per revision of their audit
(audit_app/services/chart_cache.py): a write that left the revision as it was
would leave them out of date. This guard watches every request of the web tests:
a row of an audit's own tables written (added, changed or removed) in a
transaction that committed without ``UPDATE audit SET revision`` for that audit
is a failure, named by endpoint and table. Tables nothing kept per revision is
made of are listed, each with its reason.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import request, request_started, request_tearing_down
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from audit_app.models import Audit

# Tables an audit owns that no page part kept per revision is made of.
NOT_KEPT = {
    "change_event": "the audit trail: written with the change it records, never kept",
    # The report keeps its sections under a key that counts them (services.report_cache).
    "questionnaire_response": "carers' answers arrive from the public survey; results pages are read fresh",
    "questionnaire_answer": "as questionnaire_response",
    "questionnaire_import": "an import job's own status",
    "report_pdf": "a PDF job's own status and file",
    "audit_membership": "who takes part: read fresh by every page",
    "invitation": "as audit_membership",
    # Written on a published version, which is otherwise fixed; shown only by the
    # pages read fresh (the commissioners' review, "you said, we did"); not in the report.
    "commissioner_comment": "commissioners' comments on a published version",
    "agreement": "commissioners' decisions on a published version",
    "feedback_summary": "'you said, we did' for carers, made public after publication",
}
# Columns of the audit row itself that change without changing what it shows.
AUDIT_BOOKKEEPING = {"revision", "updated_at"}

_writes: dict[int, set[tuple[int, str, str]]] = defaultdict(
    set
)  # thread -> (audit, table, endpoint)
_bumped: dict[int, set[int]] = defaultdict(set)  # thread -> audit ids given a new revision
_made: dict[int, set[int]] = defaultdict(set)  # thread -> audits created in the transaction
_in_request: set[int] = set()  # threads handling a request (not a test's own set-up)
failures: list[str] = []


def _thread() -> int:
    return threading.get_ident()


def _request_started(sender: Any, **extra: Any) -> None:
    _in_request.add(_thread())


def _request_ended(sender: Any, **extra: Any) -> None:
    _in_request.discard(_thread())


def _after_flush(session: Session, context: Any) -> None:
    if _thread() not in _in_request:
        return
    endpoint = request.endpoint or request.path
    for state, obj in (
        [("new", o) for o in session.new]
        + [("dirty", o) for o in session.dirty if session.is_modified(o)]
        + [("deleted", o) for o in session.deleted]
    ):
        if isinstance(obj, Audit):
            if state == "new":
                _made[_thread()].add(obj.id)
            elif state == "dirty":
                changed = {
                    attr.key
                    for attr in obj.__mapper__.column_attrs
                    if attr.key not in AUDIT_BOOKKEEPING and _history(obj, attr.key).has_changes()
                }
                if changed:
                    _writes[_thread()].add((obj.id, "audit", endpoint))
            continue
        table = getattr(obj, "__tablename__", "")
        audit_id = getattr(obj, "audit_id", None)
        if audit_id is None or table in NOT_KEPT:
            continue
        _writes[_thread()].add((audit_id, table, endpoint))


def _history(obj: Any, key: str) -> Any:
    from sqlalchemy import inspect

    return inspect(obj).attrs[key].history


def _before_cursor_execute(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    if not statement.lstrip().upper().startswith("UPDATE AUDIT SET REVISION"):
        return
    for bound in getattr(context, "compiled_parameters", None) or ():
        _bumped[_thread()].update(v for k, v in bound.items() if k.startswith("id"))


def _after_commit(session: Session) -> None:
    thread = _thread()
    for audit_id, table, endpoint in sorted(_writes.pop(thread, set())):
        if audit_id not in _bumped.get(thread, set()) and audit_id not in _made.get(thread, set()):
            failures.append(f"{endpoint}: wrote {table} of audit {audit_id} without a new revision")
    _bumped.pop(thread, None)
    _made.pop(thread, None)


def _after_rollback(session: Session) -> None:
    thread = _thread()
    for found in (_writes, _bumped, _made):
        found.pop(thread, None)


@contextmanager
def watching() -> Iterator[list[str]]:
    """Watch every commit made while the app handles a request (not a test's own
    set-up, even inside a request context); the failures seen."""
    failures.clear()
    listeners = [
        (Session, "after_flush", _after_flush),
        (Session, "after_commit", _after_commit),
        (Session, "after_rollback", _after_rollback),
        (Engine, "before_cursor_execute", _before_cursor_execute),
    ]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    request_started.connect(_request_started)
    request_tearing_down.connect(_request_ended)
    try:
        yield failures
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)
        request_started.disconnect(_request_started)
        request_tearing_down.disconnect(_request_ended)
        for found in (_writes, _bumped, _made):
            found.clear()
        _in_request.clear()
