"""The tile editor and the grid's editing (issue 11 item 2), over the page-test demo: only the
owner may open the library and editor and change tiles (others who see the dashboard 403, the
rest 404, a built-in dashboard 403); every POST needs the CSRF token; a bad form is a 422 naming
its fields; the preview's figures equal a count in SQL here; save, duplicate, copy, remove and
the layout post change the stored definition (and the layout is validated)."""

import html
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, delete, select, update
from starlette.testclient import TestClient

from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.selections import SelectionDefinition, create_selection
from leadboard.dashboards.stored import (
    Audience,
    create_dashboard,
    delete_dashboard,
    find_stored,
    set_audience,
    stored_dashboards,
)
from leadboard.db.schema import (
    associates,
    companies,
    dashboard_visits,
    leads,
    sales,
    selections,
    sessions,
)
from tests.web.conftest import TODAY, csrf_of, log_in, make_user

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 27, 12)
SLUG, OTHER = "editor-board", "editor-other"
ANN, BOB = "ann.editor@example.com", "bob.editor@example.com"
FIRST: dict[str, object] = {
    "key": "first",
    "name": {"en": "First", "nl": "Eerste"},
    "chart": "number",
}


def definition(slug: str, tiles: list[dict[str, object]]) -> Dashboard:
    return Dashboard.model_validate(
        {
            "slug": slug,
            "name": {"en": "Editor <b>", "nl": "Editor"},
            "tiles": [{"entity": "leads", **tile} for tile in tiles],
        }
    )


@pytest.fixture
def boards(pages_app: FastAPI) -> Iterator[Engine]:
    """Ann's dashboards SLUG (one tile) and OTHER (empty), Bob a user who sees SLUG (shared
    with him) but owns neither; all gone after the test."""
    engine: Engine = pages_app.state.engine
    ann = make_user(engine, ANN)
    bob = make_user(engine, BOB)
    with engine.begin() as conn:
        conn.execute(
            update(associates).where(associates.c.id == ann).values(role="dashboard-admin")
        )
        create_dashboard(conn, definition(SLUG, [FIRST]), ann, NOW)
        create_dashboard(conn, definition(OTHER, []), ann, NOW)
        set_audience(conn, SLUG, "visible", Audience(user_ids=frozenset({bob})), None, NOW)
    yield engine
    with engine.begin() as conn:
        for slug in (SLUG, OTHER, "bobs-board"):
            if slug in {d.slug for d in stored_dashboards(conn)}:
                delete_dashboard(conn, slug, None)
        for table in (dashboard_visits, sessions):
            conn.execute(delete(table).where(table.c.associate_id.in_([ann, bob])))
        conn.execute(delete(associates).where(associates.c.id.in_([ann, bob])))


def signed_in(client: TestClient, email: str) -> str:
    """Log in as this user; returns the session's CSRF token."""
    client.cookies.clear()
    log_in(client, email)
    return csrf_of(client.get("/leads").text)


