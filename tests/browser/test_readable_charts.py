"""Charts a manager can read without hovering (issue 8 items 10 and 12), on a laptop (1280 px)
and a phone (390 px), in English and Dutch: every category label drawn (none skipped, none
overlapping, none cut by the canvas), legends that list every entry with its share, one axis per
unit (both value axes of a bar+line below it), lists that fit their tile, quick-filter choices
that are not cut off, a clickable gauge and one minus sign (U+2212)."""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, Console, new_page
from tests.browser.support import api, open_dashboard
from tests.browser.test_accessibility import run_axe

pytestmark = pytest.mark.browser
SLUGS = ("marketing", "lead-nurturing", "sales")
SIZES = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
CATEGORY_CHARTS = {"column", "bar", "line", "area", "column-line", "bar-line"}
TOP_10 = ("top-referring-sites-ytd", "top-10-forms-ytd")

# Every piece of text the chart draws (visible, not hidden by ECharts; a rich text is one piece per
# part, a legend entry's name and its share, say), with its four corners in the chart element's
# pixels (rotated labels are rotated boxes) and its font size; and the chart's size.
DRAWN_TEXTS = """(key) => {
  const el = document.querySelector(`[data-tile-key="${key}"] .chart`);
  const chart = echarts.getInstanceByDom(el);
  const texts = chart.getZr().storage.getDisplayList()
    .filter(e => e.style && e.style.text != null && e.style.text !== ''
                 && !e.ignore && !e.invisible)
    .map(e => {
      const r = e.getBoundingRect();
      const m = e.getComputedTransform() || [1, 0, 0, 1, 0, 0];
      const at = (x, y) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
      return {
        text: String(e.style.text),
        size: e.style.fontSize || 12,
        corners: [at(r.x, r.y), at(r.x + r.width, r.y), at(r.x + r.width, r.y + r.height),
                  at(r.x, r.y + r.height)],
      };
    });
  return {texts, width: chart.getWidth(), height: chart.getHeight()};
}"""

OPTION = """(key) => {
  const el = document.querySelector(`[data-tile-key="${key}"] .chart`);
  const o = echarts.getInstanceByDom(el).getOption();
  return {xAxis: o.xAxis, yAxis: o.yAxis, legend: o.legend || [],
          series: o.series.map(s => ({type: s.type, xAxisIndex: s.xAxisIndex || 0,
                                      yAxisIndex: s.yAxisIndex || 0}))};
}"""


def overlap(a: list[list[float]], b: list[list[float]]) -> bool:
    """Whether two convex quadrilaterals overlap by more than a pixel (separating axes)."""
    for quad in (a, b):
        for i in range(4):
            (x1, y1), (x2, y2) = quad[i], quad[(i + 1) % 4]
            nx, ny = y1 - y2, x2 - x1
            length = (nx * nx + ny * ny) ** 0.5 or 1
            pa = [(x * nx + y * ny) / length for x, y in a]
            pb = [(x * nx + y * ny) / length for x, y in b]
            if min(max(pa), max(pb)) - max(min(pa), min(pb)) <= 1:
                return False
    return True


def shown_as(text: str, full: str) -> bool:
    """The full name, or its start followed by "…" (the tooltip then gives the rest)."""
    return text == full or (text.endswith("…") and len(text) > 1 and full.startswith(text[:-1]))


def middle(text: dict[str, Any]) -> tuple[float, float]:
    xs, ys = zip(*text["corners"], strict=True)
    return sum(xs) / 4, sum(ys) / 4


def percent(value: Any, total: Decimal | int, lang: str) -> str:
    """The share as the page's language writes it, rounded half up like the browser's Intl."""
    share = Decimal(str(value)) * 100 / total if total else Decimal(0)
    text = f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    return text.replace(".", ",") if lang == "nl" else text


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def sized(
    request: pytest.FixtureRequest,
    browser: Any,
    server: Any,
    signed_in: dict[str, Any],
    console: Console,
) -> Any:
    context, page = new_page(browser, server, signed_in, console, viewport=SIZES[request.param])
    page.width = request.param
    yield page
    context.close()
    assert console.errors == []


def check_inside(drawn: dict[str, Any], text: dict[str, Any], where: str) -> None:
    for x, y in text["corners"]:
        cut = f"{where}: {text['text']!r} is cut off by the chart's edge"
        assert -1 <= x <= drawn["width"] + 1, cut
        assert -1 <= y <= drawn["height"] + 1, cut


