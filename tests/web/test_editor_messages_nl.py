"""Problems shown on the tile editor, the new-dashboard, settings, sharing and new-selection pages
are in the page's language (issue 11, "everything works in Dutch and English"): bad forms posted
with ?lang=nl show the Dutch word (never the English one) at the field they are about. The spec's
checks (semantic/spec.py Problem) keep their English for the REST API and the CLI. A unit test
reads the code for every word a problem uses and finds it in i18n.WORDS in both languages."""

import ast
import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import Engine, delete, select, update
from starlette.testclient import TestClient

import leadboard.web.pages.dashboard_admin as dashboard_admin
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.stored import create_dashboard, delete_dashboard, stored_dashboards
from leadboard.db.schema import associate_groups, associates, selections, sessions
from leadboard.i18n import WORDS, t
from leadboard.semantic.spec import Tile
from leadboard.web.pages import tile_form
from tests.web.conftest import csrf_of, log_in, make_user

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC).replace(tzinfo=None)
NINA = "nina.messages@example.com"
SLUG = "nina-board"
SRC = Path(__file__).parents[2] / "src" / "leadboard"


@pytest.fixture
def nina(pages_app: FastAPI, anonymous: TestClient) -> Iterator[tuple[TestClient, str]]:
    """Nina (a dashboard admin, signed in) with her dashboard SLUG; her CSRF token."""
    engine: Engine = pages_app.state.engine
    user = make_user(engine, NINA)
    with engine.begin() as conn:
        conn.execute(
            update(associates).where(associates.c.id == user).values(role="dashboard-admin")
        )
        board = {"slug": SLUG, "name": {"en": "Nina", "nl": "Nina"}, "tiles": []}
        create_dashboard(conn, Dashboard.model_validate(board), user, NOW)
    log_in(anonymous, NINA)
    yield anonymous, csrf_of(anonymous.get("/dashboards/new").text)
    with engine.begin() as conn:
        for found in stored_dashboards(conn):
            if found.owner_id == user:
                delete_dashboard(conn, found.slug, None)
        conn.execute(delete(selections).where(selections.c.owner_id == user))
        conn.execute(delete(sessions).where(sessions.c.associate_id == user))
        conn.execute(delete(associates).where(associates.c.id == user))


def dutch(key: str, **values: object) -> str:
    """The Dutch word, checked to differ from the English one (else the test proves nothing)."""
    english, nl = t("en", key, **values), t("nl", key, **values)
    assert key in WORDS
    assert nl != english, key
    return str(nl)


def shown_errors(page: str) -> dict[str, str]:
    """The editor's field errors that are shown: form field -> text."""
    pattern = r'<span class="field-error"(?: id="[^"]+")? data-error-for="([^"]+)">([^<]*)<'
    spans = re.findall(pattern, page)
    return {name: html.unescape(text) for name, text in spans}


def field_errors(page: str) -> dict[str, str]:
    """The dashboard pages' field errors (admin/_fields.html): field -> text."""
    return {
        name: html.unescape(text)
        for name, text in re.findall(
            r'data-testid="error-[^"]+" data-field="([^"]+)">([^<]*)<', page
        )
    }


# -- the tile editor -----------------------------------------------------------------------------


def editor_form(csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "entity": "leads",
        "chart": "number",
        "name_en": "Leads",
        "name_nl": "Leads",
        "measure": "count",
        "width": "1",
        "height": "1",
        "action": "save",
    } | changes


Word = tuple[str, dict[str, object]]  # a key of i18n.WORDS and the values that fill it in
SORTS = ("value-desc", "value-asc", "label-asc", "label-desc")
EDITOR_CASES: list[tuple[dict[str, str], dict[str, Word]]] = [
    # the form's own checks
    (
        {"name_nl": "", "top": "many"},
        {"name_nl": ("tf.err.name", {}), "top": ("tf.err.whole_number", {"value": "'many'"})},
    ),
    (
        {"c-0-0-field": "shoe_size", "c-0-0-op": "eq"},
        {"c-0-0-field": ("tf.err.no_field", {"field": "'shoe_size'", "entity": "leads"})},
    ),
    ({"date_field": "created_at"}, {"period": ("tf.err.period", {})}),
    (
        {"sort": "upside-down"},
        {
            "sort": (
                "tf.err.choice",
                {"choices": ", ".join(t("nl", f"tf.opt.sort.{x}") for x in SORTS)},
            )
        },
    ),
    # the spec's checks (Problems) and pydantic's
    ({"chart": "bar"}, {"group_by": ("spec.needs_group_by", {"chart": "bar"})}),
    ({"colours": "#fff"}, {"colours": ("spec.colour_form", {"colour": "'#fff'"})}),
    ({"chart": "web", "url": "http://example.org/"}, {"url": ("spec.url_https", {})}),
    ({"compare": "target"}, {"target": ("spec.compare_target", {})}),
    (
        {"date_field": "created_at", "period": "last-fortnight"},
        {"period": ("spec.period", {"period": "'last-fortnight'", "detail": "(English)"})},
    ),
    ({"top": "0"}, {"top": ("tf.err.at_least", {"n": 1})}),
    ({"width": "40"}, {"width": ("tf.err.at_most", {"n": 12})}),
]