def tiles_of(engine: Engine, slug: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        stored = find_stored(conn, slug)
    return [tile.model_dump(exclude_defaults=True) for tile in stored.definition.tiles]


def nl_quarter_form(csrf: str, chart: str = "number", **extra: str) -> dict[str, str]:
    """New leads this quarter from country NL (the editor's form fields)."""
    return {
        "csrf_token": csrf,
        "entity": "leads",
        "chart": chart,
        "name_en": "New leads NL",
        "name_nl": "Nieuwe leads NL",
        "measure": "count",
        "date_field": "created_at",
        "period": "this-quarter",
        "c-0-0-field": "country",
        "c-0-0-op": "in",
        "c-0-0-value": "NL",
        "width": "1",
        "height": "1",
        "other": "on",
        **extra,
    }


def nl_this_quarter(engine: Engine) -> dict[str | None, int]:
    """Independently: leads created from 1 October 2026 (Amsterdam) up to the clock's end of
    27 November whose own country, else their company's, is NL, per campaign (lower case)."""
    start = datetime(2026, 10, 1, tzinfo=AMS)
    with engine.connect() as conn:
        country_of = {
            r.id: r.country for r in conn.execute(select(companies.c.id, companies.c.country))
        }
        rows = conn.execute(
            select(leads.c.created_at, leads.c.country, leads.c.company_id, leads.c.lc_campaign)
        ).all()
    counts: dict[str | None, int] = {}
    for row in rows:
        moment = row.created_at.replace(tzinfo=UTC)
        country = row.country or country_of.get(row.company_id)
        if country == "NL" and start <= moment and moment.astimezone(AMS).date() <= TODAY:
            counts[row.lc_campaign or None] = counts.get(row.lc_campaign or None, 0) + 1
    return counts


def data_rows(text: str) -> object:
    found = re.search(r'data-rows="([^"]*)"', text)
    assert found, text[:500]
    return json.loads(html.unescape(found.group(1)))


# -- rights ----------------------------------------------------------------------------------------

PAGES = [
    f"/dashboards/{SLUG}/tiles/new",
    f"/dashboards/{SLUG}/tiles/new?entity=leads",
    f"/dashboards/{SLUG}/tiles/new?source=marketing&tile=new-leads-by-channel-ytd",
    f"/dashboards/{SLUG}/tiles/first/edit",
    f"/dashboards/{SLUG}/tiles/first/edit.json",
]


def test_only_the_owner_opens_the_library_and_the_editor(
    anonymous: TestClient, boards: Engine
) -> None:
    signed_in(anonymous, ANN)
    for url in PAGES:
        assert anonymous.get(url).status_code == 200, url
    library = anonymous.get(PAGES[0]).text
    assert "New leads per campaign YTD" in library  # a built-in tile, grouped by dashboard
    assert "Marketing" in library
    assert "Sales" in library
    assert 'data-entity="leads"' in library
    assert 'data-entity="sales"' in library
    assert anonymous.get(f"/dashboards/{SLUG}/tiles/nope/edit").status_code == 404
    assert anonymous.get(f"/dashboards/{SLUG}/tiles/new?entity=planets").status_code == 404
    assert anonymous.get("/dashboards/marketing/tiles/new").status_code == 403  # built-in
    signed_in(anonymous, BOB)  # sees the dashboard, is not its owner
    for url in PAGES:
        assert anonymous.get(url).status_code == 403, url
    assert anonymous.get(f"/dashboards/{OTHER}/tiles/new").status_code == 404  # unseen
    page = anonymous.get(f"/dashboards/{SLUG}").text
    assert 'data-testid="grid-edit"' not in page
    assert 'data-testid="tile-edit"' not in page


def test_the_owner_sees_the_editing_toolbar_and_menu_in_both_languages(
    anonymous: TestClient, boards: Engine
) -> None:
    signed_in(anonymous, ANN)
    page = anonymous.get(f"/dashboards/{SLUG}").text
    assert 'data-testid="grid-edit"' in page
    assert "Edit layout" in page
    fragment = anonymous.get(f"/dashboards/{SLUG}/tiles").text
    assert 'data-testid="tile-edit"' in fragment
    assert "Copy to dashboard" in fragment
    dutch = anonymous.get(f"/dashboards/{SLUG}?lang=nl").text
    assert "Indeling bewerken" in dutch
    assert "Tegel toevoegen" in dutch
    editor = anonymous.get(f"/dashboards/{SLUG}/tiles/first/edit?lang=nl").text
    assert "Gegevens" in editor
    assert "Weergave" in editor
    assert "Tegel opslaan" in editor
    english = anonymous.get(f"/dashboards/{SLUG}/tiles/first/edit").text
    assert "Dataset" in english
    assert "+ line" in english  # no criteria yet: the first line


def test_every_post_needs_the_csrf_token(anonymous: TestClient, boards: Engine) -> None:
    csrf = signed_in(anonymous, ANN)
    before = tiles_of(boards, SLUG)
    posts = [
        (f"/dashboards/{SLUG}/tiles", nl_quarter_form("")),
        (f"/dashboards/{SLUG}/tiles/first/edit", nl_quarter_form("")),
        (f"/dashboards/{SLUG}/tiles/preview", nl_quarter_form("")),
        (f"/dashboards/{SLUG}/tiles/first/duplicate", {}),
        (f"/dashboards/{SLUG}/tiles/first/copy", {"target": OTHER}),
        (f"/dashboards/{SLUG}/tiles/first/delete", {}),
        (f"/dashboards/{SLUG}/layout", {"layout": "[]"}),
    ]
    for url, form in posts:
        assert anonymous.post(url, data=form).status_code == 403, url
    layout = [{"key": "first", "x": 1, "y": 0, "w": 1, "h": 1}]
    assert anonymous.post(f"/dashboards/{SLUG}/layout", json=layout).status_code == 403
    assert tiles_of(boards, SLUG) == before
    assert csrf  # and with it they work: the tests below


def test_others_cannot_change_tiles(anonymous: TestClient, boards: Engine) -> None:
    csrf = signed_in(anonymous, BOB)
    before = tiles_of(boards, SLUG)
    form = {"csrf_token": csrf}
    assert (
        anonymous.post(f"/dashboards/{SLUG}/tiles", data=nl_quarter_form(csrf)).status_code == 403
    )
    assert anonymous.post(f"/dashboards/{SLUG}/tiles/first/delete", data=form).status_code == 403
    assert anonymous.post(f"/dashboards/{SLUG}/tiles/first/duplicate", data=form).status_code == 403
    assert anonymous.post(f"/dashboards/{OTHER}/tiles/first/delete", data=form).status_code == 404
    layout = [{"key": "first", "x": 1, "y": 0, "w": 1, "h": 1}]
    headers = {"X-CSRF-Token": csrf}
    response = anonymous.post(f"/dashboards/{SLUG}/layout", json=layout, headers=headers)
    assert response.status_code == 403
    assert tiles_of(boards, SLUG) == before


# -- preview, save -------------------------------------------------------------------------------


def test_the_preview_counts_what_sql_counts(anonymous: TestClient, boards: Engine) -> None:
    csrf = signed_in(anonymous, ANN)
    expected = nl_this_quarter(boards)
    assert sum(expected.values()) > 0, "the demo has NL leads this quarter"
    number = anonymous.post(f"/dashboards/{SLUG}/tiles/preview", data=nl_quarter_form(csrf))
    assert number.status_code == 200, number.text
    assert data_rows(number.text) == {"value": sum(expected.values())}
    bars = anonymous.post(
        f"/dashboards/{SLUG}/tiles/preview",
        data=nl_quarter_form(csrf, chart="bar", group_by="campaign"),
    )
    rows = data_rows(bars.text)
    assert isinstance(rows, list)
    got = {(row["key"] if row["key"] != "__not_set__" else None): row["value"] for row in rows}
    assert got == expected


def test_the_preview_is_computed_off_the_event_loop(
    anonymous: TestClient, boards: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a preview computes (held here until the test lets it go), the server still answers
    other requests: the compute runs in a worker thread, not on the event loop (a tile over a
    million leads used to hold up every capture and page meanwhile)."""
    from leadboard.web import present

    csrf = signed_in(anonymous, ANN)
    computing, release = threading.Event(), threading.Event()
    compute = present.tile_results

    def held(*args: Any, **kwargs: Any) -> Any:
        computing.set()
        release.wait(30)
        return compute(*args, **kwargs)

    monkeypatch.setattr(present, "tile_results", held)  # as the editor calls it
    answers: list[int] = []
    post = threading.Thread(
        target=lambda: answers.append(
            anonymous.post(
                f"/dashboards/{SLUG}/tiles/preview", data=nl_quarter_form(csrf)
            ).status_code
        )
    )
    post.start()
    try:
        assert computing.wait(30)
        assert anonymous.get("/healthz").status_code == 200  # answered meanwhile
        assert not release.is_set()
        assert answers == []  # the preview is still computing
    finally:
        release.set()
        post.join(30)
    assert answers == [200]


def test_bad_forms_are_422_naming_their_fields(anonymous: TestClient, boards: Engine) -> None:
    csrf = signed_in(anonymous, ANN)
    bad = nl_quarter_form(csrf, chart="bar", name_nl="", top="many")
    preview = anonymous.post(f"/dashboards/{SLUG}/tiles/preview", data=bad)
    assert preview.status_code == 422
    found = re.search(r'data-problems="([^"]*)"', preview.text)
    assert found is not None
    problems = json.loads(html.unescape(found[1]))
    assert {"name_nl", "top"} <= set(problems)
    saved = anonymous.post(f"/dashboards/{SLUG}/tiles", data={**bad, "action": "save"})
    assert saved.status_code == 422
    assert 'data-error-for="name_nl"' in saved.text
    assert 'aria-invalid="true"' in saved.text
    assert 'value="New leads NL"' in saved.text  # the form as it was posted
    line = nl_quarter_form(csrf, **{"c-0-0-field": "email", "c-0-0-op": "between"})
    assert anonymous.post(f"/dashboards/{SLUG}/tiles/preview", data=line).status_code == 422
    assert len(tiles_of(boards, SLUG)) == 1


def test_the_criteria_buttons_work_without_javascript(
    anonymous: TestClient, boards: Engine
) -> None:
    csrf = signed_in(anonymous, ANN)
    url = f"/dashboards/{SLUG}/tiles"
    form = nl_quarter_form(csrf)
    more = anonymous.post(url, data={**form, "action": "add-line-c-0"})
    assert more.status_code == 200
    assert more.text.count('data-testid="criteria-line"') == 2
    group = anonymous.post(url, data={**form, "action": "add-group-c"})
    assert group.text.count('class="criteria-group"') == 2
    gone = anonymous.post(url, data={**form, "action": "remove-line-c-0-0"})
    assert gone.text.count('data-testid="criteria-line"') == 0
    empty = anonymous.post(url, data={**form, "c-0-0-value": "", "action": "refresh"})
    assert 'data-testid="inactive"' in empty.text  # a line without a value is inactive
    assert len(tiles_of(boards, SLUG)) == 1


def test_save_edit_duplicate_copy_remove(anonymous: TestClient, boards: Engine) -> None:
    csrf = signed_in(anonymous, ANN)
    saved = anonymous.post(
        f"/dashboards/{SLUG}/tiles",
        data={**nl_quarter_form(csrf, chart="bar", group_by="campaign"), "action": "save"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/dashboards/{SLUG}"
    tiles = tiles_of(boards, SLUG)
    assert [t["key"] for t in tiles] == ["first", "new-leads-nl"]
    assert tiles[1]["criteria"] == [[{"field": "country", "op": "in", "value": ["NL"]}]]
    assert (tiles[1]["chart"], tiles[1]["group_by"], tiles[1]["period"]) == (
        "bar",
        "campaign",
        "this-quarter",
    )
    edit = anonymous.get(f"/dashboards/{SLUG}/tiles/new-leads-nl/edit.json").json()
    assert edit["tile"]["group_by"] == "campaign"
    assert "between" in edit["choices"]["operators"]["number"]
    assert "bar-line" in edit["choices"]["charts"]
    changed = nl_quarter_form(csrf, chart="pie", group_by="channel", name_en="Per channel")
    url = f"/dashboards/{SLUG}/tiles/new-leads-nl/edit"
    assert anonymous.post(url, data={**changed, "action": "save"}).status_code == 303
    tiles = tiles_of(boards, SLUG)
    assert (tiles[1]["key"], tiles[1]["chart"], tiles[1]["name"]["en"]) == (
        "new-leads-nl",
        "pie",
        "Per channel",
    )
    form = {"csrf_token": csrf}
    assert anonymous.post(f"/dashboards/{SLUG}/tiles/first/duplicate", data=form).status_code == 303
    assert [t["key"] for t in tiles_of(boards, SLUG)] == ["first", "first-copy", "new-leads-nl"]
    copy = anonymous.post(f"/dashboards/{SLUG}/tiles/first/copy", data={**form, "target": OTHER})
    assert copy.status_code == 303
    assert copy.headers["location"] == f"/dashboards/{OTHER}"
    assert [t["key"] for t in tiles_of(boards, OTHER)] == ["first"]
    to_builtin = {**form, "target": "marketing"}
    assert (
        anonymous.post(f"/dashboards/{SLUG}/tiles/first/copy", data=to_builtin).status_code == 403
    )
    unknown = {**form, "target": "no-such-board"}
    assert anonymous.post(f"/dashboards/{SLUG}/tiles/first/copy", data=unknown).status_code == 404
    assert anonymous.post(f"/dashboards/{SLUG}/tiles/first/delete", data=form).status_code == 303
    assert [t["key"] for t in tiles_of(boards, SLUG)] == ["first-copy", "new-leads-nl"]


def test_copy_needs_edit_rights_on_the_target(anonymous: TestClient, boards: Engine) -> None:
    """Bob owns a dashboard of his own and sees Ann's: he may not copy a tile onto hers (403),
    nor from one he cannot see (404)."""
    bob = make_user_id(boards, BOB)
    with boards.begin() as conn:
        create_dashboard(conn, definition("bobs-board", [FIRST]), bob, NOW)
    csrf = signed_in(anonymous, BOB)
    form = {"csrf_token": csrf, "target": SLUG}
    assert anonymous.post("/dashboards/bobs-board/tiles/first/copy", data=form).status_code == 403
    form = {"csrf_token": csrf, "target": "bobs-board"}
    assert anonymous.post(f"/dashboards/{OTHER}/tiles/first/copy", data=form).status_code == 404
    assert [t["key"] for t in tiles_of(boards, SLUG)] == ["first"]


def make_user_id(engine: Engine, email: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(associates.c.id).where(associates.c.email == email)).scalar_one()
        )


# -- the layout ------------------------------------------------------------------------------------


def test_the_layout_is_saved_and_shown_where_it_was_put(
    anonymous: TestClient, boards: Engine
) -> None:
    csrf = signed_in(anonymous, ANN)
    headers = {"X-CSRF-Token": csrf}
    url = f"/dashboards/{SLUG}/layout"
    response = anonymous.post(
        url, json=[{"key": "first", "x": 1, "y": 2, "w": 2, "h": 1}], headers=headers
    )
    assert response.status_code == 200, response.text
    assert tiles_of(boards, SLUG)[0] | {"x": 1, "y": 2, "width": 2} == tiles_of(boards, SLUG)[0]
    page = anonymous.get(f"/dashboards/{SLUG}").text
    assert 'gs-w="2" gs-h="1" gs-x="1" gs-y="2" gs-id="first"' in page
    api = anonymous.get(f"/api/dashboards/{SLUG}/tiles/first").json()
    assert (api["x"], api["y"], api["w"], api["h"]) == (1, 2, 2, 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"key": "nope", "x": 0, "y": 0, "w": 1, "h": 1}], "layout[0].key"),
        ([{"key": "first", "x": 2, "y": 0, "w": 2, "h": 1}], "layout[0].x"),
        ([{"key": "first", "x": -1, "y": 0, "w": 1, "h": 1}], "layout[0]"),
        ([{"key": "first", "x": 0, "y": 0, "w": 1}], "layout[0].h"),
        ([{"key": "first", "x": "0", "y": 0, "w": 1, "h": 1}], "layout[0].x"),
        (
            [{"key": "first", "x": 0, "y": 0, "w": 1, "h": 1}] * 2,
            "layout[1].key",
        ),
        ({"key": "first"}, "layout"),
    ],
)
def test_a_bad_layout_is_422_and_changes_nothing(
    anonymous: TestClient, boards: Engine, body: object, field: str
) -> None:
    csrf = signed_in(anonymous, ANN)
    before = tiles_of(boards, SLUG)
    response = anonymous.post(
        f"/dashboards/{SLUG}/layout", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert tiles_of(boards, SLUG) == before


def test_library_tiles_never_take_a_page_word_as_key(anonymous: TestClient, boards: Engine) -> None:
    csrf = signed_in(anonymous, ANN)
    form = nl_quarter_form(csrf, name_en="New", name_nl="Nieuw")
    assert (
        anonymous.post(f"/dashboards/{SLUG}/tiles", data={**form, "action": "save"}).status_code
        == 303
    )
    assert [t["key"] for t in tiles_of(boards, SLUG)] == ["first", "new-tile"]


# -- words, amounts in currency units, selections --------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("entity", ["leads", "sales", "form_submissions", "chats"])
def test_the_editor_shows_words_never_raw_names(
    anonymous: TestClient, boards: Engine, entity: str, lang: str
) -> None:
    """Every label and choice is a word: a missing one would show its key (tf.field.x) or the
    field's name (statuses_held); the internal bit mask is not offered at all."""
    signed_in(anonymous, ANN)
    page = anonymous.get(f"/dashboards/{SLUG}/tiles/new?entity={entity}&lang={lang}")
    assert page.status_code == 200
    shown = [
        html.unescape(text).strip()
        for text in re.findall(r"<(?:option|label|legend|h2)[^>]*>([^<]*)<", page.text)
    ]
    assert shown
    for text in shown:
        assert not re.match(r"^(tf|col|enum|period)\.", text), f"a raw key: {text!r}"
        assert "_" not in text, f"a raw name: {text!r}"
    assert "statuses_held" not in page.text
    assert "cents" not in page.text.lower()
    assert "centen" not in page.text.lower()


def sales_at_least(engine: Engine, cents: int) -> int:
    with engine.connect() as conn:
        amounts = conn.execute(select(sales.c.amount_cents)).scalars().all()
    return sum(1 for amount in amounts if amount >= cents)


def test_an_amount_criterion_is_typed_in_euros(anonymous: TestClient, boards: Engine) -> None:
    csrf = signed_in(anonymous, ANN)
    with boards.connect() as conn:
        amounts = sorted(conn.execute(select(sales.c.amount_cents)).scalars().all())
    middle = amounts[len(amounts) // 2]
    euros = f"{middle // 100},{middle % 100:02d}"  # as a Dutch user types it: 1234,56
    form = {
        "csrf_token": csrf,
        "entity": "sales",
        "chart": "number",
        "name_en": "Big sales",
        "name_nl": "Grote verkopen",
        "measure": "count",
        "c-0-0-field": "amount",
        "c-0-0-op": "ge",
        "c-0-0-value": euros,
        "width": "1",
        "height": "1",
    }
    number = anonymous.post(f"/dashboards/{SLUG}/tiles/preview", data=form)
    assert number.status_code == 200, number.text
    expected = sales_at_least(boards, middle)
    assert 0 < expected < len(amounts)
    assert data_rows(number.text) == {"value": expected}
    # half a cent more: only the amounts from the next whole cent up
    form["c-0-0-value"] = f"{middle / 100 + 0.005:.3f}"
    assert data_rows(anonymous.post(f"/dashboards/{SLUG}/tiles/preview", data=form).text) == {
        "value": sales_at_least(boards, middle + 1)
    }
    grouped = anonymous.post(
        f"/dashboards/{SLUG}/tiles/preview", data={**form, "chart": "bar", "group_by": "amount"}
    )
    assert grouped.status_code == 422  # an amount is a measure, not a grouping
    assert "group_by" in grouped.text


def test_a_tile_from_a_saved_selection(anonymous: TestClient, boards: Engine) -> None:
    with boards.connect() as conn:
        ann, bob = (
            conn.execute(select(associates.c.id).where(associates.c.email == email)).scalar_one()
            for email in (ANN, BOB)
        )
    mine = SelectionDefinition.model_validate(
        {
            "slug": "editor-dutch-leads",
            "name": {"en": "Dutch leads", "nl": "Nederlandse leads"},
            "entity": "leads",
            "criteria": [[{"field": "country", "op": "in", "value": ["NL"]}]],
            "columns": ["name", "country"],
        }
    )
    hidden = mine.model_copy(update={"slug": "editor-bobs-leads"})
    with boards.begin() as conn:
        create_selection(conn, mine, ann, NOW)
        create_selection(conn, hidden, bob, NOW)  # not shared: Ann does not see it
    try:
        csrf = signed_in(anonymous, ANN)
        library = anonymous.get(f"/dashboards/{SLUG}/tiles/new").text
        assert "Dutch leads" in library
        assert "editor-bobs-leads" not in library
        url = f"/dashboards/{SLUG}/tiles/new?selection=editor-dutch-leads"
        editor = anonymous.get(url)
        assert editor.status_code == 200
        assert '<option value="editor-dutch-leads" selected>Dutch leads</option>' in editor.text
        dutch = anonymous.get(url + "&lang=nl").text
        assert '<option value="editor-dutch-leads" selected>Nederlandse leads</option>' in dutch
        assert (
            anonymous.get(f"/dashboards/{SLUG}/tiles/new?selection=editor-bobs-leads").status_code
            == 404
        )
        form = {
            "csrf_token": csrf,
            "action": "save",
            "entity": "leads",
            "chart": "list",
            "name_en": "Dutch leads",
            "name_nl": "Nederlandse leads",
            "selection": "editor-dutch-leads",
            "columns": "name",
            "width": "3",
            "height": "1",
        }
        assert anonymous.post(f"/dashboards/{SLUG}/tiles", data=form).status_code == 303
        saved = tiles_of(boards, SLUG)[-1]
        assert saved["selection"] == "editor-dutch-leads"
        assert saved["chart"] == "list"
    finally:
        with boards.begin() as conn:
            conn.execute(
                delete(selections).where(
                    selections.c.slug.in_(["editor-dutch-leads", "editor-bobs-leads"])
                )
            )