def check_no_overlap(texts: list[dict[str, Any]], where: str) -> None:
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not overlap(a["corners"], b["corners"]), (
                f"{where}: {a['text']!r} overlaps {b['text']!r}"
            )


def check_categories(page: Any, key: str, rows: list[dict[str, Any]], where: str) -> None:
    option = page.evaluate(OPTION, key)
    axes = [a for a in option["xAxis"] + option["yAxis"] if a["type"] == "category"]
    interval = [a["axisLabel"].get("interval") for a in axes]
    assert interval == [0], f"{where}: category label interval {interval}, not every label drawn"
    drawn = page.evaluate(DRAWN_TEXTS, key)
    labels = []
    for row in rows:
        found = [t for t in drawn["texts"] if shown_as(t["text"], row["label"])]
        assert len(found) == 1, f"{where}: the label {row['label']!r} is drawn {len(found)} times"
        labels.append(found[0])
        assert found[0]["size"] >= 11, f"{where}: {row['label']!r} in {found[0]['size']}px"
        if key in TOP_10:  # a top 10 names every row in full
            assert found[0]["text"] == row["label"], f"{where}: {found[0]['text']!r} is shortened"
    for label in labels:
        check_inside(drawn, label, where)
    check_no_overlap(labels, where)


def check_legend(page: Any, key: str, rows: list[dict[str, Any]], lang: str, where: str) -> None:
    option = page.evaluate(OPTION, key)
    types = [legend["type"] for legend in option["legend"]]
    assert types == ["plain"], f"{where}: legend {types}, not one that shows every entry"
    drawn = page.evaluate(DRAWN_TEXTS, key)
    total = sum(Decimal(str(r["value"])) for r in rows)
    entries = []
    for row in rows:
        share = percent(row["value"], total, lang)
        names = [t for t in drawn["texts"] if shown_as(t["text"], row["label"])]
        assert len(names) == 1, f"{where}: the legend entry {row['label']!r} is not drawn once"
        # its share on the same line, to the right of the name
        name = names[0]
        found = [
            t
            for t in drawn["texts"]
            if t["text"] == share
            and abs(middle(t)[1] - middle(name)[1]) < 3
            and middle(t)[0] > middle(name)[0]
        ]
        assert len(found) == 1, f"{where}: no share {share} beside {row['label']!r}"
        entries += [name, found[0]]
    for entry in entries:
        check_inside(drawn, entry, where)
    check_no_overlap(entries, where)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("slug", SLUGS)
