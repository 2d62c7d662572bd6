"""The pages without a browser: login and sessions, the dashboard page's JSON twin and template
context, the tiles fragment (data-rows equal to the API's figures), drill-down, CSV, lead page,
language, favourites and error pages."""

import csv
import io
import json
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from starlette.testclient import TestClient

from leadboard.db.schema import associates, dashboard_favourites, dashboard_visits, leads, sales
from leadboard.db.times import to_db
from tests.browser.support import figures  # the browser tests' own reading of the API
from tests.web.conftest import PASSWORD, csrf_of, log_in, make_user

SLUGS = ("marketing", "lead-nurturing", "sales")


class Elements(HTMLParser):
    """Every element with a given attribute: its attributes, and its text."""

    def __init__(self, attribute: str) -> None:
        super().__init__()
        self.attribute = attribute
        self.found: list[dict[str, Any]] = []
        self._open: list[tuple[str, dict[str, Any]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if self.attribute in data:
            item = {"tag": tag, "attrs": data, "text": ""}
            self.found.append(item)
            self._open.append((tag, item))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for _, item in self._open:
            item["text"] += data


def elements(html: str, attribute: str) -> list[dict[str, Any]]:
    parser = Elements(attribute)
    parser.feed(html)
    return parser.found


def tiles_of(html: str) -> dict[str, dict[str, str]]:
    return {e["attrs"]["data-tile-key"]: e["attrs"] for e in elements(html, "data-tile-key")}


# -- login, sessions, CSRF ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/dashboards/marketing", "/dashboards/sales?country=NL", "/leads/3"]
)
def test_pages_redirect_to_login(anonymous: TestClient, url: str) -> None:
    response = anonymous.get(url)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert "/login" in anonymous.get(response.headers["location"]).text


def test_htmx_requests_are_sent_to_login_by_header(anonymous: TestClient) -> None:
    response = anonymous.get("/dashboards/marketing/tiles", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/marketing.json",
        "/leads/3.json",
        "/dashboards/sales/tiles/pipeline-by-creation-source.csv",
        "/dashboards/sales/tiles/pipeline-by-creation-source/records.csv?key=google",
        "/api/dashboards/marketing",
        "/api/dashboards",
    ],
)
def test_twins_csv_and_api_need_a_session_or_token(anonymous: TestClient, url: str) -> None:
    assert anonymous.get(url).status_code == 401


