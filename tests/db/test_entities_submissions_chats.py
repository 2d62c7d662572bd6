"""Tiles over form submissions and chats (issue 11: "an empty tile per entity: leads, sales, form
submissions, chats") on SQLite and PostgreSQL.

The rows are made here (seeded at random), and every expected figure is counted here in Python
from those rows: counts per field, criteria on the entities' own fields and on their lead's,
the quick filters, the rights scope (a record follows its lead: with own or group rights only
those whose lead is within them; without a lead, only with `all`), list tiles and drill-downs.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pytest
from sqlalchemy import Engine, insert

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput, open_executor
from leadboard.db.schema import chat_sessions, companies, form_submissions, forms
from leadboard.i18n import Formatter
from leadboard.semantic.spec import ALL, Scope, Tile, Translated
from leadboard.settings import Settings
from leadboard.web.pages.drilldown import drill_context
from leadboard.web.pages.tiles import list_view
from leadboard.web.present import tile_json
from tests.db.conftest import Rows
from tests.oracle import to_utc_naive

TODAY = date(2027, 1, 15)
EMAILS = {1: "ann@example.test", 2: "bob@example.test", 3: "cy@example.test"}
FORMS = {1: "contact", 2: "demo"}
COMPANY_COUNTRY = {1: "NL", 2: "DE"}
PATHS = (("open",), ("open", "contacting"), ("open", "contacting", "qualified"))
NOT_SET = "__not_set__"
EntityName = Literal["form_submissions", "chats"]


@dataclass(frozen=True)
class Lead:
    id: int
    owner_id: int | None
    country: str | None  # its own, else its company's (as tiles see it)
    status: str


@dataclass
class World:
    leads: dict[int, Lead]
    submissions: list[dict[str, Any]]
    chats: list[dict[str, Any]]


def build(engine: Engine, seed: int = 17) -> World:
    """Associates, companies, forms, leads, submissions and chats; returns what was made, with
    each record's lead fields worked out here (owner, country, lead status)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    rows = Rows(engine)
    for associate_id, email in EMAILS.items():
        rows.associate(associate_id, email)
    with engine.begin() as conn:
        for company_id, country in COMPANY_COUNTRY.items():
            conn.execute(
                insert(companies).values(id=company_id, name=f"Co {company_id}", country=country)
            )
        for form_id, key in FORMS.items():
            conn.execute(
                insert(forms).values(
                    id=form_id,
                    key=key,
                    name=key.title(),
                    active=True,
                    allowed_origins=[],
                    fields=[],
                    created_at=datetime(2025, 1, 1),
                )
            )
    made: dict[int, Lead] = {}
    for lead_id in range(1, 16):
        owner = rng.choice((1, 2, 3, None))
        own_country = rng.choice((None, None, "BE", "US"))
        company = rng.choice((None, 1, 2))
        path = rng.choice(PATHS)
        rows.lead(
            lead_id,
            datetime(2025, 6, 1, 12, 0),
            path=path,
            owner_id=owner,
            country=own_country,
            company_id=company,
            first_name=f"First{lead_id}",
            last_name="Last",
        )
        lead_country = own_country or (COMPANY_COUNTRY[company] if company else None)
        made[lead_id] = Lead(lead_id, owner, lead_country, path[-1])

    def moment() -> datetime:
        return datetime(2026, 1, 1, 8, 0) + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))

    submissions: list[dict[str, Any]] = []
    for sub_id in range(1, 71):
        lead = rng.choice((None, *made))
        submissions.append(
            {
                "id": sub_id,
                "form_id": rng.choice(tuple(FORMS)),
                "lead_id": lead,
                "status": rng.choice(("submitted", "processed", "failed")),
                "is_conversion": rng.random() < 0.4,
                "submitted_at": moment(),
                "visit_source": rng.choice((None, "google", "newsletter", "linkedin")),
                "visit_medium": rng.choice((None, "cpc", "email")),
                "visit_campaign": rng.choice((None, "spring", "fall_50%")),
                "visit_referrer_domain": rng.choice((None, "google.com", "example.org")),
            }
        )
    chats: list[dict[str, Any]] = []
    for chat_id in range(1, 51):
        lead = rng.choice((None, *made))
        started = moment()
        chats.append(
            {
                "id": chat_id,
                "agent_id": rng.choice((None, 1, 2, 3)),
                "visitor_name": rng.choice((None, "Eve", "Mallory")),
                "visitor_company": rng.choice((None, "Acme", "Initech", "acme labs")),
                "visitor_country": rng.choice((None, "FR", "NL")),
                "lead_id": lead,
                "started_at": started,
                "ended_at": rng.choice((None, started + timedelta(minutes=12))),
            }
        )
    with engine.begin() as conn:
        for sub in submissions:
            conn.execute(
                insert(form_submissions).values(
                    **{**sub, "submitted_at": to_utc_naive(sub["submitted_at"])}
                )
            )
        for chat in chats:
            ended = chat["ended_at"]
            conn.execute(
                insert(chat_sessions).values(
                    **{
                        **chat,
                        "started_at": to_utc_naive(chat["started_at"]),
                        "ended_at": to_utc_naive(ended) if ended else None,
                    }
                )
            )
    for sub in submissions:
        lead_of = made.get(sub["lead_id"])
        sub["owner_id"] = lead_of.owner_id if lead_of else None
        sub["country"] = lead_of.country if lead_of else None
        sub["lead_status"] = lead_of.status if lead_of else None
    for chat in chats:
        lead_of = made.get(chat["lead_id"])
        chat["owner_id"] = lead_of.owner_id if lead_of else None
        chat["country"] = (lead_of.country if lead_of else None) or chat["visitor_country"]
        chat["lead_status"] = lead_of.status if lead_of else None
    return World(made, submissions, chats)


