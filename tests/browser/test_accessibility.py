"""Accessibility and layout: keyboard reach of filters and tile menus, axe-core (WCAG 2 A/AA,
including colour contrast) in both themes, no horizontal scrolling and no overlapping tiles on a
laptop (1280x800) and a phone (390x844)."""

from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, Console, new_page
from tests.browser.support import open_dashboard, wait_ready

pytestmark = pytest.mark.browser
SLUGS = ("marketing", "lead-nurturing", "sales")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

FOCUSED = """() => {
  const el = document.activeElement;
  const tile = el && el.closest('[data-tile-key]');
  return {
    filter: el && el.dataset ? el.dataset.filter || null : null,
    menu: el && el.tagName === 'SUMMARY' && tile ? tile.dataset.tileKey : null,
    testid: el && el.dataset ? el.dataset.testid || null : null,
  };
}"""


def test_filters_and_tile_menus_are_reachable_by_keyboard(page: Any) -> None:
    open_dashboard(page, "/dashboards/marketing")
    keys = page.eval_on_selector_all("[data-tile-key]", "els => els.map(e => e.dataset.tileKey)")
    filters: list[str] = []
    menus: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["filter"]:
            filters.append(focused["filter"])
        if focused["menu"]:
            menus.append(focused["menu"])
    # In page order (the Tab order wraps around the page, so each is met more than once).
    assert list(dict.fromkeys(filters)) == ["owner", "country", "status", "period"]
    assert list(dict.fromkeys(menus)) == keys
    # A filter works from the keyboard alone.
    page.focus("[data-filter=status]")
    page.keyboard.press("ArrowDown")
    page.wait_for_url("**/dashboards/marketing?status=open")
    wait_ready(page)
    # A tile menu opens with Enter, its items follow with Tab, Escape closes it.
    page.focus("[data-tile-key=top-10-forms-ytd] summary")
    page.keyboard.press("Enter")
    menu = page.locator("[data-tile-key=top-10-forms-ytd] details.tile-menu")
    assert menu.get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "fullscreen"
    page.keyboard.press("Enter")
    assert "is-fullscreen" in (
        page.locator("[data-tile-key=top-10-forms-ytd]").get_attribute("class") or ""
    )
    page.keyboard.press("Escape")
    assert "is-fullscreen" not in (
        page.locator("[data-tile-key=top-10-forms-ytd]").get_attribute("class") or ""
    )
    page.focus("[data-tile-key=top-10-forms-ytd] summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    # Charts drill down from the keyboard through "Show the figures" in the tile menu.
    page.focus("[data-tile-key=new-leads-by-channel-ytd] summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # full screen
    page.keyboard.press("Tab")  # show the figures
    assert page.evaluate("document.activeElement.dataset.action") == "figures"
    page.keyboard.press("Enter")
    page.locator("[data-testid=figures]").wait_for()
    assert page.evaluate("document.activeElement.id") == "drilldown-title"
    first = page.locator("[data-testid=figures] tbody tr").first
    for _ in range(5):  # past Close and the table (a scrollable region) to the first row's link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "figures-drill":
            break
    # The row's key is read before Enter replaces the figures with that row's records; then
    # wait for the records of exactly that row.
    key = page.evaluate("document.activeElement.closest('tr').dataset.key")
    assert key == first.get_attribute("data-key")
    page.keyboard.press("Enter")
    rows = page.eval_on_selector(
        "[data-tile-key=new-leads-by-channel-ytd]", "t => JSON.parse(t.dataset.rows)"
    )
    total = page.locator(f'[data-testid=drilldown-total][data-key="{key}"]')
    total.wait_for()
    assert int(total.get_attribute("data-count") or 0) == next(
        r["value"] for r in rows if r["key"] == key
    )
    page.keyboard.press("Escape")
    # Numbers drill down from the keyboard too, and focus returns after closing the panel.
    button = page.locator("[data-tile-key=new-leads-from-chats-ytd] [data-action=drill]")
    button.focus()
    page.keyboard.press("Enter")
    page.locator("[data-testid=drilldown-total]").wait_for()
    assert page.evaluate("document.activeElement.id") == "drilldown-title"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.dataset.action") == "drill"


def run_axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary),
          }));
        }""",
        AXE_TAGS,
    )
    return list(result)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_no_wcag_aa_problems(
    browser: Any, server: Any, signed_in: dict[str, Any], console: Console, theme: str
) -> None:
    context, page = new_page(browser, server, signed_in, console)
    context.add_cookies([{"name": "leadboard_theme", "value": theme, "url": server.url}])
    problems: dict[str, Any] = {}
    for path in [f"/dashboards/{slug}" for slug in SLUGS] + ["/dashboards/sales?lang=nl"]:
        open_dashboard(page, path)
        problems[path] = run_axe(page)
    open_dashboard(page, "/dashboards/marketing")
    page.locator("[data-tile-key=new-leads-from-forms-ytd] [data-action=drill]").click()
    page.locator("[data-testid=drilldown-total]").wait_for()
    problems["drill-down panel"] = run_axe(page)
    record = page.locator("[data-testid=drilldown] [data-record-id] a").first
    record.click()
    page.wait_for_url("**/leads/*")
    problems["lead page"] = run_axe(page)
    context.close()
    anonymous, login = new_page(browser, server, None, console)
    anonymous.add_cookies([{"name": "leadboard_theme", "value": theme, "url": server.url}])
    login.goto("/login")
    problems["login"] = run_axe(login)
    login.goto("/dashboards/no-such-dashboard")
    anonymous.close()
    found = {where: v for where, v in problems.items() if v}
    assert found == {}
    console.errors = [e for e in console.errors if "404" not in e]
    assert console.errors == []


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_no_horizontal_scroll_and_no_overlapping_tiles(
    browser: Any, server: Any, signed_in: dict[str, Any], console: Console, width: int, height: int
) -> None:
    context, page = new_page(
        browser, server, signed_in, console, viewport={"width": width, "height": height}
    )
    for slug in SLUGS:
        open_dashboard(page, f"/dashboards/{slug}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{slug} at {width}px scrolls sideways by {overflow}px"
        boxes = page.eval_on_selector_all(
            ".grid-stack-item",
            "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return [e.getAttribute('gs-id'), r.left, r.top, r.right, r.bottom]; })",
        )
        for i, (a, *ra) in enumerate(boxes):
            assert ra[0] >= -0.5, f"{a} leaves the page"
            assert ra[2] <= width + 0.5, f"{a} leaves the page"
            for b, *rb in boxes[i + 1 :]:
                overlap_x = min(ra[2], rb[2]) - max(ra[0], rb[0])
                overlap_y = min(ra[3], rb[3]) - max(ra[1], rb[1])
                assert overlap_x <= 1 or overlap_y <= 1, f"{a} overlaps {b} at {width}px"
        if width < 500:
            lefts = {round(box[1]) for box in boxes}
            assert len(lefts) == 1, "one column on a phone"
        page.screenshot(path=str(ARTIFACTS / "dashboards" / f"{slug}-{width}.png"), full_page=True)
    context.close()
    assert console.errors == []
