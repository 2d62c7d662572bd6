"""The dashboards in Chromium: log in, every tile renders the API's figures, quick filters in the
URL, drill-down, downloads, Dutch, the lead page, a failing tile, favourites, tile menu."""

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import delete, insert

from leadboard.db.schema import sales
from leadboard.db.times import to_db
from tests.browser.conftest import ARTIFACTS, PASSWORD, Console, new_page
from tests.browser.support import (
    ITEM_POINT,
    LEGEND_SELECTED,
    PAINTED,
    SERIES_VALUES,
    api,
    chart_text_point,
    click_item,
    drill_total,
    figures,
    open_dashboard,
    tiles,
    wait_ready,
)

pytestmark = pytest.mark.browser
SLUGS = ("marketing", "lead-nurturing", "sales")
CHARTS = {
    "pie",
    "donut",
    "funnel",
    "column",
    "bar",
    "line",
    "area",
    "gauge",
    "column-line",
    "bar-line",
}


def test_log_in_and_out(browser: Any, server: Any, console: Console) -> None:
    context, page = new_page(browser, server, None, console)
    page.goto("/")
    assert "/login" in page.url
    page.fill("#login-email", "admin@example.com")
    page.fill("#login-password", "wrong-password")
    page.click("form.login-form button[type=submit]")
    assert page.locator("[data-testid=login-error]").is_visible()
    page.fill("#login-password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboards/[a-z-]+$"))  # the first favourite or most recent
    wait_ready(page)
    cookie = next(c for c in context.cookies() if c["name"] == "leadboard_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    page.click("[data-testid=logout]")
    page.wait_for_url("**/login?logged_out=1")
    page.goto("/dashboards/sales")
    assert "/login" in page.url
    context.close()
    assert console.errors == []


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_tile_renders_the_api_figures(page: Any, server: Any, slug: str, theme: str) -> None:
    page.context.add_cookies([{"name": "leadboard_theme", "value": theme, "url": server.url}])
    open_dashboard(page, f"/dashboards/{slug}")
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    expected = {t["key"]: t for t in api(page, f"/api/dashboards/{slug}")["tiles"]}
    shown = tiles(page)
    assert list(shown) == list(expected)
    for key, tile in shown.items():
        source = expected[key]
        assert tile["chart"] == source["chart"]
        assert tile["name"] == source["name"]
        assert tile["state"] == ("empty" if source["empty"] else "ready"), key
        assert tile["rows"] == figures(source), key
        if source["empty"]:
            continue
        assert (
            page.locator(f"[data-tile-key={key}] [data-testid=as-of]")
            .inner_text()
            .startswith("as of Nov 27, 2026")
        )
        if tile["chart"] in CHARTS:
            assert page.evaluate(PAINTED, key) > 2000, f"{key}: nothing painted"
            drawn = page.evaluate(SERIES_VALUES, key)
            if "rows" in source or "steps" in source:
                items = source.get("rows") or source["steps"]
                # money is a decimal string in the JSON and a number on the chart
                assert drawn[0] == [as_drawn(r["value"]) for r in items], key
                if any("value2" in r for r in items):
                    assert drawn[1] == [as_drawn(r["value2"]) for r in items], key
            else:  # the gauge: its value, and the target mark
                assert drawn == [[source["value"]], [source["target"]]]
        elif tile["chart"] == "list":
            assert tile["listRows"] == len(source["records"]) == min(100, source["total"])
        elif tile["chart"] == "number":
            assert tile["number"] == f"{source['value']:,}"
    page.screenshot(path=str(ARTIFACTS / "dashboards" / f"{slug}-{theme}.png"), full_page=True)


def test_every_chart_type_of_the_spec_is_drawn(page: Any) -> None:
    seen = set()
    for slug in SLUGS:
        open_dashboard(page, f"/dashboards/{slug}")
        seen |= {t["chart"] for t in tiles(page).values() if t["state"] == "ready"}
    assert seen >= CHARTS - {"pie"} | {"number", "list"}


def test_country_filter_changes_figures_and_url(page: Any) -> None:
    open_dashboard(page, "/dashboards/marketing")
    before = tiles(page)
    page.select_option("[data-filter=country]", "NL")
    page.wait_for_url(re.compile(r"/dashboards/marketing\?country=NL$"))
    wait_ready(page)
    after = tiles(page)
    expected = {t["key"]: t for t in api(page, "/api/dashboards/marketing?country=NL")["tiles"]}
    for key, tile in after.items():
        assert tile["rows"] == figures(expected[key]), key
        assert tile["filtered"] == expected[key]["filtered"] == ["country"]
        assert tile["mark"]
    assert any(after[k]["rows"] != before[k]["rows"] for k in after)
    assert not any(t["mark"] for t in before.values())
    page.reload()  # the URL alone gives the same view: bookmarkable, shareable
    wait_ready(page)
    assert page.locator("[data-filter=country]").input_value() == "NL"
    assert {k: t["rows"] for k, t in tiles(page).items()} == {
        k: t["rows"] for k, t in after.items()
    }
    page.select_option("[data-filter=period]", "previous-year")
    page.wait_for_url(re.compile(r"country=NL&period=previous-year"))
    wait_ready(page)
    expected = {
        t["key"]: t
        for t in api(page, "/api/dashboards/marketing?country=NL&period=previous-year")["tiles"]
    }
    assert {k: t["rows"] for k, t in tiles(page).items()} == {
        k: figures(t) for k, t in expected.items()
    }
    page.go_back()
    page.wait_for_url(re.compile(r"\?country=NL$"))
    wait_ready(page)
    assert page.locator("[data-filter=period]").input_value() == ""


def as_drawn(value: Any) -> Any:
    """A JSON figure as the chart has it: money's decimal string as a number."""
    return float(Decimal(value)) if isinstance(value, str) else value


def _biggest(rows: list[dict[str, Any]]) -> int:
    return max(range(len(rows)), key=lambda i: Decimal(str(rows[i]["value"])))


def test_donut_segment_drills_down_to_its_leads(page: Any) -> None:
    open_dashboard(page, "/dashboards/marketing")
    rows = tiles(page)["new-leads-by-channel-ytd"]["rows"]
    index = _biggest(rows)
    click_item(page, "new-leads-by-channel-ytd", index)
    panel = page.locator("[data-testid=drilldown]")
    panel.wait_for(state="visible")
    total = drill_total(page)
    assert total["count"] == rows[index]["value"]
    assert rows[index]["label"] in panel.locator("h2").inner_text()
    ids = panel.locator("[data-record-id]")
    assert ids.count() == min(25, total["count"])
    first_page = set(ids.evaluate_all("els => els.map(e => e.dataset.recordId)"))
    panel.locator("[data-testid=drilldown-next]").click()
    page_text = "document.querySelector('[data-testid=drilldown-page]').textContent"
    page.wait_for_function(f"() => {page_text}.startsWith('Page 2 ')")
    second_page = set(ids.evaluate_all("els => els.map(e => e.dataset.recordId)"))
    assert second_page
    assert not first_page & second_page
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")


def test_funnel_step_drills_down_to_its_leads(page: Any) -> None:
    open_dashboard(page, "/dashboards/lead-nurturing?country=DE")
    steps = tiles(page)["lead-qualification-funnel"]["rows"]
    click_item(page, "lead-qualification-funnel", 1)
    total = drill_total(page)
    assert total["count"] == steps[1]["value"]
    expected = api(
        page,
        "/api/tiles/lead-nurturing/lead-qualification-funnel/records?key=contacting&country=DE",
    )
    assert total["count"] == expected["total"]
    shown = page.locator("[data-testid=drilldown] [data-record-id]").evaluate_all(
        "els => els.map(e => Number(e.dataset.recordId))"
    )
    assert shown == [r["id"] for r in expected["records"]][: len(shown)]


def test_amount_bar_drills_down_to_the_same_amount(page: Any) -> None:
    open_dashboard(page, "/dashboards/sales")
    rows = tiles(page)["pipeline-by-creation-source"]["rows"]
    index = _biggest(rows)
    click_item(page, "pipeline-by-creation-source", index)
    total = drill_total(page)
    assert total["value"] == Decimal(rows[index]["value"])
    assert "€" in total["text"]


def test_downloads_png_and_csv(page: Any) -> None:
    open_dashboard(page, "/dashboards/sales")
    tile = page.locator("[data-tile-key=pipeline-by-creation-source]")
    tile.locator("summary").click()
    with page.expect_download() as png:
        tile.get_by_role("button", name="Download PNG").click()
    data = png.value.path().read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5000
    assert png.value.suggested_filename == "sales-pipeline-by-creation-source.png"
    tile.locator("summary").click()
    with page.expect_download() as table:
        tile.get_by_role("link", name="Download CSV").click()
    text = table.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = tiles(page)["pipeline-by-creation-source"]["rows"]
    assert [(r["key"], float(r["value"])) for r in rows] == [
        (r["key"], float(r["value"])) for r in expected
    ]
    click_item(page, "pipeline-by-creation-source", 0)
    total = drill_total(page)
    with page.expect_download() as records:
        page.locator("[data-testid=drilldown-csv]").click()
    text = records.value.path().read_text(encoding="utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == total["count"]


def test_dutch_names_numbers_and_dates(page: Any) -> None:
    open_dashboard(page, "/dashboards/marketing?lang=nl")
    assert page.evaluate("document.documentElement.lang") == "nl"
    expected = api(page, "/api/dashboards/marketing?lang=nl")
    shown = tiles(page)
    assert [t["name"] for t in shown.values()] == [t["name"] for t in expected["tiles"]]
    forms = next(t for t in expected["tiles"] if t["key"] == "new-leads-from-forms-ytd")
    assert shown["new-leads-from-forms-ytd"]["number"] == f"{forms['value']:,}".replace(",", ".")
    assert page.locator("label[for=filter-country]").inner_text() == "Land"
    assert "27 nov 2026" in page.locator("[data-testid=as-of]").first.inner_text()
    page.goto("/dashboards/sales?lang=nl")
    wait_ready(page)
    assert "van eerste" in page.locator("[data-tile-key=lead-qualification-funnel]").get_attribute(
        "data-labels"
    )
    click_item(page, "pipeline-by-creation-source", 0)
    assert re.search(r"€\s?\d{1,3}(\.\d{3})*,\d{2}", drill_total(page)["text"])


def test_language_button_sets_the_users_language(
    browser: Any, server: Any, console: Console
) -> None:
    from tests.web.conftest import make_user

    make_user(server.app.state.engine, "taal-browser@example.com", password=PASSWORD)
    context, page = new_page(browser, server, None, console)
    page.goto("/login")
    page.fill("#login-email", "taal-browser@example.com")
    page.fill("#login-password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    wait_ready(page)
    page.click("[data-testid=lang-nl]")
    wait_ready(page)
    assert page.locator("h1").inner_text() == "Marketing"
    assert page.locator("[data-testid=refresh]").inner_text() == "Vernieuwen"
    page.goto("/dashboards/lead-nurturing")
    wait_ready(page)
    assert page.locator("#dashboard-title").inner_text() == "Leads koesteren"
    context.close()
    assert console.errors == []


def test_list_row_opens_the_lead_page(page: Any) -> None:
    open_dashboard(page, "/dashboards/sales")
    link = page.locator("[data-tile-key=qualified-without-sale] tbody tr a").nth(1)
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/leads/\d+$"))
    lead = api(page, urlparse(page.url).path + ".json")
    assert page.locator("[data-testid=lead-name]").inner_text() == lead["name"] == name
    assert page.locator("[data-testid=lead-status]").get_attribute("data-status") == "qualified"
    assert page.locator("[data-testid=lead-history] tbody tr").count() == len(lead["history"])
    page.screenshot(path=str(ARTIFACTS / "dashboards" / "lead.png"), full_page=True)


def test_a_failing_tile_shows_its_error_and_the_rest_works(page: Any, server: Any) -> None:
    engine = server.app.state.engine
    now = to_db(server.app.state.clock.now())
    with engine.begin() as conn:
        sale = conn.execute(
            insert(sales).values(
                title="Yen deal",
                amount_cents=1,
                currency="JPY",
                status="open",
                probability=10,
                sale_date=now,
                created_at=now,
            )
        ).inserted_primary_key[0]
    try:
        open_dashboard(page, "/dashboards/sales")
        shown = tiles(page)
    finally:
        with engine.begin() as conn:
            conn.execute(delete(sales).where(sales.c.id == sale))
    assert shown["pipeline-by-creation-source"]["state"] == "error"
    assert "JPY" in shown["pipeline-by-creation-source"]["error"]
    assert shown["sales-by-owner-ytd"]["state"] == "ready"
    assert page.evaluate(PAINTED, "sales-by-owner-ytd") > 2000
    assert shown["qualified-without-sale"]["state"] == "ready"


def test_favourite_star_and_recent_tab(page: Any) -> None:
    open_dashboard(page, "/dashboards/sales")
    open_dashboard(page, "/dashboards/lead-nurturing")
    assert page.locator("[data-testid=tab][data-slug=sales] .tab-badge").is_visible()
    star = page.locator("[data-testid=favourite]")
    star.click()
    page.wait_for_selector('[data-testid=favourite][aria-pressed="true"]')
    assert page.locator("[data-testid=tab][data-slug=lead-nurturing] .tab-star").count() == 1
    page.goto("/")
    page.wait_for_url("**/dashboards/lead-nurturing")
    wait_ready(page)
    page.locator("[data-testid=favourite]").click()
    page.wait_for_selector('[data-testid=favourite][aria-pressed="false"]')
    assert page.locator(".tab-star").count() == 0


def test_refresh_and_auto_refresh(page: Any) -> None:
    page.clock.install()
    open_dashboard(page, "/dashboards/lead-nurturing")

    def tiles_request(response: Any) -> bool:
        return "/dashboards/lead-nurturing/tiles" in response.url

    with page.expect_response(tiles_request):
        page.click("[data-testid=refresh]")
    wait_ready(page)
    page.select_option("[data-testid=auto-refresh]", "60")
    assert page.url.endswith("/dashboards/lead-nurturing?refresh=60")
    with page.expect_response(tiles_request) as refreshed:
        page.clock.fast_forward("01:05")
    assert "refresh=60" in refreshed.value.url
    wait_ready(page)
    page.reload()  # the interval is kept in the URL
    wait_ready(page)
    assert page.locator("[data-testid=auto-refresh]").input_value() == "60"


def test_tile_menu_full_screen_and_print(page: Any) -> None:
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    open_dashboard(page, "/dashboards/marketing")
    tile = page.locator("[data-tile-key=new-leads-per-month]")
    tile.locator("summary").click()
    tile.get_by_role("button", name="Full screen").click()
    box = tile.bounding_box()
    assert box
    assert box["width"] > 1200
    assert box["height"] > 700
    page.keyboard.press("Escape")
    assert "is-fullscreen" not in (tile.get_attribute("class") or "")
    tile.locator("summary").click()
    tile.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") == 1
    assert page.evaluate("document.body.classList.contains('print-one')")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden()
    assert page.locator("#filters").is_hidden()
    widths = page.locator(".grid-stack-item").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    )
    page.emulate_media(media="screen")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "dashboards").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "dashboards" / "marketing-a4.pdf").write_bytes(pdf)
    assert pdf[:5] == b"%PDF-"
    assert 1 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 6
    assert max(widths) <= 1280


