"""axe-core accessibility checks and screenshots for the browser tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

# WCAG 2.2 AA, and the A and AA rules of the earlier versions it includes.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@dataclass
class AxeLog:
    """Every page checked in this run, with its violation count."""

    pages: list[tuple[str, str, int]] = field(default_factory=list)

    def summary(self) -> list[str]:
        if not self.pages:
            return []
        total = sum(count for _, _, count in self.pages)
        lines = [f"axe-core (WCAG 2.2 AA): {len(self.pages)} pages checked, {total} violations"]
        lines += [f"  {count} violations  {name}  {url}" for name, url, count in self.pages]
        return lines


LOG = AxeLog()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG under screenshots/; "exports/pdf status" goes in a subfolder."""
    *folders, last = [_slug(part) for part in name.split("/")]
    path = SCREENSHOTS.joinpath(*folders, f"{last}.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def check(page: Any, name: str) -> None:
    """Run axe on the page as it stands, save a screenshot, fail on any violation."""
    screenshot(page, name)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = result["violations"]
    LOG.pages.append((name, page.url, len(violations)))
    if violations:
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n"
            + "\n".join(f"    {node['html'][:200]}" for node in v["nodes"][:5])
            for v in violations
        )
        raise AssertionError(
            f"axe found {len(violations)} violations on {name} ({page.url}):\n{report}"
        )


def no_horizontal_scroll(page: Any) -> None:
    """The page itself never scrolls sideways; wide tables scroll in their own box."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], (
        f"page scrolls sideways at {widths[1]}px: content is {widths[0]}px wide"
    )