def test_every_label_and_legend_entry_is_drawn_readably(sized: Any, slug: str, lang: str) -> None:
    page = sized
    open_dashboard(page, f"/dashboards/{slug}?lang={lang}")
    expected = api(page, f"/api/dashboards/{slug}?lang={lang}")["tiles"]
    problems = []  # every tile is checked, and every tile's problem reported
    for tile in expected:
        if tile.get("empty") or tile.get("error"):
            continue
        where = f"{slug} {tile['key']} at {page.width}px in {lang}"
        try:
            if tile["chart"] in CATEGORY_CHARTS:
                check_categories(page, tile["key"], tile["rows"], where)
            elif tile["chart"] in ("pie", "donut"):
                check_legend(page, tile["key"], tile["rows"], lang, where)
            elif tile["chart"] == "funnel":
                drawn = page.evaluate(DRAWN_TEXTS, tile["key"])
                texts = [t["text"] for t in drawn["texts"]]
                for step in tile["steps"]:
                    assert step["label"] in texts, f"{where}: {step['label']!r} is not drawn"
                for text in drawn["texts"]:
                    check_inside(drawn, text, where)
        except AssertionError as problem:
            problems.append(str(problem).splitlines()[0])
    ARTIFACTS.joinpath("dashboards").mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / "dashboards" / f"{slug}-{lang}-{page.width}.png"), full_page=True
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_lists_fit_their_tile_and_filters_show_their_choice(sized: Any, lang: str) -> None:
    page = sized
    for slug, key in (
        ("lead-nurturing", "leads-to-re-nurture"),
        ("sales", "qualified-without-sale"),
    ):
        open_dashboard(page, f"/dashboards/{slug}?lang={lang}")
        where = f"{slug} at {page.width}px in {lang}"
        wrap = page.locator(f"[data-tile-key={key}] .table-wrap")
        sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert sizes[0] <= sizes[1], f"{where}: the list is {sizes[0] - sizes[1]}px too wide"
        box = wrap.bounding_box()
        # The column the list is sorted by (status_since, the last one) is in view, in full.
        cell = page.locator(f"[data-tile-key={key}] tbody tr").first.locator(
            "td[data-column=status_since]"
        )
        cell_box = cell.bounding_box()
        assert box
        assert cell_box
        assert box["x"] <= cell_box["x"]
        assert cell_box["x"] + cell_box["width"] <= box["x"] + box["width"]
        assert re.search(r"\d{4}", cell.inner_text()), where
        text = cell.locator(".cell")
        assert text.evaluate("c => c.scrollWidth <= c.clientWidth"), where
        # Each quick filter is at least as wide as its longest choice needs: nothing cut off.
        widths = page.eval_on_selector_all(
            "#filters select, #auto-refresh",
            """els => els.map(s => {
              const clone = s.cloneNode(true);
              clone.removeAttribute('id');
              clone.style.cssText = 'position:absolute; left:0; top:0; width:auto;'
                + ' max-width:none; min-width:0; visibility:hidden';
              document.body.appendChild(clone);
              const need = clone.getBoundingClientRect().width;
              clone.remove();
              return [s.options[s.selectedIndex].text, s.getBoundingClientRect().width, need];
            })""",
        )
        for text_shown, width, need in widths:
            assert width >= need - 0.5, f"{where}: {text_shown!r} is cut off"
    choice = "Eigen periode van elke tegel" if lang == "nl" else "Each tile's own period"
    assert page.locator("[data-filter=period] option:checked").inner_text() == choice
    assert run_axe(page) == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_one_axis_per_unit(page: Any, lang: str) -> None:
    open_dashboard(page, f"/dashboards/sales?lang={lang}")
    option = page.evaluate(OPTION, "sales-by-owner-ytd")  # count bars, amount line
    values = [a for a in option["xAxis"] if a["type"] == "value"]
    assert len(values) == 2
    assert {a.get("position", "bottom") for a in values} == {"bottom"}
    assert [s["xAxisIndex"] for s in option["series"]] == [0, 1]
    open_dashboard(page, f"/dashboards/marketing?lang={lang}")
    option = page.evaluate(OPTION, "new-leads-per-month")  # this year and last: both counts
    assert [a["type"] for a in option["yAxis"]] == ["value"]
    assert [s["yAxisIndex"] for s in option["series"]] == [0, 0]
    drawn = page.evaluate(DRAWN_TEXTS, "new-leads-per-month")
    ticks = [t["text"] for t in drawn["texts"] if re.fullmatch(r"\d[\d.,]*", t["text"])]
    assert len(ticks) == len(set(ticks)), f"a tick is drawn twice: {ticks}"


# A copy of a tile with other figures, drawn beside the dashboard (as the pie test does).
COPY_TILE = """([source, copy, chart, rows, labels, units]) => {
  const tile = document.querySelector(`[data-tile-key="${source}"]`).cloneNode(true);
  tile.id = 'tile-' + copy; tile.dataset.tileKey = copy; tile.dataset.chart = chart;
  tile.dataset.rows = JSON.stringify(rows); tile.dataset.labels = JSON.stringify(labels);
  tile.dataset.units = JSON.stringify(units);
  tile.dataset.state = 'loading';
  delete tile.dataset.drillUrl;
  const el = tile.querySelector('.chart');
  el.replaceChildren(); el.removeAttribute('_echarts_instance_'); el.removeAttribute('style');
  document.body.appendChild(tile);
  tile.style.cssText = 'position:fixed; left:0; top:0; width:380px; height:320px; z-index:2000';
  LeadboardCharts.render(tile);
}"""


def draw_copy(
    page: Any,
    source: str,
    copy: str,
    chart: str,
    rows: list[Any],
    labels: list[str],
    units: tuple[str, ...] = ("count",),
) -> None:
    page.evaluate(COPY_TILE, [source, copy, chart, rows, labels, list(units)])
    page.wait_for_function(
        f"() => document.querySelector('[data-tile-key={copy}]').dataset.state === 'ready'"
    )