@pytest.fixture
def world(engine: Engine) -> World:
    return build(engine)


def records_of(w: World, entity: str) -> list[dict[str, Any]]:
    return w.submissions if entity == "form_submissions" else w.chats


def settings_of(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False))


def tile_of(entity: EntityName, **spec: Any) -> Tile:
    return Tile(key="t", name=Translated(en="T", nl="T"), entity=entity, **spec)


def compute(
    engine: Engine,
    entity: EntityName,
    filters: FilterInput | None = None,
    scope: Scope = ALL,
    lang: str = "en",
    **spec: Any,
) -> dict[str, Any]:
    settings = settings_of(engine)
    clock = end_of_day_clock(TODAY, settings.tz)
    got: dict[str, Any] = tile_json(
        engine, settings, clock, tile_of(entity, **spec), filters or FilterInput(), lang, scope
    )
    return got


def count(engine: Engine, entity: EntityName, scope: Scope = ALL, **spec: Any) -> int:
    got = compute(engine, entity, scope=scope, chart="number", **spec)
    assert "error" not in got, got
    value: int = got["value"]
    return value


# -- grouping -------------------------------------------------------------------------------


def key_of(field: str, raw: Any) -> str:
    """The row key of a raw value, as SPEC 2 defines them: form key, owner email, status key."""
    if raw is None:
        return NOT_SET
    if field == "form":
        return FORMS[raw]
    if field in ("owner", "agent"):
        return EMAILS[raw]
    return str(raw)


# field of the tile -> the record's key in this test's rows
GROUPED = [
    ("form_submissions", "form", "form_id"),
    ("form_submissions", "status", "status"),
    ("form_submissions", "is_conversion", "is_conversion"),
    ("form_submissions", "source", "visit_source"),
    ("form_submissions", "medium", "visit_medium"),
    ("form_submissions", "campaign", "visit_campaign"),
    ("form_submissions", "referrer", "visit_referrer_domain"),
    ("form_submissions", "owner", "owner_id"),
    ("form_submissions", "country", "country"),
    ("form_submissions", "lead_status", "lead_status"),
    ("chats", "agent", "agent_id"),
    ("chats", "visitor_company", "visitor_company"),
    ("chats", "visitor_country", "visitor_country"),
    ("chats", "country", "country"),
    ("chats", "owner", "owner_id"),
    ("chats", "lead_status", "lead_status"),
]


@pytest.mark.parametrize(("entity", "field", "column"), GROUPED)
def test_counts_per_field_match_the_rows(
    engine: Engine, world: World, entity: EntityName, field: str, column: str
) -> None:
    got = compute(engine, entity, chart="bar", group_by=field)
    want = Counter(key_of(field, r[column]) for r in records_of(world, entity))
    # A lead status field lists every active status, those without records at 0 (SPEC 2).
    assert {r["key"]: r["value"] for r in got["rows"] if r["value"]} == dict(want)
    assert got["measure"] == "count"


def test_bool_fields_group_by_yes_and_no(engine: Engine, world: World) -> None:
    got = compute(engine, "chats", chart="pie", group_by="has_lead")
    want = Counter(str(c["lead_id"] is not None) for c in world.chats)
    assert {r["key"]: r["value"] for r in got["rows"]} == dict(want)


