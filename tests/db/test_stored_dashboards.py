"""Dashboards users build (dashboards/stored.py) and dashboards as code (dashboards/code.py), on
SQLite and PostgreSQL: who sees, changes and shares them, and export -> import round trips."""

from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, func, select

from leadboard.dashboards.code import ImportProblems, export_dashboards, import_dashboards
from leadboard.dashboards.index import dashboard_index
from leadboard.dashboards.models import Dashboard
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import (
    Audience,
    create_dashboard,
    delete_dashboard,
    find_stored,
    replace_dashboard,
    set_audience,
    stored_dashboards,
    transfer_dashboard,
)
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import dashboard_shares, dashboards
from leadboard.domain.users import Viewer, add_group, add_user, viewer_for
from leadboard.errors import Conflict, Forbidden, NotFound

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC).replace(tzinfo=None)


def _definition(slug: str, **changes: Any) -> Dashboard:
    """A small dashboard: the marketing dashboard's first two tiles under another slug."""
    marketing = builtin_dashboards()["marketing"]
    data = marketing.model_dump(mode="json", exclude_defaults=True)
    data.update(slug=slug, name={"en": f"Team {slug}", "nl": f"Team {slug} (nl)"})
    data["tiles"] = data["tiles"][:2]
    data.update(changes)
    return Dashboard.model_validate(data)


@pytest.fixture
def people(engine: Engine) -> dict[str, Viewer]:
    """Two groups; an owner and a colleague in North, an outsider in South, a dashboard admin and
    an admin without a group."""
    found = {}
    with engine.begin() as conn:
        add_group(conn, "North")
        add_group(conn, "South")
        for key, role, group in [
            ("owner", "user", "North"),
            ("colleague", "user", "North"),
            ("outsider", "user", "South"),
            ("dashadmin", "dashboard-admin", "South"),
            ("admin", "admin", None),
        ]:
            info, _ = add_user(conn, f"{key}@example.com", now=NOW, role=role, group=group)
            found[key] = viewer_for(conn, info.id)
    return found


def _id(viewer: Viewer) -> int:
    assert viewer.associate_id is not None
    return viewer.associate_id


def test_a_new_dashboard_is_its_owners_alone(engine: Engine, people: dict[str, Viewer]) -> None:
    with engine.begin() as conn:
        create_dashboard(conn, _definition("north"), _id(people["owner"]), NOW)
    with engine.connect() as conn:
        for key, sees in [
            ("owner", True),
            ("colleague", False),
            ("outsider", False),
            ("dashadmin", False),
            ("admin", True),
        ]:
            slugs = [d.slug for d in stored_dashboards(conn, people[key])]
            assert slugs == (["north"] if sees else []), key
            if not sees:
                with pytest.raises(NotFound, match="no dashboard 'north'"):
                    find_stored(conn, "north", people[key])
        assert find_stored(conn, "north").definition == _definition("north")


def test_built_in_and_taken_slugs_are_refused(engine: Engine, people: dict[str, Viewer]) -> None:
    owner = _id(people["owner"])
    with engine.begin() as conn:
        with pytest.raises(Conflict, match="'sales' is a built-in dashboard"):
            create_dashboard(conn, _definition("sales"), owner, NOW)
        create_dashboard(conn, _definition("north"), owner, NOW)
        with pytest.raises(Conflict, match="exists already"):
            create_dashboard(conn, _definition("north"), owner, NOW)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dashboards)).scalar() == 1


def test_sharing_needs_the_dashboard_admin_role(engine: Engine, people: dict[str, Viewer]) -> None:
    north = Audience(group_ids=frozenset({people["owner"].group_id or 0}))
    with engine.begin() as conn:
        create_dashboard(conn, _definition("north"), _id(people["owner"]), NOW)
        with pytest.raises(Forbidden, match="dashboard-admin"):
            set_audience(conn, "north", "visible", north, people["owner"], NOW)
        # an admin shares it with group North: the colleague sees it, the outsider does not
        set_audience(conn, "north", "visible", north, people["admin"], NOW)
    with engine.connect() as conn:
        assert [d.slug for d in stored_dashboards(conn, people["colleague"])] == ["north"]
        assert stored_dashboards(conn, people["outsider"]) == []
        assert not find_stored(conn, "north").pinned_for(people["colleague"])


def test_pinned_to_everyone_is_visible_and_pinned_for_all(
    engine: Engine, people: dict[str, Viewer]
) -> None:
    dashadmin = people["dashadmin"]
    with engine.begin() as conn:
        create_dashboard(conn, _definition("mine"), _id(dashadmin), NOW)
        set_audience(conn, "mine", "pinned", Audience(everyone=True), dashadmin, NOW)
    with engine.connect() as conn:
        for viewer in people.values():
            found = find_stored(conn, "mine", viewer)
            assert found.pinned_for(viewer)
        rows = conn.execute(select(dashboard_shares.c.mode, dashboard_shares.c.group_id)).all()
        assert [tuple(r) for r in rows] == [("pinned", None)]


