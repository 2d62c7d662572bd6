"""POST/GET/PATCH /api/leads, status changes and history: happy paths and every kind of error."""

from typing import Any

import pytest
from sqlalchemy import func, select, update
from starlette.testclient import TestClient

from leadboard.db.schema import companies, lead_status_history, lead_statuses, leads
from tests.api.conftest import OWNER, USER, add_associate, error_field, token_headers


def post(client: TestClient, **body: Any) -> Any:
    return client.post("/api/leads", json=body)


def test_create_classifies_a_given_source_by_the_channel_rules(client: TestClient) -> None:
    response = post(
        client,
        email=" Ann.Jansen@Example.NL ",
        first_name="Ann",
        last_name="Jansen",
        phone="+31 20 123 4567",
        job_title="CMO",
        company="Jansen BV",
        country="nl",
        owner=OWNER.upper(),
        source="LinkedIn",
        medium="CPC",
        campaign="Spring-2026",
    )
    assert response.status_code == 201, response.text
    lead = response.json()
    assert lead["email"] == "ann.jansen@example.nl"
    assert lead["country"] == "NL"
    assert lead["owner"] == OWNER
    assert lead["company"]["name"] == "Jansen BV"
    assert (lead["status"], lead["created_via"]) == ("open", "api")
    assert lead["created_at"] == lead["status_since"] == "2026-03-15T12:00:00Z"
    # folded like a form lead's tuple; linkedin is a social source, cpc is paid (GA4 rule 5)
    assert lead["lead_creation"]["source"] == "linkedin"
    assert lead["lead_creation"]["campaign"] == "spring-2026"
    assert (lead["creation_source"], lead["first_contact_source"]) == ("linkedin", "linkedin")
    assert (lead["channel"], lead["channel_origin"]) == ("paid-social", "rules")
    assert lead["first_touch"] is None
    assert client.get(f"/api/leads/{lead['id']}").json() == lead


@pytest.mark.parametrize(
    ("body", "channel", "origin"),
    [
        ({"source": "google", "medium": "organic"}, "organic-search", "rules"),
        ({"source": "newsletter", "medium": "email"}, "email", "rules"),
        # SPEC 6.4: a source alone is classified too (medium `(not set)`); no rule matches it
        ({"source": "partner-site"}, "unassigned", "rules"),
        ({"source": "Instagram"}, "organic-social", "rules"),  # rule 10: social list
        ({}, "api", "created_via"),
        ({"created_via": "manual"}, "manual", "created_via"),
    ],
)
def test_channel(client: TestClient, body: dict[str, Any], channel: str, origin: str) -> None:
    lead = post(client, email="x@example.com", **body).json()
    assert (lead["channel"], lead["channel_origin"]) == (channel, origin)


def test_company_is_found_by_name_or_created(client: TestClient, engine: Any) -> None:
    first = post(client, email="a@acme.example", company="Acme").json()
    second = post(client, email="b@acme.example", company="Acme").json()
    other = post(client, email="c@acme.example", company="Acme Ltd").json()
    assert first["company"] == second["company"] != other["company"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(companies)).scalar() == 2


