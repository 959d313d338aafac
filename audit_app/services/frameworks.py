"""The web app's view of hub_model frameworks: built-in choices and audit snapshots."""

from __future__ import annotations

from typing import Any

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
    """
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
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = cached
    return cached


_CACHE: dict[tuple[int, str, str, int, str], Framework] = {}


def group_choices(framework: Framework) -> list[tuple[str, str]]:
    """Carer groups as select options, sub-groups indented under their parent."""
    return [(group.code, ("– " * depth) + group.name) for group, depth in framework.groups_flat()]