def test_labels_of_the_submission_status_in_both_languages(engine: Engine, world: World) -> None:
    for lang, words in (
        ("en", {"submitted": "Submitted", "processed": "Processed", "failed": "Failed"}),
        ("nl", {"submitted": "Ingezonden", "processed": "Verwerkt", "failed": "Mislukt"}),
    ):
        got = compute(engine, "form_submissions", lang=lang, chart="pie", group_by="status")
        assert {r["key"]: r["label"] for r in got["rows"]} == words
    forms_got = compute(engine, "form_submissions", chart="pie", group_by="form")
    assert {r["key"]: r["label"] for r in forms_got["rows"]} == {
        "contact": "Contact",
        "demo": "Demo",
    }


# -- criteria -------------------------------------------------------------------------------

Pred = Callable[[dict[str, Any]], bool]


def line(field: str, op: str, value: Any = None) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def local_day(moment: datetime) -> date:
    return moment.date()  # the rows are made in local wall-clock time


CRITERIA: list[tuple[EntityName, list[list[dict[str, Any]]], Pred]] = [
    ("form_submissions", [[line("form", "in", ["demo"])]], lambda r: r["form_id"] == 2),
    (
        "form_submissions",
        [[line("status", "not_in", ["submitted"])]],
        lambda r: r["status"] != "submitted",
    ),
    ("form_submissions", [[line("is_conversion", "is", True)]], lambda r: r["is_conversion"]),
    (
        "form_submissions",
        [[line("source", "contains", "GOO")]],
        lambda r: "goo" in (r["visit_source"] or ""),
    ),
    (
        "form_submissions",
        [[line("medium", "not_in", ["cpc"])]],  # keeps the ones without a medium
        lambda r: r["visit_medium"] != "cpc",
    ),
    (
        "form_submissions",
        [[line("campaign", "contains", "_50%")]],  # LIKE wildcards are literal
        lambda r: "_50%" in (r["visit_campaign"] or ""),
    ),
    ("form_submissions", [[line("campaign", "is_empty")]], lambda r: r["visit_campaign"] is None),
    (
        "form_submissions",
        [[line("referrer", "ends_with", ".com")]],
        lambda r: (r["visit_referrer_domain"] or "").endswith(".com"),
    ),
    (
        "form_submissions",
        [[line("owner", "in", [EMAILS[2]])]],
        lambda r: r["owner_id"] == 2,
    ),
    ("form_submissions", [[line("owner", "is_empty")]], lambda r: r["owner_id"] is None),
    (
        "form_submissions",
        [[line("country", "in", ["nl", "DE"])]],
        lambda r: r["country"] in ("NL", "DE"),
    ),
    (
        "form_submissions",
        [[line("lead_status", "in", ["qualified"])]],
        lambda r: r["lead_status"] == "qualified",
    ),
    ("form_submissions", [[line("has_lead", "is", False)]], lambda r: r["lead_id"] is None),
    (
        "form_submissions",
        [[line("submitted_at", "between", ["2026-03-01", "2026-06-30"])]],
        lambda r: date(2026, 3, 1) <= local_day(r["submitted_at"]) <= date(2026, 6, 30),
    ),
    (
        "form_submissions",
        # (demo AND failed) OR a conversion from google
        [
            [line("form", "in", ["demo"]), line("status", "in", ["failed"])],
            [line("is_conversion", "is", True), line("source", "equals", "Google")],
        ],
        lambda r: (
            (r["form_id"] == 2 and r["status"] == "failed")
            or (r["is_conversion"] and r["visit_source"] == "google")
        ),
    ),
    ("chats", [[line("agent", "in", [EMAILS[1], EMAILS[3]])]], lambda r: r["agent_id"] in (1, 3)),
    ("chats", [[line("agent", "is_set")]], lambda r: r["agent_id"] is not None),
    (
        "chats",
        [[line("visitor_company", "begins_with", "acme")]],
        lambda r: (r["visitor_company"] or "").lower().startswith("acme"),
    ),
    ("chats", [[line("visitor_country", "in", ["FR"])]], lambda r: r["visitor_country"] == "FR"),
    ("chats", [[line("country", "is_empty")]], lambda r: r["country"] is None),
    ("chats", [[line("has_lead", "is", True)]], lambda r: r["lead_id"] is not None),
    ("chats", [[line("ended_at", "is_empty")]], lambda r: r["ended_at"] is None),
    (
        "chats",
        [[line("started_at", "before", "2026-07-01")]],
        lambda r: local_day(r["started_at"]) < date(2026, 7, 1),
    ),
    (
        "chats",
        [[line("owner", "not_in", [EMAILS[1]])]],  # keeps those without an owner
        lambda r: r["owner_id"] != 1,
    ),
    (
        "chats",
        [[line("lead_status", "not_in", ["open"])]],
        lambda r: r["lead_status"] != "open",
    ),
]