def test_only_the_owner_changes_or_deletes(engine: Engine, people: dict[str, Viewer]) -> None:
    owner, admin = people["owner"], people["admin"]
    with engine.begin() as conn:
        create_dashboard(conn, _definition("north"), _id(owner), NOW)
        set_audience(conn, "north", "visible", Audience(everyone=True), admin, NOW)
    changed = _definition("north", columns=4)
    for someone in ("colleague", "admin"):
        with engine.begin() as conn:
            with pytest.raises(Forbidden, match="only the dashboard's owner"):
                replace_dashboard(conn, "north", changed, people[someone], NOW)
            with pytest.raises(Forbidden, match="only the dashboard's owner"):
                delete_dashboard(conn, "north", people[someone])
    with engine.begin() as conn:
        assert find_stored(conn, "north").definition.columns == 3
        assert replace_dashboard(conn, "north", changed, owner, NOW).definition.columns == 4
    # an admin transfers it (the owner left); then the new owner may delete it
    with engine.begin() as conn:
        with pytest.raises(Forbidden, match="owner or an admin"):
            transfer_dashboard(conn, "north", _id(people["outsider"]), people["colleague"], NOW)
        transfer_dashboard(conn, "north", _id(people["colleague"]), admin, NOW)
        delete_dashboard(conn, "north", people["colleague"])
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dashboard_shares)).scalar() == 0
        assert stored_dashboards(conn) == []


def test_the_listing_shows_stored_dashboards_after_the_built_in_ones(
    engine: Engine, people: dict[str, Viewer]
) -> None:
    with engine.begin() as conn:
        create_dashboard(conn, _definition("north"), _id(people["owner"]), NOW)
        listed = dashboard_index("nl", conn)
    assert [d["dashboard"] for d in listed] == ["marketing", "lead-nurturing", "sales", "north"]
    marketing = builtin_dashboards()["marketing"]
    assert listed[-1]["name"] == "Team north (nl)"
    assert listed[-1]["tiles"] == [tile.key for tile in marketing.tiles[:2]]


# -- dashboards as code --------------------------------------------------------------------------


def _fill(engine: Engine, people: dict[str, Viewer]) -> None:
    """Three dashboards with every kind of audience, translations and a changed layout."""
    admin = people["admin"]
    north = frozenset({people["owner"].group_id or 0})
    with engine.begin() as conn:
        create_dashboard(conn, _definition("north", theme="dark"), _id(people["owner"]), NOW)
        set_audience(conn, "north", "visible", Audience(group_ids=north), admin, NOW)
        set_audience(
            conn,
            "north",
            "pinned",
            Audience(user_ids=frozenset({_id(people["colleague"])})),
            admin,
            NOW,
        )
        create_dashboard(conn, _definition("all-hands", columns=2), _id(admin), NOW)
        set_audience(conn, "all-hands", "pinned", Audience(everyone=True), admin, NOW)
        create_dashboard(conn, _definition("private"), _id(people["outsider"]), NOW)


def _second_database(tmp_path: Any, people: dict[str, Viewer]) -> Engine:
    """An empty database with the same users and groups (their ids need not match)."""
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    with other.begin() as conn:
        add_group(conn, "South")  # in the other order: ids differ
        add_group(conn, "North")
        for key in reversed(list(people)):
            role = {"dashadmin": "dashboard-admin", "admin": "admin"}.get(key, "user")
            group = {"owner": "North", "colleague": "North"}.get(key, "South")
            add_user(conn, f"{key}@example.com", now=NOW, role=role, group=group)
    return other


def test_export_then_import_into_an_empty_database_is_identical(
    engine: Engine, people: dict[str, Viewer], tmp_path: Any
) -> None:
    _fill(engine, people)
    with engine.connect() as conn:
        text = export_dashboards(conn)
    document = yaml.safe_load(text)
    assert [d["slug"] for d in document["dashboards"]] == ["north", "all-hands", "private"]
    assert document["dashboards"][0]["owner"] == "owner@example.com"
    assert document["dashboards"][0]["visible_for"] == {"groups": ["North"]}
    assert document["dashboards"][0]["pinned_for"] == {"users": ["colleague@example.com"]}
    assert document["dashboards"][0]["name"] == {"en": "Team north", "nl": "Team north (nl)"}
    assert document["dashboards"][1]["pinned_for"] == {"everyone": True}
    assert "visible_for" not in document["dashboards"][2]

    other = _second_database(tmp_path, people)
    try:
        with other.begin() as conn:
            done = import_dashboards(conn, text, NOW)
        assert [(d.slug, d.action) for d in done] == [
            ("north", "created"),
            ("all-hands", "created"),
            ("private", "created"),
        ]
        with other.connect() as conn:
            assert export_dashboards(conn) == text
            again = {d.slug: d for d in stored_dashboards(conn)}
        with engine.connect() as conn:
            first = {d.slug: d for d in stored_dashboards(conn)}
        for slug, stored in first.items():
            assert again[slug].definition == stored.definition
    finally:
        other.dispose()


