"""Panels and display options in Chromium (issue 11 item 2): an HTML tile stored through the
REST API with scripts, event handlers and javascript: links is inert in the live DOM and fires
no dialog; a web tile is a sandboxed frame; a tile's display options reach the ECharts option
(legend hidden, data labels shown, its colours used)."""

import json
from typing import Any

import pytest

from tests.browser.support import open_dashboard

SLUG = "browser-panels"
NAME = {"en": "Panel", "nl": "Paneel"}
EVIL = (
    "<p>Hello</p><script>alert(1)</script><img src=x onerror=alert(1)>"
    '<a href="javascript:alert(1)">click</a><svg onload=alert(1)></svg>'
    '<a href="https://example.com/" onclick="alert(1)">doc</a>'
)
TILES: list[dict[str, Any]] = [
    {"key": "note", "name": NAME, "chart": "html", "html": EVIL},
    {"key": "site", "name": NAME, "chart": "web", "url": "https://example.com/"},
    {
        "key": "by-country",
        "name": {"en": "Leads by country", "nl": "Leads per land"},
        "chart": "column",
        "entity": "leads",
        "group_by": "country",
        "top": 5,
        "legend": False,
        "data_labels": True,
        "colours": ["#112233", "#445566"],
        "sort": "label-asc",
    },
]

# What the DOM holds that could run: script elements, on* attributes, javascript: URLs.
ACTIVE = """() => {
  const found = [];
  document.querySelectorAll('script:not([src])').forEach(s => found.push('inline script'));
  document.querySelectorAll('[data-tile-key] script').forEach(s => found.push('tile script'));
  document.querySelectorAll('[data-tile-key] *').forEach(el => {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
      if (/^\\s*javascript:/i.test(a.value)) found.push(el.tagName + ' ' + a.name + ' javascript:');
    }
  });
  return found;
}"""

OPTION = """(key) => {
  const el = document.querySelector(`[data-tile-key="${key}"] .chart`);
  const o = echarts.getInstanceByDom(el).getOption();
  return {
    legend: (o.legend || []).map(l => l.show),
    color: o.color,
    labels: o.series.map(s => !!(s.label && s.label.show)),
    categories: o.xAxis[0].data,
  };
}"""


@pytest.fixture
def board(page: Any) -> Any:
    page.goto("/dashboards/marketing")
    headers_attr = page.get_attribute("body", "hx-headers") or "{}"
    headers = {"X-CSRF-Token": json.loads(headers_attr)["X-CSRF-Token"]}
    page.request.delete(f"/api/dashboards/{SLUG}", headers=headers)
    body = {"slug": SLUG, "name": {"en": "Panels", "nl": "Panelen"}, "columns": 3, "tiles": TILES}
    made = page.request.post("/api/dashboards", data=body, headers=headers)
    assert made.status == 201, made.text()
    yield page
    page.request.delete(f"/api/dashboards/{SLUG}", headers=headers)


def test_an_html_tile_is_inert_and_a_web_tile_is_sandboxed(board: Any) -> None:
    page = board
    dialogs: list[str] = []

    def dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    open_dashboard(page, f"/dashboards/{SLUG}")
    note = page.locator('[data-tile-key="note"] [data-testid=html-panel]')
    assert note.inner_text().startswith("Hello")
    assert page.evaluate(ACTIVE) == []
    page.click('[data-tile-key="note"] a:has-text("click")')  # a link without its href
    page.hover('[data-tile-key="note"] a:has-text("doc")')
    frame = page.locator('[data-tile-key="site"] iframe')
    assert frame.get_attribute("sandbox") == "allow-scripts"
    assert frame.get_attribute("referrerpolicy") == "no-referrer"
    page.wait_for_timeout(300)
    assert dialogs == []


def test_display_options_reach_the_chart(board: Any) -> None:
    page = board
    open_dashboard(page, f"/dashboards/{SLUG}")
    api = page.request.get(f"/api/dashboards/{SLUG}").json()
    tile = next(t for t in api["tiles"] if t["key"] == "by-country")
    labels = [row["label"] for row in tile["rows"] if row["key"] != "__other__"]
    assert labels == sorted(labels, key=str.casefold)  # label-asc, Other last
    got = page.evaluate(OPTION, "by-country")
    assert got["legend"] == [False]
    assert got["color"][:2] == ["#112233", "#445566"]
    assert got["labels"] == [True]
    assert got["categories"] == [row["label"] for row in tile["rows"]]  # the API's order