def test_login_sets_a_signed_httponly_samesite_cookie(anonymous: TestClient) -> None:
    token = csrf_of(anonymous.get("/login").text)
    response = anonymous.post(
        "/login",
        data={"email": "ADMIN@example.com ", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "leadboard_session=" in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    value = cookie.split("leadboard_session=")[1].split(";")[0]
    assert "user_id" not in value  # signed and encoded, not plain
    assert anonymous.get("/api/dashboards").status_code == 200  # the session opens the API too


def test_wrong_password_and_missing_csrf_are_refused(anonymous: TestClient) -> None:
    token = csrf_of(anonymous.get("/login").text)
    wrong = anonymous.post(
        "/login", data={"email": "admin@example.com", "password": "nope-nope", "csrf_token": token}
    )
    assert wrong.status_code == 200
    assert 'data-testid="login-error"' in wrong.text
    assert "Wrong email or password" in wrong.text
    no_token = anonymous.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert no_token.status_code == 400
    assert anonymous.get("/").status_code == 303  # still signed out


def test_login_replaces_the_csrf_token_and_logout_needs_it(anonymous: TestClient) -> None:
    before = csrf_of(anonymous.get("/login").text)
    log_in(anonymous)
    after = csrf_of(anonymous.get("/dashboards/marketing").text)
    assert after != before
    assert anonymous.post("/logout", data={"csrf_token": before}).status_code == 403
    assert anonymous.get("/").status_code == 303
    out = anonymous.post("/logout", data={"csrf_token": after})
    assert (out.status_code, out.headers["location"]) == (303, "/login?logged_out=1")
    assert anonymous.get("/dashboards/marketing").status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(anonymous: TestClient, target: str) -> None:
    token = csrf_of(anonymous.get("/login").text)
    response = anonymous.post(
        "/login",
        data={
            "email": "admin@example.com",
            "password": PASSWORD,
            "csrf_token": token,
            "next": target,
        },
    )
    assert response.headers["location"] == "/"


def test_login_goes_to_the_page_asked_for(anonymous: TestClient) -> None:
    token = csrf_of(anonymous.get("/login?next=/dashboards/sales%3Fcountry%3DNL").text)
    response = anonymous.post(
        "/login",
        data={
            "email": "admin@example.com",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/dashboards/sales?country=NL",
        },
    )
    assert response.headers["location"] == "/dashboards/sales?country=NL"


def test_inactive_users_cannot_log_in(anonymous: TestClient, pages_app: Any) -> None:
    engine = pages_app.state.engine
    user_id = make_user(engine, "gone@example.com")
    with engine.begin() as conn:
        conn.execute(update(associates).where(associates.c.id == user_id).values(active=False))
    token = csrf_of(anonymous.get("/login").text)
    response = anonymous.post(
        "/login", data={"email": "gone@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert 'data-testid="login-error"' in response.text
    assert anonymous.get("/").status_code == 303


# -- the dashboard page --------------------------------------------------------------------------


def open_dashboard(client: TestClient, slug: str) -> None:
    """What a browser does: the page, then its visit (htmx posts it on load, CSRF header)."""
    page = client.get(f"/dashboards/{slug}")
    assert f'hx-post="/dashboards/{slug}/visit"' in page.text
    token = csrf_of(page.text)
    assert (
        client.post(f"/dashboards/{slug}/visit", headers={"X-CSRF-Token": token}).status_code == 204
    )


def test_opening_a_page_changes_nothing_the_visit_is_a_post(
    anonymous: TestClient, pages_app: Any
) -> None:
    engine = pages_app.state.engine
    user_id = make_user(engine, "visits@example.com")
    log_in(anonymous, "visits@example.com")

    def visits() -> list[str]:
        with engine.connect() as conn:
            query = select(dashboard_visits.c.slug).where(
                dashboard_visits.c.associate_id == user_id
            )
            return list(conn.execute(query).scalars())

    page = anonymous.get("/dashboards/sales")
    assert page.status_code == 200
    assert visits() == []  # a GET is free of side effects
    assert anonymous.get("/").headers["location"] == "/dashboards/marketing"
    assert anonymous.post("/dashboards/sales/visit").status_code == 403  # no CSRF token
    assert visits() == []
    token = csrf_of(page.text)
    nope = anonymous.post("/dashboards/nope/visit", headers={"X-CSRF-Token": token})
    assert nope.status_code == 404
    assert (
        anonymous.post("/dashboards/sales/visit", headers={"X-CSRF-Token": token}).status_code
        == 204
    )
    assert visits() == ["sales"]


def test_home_goes_to_the_first_favourite_else_the_most_recent(
    anonymous: TestClient, pages_app: Any
) -> None:
    engine = pages_app.state.engine
    user_id = make_user(engine, "home@example.com")
    log_in(anonymous, "home@example.com")
    assert anonymous.get("/").headers["location"] == "/dashboards/marketing"
    open_dashboard(anonymous, "sales")
    assert anonymous.get("/").headers["location"] == "/dashboards/sales"
    with engine.begin() as conn:
        conn.execute(
            insert(dashboard_favourites).values(associate_id=user_id, slug="lead-nurturing")
        )
    assert anonymous.get("/?lang=nl").headers["location"] == "/dashboards/lead-nurturing?lang=nl"


@pytest.mark.parametrize("slug", SLUGS)
def test_dashboard_twin_holds_the_api_json(client: TestClient, slug: str) -> None:
    twin = client.get(f"/dashboards/{slug}.json?country=nl&period=previous-year").json()
    api = client.get(f"/api/dashboards/{slug}?country=nl&period=previous-year").json()
    assert twin["data"] == api
    assert twin["filters"]["values"] == {
        "owner": "",
        "country": "NL",
        "status": "",
        "period": "previous-year",
    }
    assert twin["query"] == {"country": "NL", "period": "previous-year"}
    assert [t["key"] for t in twin["layout"]] == [t["key"] for t in api["tiles"]]
    assert all(1 <= t["width"] <= twin["dashboard"]["columns"] for t in twin["layout"])
    assert [t["slug"] for t in twin["tabs"]] == list(SLUGS)
    assert [t["slug"] for t in twin["tabs"] if t["current"]] == [slug]


def test_filter_options(client: TestClient, pages_app: Any) -> None:
    twin = client.get("/dashboards/marketing.json?lang=nl").json()
    options = twin["filters"]["options"]
    with pages_app.state.engine.connect() as conn:
        emails = set(conn.execute(select(associates.c.email)).scalars())
        countries = {c for c in conn.execute(select(leads.c.country).distinct()).scalars() if c}
    assert {o["value"] for o in options["owner"][1:]} == emails
    assert countries <= {o["value"] for o in options["country"]}
    assert options["country"][-1] == {"value": "none", "label": "(geen land)"}
    assert {"value": "NL", "label": "Nederland"} in options["country"]
    assert [o["value"] for o in options["status"]] == [
        "",
        "open",
        "contacting",
        "qualified",
        "disqualified",
        "re-nurture",
    ]
    assert options["status"][3]["label"] == "Gekwalificeerd"
    assert {"value": "ytd", "label": "Dit jaar tot vandaag"} in options["period"]
    assert options["period"][0]["value"] == ""


def test_the_page_has_the_layout_and_filter_hooks(client: TestClient) -> None:
    html = client.get("/dashboards/sales?country=NL&lang=nl").text
    assert 'lang="nl"' in html
    tiles = tiles_of(html)
    assert list(tiles) == [
        "lead-qualification-funnel",
        "sales-by-creation-source",
        "pipeline-by-creation-source",
        "sales-by-owner-ytd",
        "pipeline-by-close-month",
        "qualified-without-sale",
    ]
    assert all(t["data-state"] == "loading" for t in tiles.values())
    assert tiles["sales-by-owner-ytd"]["data-chart"] == "bar-line"
    filters = {e["attrs"]["data-filter"]: e for e in elements(html, "data-filter")}
    assert list(filters) == ["owner", "country", "status", "period"]
    selected = re.search(r'<option value="NL" selected>([^<]+)</option>', html)
    assert selected
    assert selected.group(1) == "Nederland"
    assert 'hx-get="/dashboards/sales/tiles"' in html
    assert 'name="lang" value="nl"' in html  # the fragment keeps the page's language
    items = re.findall(
        r'class="grid-stack-item" gs-w="(\d)" gs-h="(\d)" gs-id="([a-z0-9-]+)"', html
    )
    assert ("3", "2", "qualified-without-sale") in items


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("query", ["", "?country=NL", "?status=qualified&period=previous-year"])
def test_tiles_fragment_rows_equal_the_api(client: TestClient, slug: str, query: str) -> None:
    api = client.get(f"/api/dashboards/{slug}{query}").json()
    html = client.get(f"/dashboards/{slug}/tiles{query}").text
    tiles = tiles_of(html)
    assert list(tiles) == [t["key"] for t in api["tiles"]]
    for tile in api["tiles"]:
        shown = tiles[tile["key"]]
        assert json.loads(shown["data-rows"]) == figures(tile), tile["key"]
        assert shown["data-chart"] == tile["chart"]
        assert shown["hx-swap-oob"] == "true"
        assert shown["data-filtered"].split() == tile["filtered"]
        expected = (
            "empty"
            if tile["empty"]
            else "ready"
            if tile["chart"] in ("list", "number")
            else "loading"
        )
        assert shown["data-state"] == expected, tile["key"]
    marks = html.count('data-testid="filter-mark"')
    assert marks == sum(1 for t in api["tiles"] if t["filtered"])


def test_list_tiles_link_rows_to_the_lead(client: TestClient) -> None:
    api = client.get("/api/dashboards/sales").json()
    records = next(t for t in api["tiles"] if t["key"] == "qualified-without-sale")["records"]
    html = client.get("/dashboards/sales/tiles").text
    ids = [int(e["attrs"]["data-record-id"]) for e in elements(html, "data-record-id")]
    assert ids == [r["id"] for r in records]
    assert f'<a href="/leads/{records[0]["id"]}">' in html


def test_number_tile_shows_value_delta_and_direction(client: TestClient) -> None:
    api = client.get("/api/dashboards/marketing").json()
    tile = next(t for t in api["tiles"] if t["key"] == "new-leads-from-forms-ytd")
    html = client.get("/dashboards/marketing/tiles?lang=nl").text
    section = html.split('id="tile-new-leads-from-forms-ytd"')[1].split("</article>")[0]
    value = f"{tile['value']:,}".replace(",", ".")
    assert f'data-testid="number-value">{value}</p>' in section
    delta = tile["compare"]["delta"]
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    assert f'data-direction="{direction}"' in section
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    assert f"{sign}{abs(delta):,}".replace(",", ".") in section


def test_a_failing_tile_shows_its_error_and_the_others_compute(
    client: TestClient, pages_app: Any
) -> None:
    engine = pages_app.state.engine
    with engine.begin() as conn:  # an amount in a currency without a rate: a clear tile error
        sale = conn.execute(
            insert(sales).values(
                title="Yen deal",
                amount_cents=100_000,
                currency="JPY",
                status="open",
                probability=50,
                sale_date=to_db(pages_app.state.clock.now()),
                created_at=to_db(pages_app.state.clock.now()),
            )
        ).inserted_primary_key[0]
    try:
        tiles = tiles_of(client.get("/dashboards/sales/tiles").text)
        html = client.get("/dashboards/sales/tiles").text
    finally:
        with engine.begin() as conn:
            conn.execute(delete(sales).where(sales.c.id == sale))
    assert tiles["pipeline-by-creation-source"]["data-state"] == "error"
    assert "JPY" in html.split('id="tile-pipeline-by-creation-source"')[1].split("</article>")[0]
    assert tiles["sales-by-owner-ytd"]["data-state"] == "loading"  # computed; a chart to draw
    assert tiles["qualified-without-sale"]["data-state"] == "ready"


def test_a_bad_filter_is_named_on_the_page_and_in_the_twin(client: TestClient) -> None:
    page = client.get("/dashboards/sales?country=XX")
    assert page.status_code == 422
    assert 'data-testid="filter-error"' in page.text
    assert "country" in page.text
    fragment = client.get("/dashboards/sales/tiles?country=XX").text
    assert all(t["data-state"] == "error" for t in tiles_of(fragment).values())
    twin = client.get("/dashboards/sales.json?country=XX")
    assert twin.status_code == 422
    assert twin.json()["error"]["field"] == "country"
    assert client.get("/dashboards/sales.json?lang=fr").status_code == 422


# -- drill-down and CSV --------------------------------------------------------------------------


def _drill(client: TestClient, slug: str, tile: str, key: str, query: str = "") -> dict[str, Any]:
    html = client.get(f"/dashboards/{slug}/tiles/{tile}/records?key={key}{query}").text
    total = elements(html, "data-testid")
    node = next(e for e in total if e["attrs"]["data-testid"] == "drilldown-total")
    return {
        "count": int(node["attrs"]["data-count"]),
        "value": Decimal(node["attrs"]["data-value"]),
        "ids": [int(e["attrs"]["data-record-id"]) for e in elements(html, "data-record-id")],
        "html": html,
    }


@pytest.mark.parametrize(
    ("slug", "tile", "field"),
    [
        ("marketing", "new-leads-by-channel-ytd", "rows"),
        ("lead-nurturing", "lead-qualification-funnel", "steps"),
        ("sales", "pipeline-by-creation-source", "rows"),
        ("sales", "sales-by-owner-ytd", "rows"),
        ("lead-nurturing", "new-leads-per-week", "rows"),
    ],
)
def test_drilldown_total_equals_the_figure(
    client: TestClient, slug: str, tile: str, field: str
) -> None:
    api = client.get(f"/api/dashboards/{slug}?country=NL").json()
    rows = next(t for t in api["tiles"] if t["key"] == tile)[field]
    row = max(rows, key=lambda r: Decimal(str(r["value"])))  # money is a decimal string
    drill = _drill(client, slug, tile, row["key"], "&country=NL")
    assert drill["value"] == Decimal(str(row["value"]))
    if tile != "pipeline-by-creation-source":  # a count: the number of records
        assert drill["count"] == row["value"]
    assert len(drill["ids"]) == min(25, drill["count"])
    assert row["label"] in drill["html"]


def test_drilldown_pages_through_every_record(client: TestClient) -> None:
    first = _drill(client, "lead-nurturing", "leads-by-status", "open")
    assert first["count"] > 25
    assert 'data-testid="drilldown-next"' in first["html"]
    seen = list(first["ids"])
    page = 2
    while len(seen) < first["count"]:
        html = client.get(
            f"/dashboards/lead-nurturing/tiles/leads-by-status/records?key=open&page={page}"
        ).text
        seen += [int(e["attrs"]["data-record-id"]) for e in elements(html, "data-record-id")]
        page += 1
    assert len(seen) == len(set(seen)) == first["count"]


def test_drilldown_of_a_number_tile(client: TestClient) -> None:
    api = client.get("/api/dashboards/marketing").json()
    value = next(t for t in api["tiles"] if t["key"] == "new-leads-from-chats-ytd")["value"]
    drill = _drill(client, "marketing", "new-leads-from-chats-ytd", "")
    assert drill["count"] == value


def test_drilldown_with_a_bad_key_says_so(client: TestClient) -> None:
    html = client.get("/dashboards/sales/tiles/pipeline-by-creation-source/records?key=nope").text
    assert 'role="alert"' in html
    assert "nope" in html


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_drilldown_csv_has_every_record(client: TestClient) -> None:
    api = client.get(
        "/api/tiles/lead-nurturing/leads-by-status/records?key=open&page_size=1"
    ).json()
    response = client.get("/dashboards/lead-nurturing/tiles/leads-by-status/records.csv?key=open")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = read_csv(response.text)
    assert len(rows) == api["total"] > 100
    assert {r["status"] for r in rows} == {"open"}
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize(
    ("slug", "tile"),
    [
        ("sales", "pipeline-by-creation-source"),
        ("sales", "sales-by-owner-ytd"),
        ("lead-nurturing", "lead-qualification-funnel"),
        ("marketing", "new-leads-from-forms-ytd"),
        ("lead-nurturing", "qualification-rate-ytd"),
        ("sales", "qualified-without-sale"),
    ],
)
def test_tile_csv_equals_the_figures(client: TestClient, slug: str, tile: str) -> None:
    api = next(
        t
        for t in client.get(f"/api/dashboards/{slug}?country=DE").json()["tiles"]
        if t["key"] == tile
    )
    rows = read_csv(client.get(f"/dashboards/{slug}/tiles/{tile}.csv?country=DE").text)
    if "rows" in api or "steps" in api:
        items = api["rows"] if "rows" in api else api["steps"]
        assert [r["key"] for r in rows] == [r["key"] for r in items]
        assert [float(r["value"]) for r in rows] == [float(r["value"]) for r in items]
        if any("value2" in r for r in items):
            assert [float(r["value2"]) for r in rows] == [float(r["value2"]) for r in items]
    elif "records" in api:
        assert [int(r["id"]) for r in rows] == [r["id"] for r in api["records"]]
    else:
        assert len(rows) == 1
        assert float(rows[0]["value"]) == float(api["value"])


def test_csv_cells_cannot_start_a_formula() -> None:
    from leadboard.web.pages.drilldown import safe_cell, write_csv

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell(-5) == -5
    assert safe_cell(None) == ""
    assert safe_cell("google") == "google"
    assert "".join(write_csv(["a"], [["=1+1"]])) == "\ufeffa\r\n'=1+1\r\n"


# -- favourites, language ------------------------------------------------------------------------


def test_favourite_star_needs_csrf_and_toggles(anonymous: TestClient, pages_app: Any) -> None:
    user_id = make_user(pages_app.state.engine, "star@example.com")
    log_in(anonymous, "star@example.com")
    token = csrf_of(anonymous.get("/dashboards/sales").text)
    assert anonymous.post("/dashboards/sales/favourite").status_code == 403
    on = anonymous.post(
        "/dashboards/sales/favourite", data={"csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert 'aria-pressed="true"' in on.text
    assert 'hx-swap-oob="true"' in on.text
    assert anonymous.get("/dashboards/sales.json").json()["dashboard"]["favourite"] is True
    assert anonymous.get("/dashboards/marketing.json").json()["favourites"] == ["sales"]
    off = anonymous.post("/dashboards/sales/favourite", data={"csrf_token": token})
    assert (off.status_code, off.headers["location"]) == (303, "/dashboards/sales")
    with pages_app.state.engine.connect() as conn:
        stars = conn.execute(
            select(dashboard_favourites).where(dashboard_favourites.c.associate_id == user_id)
        ).all()
    assert stars == []
    assert (
        anonymous.post("/dashboards/nope/favourite", data={"csrf_token": token}).status_code == 404
    )


def test_recent_tab(anonymous: TestClient, pages_app: Any) -> None:
    user_id = make_user(pages_app.state.engine, "recent@example.com")
    log_in(anonymous, "recent@example.com")
    open_dashboard(anonymous, "sales")
    twin = anonymous.get("/dashboards/marketing.json").json()
    assert twin["recent"] == "sales"
    assert [t["slug"] for t in twin["tabs"] if t["recent"]] == ["sales"]
    with pages_app.state.engine.connect() as conn:
        visited = set(
            conn.execute(
                select(dashboard_visits.c.slug).where(dashboard_visits.c.associate_id == user_id)
            ).scalars()
        )
    assert visited == {"sales"}  # the JSON twin is not a visit


def test_language_from_query_user_setting_and_browser(
    anonymous: TestClient, pages_app: Any
) -> None:
    assert (
        'lang="nl"' in anonymous.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).text
    )
    assert "Aanmelden" in anonymous.get("/login?lang=nl").text
    make_user(pages_app.state.engine, "taal@example.com", language="nl")
    log_in(anonymous, "taal@example.com")
    page = anonymous.get("/dashboards/marketing", headers={"Accept-Language": "en"})
    assert 'lang="nl"' in page.text
    assert "Nieuwe leads per campagne YTD" in page.text
    assert 'lang="en"' in anonymous.get("/dashboards/marketing?lang=en").text
    token = csrf_of(page.text)
    response = anonymous.post(
        "/settings/language", data={"lang": "en", "csrf_token": token, "next": "/dashboards/sales"}
    )
    assert response.headers["location"] == "/dashboards/sales"
    assert 'lang="en"' in anonymous.get("/dashboards/sales").text
    assert anonymous.post("/settings/language", data={"lang": "en"}).status_code == 403
    bad = anonymous.post("/settings/language", data={"lang": "fr", "csrf_token": token})
    assert bad.status_code == 422


def test_dutch_tiles_use_dutch_names_numbers_and_dates(client: TestClient) -> None:
    html = client.get("/dashboards/sales/tiles?lang=nl").text
    api = client.get("/api/dashboards/sales?lang=nl").json()
    names = [e["text"].strip() for e in elements(html, "id") if e["attrs"]["id"].endswith("-title")]
    assert names == [t["name"] for t in api["tiles"]]
    pipeline = next(t for t in api["tiles"] if t["key"] == "pipeline-by-creation-source")
    labels = json.loads(tiles_of(html)["pipeline-by-creation-source"]["data-labels"])
    first = Decimal(pipeline["rows"][0]["value"])  # money is a decimal string
    euros = f"{first:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert labels[0] == f"€\xa0{euros}"  # Babel puts a no-break space after the sign
    assert "27 nov 2026" in html
    assert "van eerste" in html


# -- lead page -----------------------------------------------------------------------------------


def test_lead_page_and_twin(client: TestClient, pages_app: Any) -> None:
    with pages_app.state.engine.connect() as conn:
        lead_id = conn.execute(
            select(sales.c.lead_id).where(sales.c.lead_id.is_not(None)).order_by(sales.c.id)
        ).scalar()
    twin = client.get(f"/leads/{lead_id}.json").json()
    assert twin["id"] == lead_id
    assert twin["sales"]
    assert twin["history"]
    assert twin["history"][0]["from"] is None
    assert twin["history"][0]["to"]["key"] == "open"
    assert twin["status"]["key"] == twin["history"][-1]["to"]["key"]
    assert twin["created_via"]["key"] in ("form", "chat", "import", "api", "manual")
    assert set(twin) >= {"first_touch", "lead_creation", "channel", "form", "chat", "company"}
    page = client.get(f"/leads/{lead_id}").text
    assert twin["name"] in page
    assert twin["sales"][0]["title"] in page
    assert 'data-testid="lead-history"' in page
    nl = client.get(f"/leads/{lead_id}?lang=nl").text
    assert "Statusgeschiedenis" in nl
    assert "€\xa0" in nl
    assert client.get("/leads/999999.json").status_code == 404
    assert client.get("/leads/999999").status_code == 404
    assert client.get("/leads/abc").status_code == 422


def test_user_data_is_escaped_everywhere(client: TestClient, pages_app: Any) -> None:
    evil = '<script>alert("x")</script>'
    engine = pages_app.state.engine
    with engine.begin() as conn:
        lead = conn.execute(select(leads).where(leads.c.status_id == 5).limit(1)).first()
        assert lead is not None
        before = lead.first_name
        conn.execute(update(leads).where(leads.c.id == lead.id).values(first_name=evil))
    try:
        pages = [
            client.get(f"/leads/{lead.id}").text,
            client.get("/dashboards/lead-nurturing/tiles").text,
            client.get(
                "/dashboards/lead-nurturing/tiles/leads-by-status/records?key=re-nurture"
            ).text,
        ]
    finally:
        with engine.begin() as conn:
            conn.execute(update(leads).where(leads.c.id == lead.id).values(first_name=before))
    assert any("&lt;script&gt;" in html for html in pages)
    assert all("<script>alert" not in html for html in pages)


# -- errors and headers --------------------------------------------------------------------------


def test_error_pages_are_html_for_pages_and_json_for_the_api(client: TestClient) -> None:
    page = client.get("/dashboards/nope")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    api = client.get("/api/dashboards/nope")
    assert api.status_code == 404
    assert api.json()["error"]["field"] == "slug"
    twin = client.get("/dashboards/nope.json")
    assert twin.status_code == 404
    assert twin.json()["error"]["field"] == "slug"
    unknown = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert unknown.status_code == 404
    assert "<html" in unknown.text
    assert client.get("/no/such/page").headers["content-type"].startswith("application/json")


def test_pages_send_security_headers(client: TestClient) -> None:
    headers = client.get("/dashboards/marketing").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_no_inline_or_third_party_scripts(client: TestClient) -> None:
    html = client.get("/dashboards/marketing").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all(body.strip() == "" for _, body in scripts)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]  # type: ignore[union-attr]
    assert all(src.startswith("/static/") for src in sources)
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert client.get("/static/app.js").status_code == 200


@pytest.mark.parametrize(
    ("slug", "tile"),
    [
        ("marketing", "new-leads-by-campaign-ytd"),
        ("lead-nurturing", "lead-qualification-funnel"),
        ("sales", "sales-by-owner-ytd"),
        ("marketing", "new-leads-per-month"),
        ("marketing", "new-leads-from-chats-ytd"),
        ("lead-nurturing", "qualification-rate-ytd"),
    ],
)
def test_figures_table_lists_every_row_with_its_records(
    client: TestClient, slug: str, tile: str
) -> None:
    api = next(
        t for t in client.get(f"/api/dashboards/{slug}?lang=nl").json()["tiles"] if t["key"] == tile
    )
    html = client.get(f"/dashboards/{slug}/tiles/{tile}/figures?lang=nl").text
    rows = elements(html, "data-key")
    items = api.get("rows") or api.get("steps")
    if items is not None:
        assert [r["attrs"]["data-key"] for r in rows] == [i["key"] for i in items]
        first_cells = re.findall(r'<tr data-key="[^"]*">\s*<td>([^<]*)</td>', html)
        assert [unescape(c) for c in first_cells] == [i["label"] for i in items]
    links = re.findall(r'hx-get="([^"]+)"', html)
    if api["chart"] == "gauge":
        assert links == []
        assert "Doel" in html
    else:
        assert links, "rows link to their records"
        drill = client.get(links[0].replace("&amp;", "&")).text
        assert 'data-testid="drilldown-total"' in drill


# -- money in the JSON (issue 8 item 5) ----------------------------------------------------------

MONEY_TEXT = re.compile(r"^-?\d+\.\d{2}$")


def test_money_is_a_decimal_string_in_every_json_answer(client: TestClient, pages_app: Any) -> None:
    """README "Tile JSON": counts are integers, money a decimal string with 2 places; each tile
    names its measure(s) and, for money, the base currency."""
    with pages_app.state.engine.connect() as conn:
        open_sales = conn.execute(
            select(sales.c.amount_cents, sales.c.currency).where(sales.c.status == "open")
        ).all()
    assert open_sales
    assert {currency for _, currency in open_sales} == {"EUR"}
    for answer in (
        client.get("/api/dashboards/sales").json(),
        client.get("/dashboards/sales.json").json()["data"],
    ):
        tiles = {t["key"]: t for t in answer["tiles"]}
        pipeline = tiles["pipeline-by-creation-source"]
        assert (pipeline["measure"], pipeline["currency"]) == ("amount", "EUR")
        assert "measure2" not in pipeline
        assert all(MONEY_TEXT.match(r["value"]) for r in pipeline["rows"]), pipeline["rows"]
        total = sum(Decimal(r["value"]) for r in pipeline["rows"])  # no top N: every open sale
        assert total == Decimal(sum(cents for cents, _ in open_sales)) / 100
        by_owner = tiles["sales-by-owner-ytd"]
        assert (by_owner["measure"], by_owner["measure2"], by_owner["currency"]) == (
            "count",
            "amount",
            "EUR",
        )
        for row in by_owner["rows"]:
            assert type(row["value"]) is int, row
            assert MONEY_TEXT.match(row["value2"]), row
        funnel = tiles["lead-qualification-funnel"]
        assert funnel["measure"] == "count"
        assert "currency" not in funnel
        assert all(type(s["value"]) is int for s in funnel["steps"])
    key = pipeline["rows"][0]["key"]
    records = client.get(
        f"/api/tiles/sales/pipeline-by-creation-source/records?key={key}&page_size=100"
    ).json()
    assert (records["measure"], records["currency"]) == (pipeline["rows"][0]["value"], "EUR")
    assert all(MONEY_TEXT.match(r["amount"]) and r["currency"] == "EUR" for r in records["records"])
    with pages_app.state.engine.connect() as conn:
        sale = conn.execute(
            select(sales.c.lead_id, sales.c.amount_cents)
            .where(sales.c.lead_id.is_not(None))
            .order_by(sales.c.id)
        ).first()
    assert sale is not None
    twin = client.get(f"/leads/{sale.lead_id}.json").json()
    amounts = [s["amount"] for s in twin["sales"]]
    assert f"{Decimal(sale.amount_cents) / 100:.2f}" in amounts
    assert all(MONEY_TEXT.match(a) for a in amounts)


def test_csv_writes_money_as_plain_numbers() -> None:
    """A money delta below zero is a number, not text the formula guard must defuse; amounts keep
    their 2 decimals."""
    from leadboard.dashboards.models import Tile
    from leadboard.web.pages.drilldown import tile_csv_rows, write_csv

    definition = Tile.model_validate(
        {"key": "won", "name": {"en": "Won", "nl": "Gewonnen"}, "chart": "number"}
        | {"entity": "sales", "measure": "amount"}
    )
    tile = {"value": "90.00", "compare": {"value": "102.50", "delta": "-12.50", "pct": -12.2}}
    header, rows = tile_csv_rows(tile, "number", definition)
    text = "".join(write_csv(header, rows))
    assert read_csv(text) == [
        {"value": "90.00", "compare_value": "102.50", "delta": "-12.50", "pct": "-12.2"}
    ]
