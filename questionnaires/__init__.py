"""The shipped questionnaire definitions (YAML), and where to find them."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def definition_paths() -> list[Path]:
    """Every shipped questionnaire file, in name order."""
    return sorted(FOLDER.glob("*.yaml"))