def test_created_at_and_external_id(client: TestClient) -> None:
    lead = post(
        client, last_name="Old", created_at="2025-01-02T10:00:00+01:00", external_id="7"
    ).json()
    assert lead["created_at"] == "2025-01-02T09:00:00Z"
    assert (lead["external_id"], lead["origin"]) == ("7", "api")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@example.com", "colour": "red"}, "colour"),
        ({"email": "a@example.com", "first_name": 5}, "first_name"),  # strict: no coercion
        ({"email": "a@example.com", "first_name": ""}, "first_name"),
        ({"email": "a@example.com", "first_name": "x" * 201}, "first_name"),
        ({"email": "a@example.com", "first_name": "a\u0000b"}, "first_name"),
        ({"email": "a@example.com", "country": "XX"}, "country"),
        ({"email": "a@example.com", "country": "NLD"}, "country"),
        ({"email": "a@example.com", "owner": "ghost@example.com"}, "owner"),
        ({"email": "a@example.com", "created_via": "form"}, "created_via"),
        ({"email": "a@example.com", "created_at": "2026-01-01T10:00:00"}, "created_at"),
        ({"email": "a@example.com", "created_at": "yesterday"}, "created_at"),
        ({"email": "a@example.com", "created_at": "2027-01-01T00:00:00Z"}, "created_at"),
        ({"email": "a@example.com", "medium": "cpc"}, "medium"),
        ({"email": "a@example.com", "campaign": "x"}, "campaign"),
        ({"email": "a@example.com", "origin": "crm"}, "origin"),
        ({"first_name": None}, "email"),  # a lead needs an email, a name or a phone
        ({"email": ["a@example.com"]}, "email"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(
    client: TestClient, engine: Any, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/leads", json=body)
    assert response.status_code == 422, response.text
    assert error_field(response) == field
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(leads)).scalar() == 0


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"text"'])
def test_create_refuses_a_body_that_is_no_object(client: TestClient, content: bytes) -> None:
    response = client.post(
        "/api/leads", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert error_field(response) == "body"


def test_inactive_owner_is_refused(client: TestClient, engine: Any) -> None:
    add_associate(engine, "gone@example.com", active=False)
    response = post(client, email="a@example.com", owner="gone@example.com")
    assert response.status_code == 422
    assert error_field(response) == "owner"


def test_duplicates_are_conflicts(client: TestClient) -> None:
    assert post(client, email="a@example.com", external_id="9", origin="crm").status_code == 201
    response = post(client, email="A@example.com")
    assert response.status_code == 409
    assert error_field(response) == "email"
    response = post(client, email="b@example.com", external_id="9", origin="crm")
    assert response.status_code == 409
    assert error_field(response) == "external_id"
    # the same external id in another origin is another lead
    assert post(client, email="c@example.com", external_id="9", origin="shop").status_code == 201


def test_auth_is_required(client: TestClient) -> None:
    lead = post(client, email="a@example.com").json()
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer lb_wrong"}):
        for method, url, body in (
            ("POST", "/api/leads", {"email": "b@example.com"}),
            ("GET", "/api/leads", None),
            ("GET", f"/api/leads/{lead['id']}", None),
            ("PATCH", f"/api/leads/{lead['id']}", {"phone": "1"}),
            ("POST", f"/api/leads/{lead['id']}/status", {"status": "qualified"}),
            ("GET", f"/api/leads/{lead['id']}/history", None),
        ):
            response = client.request(method, url, json=body, headers=headers)
            assert response.status_code == 401, (method, url)
            assert error_field(response) == "Authorization"
            assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/leads/999", None),
        ("PATCH", "/api/leads/999", {"phone": "1"}),
        ("POST", "/api/leads/999/status", {"status": "qualified"}),
        ("GET", "/api/leads/999/history", None),
    ],
)
def test_unknown_lead_is_404(client: TestClient, method: str, url: str, body: Any) -> None:
    response = client.request(method, url, json=body)
    assert response.status_code == 404
    assert error_field(response) == "lead_id"
    assert "999" in response.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/api/leads/0", "/api/leads/x", "/api/leads/99999999999"])
def test_bad_lead_id_is_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert error_field(response) == "lead_id"


def test_patch_changes_only_what_is_sent(client: TestClient) -> None:
    lead = post(
        client, email="a@example.com", phone="1", company="Acme", source="google", medium="cpc"
    ).json()
    response = client.patch(
        f"/api/leads/{lead['id']}",
        json={"owner": USER, "company": "Beta", "country": "be", "phone": None, "job_title": "X"},
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["owner"], changed["company"]["name"], changed["country"]) == (
        USER,
        "Beta",
        "BE",
    )
    assert (changed["phone"], changed["job_title"], changed["email"]) == (None, "X", lead["email"])
    unchanged = ("created_at", "lead_creation", "creation_source", "channel", "status")
    assert all(changed[k] == lead[k] for k in unchanged)
    cleared = client.patch(f"/api/leads/{lead['id']}", json={"owner": None, "company": None})
    assert (cleared.json()["owner"], cleared.json()["company"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "b@example.com"}, 409, "email"),
        ({"email": "bad"}, 422, "email"),
        ({"owner": "ghost@example.com"}, 422, "owner"),
        ({"country": "ZZ"}, 422, "country"),
        ({"channel": "email"}, 422, "channel"),  # never writable
        ({"created_at": "2026-01-01T00:00:00Z"}, 422, "created_at"),
        ({"status": "qualified"}, 422, "status"),  # has its own endpoint
    ],
)
def test_patch_errors(client: TestClient, body: dict[str, Any], status: int, field: str) -> None:
    lead = post(client, email="a@example.com").json()
    post(client, email="b@example.com")
    response = client.patch(f"/api/leads/{lead['id']}", json=body)
    assert response.status_code == status, response.text
    assert error_field(response) == field
    assert client.get(f"/api/leads/{lead['id']}").json() == lead


