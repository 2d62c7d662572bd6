"""Pages a new user meets in the first hour (issue 8 items 8 and 12): the log-out page, the
drill-down's email column, HTML error pages for browsers, custom channel names, the form's page
linked from the lead page and the forms tile, in both languages."""

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.db.schema import forms, leads
from leadboard.domain.channels import default_rules_text, forget_rules, save_rules
from leadboard.settings import Settings
from tests.conftest import bearer_headers
from tests.web.conftest import csrf_of, log_in

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# -- GET /logout ---------------------------------------------------------------------------------


def test_get_logout_offers_a_button_that_logs_out(anonymous: TestClient) -> None:
    client = anonymous
    log_in(client)  # a log-in of its own: the shared session cookie cannot be cleared
    page = client.get("/logout?lang=nl")
    assert page.status_code == 200
    assert '<html lang="nl"' in page.text
    form = re.search(
        r'<form method="post" action="/logout" class="login-form">(.*?)</form>', page.text, re.S
    )
    assert form, "the page holds the log-out form"
    assert 'data-testid="logout-confirm">Afmelden</button>' in form.group(1)
    out = client.post("/logout", data={"csrf_token": csrf_of(form.group(1))})
    assert (out.status_code, out.headers["location"]) == (303, "/login?logged_out=1")
    assert client.get("/dashboards/marketing").status_code == 303  # signed out


def test_get_logout_in_english(client: TestClient) -> None:
    page = client.get("/logout?lang=en").text
    assert "Log out Demo Admin?" in page
    assert 'data-testid="logout-confirm">Log out</button>' in page


def test_a_stale_logout_token_gets_the_button_again(anonymous: TestClient) -> None:
    client = anonymous
    log_in(client)  # its own session: logging out ends the session itself (server-side)
    stale = client.post("/logout?lang=nl", data={"csrf_token": "from-an-old-page"})
    assert stale.status_code == 403
    assert "De pagina was verlopen" in stale.text
    assert 'data-testid="logout-confirm"' in stale.text
    assert client.get("/").headers["location"].startswith("/dashboards/")  # still signed in
    again = client.post("/logout", data={"csrf_token": csrf_of(stale.text)})
    assert again.status_code == 303


def test_get_logout_when_signed_out_goes_to_the_login(anonymous: TestClient) -> None:
    answer = anonymous.get("/logout")
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


# -- drill-down ------------------------------------------------------------------------------------


def test_drilldown_shows_each_leads_email(client: TestClient) -> None:
    url = "/tiles/lead-nurturing/leads-by-status/records?key=open&page_size=25"
    expected = [r["email"] or "" for r in client.get(f"/api{url}").json()["records"]]
    html = client.get("/dashboards/lead-nurturing/tiles/leads-by-status/records?key=open").text
    assert '<th scope="col">Email</th>' in html
    cells = re.findall(r'<td data-column="email">([^<]*)</td>', html)
    assert [unescape(c) for c in cells] == expected
    assert all(expected)


def test_a_lead_without_a_name_is_not_a_blank_row(client: TestClient, pages_app: Any) -> None:
    engine = pages_app.state.engine
    api = client.get("/api/tiles/lead-nurturing/leads-by-status/records?key=open&page_size=1")
    first = api.json()["records"][0]
    with engine.begin() as conn:
        before = conn.execute(
            select(leads.c.first_name, leads.c.last_name).where(leads.c.id == first["id"])
        ).one()
        conn.execute(
            leads.update().where(leads.c.id == first["id"]).values(first_name=None, last_name=None)
        )
    try:
        html = client.get("/dashboards/lead-nurturing/tiles/leads-by-status/records?key=open").text
    finally:
        with engine.begin() as conn:
            conn.execute(
                leads.update()
                .where(leads.c.id == first["id"])
                .values(first_name=before.first_name, last_name=before.last_name)
            )
    row = re.search(rf'<tr data-record-id="{first["id"]}">(.*?)</tr>', html, re.S)
    assert row is not None
    # The name cell's link is never empty: a lead without a name is shown by its email.
    name_link = f'<td data-column="name"><a href="/leads/{first["id"]}">{first["email"]}</a></td>'
    assert name_link in row.group(1)
    assert f'<td data-column="email">{first["email"]}</td>' in row.group(1)


# -- error pages for browsers --------------------------------------------------------------------


def test_browsers_get_html_error_pages_outside_the_api(anonymous: TestClient) -> None:
    for path, status in [
        ("/no/such/page", 404),
        ("/static/no-such-file.css", 404),
        ("/capture/no-such-thing", 404),
        ("/capture/forms/contact", 405),  # a capture URL opened in the browser
    ]:
        answer = anonymous.get(path, headers={"Accept": BROWSER, "Accept-Language": "nl"})
        assert answer.status_code == status, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert 'data-testid="error-message"' in answer.text
        assert "Er ging iets mis" in answer.text


def test_an_unknown_forms_page_is_the_html_error_page(client: TestClient) -> None:
    answer = client.get("/forms/no-such-form?lang=nl", headers={"Accept": BROWSER})
    assert answer.status_code == 404
    assert 'data-testid="error-message"' in answer.text
    assert "Er ging iets mis" in answer.text


def test_api_clients_keep_json_outside_the_api(client: TestClient) -> None:
    for path in ("/no/such/page", "/static/no-such-file.css", "/capture/forms/contact"):
        answer = client.get(path, headers={"Accept": "*/*"})
        assert answer.headers["content-type"] == "application/json", path
        assert set(answer.json()) == {"error", "errors"}


