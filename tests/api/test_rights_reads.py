"""Every REST read within the viewer's rights (issue 10 item 4), on SQLite and PostgreSQL.

A token acting as a user sees exactly the records that SQL written here returns over the leads
and sales that user may see: the lead and sale lists and reads, the tile records API and its CSV
(a sale on a lead outside the lead rights shows no lead and only its own company), the quick
filter choices of the dashboard's JSON twin, and the answer to a chat posted by a known email.
Ann has the role `user` without a group (her own leads and sales), Mia a role with her own leads
but every sale.
"""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, insert, select, text, update
from starlette.testclient import TestClient

from leadboard.db.schema import associates, chat_sessions, roles, sales
from tests.api.conftest import OWNER, USER, add_associate, token_headers

MIA = "mia@example.com"
MIXED = "own-leads-all-sales"
LEADS = (
    # name, owner, country, company
    ("ann1", USER, "NL", "Ann BV"),
    ("ann2", USER, "BE", None),
    ("sam1", OWNER, "DE", "Hidden GmbH"),
    ("sam2", OWNER, "FR", "Secret SARL"),
    ("none1", None, "US", None),
    ("mia1", MIA, "IT", None),
)
SALES = (
    # title, owner, lead, the sale's own company kept (else cleared after creation)
    ("ann-on-ann", USER, "ann1", True),
    ("ann-on-sam", USER, "sam1", False),
    ("sam-on-sam", OWNER, "sam1", True),
    ("mia-on-sam", MIA, "sam2", False),
    ("mia-on-mia", MIA, "mia1", True),
    ("sam-without-lead", OWNER, None, True),
)


def _mixed_role(engine: Engine) -> None:
    """Roles survive the tests' wipe; this one is added once per database."""
    with engine.begin() as conn:
        if conn.execute(select(roles.c.key).where(roles.c.key == MIXED)).first() is None:
            conn.execute(
                insert(roles).values(
                    key=MIXED, name="Mixed", leads_rights="own", sales_rights="all", builtin=False
                )
            )


@pytest.fixture
def data(client: TestClient, engine: Engine) -> dict[str, Any]:
    _mixed_role(engine)
    mia = add_associate(engine, MIA)
    with engine.begin() as conn:
        conn.execute(update(associates).where(associates.c.id == mia).values(role=MIXED))
        ann = conn.execute(select(associates.c.id).where(associates.c.email == USER)).scalar_one()
    ids: dict[str, Any] = {"ann": ann, "mia": mia}
    for name, owner, country, company in LEADS:
        body: dict[str, Any] = {
            "email": f"{name}@lead.example",
            "first_name": name.title(),
            "last_name": "Lead",
            "country": country,
        }
        if owner:
            body["owner"] = owner
        if company:
            body["company"] = company
        response = client.post("/api/leads", json=body)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    for title, owner, lead, keep_company in SALES:
        sale: dict[str, Any] = {
            "title": title,
            "amount": "100.50",
            "currency": "EUR",
            "sale_date": "2026-03-01",
            "owner": owner,
        }
        if lead:
            sale["lead_id"] = ids[lead]
        else:
            sale["company"] = "Own Company BV"
        response = client.post("/api/sales", json=sale)
        assert response.status_code == 201, response.text
        ids[title] = response.json()["id"]
        if not keep_company:  # the sale has no company of its own: it falls back to the lead's
            with engine.begin() as conn:
                conn.execute(update(sales).where(sales.c.id == ids[title]).values(company_id=None))
    ids["headers"] = {
        "ann": token_headers(engine, "ann", ann),
        "mia": token_headers(engine, "mia", mia),
    }
    return ids


def _sql(engine: Engine, query: str, **params: Any) -> list[Any]:
    binds: list[Any] = [
        bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, list)
    ]
    with engine.connect() as conn:
        return list(conn.execute(text(query).bindparams(*binds), params).all())


def _visible(engine: Engine, user: int, everything: bool) -> tuple[set[int], list[Any]]:
    """The ids of the user's own leads; the sales they may see (their own, or all)."""
    lead_ids = {r.id for r in _sql(engine, "SELECT id FROM leads WHERE owner_id = :u", u=user)}
    where = "" if everything else "WHERE owner_id = :u"
    sale_rows = _sql(engine, f"SELECT id, amount_cents FROM sales {where}", u=user)  # noqa: S608
    return lead_ids, sale_rows