def test_status_change_records_who_and_when(client: TestClient, engine: Any) -> None:
    nurturer = add_associate(engine, "nurturer@example.com")
    as_nurturer = token_headers(engine, "nurturer's script", nurturer)
    # The nurturer's lead: a user's token changes only leads within their rights.
    lead = post(
        client,
        email="a@example.com",
        created_at="2026-03-10T10:00:00Z",
        owner="nurturer@example.com",
    ).json()
    url = f"/api/leads/{lead['id']}/status"
    response = client.post(
        url, json={"status": "contacting", "at": "2026-03-15T09:00:00+01:00"}, headers=as_nurturer
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["status_since"]) == (
        "contacting",
        "2026-03-15T08:00:00Z",
    )
    # no `at`: now; the integration token acts for nobody
    assert client.post(url, json={"status": "Qualified"}).json()["status"] == "qualified"
    # the status it already has: nothing changes, nothing is recorded
    same = client.post(url, json={"status": "qualified"})
    assert (same.status_code, same.json()["status_since"]) == (200, "2026-03-15T12:00:00Z")
    history = client.get(f"/api/leads/{lead['id']}/history").json()
    assert history["lead_id"] == lead["id"]
    assert [(h["from_status"], h["to_status"], h["at"]) for h in history["history"]] == [
        (None, "open", "2026-03-10T10:00:00Z"),
        ("open", "contacting", "2026-03-15T08:00:00Z"),
        ("contacting", "qualified", "2026-03-15T12:00:00Z"),
    ]
    by = [h["by"] for h in history["history"]]
    assert by == [
        None,
        {"id": nurturer, "email": "nurturer@example.com", "name": "Nurturer"},
        None,
    ]
    with engine.connect() as conn:
        held = conn.execute(select(leads.c.statuses_held).where(leads.c.id == lead["id"]))
        assert bin(held.scalar_one()).count("1") == 3
        count = select(func.count()).select_from(lead_status_history)
        assert conn.execute(count).scalar() == 3


def test_a_lead_created_by_a_user_token_records_the_user(client: TestClient, engine: Any) -> None:
    user = add_associate(engine, "maker@example.com")
    lead = client.post(
        "/api/leads", json={"email": "a@example.com"}, headers=token_headers(engine, "u", user)
    ).json()
    first = client.get(f"/api/leads/{lead['id']}/history").json()["history"][0]
    assert first["by"]["email"] == "maker@example.com"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "won"}, "status"),
        ({"status": ""}, "status"),
        ({}, "status"),
        ({"status": "qualified", "at": "2026-03-16T00:00:00Z"}, "at"),  # future
        ({"status": "qualified", "at": "2026-03-01T00:00:00Z"}, "at"),  # before status_since
        ({"status": "qualified", "at": "2026-03-12"}, "at"),  # a date, not a moment
        ({"status": "qualified", "by": "x@example.com"}, "by"),
    ],
)
def test_status_change_errors(client: TestClient, body: dict[str, Any], field: str) -> None:
    lead = post(client, email="a@example.com", created_at="2026-03-10T10:00:00Z").json()
    response = client.post(f"/api/leads/{lead['id']}/status", json=body)
    assert response.status_code == 422, response.text
    assert error_field(response) == field
    history = client.get(f"/api/leads/{lead['id']}/history").json()["history"]
    assert len(history) == 1


def test_deleted_status_is_refused(client: TestClient, engine: Any) -> None:
    deleted = lead_statuses.c.key == "re-nurture"
    with engine.begin() as conn:  # soft-deleted, as `leadboard statuses delete` does
        conn.execute(update(lead_statuses).where(deleted).values(active=False))
    try:
        lead = post(client, email="a@example.com").json()
        response = client.post(f"/api/leads/{lead['id']}/status", json={"status": "re-nurture"})
        assert response.status_code == 422
        assert error_field(response) == "status"
    finally:
        with engine.begin() as conn:
            conn.execute(update(lead_statuses).where(deleted).values(active=True))


