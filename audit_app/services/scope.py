"""Which carer groups an audit assesses: the columns of its grids and maps."""

from __future__ import annotations

from typing import Any

from hub_model.framework import CarerGroup, Framework

# A whole-area audit with no groups chosen assesses the condition groups of §6.1
# (the condition of the person cared for), the first way the paper divides carers.
DEFAULT_DIMENSION = "condition"


def assessed_groups(audit: Any, framework: Framework) -> list[CarerGroup]:
    """The groups in scope, in the framework's order; unknown codes are skipped."""
    if audit.scope:
        wanted = set(audit.scope)
        return [group for group, _ in framework.groups_flat() if group.code in wanted]
    return [
        group
        for group, depth in framework.groups_flat()
        if depth == 0 and group.dimension == DEFAULT_DIMENSION
    ]


def scope_description(audit: Any, framework: Framework) -> str:
    if not audit.scope:
        return "All carers in the area"
    return ", ".join(group.name for group in assessed_groups(audit, framework))
