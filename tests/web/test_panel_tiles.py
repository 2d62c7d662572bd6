"""Web panel and HTML tiles (issue 11 item 2): stored through the REST API, an HTML tile with
scripts, event handlers and javascript: links renders inert; a web tile frames only https pages,
sandboxed; panels have no drill-down, CSV or figures; the CSP allows https frames and no more."""

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import csrf_of

SLUG = "panels-board"
EVIL = (
    "<p>Hello <b>team</b></p><script>alert(1)</script><img src=x onerror=alert(1)>"
    '<a href="javascript:alert(1)">click</a><svg onload=alert(1)><circle/></svg>'
    '<a href="https://example.com/doc" onclick="alert(1)">doc</a>'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
    '<p style="color:red" onmouseover="alert(1)">styled</p>'
)
NAME = {"en": "Panel", "nl": "Paneel"}


def definition(*tiles: dict[str, Any]) -> dict[str, Any]:
    return {"slug": SLUG, "name": {"en": "Panels", "nl": "Panelen"}, "tiles": list(tiles)}


HTML_TILE = {"key": "note", "name": NAME, "chart": "html", "html": EVIL}
WEB_TILE = {"key": "site", "name": NAME, "chart": "web", "url": "https://example.com/status"}


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.fixture
def board(client: TestClient) -> Any:
    token = csrf_of(client.get("/dashboards/marketing").text)
    headers = {"X-CSRF-Token": token}
    client.delete(f"/api/dashboards/{SLUG}", headers=headers)
    made = client.post("/api/dashboards", json=definition(HTML_TILE, WEB_TILE), headers=headers)
    assert made.status_code == 201, made.text
    yield headers
    client.delete(f"/api/dashboards/{SLUG}", headers=headers)


def panel_part(html: str, key: str) -> str:
    found = re.search(rf'<article[^>]*id="tile-{key}".*?</article>', html, re.S)
    assert found, f"no tile {key}"
    return found.group(0)


def test_an_html_tile_is_stored_clean_and_renders_inert(client: TestClient, board: Any) -> None:
    stored = client.get(f"/api/dashboards/{SLUG}/definition")
    assert stored.status_code == 200, stored.text
    text = stored.text
    assert "Hello <b>team</b>" in text  # kept, sanitised, in the stored definition
    for bad in ("<script", "onerror", "javascript:", "onload", "onclick", "<iframe", "<style"):
        assert bad not in text.lower(), bad
    html = client.get(f"/dashboards/{SLUG}/tiles").text
    part = panel_part(html, "note")
    assert "Hello <b>team</b>" in part
    for tag, attrs in elements(part):
        assert tag not in ("script", "style", "iframe", "svg", "img"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    content = part.split('data-testid="html-panel">', 1)[1].split("<footer", 1)[0]
    link = [attrs for tag, attrs in elements(content) if tag == "a" and attrs.get("href")]
    assert link == [{"href": "https://example.com/doc", "rel": "noopener noreferrer"}]
    # no drill-down, CSV or figures for a panel
    assert "data-drill-url" not in part
    assert 'data-action="csv"' not in part
    assert 'data-action="figures"' not in part
    assert client.get(f"/dashboards/{SLUG}/tiles/note.csv").status_code == 404
    assert client.get(f"/dashboards/{SLUG}/tiles/note/figures").status_code == 404


def test_a_web_tile_frames_its_page_sandboxed(client: TestClient, board: Any) -> None:
    page = client.get(f"/dashboards/{SLUG}")
    csp = page.headers["content-security-policy"]
    assert "frame-src https:;" in csp
    assert "frame-ancestors 'none'" in csp
    part = panel_part(client.get(f"/dashboards/{SLUG}/tiles").text, "site")
    frames = [attrs for tag, attrs in elements(part) if tag == "iframe"]
    assert len(frames) == 1
    frame = frames[0]
    assert frame["src"] == "https://example.com/status"
    assert frame["sandbox"] == "allow-scripts"  # never with allow-same-origin
    assert frame["referrerpolicy"] == "no-referrer"
    assert frame["loading"] == "lazy"
    assert frame["title"] == "Web page: Panel"


def test_the_api_gives_the_panels(client: TestClient, board: Any) -> None:
    got = client.get(f"/api/dashboards/{SLUG}")
    assert got.status_code == 200, got.text
    tiles = {tile["key"]: tile for tile in got.json()["tiles"]}
    assert tiles["site"]["panel"] == {"url": "https://example.com/status"}
    assert tiles["site"]["empty"] is False
    html = tiles["note"]["panel"]["html"]
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


@pytest.mark.parametrize(
    "url",
    ["http://example.com", "javascript:alert(1)", "https://user:secret@example.com/", "ftp://x"],
)
def test_a_web_tile_refuses_anything_but_https(client: TestClient, url: str) -> None:
    token = csrf_of(client.get("/dashboards/marketing").text)
    tile = WEB_TILE | {"url": url}
    got = client.post(
        "/api/dashboards",
        json=definition(tile) | {"slug": "bad-panel"},
        headers={"X-CSRF-Token": token},
    )
    assert got.status_code == 422, got.text
    error = got.json()["error"]
    assert error["field"].endswith("url"), error


def test_a_panel_takes_no_query_fields(client: TestClient) -> None:
    token = csrf_of(client.get("/dashboards/marketing").text)
    tile = WEB_TILE | {
        "group_by": "country",
        "criteria": [[{"field": "country", "op": "in", "value": ["NL"]}]],
    }
    got = client.post(
        "/api/dashboards",
        json=definition(tile) | {"slug": "bad-panel"},
        headers={"X-CSRF-Token": token},
    )
    assert got.status_code == 422, got.text
    assert "counts nothing" in got.json()["error"]["message"]