def test_theme_toggle_redraws_the_charts(page: Any) -> None:
    open_dashboard(page, "/dashboards/lead-nurturing")
    page.click("[data-testid=theme-toggle]")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    wait_ready(page)
    assert page.evaluate(PAINTED, "leads-by-status") > 2000
    assert any(
        c["name"] == "leadboard_theme" and c["value"] == "dark" for c in page.context.cookies()
    )


def test_tooltips_and_legend_entries(page: Any) -> None:
    open_dashboard(page, "/dashboards/marketing")
    rows = tiles(page)["new-leads-by-channel-ytd"]["rows"]
    point = page.evaluate(ITEM_POINT, ["new-leads-by-channel-ytd", 0])
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("[data-tile-key=new-leads-by-channel-ytd] .chart > div").filter(
        has_text=rows[0]["label"]
    )
    tooltip.first.wait_for(state="visible")
    assert f"{rows[0]['value']:,}" in tooltip.first.inner_text()
    key = "new-leads-per-month"  # two series: this year (columns) and last year (line)
    before = page.evaluate(PAINTED, key)
    legend = chart_text_point(page, key, "2025")
    assert legend is not None
    page.mouse.click(legend["x"], legend["y"])
    selected = page.evaluate(LEGEND_SELECTED, key)
    assert selected == {"2026": True, "2025": False}
    # ECharts repaints on a later animation frame: wait for the canvas, with the same bounds.
    painted = f"({PAINTED})({json.dumps(key)})"
    page.wait_for_function(f"() => {painted} < {before}", timeout=5000)
    page.mouse.click(legend["x"], legend["y"])
    # back (hover aside): within 1 % of the first paint
    page.wait_for_function(f"() => Math.abs({painted} - {before}) < {before} / 100", timeout=5000)


