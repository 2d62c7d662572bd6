"""Dashboards as code round trip (issue 11 item 5) on SQLite and PostgreSQL: dashboards with every
kind of tile and every setting, and the selections their tiles show, exported with `leadboard
dashboard export`, imported into an empty database (fresh migrate, the same users and groups)
with `dashboard import`, exported again: the same file, the same definitions, owners and
audiences. A file with three mistakes names all three by their path and writes nothing."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Connection, Engine, func, select
from typer.testing import CliRunner

from leadboard.cli import app as cli
from leadboard.dashboards.audience import Audience
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.selections import (
    SelectionDefinition,
    create_selection,
    list_selections,
    set_selection_audience,
)
from leadboard.dashboards.stored import (
    RESERVED_SLUGS,
    create_dashboard,
    set_audience,
    stored_dashboards,
)
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import (
    associate_groups,
    associates,
    dashboard_shares,
    dashboards,
    selection_shares,
    selections,
)
from leadboard.domain.users import add_group, add_user
from leadboard.semantic.spec import CHARTS
from tests.conftest import PostgresServer, database_url

runner = CliRunner()
NOW = datetime(2025, 5, 14, 10, 0, tzinfo=UTC)
GROUPS = ("Sales North", "Marketing")
USERS = (
    ("ann@example.com", "Sales North"),
    ("bob@example.com", "Sales North"),
    ("cy@example.com", "Marketing"),
)


def run(db_url: str, *args: str) -> Any:
    return runner.invoke(cli, ["--database-url", db_url, *args])


@pytest.fixture
def second_url(
    db_url: str, tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[str]:
    """Another empty, migrated database on the engine of `db_url`."""
    kind = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    url = database_url(kind, tmp_path_factory, pg_server)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    if kind == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


def add_people(engine: Engine, reverse: bool = False) -> None:
    """The same users and groups (by name and email); `reverse` makes them in the other order,
    so that their ids differ from the first database's."""
    with engine.begin() as conn:
        for name in reversed(GROUPS) if reverse else GROUPS:
            add_group(conn, name)
        for email, group in reversed(USERS) if reverse else USERS:
            add_user(conn, email, now=NOW, group=group)


def tr(en: str, nl: str) -> dict[str, str]:
    return {"en": en, "nl": nl}


SELECTIONS: list[dict[str, Any]] = [
    {
        "slug": "hot-nl",
        "name": tr("Hot leads NL", "Hete leads NL"),
        "entity": "leads",
        "criteria": [
            [
                {"field": "country", "op": "in", "value": ["NL"]},
                {"field": "status", "op": "in", "value": ["open", "qualified"]},
                {"field": "campaign", "op": "contains", "value": "spring"},
            ],
            [
                {"field": "owner", "op": "in", "value": ["ann@example.com"]},
                {"field": "created_at", "op": "period", "value": "this-quarter"},
                {"field": "email", "op": "is_set"},
            ],
        ],
        "columns": ["name", "company", "owner", "status", "created_at"],
        "order_by": "-created_at",
    },
    {
        "slug": "big-deals",
        "name": tr("Big deals", "Grote deals"),
        "entity": "sales",
        "criteria": [[{"field": "amount", "op": "gt", "value": 10000}]],
    },
    {  # shown by no tile: `export` of everything still takes it along
        "slug": "unused",
        "name": tr("Not on a dashboard", "Op geen dashboard"),
        "entity": "leads",
    },
]

PLACE = iter(range(100))


def tile(key: str, chart: str, entity: str = "leads", **fields: Any) -> dict[str, Any]:
    return {
        "key": key,
        "name": tr(key.title(), f"{key.title()} (nl)"),
        "chart": chart,
        "entity": entity,
        **fields,
    }