@pytest.mark.parametrize(("entity", "criteria", "pred"), CRITERIA)
def test_criteria_select_what_a_python_filter_selects(
    engine: Engine,
    world: World,
    entity: EntityName,
    criteria: list[list[dict[str, Any]]],
    pred: Pred,
) -> None:
    want = [r for r in records_of(world, entity) if pred(r)]
    assert 0 < len(want) < len(records_of(world, entity))  # the case tells something
    assert count(engine, entity, criteria=criteria) == len(want)


# -- quick filters and rights ------------------------------------------------------------------


@pytest.mark.parametrize("entity", ["form_submissions", "chats"])
def test_quick_filters_apply_through_the_lead(
    engine: Engine, world: World, entity: EntityName
) -> None:
    rows = records_of(world, entity)
    cases: list[tuple[FilterInput, Pred]] = [
        (FilterInput(owner=EMAILS[1]), lambda r: r["owner_id"] == 1),
        (FilterInput(country="NL"), lambda r: r["country"] == "NL"),
        (FilterInput(country="none"), lambda r: r["country"] is None),
        (FilterInput(status="contacting"), lambda r: r["lead_status"] == "contacting"),
        (
            FilterInput(owner=EMAILS[2], status="qualified"),
            lambda r: r["owner_id"] == 2 and r["lead_status"] == "qualified",
        ),
    ]
    for filters, pred in cases:
        got = compute(engine, entity, filters, chart="number")
        assert got["value"] == sum(1 for r in rows if pred(r)), filters
        assert "owner" in got["filtered"] or filters.owner is None


@pytest.mark.parametrize("entity", ["form_submissions", "chats"])
@pytest.mark.parametrize("owners", [(1,), (1, 2), ()])
def test_rights_see_only_the_records_of_their_leads(
    engine: Engine, world: World, entity: EntityName, owners: tuple[int, ...]
) -> None:
    # Sales rights `all`: they say nothing about submissions or chats.
    scope = Scope(leads=owners, sales=None, rights=("group", "all"))
    rows = records_of(world, entity)
    seen = [r for r in rows if r["owner_id"] in owners]
    assert count(engine, entity, scope) == len(seen)
    # Grouped, listed and drilled into: the same records.
    grouped = compute(engine, entity, scope=scope, chart="bar", group_by="owner")
    assert {r["key"]: r["value"] for r in grouped["rows"]} == dict(
        Counter(EMAILS[r["owner_id"]] for r in seen)
    )
    listed = compute(engine, entity, scope=scope, chart="list")
    assert listed["total"] == len(seen)
    assert {r["id"] for r in listed["records"]} == {r["id"] for r in seen}
    total, ids = drill(engine, tile_of(entity, chart="number"), None, scope)
    assert (total, ids) == (len(seen), {r["id"] for r in seen})


@pytest.mark.parametrize("entity", ["form_submissions", "chats"])
def test_all_rights_see_records_without_a_lead_too(
    engine: Engine, world: World, entity: EntityName
) -> None:
    rows = records_of(world, entity)
    assert any(r["lead_id"] is None for r in rows)
    assert count(engine, entity) == len(rows)
    everyone = Scope(leads=(1, 2, 3), sales=(1, 2, 3))
    assert count(engine, entity, everyone) == sum(1 for r in rows if r["owner_id"] is not None)


# -- list tiles and drill-downs ----------------------------------------------------------------


def drill(engine: Engine, tile: Tile, key: str | None, scope: Scope = ALL) -> tuple[int, set[int]]:
    """The drill-down's count and the ids of all its records (one page of 100)."""
    settings = settings_of(engine)
    with engine.connect() as conn:
        executor, run = open_executor(
            conn, settings, end_of_day_clock(TODAY, settings.tz), FilterInput()
        )
        found = executor.drill(conn, tile, run.filters, key, page_size=100, scope=scope)
    assert found.measure == found.total
    return found.total, {r.id for r in found.records}