@pytest.mark.parametrize(("changes", "expected"), EDITOR_CASES)
def test_the_editor_shows_its_problems_in_dutch(
    nina: tuple[TestClient, str],
    changes: dict[str, str],
    expected: dict[str, Word],
) -> None:
    client, csrf = nina
    form = editor_form(csrf, **changes)
    words = {name: dutch(key, **values) for name, (key, values) in expected.items()}
    saved = client.post(f"/dashboards/{SLUG}/tiles?lang=nl", data=form)
    assert saved.status_code == 422
    assert shown_errors(saved.text) == words
    for name in words:  # the input the problem is about points at it
        assert f'name="{name}" ' in saved.text or f'name="{name}"' in saved.text
        if not name.startswith("c-"):  # a criteria line's error sits in its line
            assert f'aria-describedby="error-{name}"' in saved.text
    preview = client.post(f"/dashboards/{SLUG}/tiles/preview?lang=nl", data=form)
    assert preview.status_code == 422
    found = re.search(r'data-problems="([^"]*)"', preview.text)
    assert found is not None
    assert json.loads(html.unescape(found[1])) == words
    items = re.findall(r'<li data-field="([^"]+)">([^<]*)</li>', preview.text)
    labels = {  # each item names its field by its Dutch label
        name: t("nl", "tf.problem_line", group=1, line=1)
        if name.startswith("c-")
        else t("nl", f"tf.opt.{name}" if name in tile_form.OPTIONS else f"tf.{name}")
        for name in words
    }
    assert {name: html.unescape(text) for name, text in items} == {
        name: f"{labels[name]}: {word}" for name, word in words.items()
    }


def test_the_spec_keeps_its_english_for_the_api_and_the_cli() -> None:
    """The ValueError's text (what the REST API and the CLI show) is the English of each word."""
    bad = {"key": "t", "name": {"en": "A", "nl": "B"}, "entity": "leads", "chart": "pie"}
    with pytest.raises(ValidationError) as caught:
        Tile.model_validate(bad | {"compare": "target"})
    assert caught.value.errors()[0]["msg"] == (
        "Value error, a pie tile needs group_by; compare target: only a number tile compares so; "
        "compare target: set the tile's target"
    )


def test_amount_options_are_marked_and_a_count_ignores_them(
    nina: tuple[TestClient, str], pages_app: FastAPI
) -> None:
    """ "Amounts add up as" and the currency show for amount measures only (app.js hides them by
    data-measures); posted for a count anyway (no JavaScript), they do no harm."""
    client, csrf = nina
    page = client.get(f"/dashboards/{SLUG}/tiles/new?entity=sales&lang=nl").text
    for name in ("aggregate", "currency"):
        wrapper = (
            r'data-measures="amount weighted_amount">\s*'
            rf'<div class="editor-field[^"]*" data-field="{name}"'
        )
        assert re.search(wrapper, page), name
    form = editor_form(csrf, entity="sales", aggregate="avg", currency="USD")
    assert client.post(f"/dashboards/{SLUG}/tiles?lang=nl", data=form).status_code == 303
    money = form | {"measure": "amount", "name_en": "Avg", "name_nl": "Gem"}
    assert client.post(f"/dashboards/{SLUG}/tiles?lang=nl", data=money).status_code == 303
    with pages_app.state.engine.connect() as conn:
        found = next(d for d in stored_dashboards(conn) if d.slug == SLUG)
    tiles = {tile.name.en: tile for tile in found.definition.tiles}
    assert (tiles["Leads"].aggregate, tiles["Leads"].currency) == ("sum", None)
    assert (tiles["Avg"].aggregate, tiles["Avg"].currency) == ("avg", "USD")


# -- the dashboard pages -------------------------------------------------------------------------


def dashboard_form(csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "name_en": "Mine",
        "name_nl": "",
        "description_en": "",
        "description_nl": "",
        "theme": "light",
        "columns": "3",
    } | changes


def test_new_dashboard_and_settings_problems_are_dutch(nina: tuple[TestClient, str]) -> None:
    client, csrf = nina
    bad = dashboard_form(csrf, name_en="", theme="pink", columns="40")
    expected = {
        "name_en": dutch("dashadmin.need_name"),
        "theme": dutch("dashadmin.bad_theme"),
        "columns": dutch("dashadmin.bad_columns"),
    }
    made = client.post("/dashboards/new?lang=nl", data=bad)
    assert made.status_code == 422
    assert field_errors(made.text) == expected
    changed = client.post(f"/dashboards/{SLUG}/settings?lang=nl", data=bad)
    assert changed.status_code == 422
    assert field_errors(changed.text) == expected
    long = dashboard_form(csrf, name_en="x" * 201)
    too_long = client.post(f"/dashboards/{SLUG}/settings?lang=nl", data=long)
    assert field_errors(too_long.text) == {"name_en": dutch("dashadmin.too_long", n=200)}