def test_a_shortened_name_shows_in_full_in_its_tooltip(page: Any) -> None:
    open_dashboard(page, "/dashboards/marketing")
    long_name = "www.a-very-long-referring-site-name-of-a-partner.example.com"
    rows = [
        {"key": "long", "label": long_name, "value": 12},
        {"key": "short", "label": "g2.com", "value": 5},
    ]
    draw_copy(page, "top-referring-sites-ytd", "long-copy", "bar", rows, ["12", "5"])
    drawn = page.evaluate(DRAWN_TEXTS, "long-copy")
    label = next(t for t in drawn["texts"] if shown_as(t["text"], long_name))
    assert label["text"].endswith("…")  # too long for its room: shortened
    box = page.locator("[data-tile-key=long-copy] .chart").bounding_box()
    assert box
    x, y = middle(label)
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator("[data-tile-key=long-copy] .chart > div").filter(has_text=long_name)
    tooltip.first.wait_for(state="visible")
    # the same in a donut's legend
    page.evaluate("() => document.querySelector('[data-tile-key=long-copy]').remove()")
    draw_copy(page, "new-leads-by-channel-ytd", "donut-copy", "donut", rows, ["12", "5"])
    drawn = page.evaluate(DRAWN_TEXTS, "donut-copy")
    entry = next(t for t in drawn["texts"] if shown_as(t["text"], long_name))
    assert entry["text"].endswith("…")
    box = page.locator("[data-tile-key=donut-copy] .chart").bounding_box()
    assert box
    x, y = middle(entry)
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator("[data-tile-key=donut-copy] .chart > div").filter(has_text=long_name)
    tooltip.first.wait_for(state="visible")
    assert "70.6%" in tooltip.first.inner_text()  # 12 of 17


def test_negative_figures_use_the_minus_sign(page: Any) -> None:
    open_dashboard(page, "/dashboards/lead-nurturing?lang=nl")
    rows = [
        {"key": "a", "label": "Open", "value": "-1500.00"},
        {"key": "b", "label": "Gekwalificeerd", "value": "2500.00"},
    ]
    # the server's labels as Babel writes them, with a hyphen-minus
    labels = ["€\xa0-1.500,00", "€\xa02.500,00"]
    draw_copy(page, "leads-by-status", "minus-copy", "column", rows, labels, ("amount",))
    texts = [t["text"] for t in page.evaluate(DRAWN_TEXTS, "minus-copy")["texts"]]
    negative = [t for t in texts if "−" in t]
    assert negative, texts  # the axis goes below 0, with U+2212
    assert not [t for t in texts if re.search(r"-\s?[\d€]", t)], texts
    box = page.locator("[data-tile-key=minus-copy] .chart").bounding_box()
    assert box
    point = page.evaluate(
        """() => {
          const el = document.querySelector('[data-tile-key=minus-copy] .chart');
          const chart = echarts.getInstanceByDom(el);
          const l = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
          return {x: l.x + l.width / 2, y: l.y + l.height / 2};
        }"""
    )
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = page.locator("[data-tile-key=minus-copy] .chart > div").filter(has_text="Open")
    tooltip.first.wait_for(state="visible")
    assert "€ −1.500,00" in tooltip.first.inner_text().replace("\xa0", " ")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_click_on_the_gauge_opens_its_records(sized: Any, lang: str) -> None:
    page = sized
    open_dashboard(page, f"/dashboards/lead-nurturing?lang={lang}")
    gauge = next(
        t
        for t in api(page, f"/api/dashboards/lead-nurturing?lang={lang}")["tiles"]
        if t["key"] == "qualification-rate-ytd"
    )
    chart = page.locator("[data-tile-key=qualification-rate-ytd] .chart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    total = page.locator("[data-testid=drilldown] [data-testid=drilldown-total]")
    total.wait_for()
    assert int(total.get_attribute("data-count") or 0) == gauge["total"]
    expected = api(page, "/api/tiles/lead-nurturing/qualification-rate-ytd/records")
    assert expected["total"] == gauge["total"]
    shown = page.locator("[data-testid=drilldown] [data-record-id]").evaluate_all(
        "els => els.map(e => Number(e.dataset.recordId))"
    )
    assert shown
    assert shown == [r["id"] for r in expected["records"]][: len(shown)]
