"""What the browser tests do on a page: wait for tiles, read them, click into charts."""

from decimal import Decimal
from typing import Any

ALL_SETTLED = """() => {
  const tiles = [...document.querySelectorAll('[data-tile-key]')];
  return tiles.length > 0 && tiles.every(t => t.dataset.state !== 'loading');
}"""

TILES = """() => [...document.querySelectorAll('[data-tile-key]')].map(t => ({
  key: t.dataset.tileKey,
  chart: t.dataset.chart,
  state: t.dataset.state,
  rows: JSON.parse(t.dataset.rows),
  filtered: t.dataset.filtered ? t.dataset.filtered.split(' ') : [],
  mark: !!t.querySelector('[data-testid=filter-mark]'),
  name: t.querySelector('.tile-title').textContent.trim(),
  number: t.querySelector('[data-testid=number-value]')?.textContent.trim() ?? null,
  listRows: t.querySelectorAll('tbody tr[data-record-id]').length,
  error: t.querySelector('[data-testid=tile-error]')?.textContent ?? null,
}))"""

# Painted pixels of a tile's chart canvas (not transparent).
PAINTED = """(key) => {
  const canvas = document.querySelector(`[data-tile-key="${key}"] canvas`);
  if (!canvas) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""

# The page position of the middle of a data item (a pie segment, bar or funnel step).
ITEM_POINT = """([key, index]) => {
  const tile = document.querySelector(`[data-tile-key="${key}"]`);
  tile.scrollIntoView({block: 'center'});
  const el = tile.querySelector('.chart');
  const chart = echarts.getInstanceByDom(el);
  const layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(index);
  const box = el.getBoundingClientRect();
  let x, y;
  if (layout.points) {
    x = layout.points.reduce((s, p) => s + p[0], 0) / layout.points.length;
    y = layout.points.reduce((s, p) => s + p[1], 0) / layout.points.length;
  } else if (layout.cx !== undefined) {
    const angle = (layout.startAngle + layout.endAngle) / 2;
    const r = (layout.r0 + layout.r) / 2;
    x = layout.cx + r * Math.cos(angle);
    y = layout.cy + r * Math.sin(angle);
  } else {
    x = layout.x + layout.width / 2;
    y = layout.y + layout.height / 2;
  }
  return {x: box.left + x, y: box.top + y};
}"""


def wait_ready(page: Any) -> None:
    page.wait_for_function(ALL_SETTLED)


def open_dashboard(page: Any, path: str) -> None:
    page.goto(path)
    wait_ready(page)


def tiles(page: Any) -> dict[str, dict[str, Any]]:
    return {t["key"]: t for t in page.evaluate(TILES)}


def api(page: Any, path: str) -> Any:
    response = page.request.get(path)
    assert response.ok, f"{path}: {response.status} {response.text()}"
    return response.json()


def figures(tile: dict[str, Any]) -> Any:
    """The figures of an API tile that the page's data-rows must carry (SPEC: as the API gives)."""
    for field in ("steps", "rows", "records"):
        if field in tile:
            return tile[field]
    if tile["chart"] == "gauge":
        return {k: tile.get(k) for k in ("value", "target", "count", "total")}
    return {k: tile[k] for k in ("value", "compare") if k in tile}


def click_item(page: Any, key: str, index: int) -> None:
    point = page.evaluate(ITEM_POINT, [key, index])
    page.mouse.click(point["x"], point["y"])


def drill_total(page: Any) -> dict[str, Any]:
    total = page.locator("[data-testid=drilldown] [data-testid=drilldown-total]")
    total.wait_for()
    return {
        "count": int(total.get_attribute("data-count") or 0),
        "value": Decimal(total.get_attribute("data-value") or 0),  # money: a decimal string
        "text": total.inner_text(),
    }


# The page position of a text drawn on a tile's chart canvas (a legend entry, say).
TEXT_POINT = """([key, text]) => {
  const el = document.querySelector(`[data-tile-key="${key}"] .chart`);
  el.scrollIntoView({block: 'center'});
  const chart = echarts.getInstanceByDom(el);
  const found = chart.getZr().storage.getDisplayList().find(
    e => e.style && e.style.text === text && !e.ignore && !e.invisible);
  if (!found) return null;
  const rect = found.getBoundingRect().clone();
  rect.applyTransform(found.getComputedTransform());
  const box = el.getBoundingClientRect();
  return {x: box.left + rect.x + rect.width / 2, y: box.top + rect.y + rect.height / 2};
}"""

# What the chart draws: each series' values (the figures behind bars, segments, steps, points).
SERIES_VALUES = """(key) => {
  const el = document.querySelector(`[data-tile-key="${key}"] .chart`);
  const series = echarts.getInstanceByDom(el).getOption().series;
  return series.map(s => s.data.map(d => (d && typeof d === 'object') ? d.value : d));
}"""

LEGEND_SELECTED = """(key) => {
  const el = document.querySelector(`[data-tile-key="${key}"] .chart`);
  return echarts.getInstanceByDom(el).getOption().legend[0].selected;
}"""


def chart_text_point(page: Any, key: str, text: str) -> dict[str, float] | None:
    return page.evaluate(TEXT_POINT, [key, text])  # type: ignore[no-any-return]