def team_tiles() -> list[dict[str, Any]]:
    """One tile of every chart kind, and together every field of the tile spec set."""
    return [
        tile(
            "new",
            "number",
            name=tr("New leads this quarter", "Nieuwe leads dit kwartaal"),
            name_without_period=tr("New leads", "Nieuwe leads"),
            description=tr("Created this quarter", "Dit kwartaal gemaakt"),
            date_field="created_at",
            period="this-quarter",
            compare="previous-period",
            short_numbers=True,
            x=0,
            y=0,
        ),
        tile(
            "vs-value",
            "number",
            "sales",
            measure="amount",
            aggregate="avg",
            compare_value=12500.5,
            currency="EUR",
            x=1,
            y=0,
        ),
        tile("vs-target", "number", target=250, compare="target", x=2, y=0),
        tile(
            "last-year",
            "number",
            date_field="created_at",
            period="ytd",
            compare="same-span-last-year",
            x=3,
            y=0,
        ),
        tile(
            "share",
            "pie",
            group_by="status",
            legend=False,
            data_labels=True,
            colours=["#112233", "#aabbcc"],
            x=0,
            y=1,
            width=2,
            height=2,
        ),
        tile("donut", "donut", "form_submissions", group_by="form", top=5, other=False),
        tile(
            "campaigns",
            "column",
            group_by="campaign",
            top=10,
            set_only=True,
            sort="label-asc",
            criteria=[
                [{"field": "country", "op": "in", "value": ["NL"]}],
                [{"field": "channel", "op": "is_set"}],
            ],
        ),
        tile(
            "owners",
            "bar",
            "sales",
            group_by="owner",
            measure="weighted_amount",
            aggregate="max",
            sort="value-asc",
        ),
        tile(
            "per-month",
            "line",
            group_by="created_at",
            grain="month",
            date_field="created_at",
            period="previous-12-months",
        ),
        tile(
            "chats",
            "area",
            "chats",
            group_by="started_at",
            grain="week",
            date_field="started_at",
            period="this-and-previous-12-weeks",
        ),
        tile(
            "mix",
            "column-line",
            "sales",
            group_by="status",
            measure="amount",
            measure2="count",
            aggregate="min",
        ),
        tile("mix2", "bar-line", "sales", group_by="country", measure="count", measure2="amount"),
        tile("funnel", "funnel", current_status=True),
        tile(
            "rate",
            "gauge",
            target=0.3,
            numerator=[[{"field": "status", "op": "reached", "value": "qualified"}]],
        ),
        tile("recent", "list", columns=["name", "owner", "created_at"], order_by="-created_at"),
        tile("hot", "list", selection="hot-nl", width=3, x=0, y=3),
        tile("web", "web", url="https://example.com/report?a=1", height=2),
        {
            "key": "note",
            "name": tr("Note", "Notitie"),
            "chart": "html",
            "html": '<p>Call <strong>Ann</strong> <a href="https://example.com">first</a></p>',
        },
    ]


def build(engine: Engine) -> None:
    """Two dashboards with every setting, shared and pinned, and the selections (shared too)."""
    ids = owners(engine)
    with engine.begin() as conn:
        group_ids = {row.name: row.id for row in conn.execute(select(associate_groups))}
        for item in SELECTIONS:
            create_selection(conn, SelectionDefinition.model_validate(item), ids["bob"], NOW)
        set_selection_audience(
            conn,
            "hot-nl",
            Audience(False, frozenset({group_ids["Marketing"]}), frozenset({ids["ann"]})),
            None,
            NOW,
        )
        set_selection_audience(conn, "big-deals", Audience(everyone=True), None, NOW)
        team = Dashboard.model_validate(
            {
                "slug": "team-north",
                "name": tr("Team North", "Team Noord"),
                "description": tr("Leads & sales <north>", "Leads & verkoop <noord>"),
                "columns": 4,
                "theme": "dark",
                "quick_filters": ["owner", "period"],
                "tiles": team_tiles(),
            }
        )
        create_dashboard(conn, team, ids["ann"], NOW)
        set_audience(
            conn,
            "team-north",
            "visible",
            Audience(False, frozenset(group_ids.values()), frozenset({ids["cy"]})),
            None,
            NOW,
        )
        set_audience(
            conn,
            "team-north",
            "pinned",
            Audience(False, frozenset({group_ids["Sales North"]})),
            None,
            NOW,
        )
        plain = Dashboard.model_validate(
            {
                "slug": "plain",
                "name": tr("Plain", "Eenvoudig"),
                "tiles": [tile("big", "list", "sales", selection="big-deals")],
            }
        )
        create_dashboard(conn, plain, ids["cy"], NOW)
        set_audience(conn, "plain", "visible", Audience(everyone=True), None, NOW)
        set_audience(conn, "plain", "pinned", Audience(everyone=True), None, NOW)


def owners(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(associates.c.id, associates.c.email)).all()
    return {row.email.split("@")[0]: row.id for row in rows}


def state(conn: Connection) -> dict[str, Any]:
    """Every stored dashboard and selection with ids turned into emails and group names: what
    must be equal in both databases."""
    groups = {row.id: row.name for row in conn.execute(select(associate_groups))}
    emails = {row.id: row.email for row in conn.execute(select(associates))}

    def audience(a: Audience) -> tuple[bool, list[str], list[str]]:
        return (
            a.everyone,
            sorted(groups[g] for g in a.group_ids),
            sorted(emails[u] for u in a.user_ids),
        )

    return {
        "dashboards": [
            (d.definition, emails[d.owner_id], audience(d.visible), audience(d.pinned))
            for d in stored_dashboards(conn)
        ],
        "selections": [
            (s.definition, emails[s.owner_id], audience(s.visible))
            for s in list_selections(conn, None)
        ],
    }


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (dashboards, dashboard_shares, selections, selection_shares)
        }