@pytest.mark.parametrize("who", ["ann", "mia"])
def test_lead_and_sale_reads_are_what_sql_says(
    client: TestClient, engine: Engine, data: dict[str, Any], who: str
) -> None:
    h = data["headers"][who]
    lead_ids, sale_rows = _visible(engine, data[who], everything=who == "mia")
    assert lead_ids  # each has leads of their own, and there are others'
    listed = client.get("/api/leads", params={"page_size": 100}, headers=h).json()
    assert {lead["id"] for lead in listed["leads"]} == lead_ids
    assert listed["total"] == len(lead_ids)
    # A search that matches other owners' leads finds only the user's own.
    found = client.get("/api/leads", params={"q": "lead"}, headers=h).json()
    assert {lead["id"] for lead in found["leads"]} == lead_ids
    every_lead = {r.id for r in _sql(engine, "SELECT id FROM leads")}
    assert every_lead > lead_ids
    for lead_id in every_lead:
        for path in (f"/api/leads/{lead_id}", f"/api/leads/{lead_id}/history"):
            status = client.get(path, headers=h).status_code
            assert status == (200 if lead_id in lead_ids else 404), path
    got = client.get("/api/sales", params={"page_size": 100}, headers=h).json()
    assert {s["id"] for s in got["sales"]} == {r.id for r in sale_rows}
    assert got["count"] == len(sale_rows)
    assert Decimal(got["sum"]) == Decimal(sum(r.amount_cents for r in sale_rows)) / 100
    for (sale_id,) in _sql(engine, "SELECT id FROM sales"):
        status = client.get(f"/api/sales/{sale_id}", headers=h).status_code
        assert status == (200 if sale_id in {r.id for r in sale_rows} else 404)


def _sale_truth(engine: Engine) -> dict[int, Any]:
    rows = _sql(
        engine,
        "SELECT s.id, s.lead_id, l.owner_id AS lead_owner, l.first_name, l.last_name, "
        "sc.name AS sale_company, lc.name AS lead_company FROM sales s "
        "LEFT JOIN leads l ON l.id = s.lead_id "
        "LEFT JOIN companies lc ON lc.id = l.company_id "
        "LEFT JOIN companies sc ON sc.id = s.company_id",
    )
    return {row.id: row for row in rows}


TILE = "/api/tiles/sales/pipeline-by-creation-source/records"
CSV = "/dashboards/sales/tiles/pipeline-by-creation-source/records.csv"