def test_a_slug_taken_meanwhile_is_dutch_at_the_name(
    nina: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """stored.py refuses a slug in use (409, English for the API): the page says so in Dutch."""
    client, csrf = nina
    monkeypatch.setattr(dashboard_admin, "free_slug", lambda _conn, _name: SLUG)
    made = client.post("/dashboards/new?lang=nl", data=dashboard_form(csrf))
    assert made.status_code == 409
    assert field_errors(made.text) == {"name_en": dutch("dashadmin.slug_taken")}


def test_sharing_problems_are_dutch(nina: tuple[TestClient, str], pages_app: FastAPI) -> None:
    client, csrf = nina
    with pages_app.state.engine.connect() as conn:
        unknown = max(conn.execute(select(associate_groups.c.id)).scalars(), default=0) + 1
    form = {"csrf_token": csrf, "visible_groups": [str(unknown)], "pinned_users": ["x1"]}
    shared = client.post(f"/dashboards/{SLUG}/sharing?lang=nl", data=form)
    assert shared.status_code == 422
    assert field_errors(shared.text) == {
        "visible_groups": dutch("dashadmin.bad_choice", value=str(unknown)),
        "pinned_users": dutch("dashadmin.bad_choice", value="x1"),
    }


# -- the new-selection form ----------------------------------------------------------------------


def selection_error(page: str) -> tuple[str, str]:
    found = re.search(r'data-testid="selection-error" data-field="([^"]+)">([^<]*)</p>', page)
    assert found is not None, page
    return found[1], html.unescape(found[2])


EMAIL = t("nl", "tf.field.email")
SELECTION_CASES: list[tuple[dict[str, str], str, str, Word]] = [
    ({"entity": "planets"}, "entity", t("nl", "sel.entity"), ("sel.err.entity", {})),
    ({"name_en": " "}, "name_en", t("nl", "sel.name_en"), ("sel.name_required", {})),
    (
        {"field": "shoe_size", "op": "eq", "value": "3"},
        "criteria[0][0].field",
        t("nl", "sel.err.line", field="shoe_size"),
        ("sel.err.field", {}),
    ),
    (
        {"field": "email", "op": "gt", "value": "a"},
        "criteria[0][0].op",
        t("nl", "sel.err.line", field=EMAIL),
        ("sel.err.op", {"field": EMAIL, "op": "gt"}),
    ),
    (
        {"field": "status", "op": "in", "value": "no-such-status"},
        "criteria[0][0].value",
        t("nl", "sel.err.line", field="Status"),
        ("sel.err.value", {"field": "Status", "value": "“no-such-status”"}),
    ),
]


@pytest.mark.parametrize(("changes", "field", "label", "word"), SELECTION_CASES)
def test_new_selection_problems_are_dutch_and_name_the_field(
    nina: tuple[TestClient, str],
    changes: dict[str, str],
    field: str,
    label: str,
    word: Word,
) -> None:
    client, csrf = nina
    form = {"csrf_token": csrf, "name_en": "Mine", "entity": "leads", "group": "1"} | changes
    made = client.post("/selections?lang=nl", data=form)
    assert made.status_code == 422
    assert selection_error(made.text) == (field, f"{label}: {dutch(word[0], **word[1])}")


# -- every problem's word in both languages ------------------------------------------------------


def _literal_args(path: Path, name: str, position: int) -> set[str]:
    """The string literals passed at `position` to every call of `name` in a source file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and len(node.args) > position:
            called = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            arg = node.args[position]
            if called == name and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
    return found


def test_every_problem_word_has_both_languages() -> None:
    codes = _literal_args(SRC / "semantic" / "spec.py", "Problem", 0)
    assert len(codes) >= 40  # every check of the spec raises a Problem
    form = SRC / "web" / "pages" / "tile_form.py"
    codes |= {f"tf.err.{word}" for word in _literal_args(form, "problem", 1)}
    codes |= {f"tf.err.{word}" for word, _limit in tile_form._PYDANTIC_WORDS.values()}
    codes |= {"tf.err.invalid"} | {f"sel.err.{part}" for part in ("field", "op", "value")}
    codes |= {"sel.err.entity", "sel.err.line", "sel.err.invalid"}
    codes |= {"dashadmin.slug_taken", "dashadmin.refused"}
    for code in sorted(codes):
        assert code in WORDS, code
        english, nl = WORDS[code]
        assert english.strip(), code
        assert nl.strip(), code
        if code != "spec.period":  # its English is the period parser's own text
            assert english != nl, code