def test_the_built_dashboards_use_every_tile_kind_and_field(db_url: str) -> None:
    """The round trip below covers everything: each chart kind, each field of the tile spec
    set to other than its default in some tile, each dashboard setting."""
    tiles = [Tile.model_validate(t) for t in team_tiles()]
    assert {t.chart for t in tiles} == set(CHARTS)
    defaults = Tile.model_fields
    changed = {
        name
        for t in tiles
        for name in defaults
        if getattr(t, name) != defaults[name].default and not defaults[name].is_required()
    }
    optional = {name for name, f in defaults.items() if not f.is_required()}
    assert changed == optional


def test_export_import_export_is_the_same(
    db_url: str, second_url: str, engine: Engine, tmp_path: Path
) -> None:
    add_people(engine)
    build(engine)
    first = run(db_url, "dashboard", "export")
    assert first.exit_code == 0, first.output
    document = yaml.safe_load(first.stdout)
    assert [s["slug"] for s in document["selections"]] == ["hot-nl", "big-deals", "unused"]
    assert [d["slug"] for d in document["dashboards"]] == ["team-north", "plain"]
    team = document["dashboards"][0]
    assert team["owner"] == "ann@example.com"
    assert team["visible_for"] == {
        "groups": ["Marketing", "Sales North"],
        "users": ["cy@example.com"],
    }
    assert team["pinned_for"] == {"groups": ["Sales North"]}
    assert document["selections"][0]["visible_for"] == {
        "groups": ["Marketing"],
        "users": ["ann@example.com"],
    }
    assert document["selections"][0]["owner"] == "bob@example.com"

    other = make_engine(second_url)
    try:
        add_people(other, reverse=True)  # other ids: the file must go by names and emails
        assert owners(other) != owners(engine)
        file = tmp_path / "all.yaml"
        file.write_text(first.stdout, encoding="utf-8")
        before = counts(other)
        done = run(second_url, "dashboard", "import", str(file))
        assert done.exit_code == 0, done.output
        assert done.stdout.splitlines() == [
            "created selection hot-nl",
            "created selection big-deals",
            "created selection unused",
            "created team-north",
            "created plain",
        ]
        assert before == dict.fromkeys(before, 0)
        assert counts(other) == counts(engine)

        second = run(second_url, "dashboard", "export")
        assert second.exit_code == 0, second.output
        assert second.stdout == first.stdout
        with engine.connect() as a, other.connect() as b:
            assert state(a) == state(b)

        # --replace over the same file changes nothing either.
        again = run(second_url, "dashboard", "import", str(file), "--replace")
        assert again.exit_code == 0, again.output
        assert run(second_url, "dashboard", "export").stdout == first.stdout
        assert counts(other) == counts(engine)
    finally:
        other.dispose()


def test_export_of_some_dashboards_takes_the_selections_they_show(
    db_url: str, engine: Engine
) -> None:
    add_people(engine)
    build(engine)
    document = yaml.safe_load(run(db_url, "dashboard", "export", "plain").stdout)
    assert [s["slug"] for s in document["selections"]] == ["big-deals"]
    assert document["selections"][0]["visible_for"] == {"everyone": True}
    assert [d["slug"] for d in document["dashboards"]] == ["plain"]
    built_in = yaml.safe_load(run(db_url, "dashboard", "export", "sales").stdout)
    assert "selections" not in built_in


def test_three_mistakes_are_all_reported_and_nothing_is_imported(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    add_people(engine)
    reserved = sorted(RESERVED_SLUGS)[0]
    document = {
        "version": 1,
        "selections": [
            {
                **SELECTIONS[1],
                "owner": "bob@example.com",
                "criteria": [[{"field": "amount", "op": "contains", "value": "1"}]],
            },
            {**SELECTIONS[2], "owner": "bob@example.com"},  # fine: not written either
        ],
        "dashboards": [
            {
                "slug": reserved,
                "name": tr("New", "Nieuw"),
                "owner": "ann@example.com",
                "tiles": [tile("n", "number")],
            },
            {
                "slug": "fine",
                "name": tr("Fine", "Goed"),
                "owner": "ann@example.com",
                "tiles": [tile("n", "number"), tile("gone", "list", selection="no-such")],
            },
        ],
    }
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    before = counts(engine)
    result = run(db_url, "dashboard", "import", str(file))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "nothing imported (3 problems)"
    assert len(lines) == 4
    assert lines[0].startswith("error: selections[0].criteria[0][0].op: ")
    assert "'amount' does not take operator 'contains'" in lines[0]
    assert lines[1] == (
        f"error: dashboards[0].slug: {reserved!r} is the address of a page; choose another slug"
    )
    assert lines[2] == (
        "error: dashboards[1].tiles[1].selection: no selection 'no-such' in the file or the "
        "database"
    )
    assert counts(engine) == before == dict.fromkeys(before, 0)