def _records(
    client: TestClient, headers: dict[str, str] | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every record behind every row of the open-pipeline tile, and the rows' keys."""
    tile = client.get("/api/dashboards/sales", headers=headers).json()
    rows = next(t for t in tile["tiles"] if t["key"] == "pipeline-by-creation-source")["rows"]
    records = []
    for row in rows:
        body = client.get(TILE, params={"key": row["key"], "page_size": 100}, headers=headers)
        assert body.status_code == 200, body.text
        records += body.json()["records"]
    return records, [row["key"] for row in rows]


@pytest.mark.parametrize("who", ["ann", "mia"])
def test_sale_records_withhold_a_lead_outside_the_lead_rights(
    client: TestClient, engine: Engine, data: dict[str, Any], who: str
) -> None:
    h = data["headers"][who]
    me = data[who]
    truth = _sale_truth(engine)
    _, sale_rows = _visible(engine, me, everything=who == "mia")
    records, keys = _records(client, h)
    assert {r["id"] for r in records} == {r.id for r in sale_rows}
    hidden = 0
    for record in records:
        sale = truth[record["id"]]
        if sale.lead_owner == me:
            assert record["lead"] == sale.lead_id
            assert record["lead_name"] == f"{sale.first_name} {sale.last_name}"
            assert record["company"] == (sale.sale_company or sale.lead_company)
        else:
            hidden += 1
            assert (record["lead"], record["lead_name"]) == (None, None), record
            assert record["company"] == sale.sale_company, record
    assert hidden >= 1
    # The CSV of the same records names none of the hidden leads or their companies.
    csv = ""
    for key in keys:
        response = client.get(CSV, params={"key": key, "lang": "en"}, headers=h)
        assert response.status_code == 200, response.text
        csv += response.text
    # (Mia sees Sam's sale on his own lead: its company, taken from the lead when the sale was
    # made, is the sale's own.)
    withheld = ["Sam1 Lead", "Sam2 Lead", "Secret SARL"] + (["Hidden GmbH"] if who == "ann" else [])
    for name in withheld:
        assert name not in csv
    assert f"{who.title()}1 Lead" in csv  # the user's own lead is named
    # The integration (all rights) sees every sale's lead.
    admin = {r["id"]: r for r in _records(client, None)[0]}
    assert admin[data["ann-on-sam"]]["lead_name"] == "Sam1 Lead"
    assert admin[data["mia-on-sam"]]["company"] == "Secret SARL"


COUNTRIES = (
    "SELECT COALESCE(l.country, c.country) AS code FROM leads l "
    "LEFT JOIN companies c ON c.id = l.company_id WHERE l.owner_id = :u "
    "UNION SELECT COALESCE(l.country, lc.country, sc.country) FROM sales s "
    "LEFT JOIN leads l ON l.id = s.lead_id "
    "LEFT JOIN companies lc ON lc.id = l.company_id "
    "LEFT JOIN companies sc ON sc.id = s.company_id"
)


def _countries(engine: Engine, user: int, every_sale: bool) -> set[str]:
    query = COUNTRIES if every_sale else COUNTRIES + " WHERE s.owner_id = :u"
    return {r.code for r in _sql(engine, query, u=user) if r.code}


@pytest.mark.parametrize("who", ["ann", "mia"])
def test_quick_filter_choices_of_the_json_twin(
    client: TestClient, engine: Engine, data: dict[str, Any], who: str
) -> None:
    h = data["headers"][who]
    want = _countries(engine, data[who], every_sale=who == "mia")
    emails = {r.email for r in _sql(engine, "SELECT email FROM associates")}
    for slug in ("marketing", "sales"):
        body = client.get(f"/dashboards/{slug}.json", headers=h)
        assert body.status_code == 200, body.text
        options = body.json()["filters"]["options"]
        countries = [o["value"] for o in options["country"]]
        assert (countries[0], countries[-1]) == ("", "none")
        assert set(countries[1:-1]) == want, slug
        owners = {o["value"] for o in options["owner"]} - {""}
        # Ann sees only herself; Mia sees every sale, so every owner of one.
        assert owners == ({USER} if who == "ann" else emails), slug
    if who == "ann":
        assert want == {"NL", "BE", "DE"}  # her leads, and her sale on Sam's lead in Germany
    everything = client.get("/dashboards/sales.json").json()["filters"]["options"]["country"]
    assert {o["value"] for o in everything} >= {"US", "IT", "FR"}


def test_a_chat_by_a_known_email_outside_the_rights_names_no_lead(
    client: TestClient, engine: Engine, data: dict[str, Any]
) -> None:
    h = data["headers"]["ann"]
    chat = {"started_at": "2026-03-10T10:00:00+01:00", "visitor_name": "X"}
    hidden = client.post(
        "/api/chats", json={**chat, "visitor_email": "sam1@lead.example"}, headers=h
    )
    assert hidden.status_code == 201, hidden.text
    assert hidden.json()["lead_id"] is None
    assert hidden.json()["lead_created"] is False
    own = client.post("/api/chats", json={**chat, "visitor_email": "ann1@lead.example"}, headers=h)
    assert own.status_code == 201, own.text
    assert own.json()["lead_id"] == data["ann1"]
    # The chat is linked all the same (it is the contact's), and the integration is told so.
    with engine.connect() as conn:
        linked = conn.execute(
            select(chat_sessions.c.lead_id).where(chat_sessions.c.id == hidden.json()["id"])
        ).scalar_one()
    assert linked == data["sam1"]
    everything = client.post("/api/chats", json={**chat, "visitor_email": "sam1@lead.example"})
    assert everything.json()["lead_id"] == data["sam1"]


@pytest.mark.parametrize("who", ["ann", "mia"])
def test_rest_sales_withhold_a_lead_outside_the_lead_rights(
    client: TestClient, engine: Engine, data: dict[str, Any], who: str
) -> None:
    """GET /api/sales and /api/sales/{id} answer `lead_id: null` for a sale whose lead the viewer
    may not see, and filtering by such a lead finds nothing, as for an unknown lead."""
    h = data["headers"][who]
    me = data[who]
    truth = _sale_truth(engine)
    listed = client.get("/api/sales", params={"page_size": 100}, headers=h).json()["sales"]
    assert listed
    withheld = 0
    for sale in listed:
        row = truth[sale["id"]]
        expected = row.lead_id if row.lead_owner == me else None
        assert sale["lead_id"] == expected, sale["title"]
        one = client.get(f"/api/sales/{sale['id']}", headers=h).json()
        assert one["lead_id"] == expected
        withheld += row.lead_id is not None and expected is None
    assert withheld >= 1  # each of them sees a sale on someone else's lead
    seen = {sale["id"] for sale in listed}
    for lead_id in {row.lead_id for row in truth.values() if row.lead_id is not None}:
        found = client.get("/api/sales", params={"lead_id": lead_id}, headers=h).json()
        lead_owner = next(r.lead_owner for r in truth.values() if r.lead_id == lead_id)
        expected_ids = (
            {r.id for r in truth.values() if r.lead_id == lead_id and r.id in seen}
            if lead_owner == me
            else set()
        )
        assert {sale["id"] for sale in found["sales"]} == expected_ids, lead_id
        assert found["count"] == len(expected_ids)