def _seed_list(client: TestClient) -> dict[str, int]:
    ids = {}
    for name, body in {
        "ann": dict(
            email="ann@jansen.example",
            first_name="Ann",
            country="NL",
            owner=OWNER,
            source="google",
            medium="cpc",
            created_at="2026-01-31T23:30:00Z",  # 1 February in Amsterdam
        ),
        "bob": dict(
            email="bob@example.com",
            last_name="Bakker",
            country="BE",
            owner=USER,
            created_via="manual",
            created_at="2026-01-31T22:30:00Z",  # 31 January in Amsterdam
        ),
        "cy": dict(email="cy@example.org", created_at="2026-03-01T10:00:00Z", source="Google"),
        "di": dict(phone="123", first_name="Di_%", created_at="2026-03-02T10:00:00Z"),
    }.items():
        response = post(client, **body)
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["di", "cy", "ann", "bob"]),  # newest first
        ("owner=SAM@example.com", ["ann"]),
        ("country=nl", ["ann"]),
        ("country=none", ["di", "cy"]),
        ("created_via=manual", ["bob"]),
        ("source=GOOGLE", ["cy", "ann"]),
        ("created_from=2026-02-01", ["di", "cy", "ann"]),
        ("created_to=2026-01-31", ["bob"]),
        ("created_from=2026-02-01&created_to=2026-03-01", ["cy", "ann"]),
        ("q=BAKKER", ["bob"]),
        ("q=example.", ["cy", "bob"]),
        ("q=_%25", ["di"]),  # LIKE wildcards are literal
        ("status=open", ["di", "cy", "ann", "bob"]),
        ("status=qualified", []),
    ],
)
def test_list_filters(client: TestClient, query: str, expected: list[str]) -> None:
    ids = _seed_list(client)
    body = client.get(f"/api/leads?{query}").json()
    names = {v: k for k, v in ids.items()}
    assert [names[lead["id"]] for lead in body["leads"]] == expected
    assert body["total"] == len(expected)


def test_list_pages(client: TestClient) -> None:
    ids = _seed_list(client)
    first = client.get("/api/leads?page_size=3").json()
    second = client.get("/api/leads?page_size=3&page=2").json()
    beyond = client.get("/api/leads?page_size=3&page=3").json()
    assert (first["total"], second["total"], first["page"], second["page_size"]) == (4, 4, 1, 3)
    assert [x["id"] for x in first["leads"] + second["leads"]] == [
        ids[n] for n in ("di", "cy", "ann", "bob")
    ]
    assert beyond["leads"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("page_size=101", "page_size"),
        ("status=won", "status"),
        ("owner=ghost@example.com", "owner"),
        ("country=XX", "country"),
        ("created_via=web", "created_via"),
        ("created_from=2026-02-30", "created_from"),
        ("created_from=01-02-2026", "created_from"),
        ("created_from=2026-03-02&created_to=2026-03-01", "created_to"),
        ("q=%00", "q"),
    ],
)
def test_list_errors(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/api/leads?{query}")
    assert response.status_code == 422, response.text
    assert error_field(response) == field


def test_read_shows_what_other_channels_stored(client: TestClient, engine: Any) -> None:
    """A form lead with a first touch and custom attributes, as capture and import write them."""
    from datetime import UTC, datetime

    from leadboard.domain.attribution import Visit
    from leadboard.domain.leads import NewLead, create_lead

    touch = Visit(source="linkedin", medium="cpc", at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    visit = Visit(source="google", medium="organic", referrer_domain="google.nl")
    with engine.begin() as conn:
        lead_id = create_lead(
            conn,
            NewLead(
                created_via="import",
                created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
                email="imported@example.com",
                first_touch=touch,
                creation=visit,
                custom={"segment": "B2B", "score": 7},
            ),
        )
    lead = client.get(f"/api/leads/{lead_id}").json()
    assert lead["first_touch"]["source"] == "linkedin"
    assert lead["first_touch"]["at"] == "2026-03-01T09:00:00Z"
    assert lead["lead_creation"]["referrer_domain"] == "google.nl"
    assert (lead["first_contact_source"], lead["creation_source"]) == ("linkedin", "google")
    assert lead["custom"] == {"segment": "B2B", "score": 7}
    assert client.get("/api/leads?created_via=import").json()["leads"] == [lead]