def test_a_pie_tile_is_drawn_too(page: Any) -> None:
    """No built-in tile is a pie (the donut is its variant): draw one from the donut's figures."""
    open_dashboard(page, "/dashboards/marketing")
    page.evaluate(
        """() => {
          const donut = document.querySelector('[data-tile-key="new-leads-by-channel-ytd"]');
          const pie = donut.cloneNode(true);
          pie.id = 'tile-pie'; pie.dataset.tileKey = 'pie-copy'; pie.dataset.chart = 'pie';
          pie.dataset.state = 'loading';
          pie.querySelector('.chart').replaceChildren();
          pie.querySelector('.chart').removeAttribute('_echarts_instance_');
          donut.parentElement.appendChild(pie);
          pie.style.cssText = 'position:fixed; left:0; top:0; width:420px; height:330px; z-index:5';
          LeadboardCharts.render(pie);
        }"""
    )
    page.wait_for_function(
        "() => document.querySelector('[data-tile-key=pie-copy]').dataset.state === 'ready'"
    )
    assert page.evaluate(PAINTED, "pie-copy") > 2000
    option = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-tile-key=pie-copy] .chart'))"
        ".getOption().series[0].radius"
    )
    assert option[0] in (0, "0", "0%")


def test_no_data_empty_state(page: Any) -> None:
    open_dashboard(page, "/dashboards/sales?owner=admin@example.com")
    shown = tiles(page)
    assert {t["state"] for t in shown.values()} == {"empty"}
    assert page.locator("[data-testid=no-data]").count() == len(shown)
    assert page.locator("[data-testid=no-data]").first.inner_text() == "No data"
