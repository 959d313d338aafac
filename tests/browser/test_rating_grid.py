"""The ratings grid, the checklist grid and the action plan table for a first-time
user (issue #19): labelled controls, a row saved from the keyboard in a few key
presses, names kept in view on a 320 px screen, and nothing cut off at 1280 px."""

from __future__ import annotations

import re
from typing import Any

from tests.browser import axe
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import WHOLE_AREA

ROW = "advocacy"  # a row no other browser test changes
FIRST = f"rag-{ROW}-older_people"


def _whole_area(page: Any, path: str) -> str:
    sign_in(page, "lead@demo.test")
    page.get_by_role("link", name=WHOLE_AREA).click()
    page.wait_for_url(re.compile(r".*/audits/\d+$"))
    audit_url = str(page.url)
    page.goto(audit_url + path)
    return audit_url


def _focused() -> str:
    return "[document.activeElement.tagName, document.activeElement.name, document.activeElement.value]"


def _in_view(page: Any, selector: str) -> None:
    """``selector``'s box lies wholly inside the viewport, and nothing covers its middle."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0, f"{selector} starts off screen: {box}"
    assert box["x"] + box["width"] <= size["width"] + 0.5, f"{selector} runs off the right: {box}"
    assert box["y"] + box["height"] <= size["height"] + 0.5, f"{selector} runs off the foot: {box}"
    on_top = page.evaluate(
        "([x, y, sel]) => document.querySelector(sel).contains(document.elementFromPoint(x, y))",
        [box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 10), selector],
    )
    assert on_top, f"{selector} is covered by something scrolled over it"


def _viewport_shot(page: Any, name: str) -> None:
    """What the screen shows now (a full-page picture moves held names about)."""
    axe.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(axe.SCREENSHOTS / f"{axe._slug(name)}.png"))


def _top_then_check(page: Any, name: str) -> None:
    """axe and a full-page picture from the top of the page, where no name is held."""
    page.evaluate("window.scrollTo(0, 0)")
    axe.check(page, name)


def test_lead_rates_a_row_and_saves_it_in_under_15_key_presses(page: Any) -> None:
    _whole_area(page, "/ratings")
    axe.check(page, "lead ratings grid at 1280px")
    first = page.locator(f'select[name="{FIRST}"]')
    # Each select has a visible label, and its accessible name says whose cell it is.
    for label in ("Rating", "Maturity"):
        name = f"{label} Advocacy Carers of older people"
        assert page.get_by_role("combobox", name=name, exact=True).count() == 1
    assert first.evaluate("s => s.labels[0].innerText") == "Rating"
    first.focus()
    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        page.keyboard.press(key)
        presses += 1

    press("Home")  # Rating: the first option, Red
    press("Tab")
    assert page.evaluate(_focused()) == ["SELECT", f"maturity-{ROW}-older_people", "not_rated"]
    press("ArrowUp")  # Maturity: from Not rated up to Advanced
    while page.evaluate("document.activeElement.name") != "row" and presses < 40:
        press("Tab")
    assert page.evaluate(_focused()) == ["BUTTON", "row", ROW], "Tab reached another row's button"
    assert presses < 15, f"{presses} key presses from the row's first control to its Save"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Saved 1 change to the ratings for Advocacy." in banner
    assert page.url.endswith(f"#row-{ROW}")
    assert first.input_value() == "red"
    assert page.locator(f'select[name="maturity-{ROW}-older_people"]').input_value() == "advanced"
    assert "Red (1 red" in page.locator(f"#row-{ROW}").inner_text()
    axe.check(page, "lead ratings grid after saving a row")


def test_ratings_grid_at_320px_keeps_the_intervention_in_view(phone: Any) -> None:
    _whole_area(phone, "/ratings")
    axe.no_horizontal_scroll(phone)
    # The last group's control: at the far right of the table, or the foot of the card.
    phone.locator(f'select[name="maturity-{ROW}-life_limiting_illness"]').focus()
    _in_view(phone, f'select[name="maturity-{ROW}-life_limiting_illness"]')
    _in_view(phone, f"#r-{ROW}")
    _viewport_shot(phone, "lead rating the grid at 320px, last cell focused")
    # Each cell says which group it is for, in words on the screen.
    assert phone.locator(f"#row-{ROW} .app-grid__group").first.is_visible()
    _top_then_check(phone, "lead rating the grid at 320px")


def test_ratings_grid_that_scrolls_says_so_and_keeps_the_names_in_view(
    browser: Any, live_server: str
) -> None:
    context = browser.new_context(
        base_url=live_server, bypass_csp=True, viewport={"width": 760, "height": 700}
    )
    page = context.new_page()
    try:
        _whole_area(page, "/ratings")
        hint = page.locator("#ratings-scroll-hint")
        hint.wait_for(state="visible")
        assert "scroll it sideways" in hint.inner_text()
        far_right = f'select[name="maturity-{ROW}-life_limiting_illness"]'
        page.locator(far_right).focus()
        scrolled = page.evaluate("document.querySelector('.app-table-scroll').scrollLeft")
        assert scrolled > 0, "the table did not scroll to the focused cell"
        _in_view(page, far_right)
        _in_view(page, f"#r-{ROW}")
        _viewport_shot(page, "lead ratings grid at 760px, scrolled to the last group")
        axe.check(page, "lead ratings grid at 760px, scrolled")
    finally:
        context.close()


def test_checklist_grid_at_320px_keeps_the_sub_outcome_in_view(phone: Any) -> None:
    _whole_area(phone, "/checklist")
    axe.no_horizontal_scroll(phone)
    last = 'select[name="indicator-2b-life_limiting_illness"]'
    phone.locator(last).focus()
    _in_view(phone, last)
    _in_view(phone, "#r-2b")
    _viewport_shot(phone, "lead checklist grid at 320px, last cell focused")
    _top_then_check(phone, "lead checklist grid at 320px")


def test_action_table_is_not_cut_off_at_1280px(page: Any) -> None:
    audit_url = _whole_area(page, "/plan/actions/new")
    description = "Commission an evening and weekend sitting service across the whole county"
    page.get_by_label("Action", exact=True).fill(description)
    page.get_by_label("Target or measure (optional)").fill("200 more working carers have a break")
    page.get_by_label("Timescale (optional)").fill("Quarter 3 2026/27")
    page.locator('[name="leads-0-post"]').fill("Commissioning manager for carers")
    page.get_by_role("button", name="Save action").click()
    page.goto(audit_url + "/plan")
    table = page.locator(".app-plan-actions").first
    widths = table.evaluate(
        "t => [t.scrollWidth, t.parentElement.clientWidth, t.getBoundingClientRect().right]"
    )
    assert widths[0] <= widths[1], f"the table is wider than its box: {widths}"
    row = page.locator("tr", has_text=description)
    for name in ("Add update", "Change"):
        link = row.get_by_role("link", name=re.compile(f"^{name}"))
        box = link.bounding_box()
        assert box is not None and box["x"] + box["width"] <= widths[2], f"{name} is cut off"
        inside = "a => a.getBoundingClientRect().right <= a.closest('td').getBoundingClientRect().right + 1"
        assert link.evaluate(inside), f"{name} runs out of its cell"
    axe.check(page, "lead action plan table at 1280px")
