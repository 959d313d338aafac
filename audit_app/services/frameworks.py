"""The web app's view of hub_model frameworks: built-in choices and audit snapshots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from hub_model.framework import (
    Framework,
    builtin_frameworks,
    framework_to_dict,
    load_builtin,
    parse_framework,
)


def framework_choices() -> list[tuple[str, str]]:
    return [(framework_id, title) for framework_id, title in builtin_frameworks()]


def snapshot_of(framework_id: str) -> dict[str, Any]:
    """The JSON snapshot an audit keeps of a built-in framework."""
    return framework_to_dict(load_builtin(framework_id))


def framework_of(audit: Any) -> Framework:
    """The audit's framework snapshot as a hub_model Framework, parsed once per tailoring.

    Tailoring appends to the snapshot's change history, so its length tells
    whether the snapshot changed; saving a rating does not re-parse it.

    Audit pages load the audit without its snapshot (a large JSON document,
    `access._LISTED`): then the parsed framework is found by the audit's revision,
    which every tailoring bumps, without reading the document at all.
    """
    state = inspect(audit)
    by_revision = None
    if "framework" in state.unloaded and audit.id is not None:
        by_revision = (audit.id, str(audit.created_at), audit.revision)
        found = _BY_REVISION.get(by_revision)
        if found is not None:
            return found
    changes = audit.framework.get("changes") or ()
    key = (
        audit.id,
        str(audit.created_at),  # ids can be reused after a delete (SQLite does)
        audit.framework_version,
        len(changes),
        repr(changes[-1]) if changes else "",
    )
    cached = _CACHE.get(key)
    if cached is None:
        cached = parse_framework(audit.framework, source=f"audit {audit.id} snapshot")
        _keep(_CACHE, key, cached)
    if by_revision is not None and not state.modified:
        _keep(_BY_REVISION, by_revision, cached)
    return cached


def _keep(cache: dict[Any, Framework], key: Any, framework: Framework) -> None:
    if len(cache) > 256:
        cache.clear()
    cache[key] = framework


_CACHE: dict[tuple[int, str, str, int, str], Framework] = {}
_BY_REVISION: dict[tuple[int, str, int], Framework] = {}


def group_choices(framework: Framework) -> list[tuple[str, str]]:
    """Carer groups as select options, sub-groups indented under their parent."""
    return [(group.code, ("– " * depth) + group.name) for group, depth in framework.groups_flat()]
