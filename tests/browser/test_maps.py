"""The maps pages in a real browser on the demo data: axe-core at desktop and 320 px."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in

DEMENTIA = "Carers of people with dementia in Northshire 2026/27"
PAGES = [
    ("Hub wheel", "Hub wheel"),
    ("RAG map", "RAG map"),
    ("Maturity map", "Maturity map"),
    ("Appendix A map", "Appendix A map"),
    ("Gap map against the national outcomes", "Gap map against the national outcomes"),
]


def _visit_maps(page: Any, who: str, narrow: bool) -> None:
    sign_in(page, f"{who}@demo.test")
    page.get_by_role("link", name=DEMENTIA).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    audit_url = str(page.url)
    for link, heading in PAGES:
        page.goto(audit_url)
        page.locator("#maps-links").get_by_role("link", name=link).click()
        assert page.locator("h1").inner_text() == heading
        page.wait_for_load_state("load")
        axe.check(page, f"{who} {link}{' 320px' if narrow else ''}")
        if narrow:
            axe.no_horizontal_scroll(page)
    page.goto(audit_url + "/maps/rag")
    page.get_by_role("link", name=re.compile("Rationale and evidence")).first.click()
    axe.check(page, f"{who} map cell{' 320px' if narrow else ''}")


def test_commissioner_reads_the_maps_at_desktop(page: Any) -> None:
    _visit_maps(page, "commissioner", narrow=False)


def test_lead_reads_the_maps_on_a_320px_screen(phone: Any) -> None:
    _visit_maps(phone, "lead", narrow=True)