@pytest.mark.parametrize(
    ("entity", "field", "column"),
    [
        ("form_submissions", "form", "form_id"),
        ("form_submissions", "lead_status", "lead_status"),
        ("chats", "agent", "agent_id"),
        ("chats", "country", "country"),
    ],
)
def test_a_drill_down_holds_the_records_of_its_row(
    engine: Engine, world: World, entity: EntityName, field: str, column: str
) -> None:
    tile = tile_of(entity, chart="column", group_by=field)
    got = compute(engine, entity, chart="column", group_by=field)
    rows = records_of(world, entity)
    for row in got["rows"]:
        want = {r["id"] for r in rows if key_of(field, r[column]) == row["key"]}
        assert drill(engine, tile, row["key"]) == (row["value"], want)


def test_a_list_of_submissions_shows_the_newest_first(engine: Engine, world: World) -> None:
    got = compute(
        engine, "form_submissions", chart="list", criteria=[[line("has_lead", "is", True)]]
    )
    want = sorted(
        (s for s in world.submissions if s["lead_id"] is not None),
        key=lambda s: (-s["submitted_at"].timestamp(), s["id"]),
    )
    assert got["total"] == len(want)
    assert [r["id"] for r in got["records"]] == [s["id"] for s in want]
    first, made = dict(got["records"][0]), want[0]
    lead = world.leads[made["lead_id"]]
    # ISO in the organisation's timezone, which the rows were made in
    submitted = datetime.fromisoformat(first.pop("submitted_at"))
    assert submitted.replace(tzinfo=None) == made["submitted_at"]
    assert first == {
        "id": made["id"],
        "form": FORMS[made["form_id"]],
        "form_name": FORMS[made["form_id"]].title(),
        "status": made["status"],
        "status_label": made["status"].title(),
        "is_conversion": made["is_conversion"],
        "lead": made["lead_id"],
        "lead_name": f"First{made['lead_id']} Last",
        "owner": EMAILS.get(lead.owner_id) if lead.owner_id else None,
        "owner_name": EMAILS[lead.owner_id].split("@")[0] if lead.owner_id else None,
        "country": lead.country,
        "source": made["visit_source"],
        "medium": made["visit_medium"],
        "campaign": made["visit_campaign"],
    }


def test_a_list_of_chats_orders_by_a_field_and_draws_its_cells(
    engine: Engine, world: World
) -> None:
    definition = tile_of("chats", chart="list", order_by="-id")
    got = compute(engine, "chats", chart="list", order_by="-id")
    assert [r["id"] for r in got["records"]] == sorted((c["id"] for c in world.chats), reverse=True)
    newest = max(world.chats, key=lambda c: c["id"])
    record = got["records"][0]
    assert (record["agent"], record["visitor_name"], record["lead"], record["country"]) == (
        EMAILS.get(newest["agent_id"]) if newest["agent_id"] else None,
        newest["visitor_name"],
        newest["lead_id"],
        newest["country"],
    )
    assert (record["ended_at"] is None) == (newest["ended_at"] is None)
    settings = settings_of(engine)
    view = list_view(got, definition, Formatter("en", settings.tz), "en", None)
    assert [c["key"] for c in view["columns"]] == [
        "id",
        "started_at",
        "ended_at",
        "agent",
        "visitor_name",
        "visitor_company",
        "country",
        "lead",
        "owner",
    ]
    cells = {cell["column"]: cell for cell in view["rows"][0]["cells"]}
    agent = newest["agent_id"]
    assert cells["agent"]["text"] == (EMAILS[agent].split("@")[0] if agent else "")
    if newest["lead_id"]:
        assert cells["lead"]["href"] == f"/leads/{newest['lead_id']}"


def test_the_drill_down_panel_of_submissions_shows_their_words(
    engine: Engine, world: World
) -> None:
    definition = tile_of("form_submissions", chart="pie", group_by="status")
    listed = compute(
        engine,
        "form_submissions",
        lang="nl",
        chart="list",
        criteria=[[line("status", "in", ["failed"])]],
    )
    result = {"total": listed["total"], "page": 1, "page_size": 100, "key": "failed"}
    result |= {"measure": listed["total"], "records": listed["records"]}
    fmt = Formatter("nl", settings_of(engine).tz)
    panel = drill_context(result, definition, "Mislukt", {}, "d", fmt, "nl", "nl")
    assert [c["key"] for c in panel["columns"]] == [
        "id",
        "submitted_at",
        "form",
        "status",
        "lead",
        "owner",
        "source",
    ]
    failed = [s for s in world.submissions if s["status"] == "failed"]
    assert len(panel["rows"]) == len(failed)
    for row in panel["rows"]:
        cells = {cell["column"]: cell["text"] for cell in row["cells"]}
        made = next(s for s in failed if s["id"] == row["id"])
        assert (cells["status"], cells["form"]) == ("Mislukt", FORMS[made["form_id"]].title())