# -- custom channels -----------------------------------------------------------------------------


def test_a_custom_channel_shows_its_name(tmp_path: Path) -> None:
    rules = yaml.safe_load(default_rules_text())
    rules["rules"].insert(0, {"channel": "Review Sites", "when": {"medium": {"equals": "review"}}})
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'channels.db'}"))
    engine = app.state.engine
    with engine.begin() as conn:
        save_rules(conn, yaml.safe_dump(rules))
    with TestClient(app, headers=bearer_headers(engine)) as api:
        body = {"email": "ann@example.nl", "source": "trustpilot", "medium": "review"}
        lead_id = api.post("/api/leads", json=body).json()["id"]
        for lang in ("en", "nl"):
            tiles = api.get(f"/api/dashboards/marketing?lang={lang}").json()["tiles"]
            channels = next(t for t in tiles if t["key"] == "new-leads-by-channel-ytd")
            assert channels["rows"] == [
                {"key": "review-sites", "label": "Review Sites", "value": 1}
            ]
            twin = api.get(f"/leads/{lead_id}.json?lang={lang}").json()
            assert twin["channel"] == {
                "key": "review-sites",
                "label": "Review Sites",
                "origin": "rules",
            }
        with engine.begin() as conn:
            forget_rules(conn)
        # Rules gone (reset): the key made readable, never the bare slug.
        assert api.get(f"/leads/{lead_id}.json").json()["channel"]["label"] == "Review sites"
    engine.dispose()


# -- the form's page -----------------------------------------------------------------------------


def _form_lead(pages_app: Any) -> tuple[int, str, str]:
    with pages_app.state.engine.connect() as conn:
        row = conn.execute(
            select(leads.c.id, forms.c.key, forms.c.name)
            .join(forms, forms.c.id == leads.c.created_by_form_id)
            .order_by(leads.c.id)
            .limit(1)
        ).one()
    return row.id, row.key, row.name


def test_the_lead_page_links_its_form(client: TestClient, pages_app: Any) -> None:
    lead_id, key, name = _form_lead(pages_app)
    page = client.get(f"/leads/{lead_id}?lang=nl").text
    assert (
        f'<dd data-testid="lead-form"><a href="/forms/{key}?lang=nl">{name}</a></dd>'
        in unescape(page)
    )


def test_the_forms_tile_links_each_forms_page(client: TestClient) -> None:
    tiles = client.get("/api/dashboards/marketing").json()["tiles"]
    top = next(t for t in tiles if t["key"] == "top-10-forms-ytd")["rows"][0]
    html = client.get(
        f"/dashboards/marketing/tiles/top-10-forms-ytd/records?key={top['key']}&lang=nl"
    ).text
    link = re.search(r'<a href="([^"]+)" data-testid="drilldown-form">([^<]+)</a>', html)
    assert link is not None
    assert unescape(link.group(1)) == f"/forms/{top['key']}?lang=nl"
    assert link.group(2) == "Pagina en snippet van het formulier"
    assert client.get(unescape(link.group(1))).status_code == 200
    other = client.get("/dashboards/marketing/tiles/new-leads-by-channel-ytd/records?key=direct")
    assert 'data-testid="drilldown-form"' not in other.text  # only per-form tiles link forms


def test_the_forms_page_speaks_the_users_language(client: TestClient, pages_app: Any) -> None:
    _, key, name = _form_lead(pages_app)
    nl = client.get(f"/forms/{key}?lang=nl")
    assert nl.status_code == 200
    text = unescape(nl.text)
    assert '<html lang="nl"' in text
    for word in ("Toegestane origins", "Gehoste pagina", "1. Op elke pagina van de site"):
        assert word in text
    assert "E-mail <span" in text
    assert "Velden met * zijn verplicht." in text
    assert ">Verzenden</button>" in text
    en = unescape(client.get(f"/forms/{key}?lang=en").text)
    assert "Allowed origins" in en
    assert ">Send</button>" in en
    assert "Toegestane" not in en
    assert name in en


# -- /docs offline -------------------------------------------------------------------------------


def test_docs_load_swagger_ui_from_our_own_static_folder(anonymous: TestClient) -> None:
    page = anonymous.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"https?://", page.text), "no other host: no CDN, no validator badge"
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets
    for asset in assets:
        assert anonymous.get(asset).status_code == 200, asset
    assert "url: '/openapi.json'" in page.text
    assert anonymous.get("/openapi.json").status_code == 200
    # ReDoc would need a CDN too: it is off.
    assert anonymous.get("/redoc", headers={"Accept": BROWSER}).status_code == 404


def test_the_vendored_swagger_ui_is_the_pinned_one() -> None:
    root = Path(__file__).resolve().parents[2]
    lock = json.loads((root / "package-lock.json").read_text())["packages"]
    pinned = json.loads((root / "package.json").read_text())["dependencies"]["swagger-ui-dist"]
    assert lock["node_modules/swagger-ui-dist"]["version"] == pinned
    vendor = root / "src/leadboard/web/static/vendor"
    assert f"swagger-ui-dist {pinned} Apache-2.0" in (vendor / "VERSIONS").read_text()
    assert (vendor / "swagger-ui/LICENSE").is_file()
    assert (vendor / "swagger-ui/NOTICE").is_file()
