"""Dynamic selections (dashboards/selections.py) on SQLite and PostgreSQL: their records equal an
independent filter over the same rows, re-evaluated on every view and within the viewer's rights;
a selection the viewer may not see is not found; only its owner (or an admin) changes it; a list
tile showing it takes its criteria, and one showing a gone selection is that tile's error."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, update

from leadboard.clock import FixedClock
from leadboard.dashboards.audience import Audience
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.selections import (
    SelectionDefinition,
    create_selection,
    delete_selection,
    find_selection,
    list_selections,
    replace_selection,
    selection_records,
    set_selection_audience,
)
from leadboard.dashboards.service import FilterInput, compute_dashboard
from leadboard.dashboards.stored import create_dashboard, set_audience
from leadboard.db.schema import lead_statuses, leads, selections
from leadboard.domain.users import Viewer, add_group, add_user, viewer_for
from leadboard.errors import Forbidden, NotFound
from leadboard.semantic.results import FailedResult, LeadRecord, ListResult
from leadboard.semantic.rights import scope_for
from leadboard.semantic.spec import Criterion
from leadboard.settings import Settings

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
NAIVE = NOW.replace(tzinfo=None)
COUNTRIES = ["NL", "BE", "DE", None]


@pytest.fixture
def world(engine: Engine) -> dict[str, Any]:
    """An owner and a colleague (group North), an outsider (South), an admin; 40 leads spread
    over the owner and the colleague, four countries and the first three statuses."""
    people: dict[str, Viewer] = {}
    with engine.begin() as conn:
        add_group(conn, "North")
        add_group(conn, "South")
        for key, role, group in [
            ("owner", "user", "North"),
            ("colleague", "user", "North"),
            ("outsider", "user", "South"),
            ("admin", "admin", None),
        ]:
            info, _ = add_user(conn, f"{key}@example.com", now=NAIVE, role=role, group=group)
            people[key] = viewer_for(conn, info.id)
        status = dict(conn.execute(select(lead_statuses.c.key, lead_statuses.c.id)).all())
        rows = []
        for i in range(40):
            key = ("open", "contacting", "qualified")[i % 3]
            owner = people["owner" if i % 2 else "colleague"].associate_id
            rows.append(
                {
                    "id": i + 1,
                    "first_name": f"Lead{i}",
                    "last_name": "O'Brien; DROP" if i == 7 else f"Last{i:02d}",
                    "email": f"lead{i}@example.com",
                    "country": COUNTRIES[i % 4],
                    "owner_id": owner,
                    "status_id": status[key],
                    "status_since": datetime(2026, 11, 1 + i % 20),
                    "statuses_held": 1 << status[key],
                    "created_at": datetime(2026, 10, 1 + i % 28, 9),
                    "created_via": "api",
                }
            )
        conn.execute(insert(leads), rows)
    return {"people": people, "status": status, "rows": rows}


def _definition(slug: str = "nl-open", **changes: Any) -> SelectionDefinition:
    data: dict[str, Any] = {
        "slug": slug,
        "name": {"en": "Open leads in NL or BE", "nl": "Open leads in NL of BE"},
        "entity": "leads",
        "criteria": [
            [
                {"field": "country", "op": "in", "value": ["NL"]},
                {"field": "status", "op": "in", "value": ["open", "contacting"]},
            ],
            [{"field": "country", "op": "in", "value": ["BE"]}],
        ],
        "order_by": "-name",
    }
    data.update(changes)
    return SelectionDefinition.model_validate(data)


def _expected(world: dict[str, Any], owners: set[int] | None = None) -> list[int]:
    """The same criteria in Python over the inserted rows, sorted by last name descending."""
    status = world["status"]
    hits = [
        r
        for r in world["rows"]
        if (r["country"] == "NL" and r["status_id"] in (status["open"], status["contacting"]))
        or r["country"] == "BE"
    ]
    if owners is not None:
        hits = [r for r in hits if r["owner_id"] in owners]
    hits.sort(key=lambda r: r["id"])
    hits.sort(key=lambda r: r["last_name"], reverse=True)
    return [r["id"] for r in hits]


def _ids(records: Any) -> list[int]:
    return [r.id for r in records]


def _all_ids(engine: Engine, settings: Settings, slug: str, viewer: Viewer) -> list[int]:
    with engine.connect() as conn:
        scope = scope_for(conn, viewer)
    found: list[int] = []
    page = 1
    while True:
        result = selection_records(engine, settings, FixedClock(NOW), slug, viewer, scope, page, 7)
        found += _ids(result.drill.records)
        if len(result.drill.records) < 7:
            return found
        page += 1


def test_records_equal_an_independent_filter(engine: Engine, world: dict[str, Any]) -> None:
    settings = Settings(database_url=str(engine.url))
    admin = world["people"]["admin"]
    with engine.begin() as conn:
        create_selection(conn, _definition(), admin.associate_id or 0, NAIVE)
    expected = _expected(world)
    assert expected  # the data hold matches
    result = selection_records(engine, settings, FixedClock(NOW), "nl-open", admin, page_size=100)
    assert result.drill.total == len(expected)
    assert _ids(result.drill.records) == expected
    assert all(isinstance(r, LeadRecord) for r in result.drill.records)
    # paging walks the same records in the same order
    assert _all_ids(engine, settings, "nl-open", admin) == expected
    # re-evaluated on every view: a lead moved to BE joins the selection at once
    outside = next(r for r in world["rows"] if r["country"] == "DE")
    with engine.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == outside["id"]).values(country="BE"))
    outside["country"] = "BE"
    again = selection_records(engine, settings, FixedClock(NOW), "nl-open", admin, page_size=100)
    assert _ids(again.drill.records) == _expected(world)
    # a sort by another column, ascending
    by_id = selection_records(
        engine, settings, FixedClock(NOW), "nl-open", admin, page_size=100, order_by="id"
    )
    assert _ids(by_id.drill.records) == sorted(_expected(world))


def test_own_scope_sees_only_own_leads(engine: Engine, world: dict[str, Any]) -> None:
    settings = Settings(database_url=str(engine.url))
    owner = world["people"]["owner"]
    with engine.begin() as conn:
        made = create_selection(conn, _definition(), owner.associate_id or 0, NAIVE)
        set_selection_audience(conn, made.slug, Audience(everyone=True), owner, NAIVE)
    for key in ("owner", "colleague"):
        viewer = world["people"][key]
        with engine.connect() as conn:
            scope = scope_for(conn, viewer)
        if scope.leads is None:
            pytest.fail("the user role should not see every lead")
        expected = _expected(world, set(scope.leads))
        assert _all_ids(engine, settings, "nl-open", viewer) == expected
        assert expected
        others = {r["id"] for r in world["rows"]} - {
            r["id"] for r in world["rows"] if r["owner_id"] in set(scope.leads)
        }
        assert not set(expected) & others


def test_invisible_is_not_found_and_sharing_shows_it(engine: Engine, world: dict[str, Any]) -> None:
    people = world["people"]
    owner, colleague, outsider = people["owner"], people["colleague"], people["outsider"]
    with engine.begin() as conn:
        create_selection(conn, _definition(), owner.associate_id or 0, NAIVE)
        for viewer in (colleague, outsider):
            with pytest.raises(NotFound):
                find_selection(conn, "nl-open", viewer)
            assert list_selections(conn, viewer) == []
        assert find_selection(conn, "nl-open", people["admin"]).slug == "nl-open"
        group_id = colleague.group_id
        assert group_id is not None
        set_selection_audience(
            conn, "nl-open", Audience(group_ids=frozenset({group_id})), owner, NAIVE
        )
        assert find_selection(conn, "nl-open", colleague).visible.group_ids == {group_id}
        with pytest.raises(NotFound):
            find_selection(conn, "nl-open", outsider)
        assert [s.slug for s in list_selections(conn, colleague, "nl of")] == ["nl-open"]
        assert list_selections(conn, colleague, "nothing like it") == []
    settings = Settings(database_url=str(engine.url))
    with pytest.raises(NotFound):
        selection_records(engine, settings, FixedClock(NOW), "nl-open", outsider)


def test_only_the_owner_or_an_admin_changes_it(engine: Engine, world: dict[str, Any]) -> None:
    people = world["people"]
    owner, colleague = people["owner"], people["colleague"]
    with engine.begin() as conn:
        create_selection(conn, _definition(), owner.associate_id or 0, NAIVE)
        set_selection_audience(conn, "nl-open", Audience(everyone=True), owner, NAIVE)
        before = conn.execute(select(selections)).all()
        renamed = _definition(name={"en": "Mine now", "nl": "Nu van mij"})
        with pytest.raises(Forbidden):
            replace_selection(conn, "nl-open", renamed, colleague, NAIVE)
        with pytest.raises(Forbidden):
            delete_selection(conn, "nl-open", colleague)
        with pytest.raises(Forbidden):
            set_selection_audience(conn, "nl-open", Audience(), colleague, NAIVE)
        assert conn.execute(select(selections)).all() == before
        changed = replace_selection(conn, "nl-open", renamed, owner, NAIVE)
        assert changed.definition.name.en == "Mine now"
        assert changed.visible.everyone  # the audience stays
        replace_selection(conn, "nl-open", _definition(), people["admin"], NAIVE)
        delete_selection(conn, "nl-open", owner)
        assert conn.execute(select(selections)).all() == []


def test_a_list_tile_shows_the_selection(engine: Engine, world: dict[str, Any]) -> None:
    """A dashboard's list tile with `selection` lists its records (at most 100, counted all);
    once the selection is gone, or for a viewer who may not see it, it is that tile's error."""
    settings = Settings(database_url=str(engine.url))
    people = world["people"]
    owner, admin = people["owner"], people["admin"]
    definition = Dashboard.model_validate(
        {
            "slug": "with-selection",
            "name": {"en": "With a selection", "nl": "Met een selectie"},
            "tiles": [
                {
                    "key": "picked",
                    "name": {"en": "Picked", "nl": "Gekozen"},
                    "chart": "list",
                    "entity": "sales",
                    "selection": "nl-open",
                },
                {
                    "key": "count",
                    "name": {"en": "Leads", "nl": "Leads"},
                    "chart": "number",
                    "entity": "leads",
                },
            ],
        }
    )
    with engine.begin() as conn:
        create_selection(conn, _definition(), owner.associate_id or 0, NAIVE)
        create_dashboard(conn, definition, admin.associate_id or 0, NAIVE)
        conn.execute(
            update(selections).values(
                criteria=[[Criterion(field="country", op="is_set").model_dump()]]
            )
        )
    expected = [r for r in world["rows"] if r["country"] is not None]
    result = compute_dashboard(
        engine, settings, FixedClock(NOW), "with-selection", FilterInput(), viewer=admin
    )
    tile = result.tiles[0]
    assert isinstance(tile, ListResult)
    assert tile.total == len(expected)
    assert {r.id for r in tile.records} == {r["id"] for r in expected}
    with engine.begin() as conn:
        set_selection_audience(conn, "nl-open", Audience(), owner, NAIVE)
    outsider = people["outsider"]
    with engine.begin() as conn:
        set_audience(conn, "with-selection", "visible", Audience(everyone=True), None, NAIVE)
    hidden = compute_dashboard(
        engine, settings, FixedClock(NOW), "with-selection", FilterInput(), viewer=outsider
    )
    assert isinstance(hidden.tiles[0], FailedResult)
    assert "nl-open" in (hidden.tiles[0].message or "")
    assert hidden.tiles[1].kind == "number"  # the other tile is still computed
    with engine.begin() as conn:
        delete_selection(conn, "nl-open", owner)
    gone = compute_dashboard(
        engine, settings, FixedClock(NOW), "with-selection", FilterInput(), viewer=admin
    )
    assert isinstance(gone.tiles[0], FailedResult)