def test_import_again_needs_replace(engine: Engine, people: dict[str, Viewer]) -> None:
    _fill(engine, people)
    with engine.connect() as conn:
        text = export_dashboards(conn)
    changed = text.replace("columns: 2", "columns: 5")
    assert changed != text
    with engine.begin() as conn, pytest.raises(ImportProblems) as caught:
        import_dashboards(conn, changed, NOW)
    assert caught.value.problems == [
        f"dashboards[{i}].slug: a dashboard {slug!r} exists already (use --replace)"
        for i, slug in enumerate(["north", "all-hands", "private"])
    ]
    with engine.begin() as conn:
        done = import_dashboards(conn, changed, NOW, replace=True)
        assert {d.action for d in done} == {"replaced"}
        assert find_stored(conn, "all-hands").definition.columns == 5
        assert export_dashboards(conn) == changed


def test_a_file_with_three_mistakes_reports_all_three_and_imports_nothing(
    engine: Engine, people: dict[str, Viewer]
) -> None:
    _fill(engine, people)
    with engine.connect() as conn:
        document = yaml.safe_load(export_dashboards(conn))
    with engine.begin() as conn:
        for slug in ("north", "all-hands", "private"):
            delete_dashboard(conn, slug, None)
    document["dashboards"][0]["tiles"][1]["chart"] = "radar"  # 1: no such chart
    document["dashboards"][1]["owner"] = "nobody@example.com"  # 2: unknown owner
    document["dashboards"][2]["visible_for"] = {"groups": ["West"]}  # 3: unknown group
    with engine.begin() as conn, pytest.raises(ImportProblems) as caught:
        import_dashboards(conn, yaml.safe_dump(document), NOW)
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert problems[0].startswith("dashboards[0].tiles[1].chart: unknown chart kind 'radar'")
    assert problems[1] == "dashboards[1].owner: no associate with email 'nobody@example.com'"
    assert problems[2] == "dashboards[2].visible_for.groups[0]: no group named 'West'"
    with engine.connect() as conn:
        assert stored_dashboards(conn) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("dashboards: [", "line 1, column 14: not valid YAML"),
        ("- a list", "(top): expected a mapping with a list under `dashboards`"),
        ("version: 2\ndashboards: []", "version: this Leadboard reads version 1, not 2"),
        ("dashboards: []\nextra: 1", "extra: unknown key"),
        ("dashboards: [3]", "dashboards[0]: expected a mapping"),
        (
            "dashboards:\n- {slug: sales, name: {en: a, nl: b}, tiles: [], owner: admin@x.com}",
            "dashboards[0].slug: 'sales' is a built-in dashboard; choose another slug",
        ),
        (
            "dashboards:\n- {slug: x, name: {en: a, nl: b}, tiles: []}",
            "dashboards[0].owner: required (or give --owner EMAIL)",
        ),
        (
            "dashboards:\n- {slug: x, name: {en: a, nl: b}, tiles: [], owner: admin@example.com}\n"
            "- {slug: x, name: {en: a, nl: b}, tiles: [], owner: admin@example.com}",
            "dashboards[1].slug: 'x' is also the slug of dashboards[0]",
        ),
        (
            "dashboards:\n- {slug: x, name: {en: a}, tiles: [], owner: admin@example.com}",
            "dashboards[0].name.nl: Field required",
        ),
    ],
)
def test_problems_name_their_path(
    engine: Engine, people: dict[str, Viewer], text: str, problem: str
) -> None:
    with engine.begin() as conn, pytest.raises(ImportProblems) as caught:
        import_dashboards(conn, text, NOW)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_default_owner_fills_entries_without_one(engine: Engine, people: dict[str, Viewer]) -> None:
    text = "dashboards:\n- {slug: x, name: {en: A, nl: B}, tiles: []}\n"
    with engine.begin() as conn:
        import_dashboards(conn, text, NOW, default_owner="Owner@Example.com")
        assert find_stored(conn, "x").owner_id == people["owner"].associate_id
