"""The admin API (/api/admin), on SQLite and PostgreSQL: every route by who asks (nobody: 401;
a user's, a dashboard admin's and an integration's token: 403, the integration told to make a
token with --user; an admin's token: the answer), a signed-in admin's session (writes need the
X-CSRF-Token header), and what each route changes, read back with SQL written here. Errors have
the API's shape and name the field: 422 bad input, 404 unknown email or key, 409 duplicate.
Passwords are never sent back nor logged.
"""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.db.schema import (
    associate_groups,
    associates,
    currency_rates,
    lead_statuses,
    roles,
)
from leadboard.settings import Settings
from tests.conftest import PostgresServer, database_url
from tests.web.test_admin_pages import (
    ADMIN,
    DASH,
    PASSWORD,
    USER,
    AdminSite,
    csrf_of,
    password_hash,
    signed_in_as,
)

# Every route with a valid body for an admin and the status it then answers.
ROUTES: list[tuple[str, str, dict[str, Any] | None, int]] = [
    ("GET", "/api/admin/users", None, 200),
    ("POST", "/api/admin/users", {"email": "new@example.com", "password": "password-9"}, 201),
    ("PATCH", f"/api/admin/users/{USER}", {"name": "Rep"}, 200),
    ("POST", f"/api/admin/users/{USER}/password", {"password": "password-9"}, 200),
    ("GET", "/api/admin/groups", None, 200),
    ("POST", "/api/admin/groups", {"name": "North"}, 201),
    ("GET", "/api/admin/roles", None, 200),
    ("POST", "/api/admin/roles", {"key": "viewer", "leads": "own"}, 201),
    ("PATCH", "/api/admin/roles/user", {"leads": "all"}, 200),
    ("GET", "/api/admin/statuses", None, 200),
    ("POST", "/api/admin/statuses", {"name_en": "Demo"}, 201),
    ("PATCH", "/api/admin/statuses/contacting", {"name_nl": "Bellen"}, 200),
    ("DELETE", "/api/admin/statuses/disqualified", None, 200),
    ("GET", "/api/admin/rates", None, 200),
    ("PUT", "/api/admin/rates/USD", {"rate": "0.92"}, 200),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def admin_site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[AdminSite]:
    url = database_url(request.param, tmp_path_factory, pg_server)
    site = AdminSite(url)
    yield site
    site.close()
    if request.param == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


@pytest.fixture
def site(admin_site: AdminSite) -> AdminSite:
    admin_site.reset()
    return admin_site


@pytest.fixture
def api(site: AdminSite) -> TestClient:
    """A client with an admin's API token."""
    client = site.client()
    client.headers.update(site.token(ADMIN))
    return client


def call(client: TestClient, method: str, path: str, body: Any = None, **options: Any) -> Any:
    if body is None:
        return client.request(method, path, **options)
    return client.request(method, path, json=body, **options)


def error(response: Any) -> tuple[str, str]:
    """(field, message) of an error answer, after checking its shape."""
    body = response.json()
    assert set(body) == {"error", "errors"}, body
    assert body["error"] == body["errors"][0]
    return body["error"]["field"], body["error"]["message"]


def _status(site: AdminSite, key: str) -> Any:
    with site.engine.connect() as conn:
        return conn.execute(select(lead_statuses).where(lead_statuses.c.key == key)).first()


def _user(site: AdminSite, email: str) -> Any:
    with site.engine.connect() as conn:
        return conn.execute(
            select(
                associates.c.name,
                associates.c.role,
                associates.c.active,
                associates.c.password_hash,
                associate_groups.c.name.label("group"),
            )
            .outerjoin(associate_groups, associate_groups.c.id == associates.c.group_id)
            .where(associates.c.email == email)
        ).first()


# -- who may call it -----------------------------------------------------------------------------


def test_every_route_by_who_asks(site: AdminSite) -> None:
    anonymous = site.client()
    tokens = {
        "user": site.token(USER),
        "dashboard-admin": site.token(DASH),
        "integration": site.token(None),
    }
    admin = site.token(ADMIN)
    for method, path, body, _ in ROUTES:
        nobody = call(anonymous, method, path, body)
        assert nobody.status_code == 401, path
        assert error(nobody)[0] == "Authorization"
        assert nobody.headers["www-authenticate"] == "Bearer"
        for who, headers in tokens.items():
            refused = call(anonymous, method, path, body, headers=headers)
            assert refused.status_code == 403, (who, path)
            field, message = error(refused)
            assert field == "Authorization"
            if who == "integration":
                assert "--user" in message
                assert "admin" in message
            else:
                assert "admins only" in message
    # Nothing the refused asked for was done.
    assert _user(site, "new@example.com") is None
    assert _user(site, USER).name == "Rep"
    assert _status(site, "disqualified").active is True
    for method, path, body, expected in ROUTES:
        answer = call(anonymous, method, path, body, headers=admin)
        assert answer.status_code == expected, (path, answer.text)
    assert _user(site, "new@example.com") is not None
    assert _status(site, "disqualified").active is False


def test_a_signed_in_admin_writes_with_the_csrf_header(site: AdminSite) -> None:
    admin = site.signed_in(ADMIN)
    assert admin.get("/api/admin/groups").json() == {"groups": []}
    missing = admin.post("/api/admin/groups", json={"name": "North"})
    assert missing.status_code == 403
    assert error(missing)[0] == "X-CSRF-Token"
    wrong = admin.post("/api/admin/groups", json={"name": "North"}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    with site.engine.connect() as conn:
        assert conn.execute(select(associate_groups.c.name)).first() is None
    token = csrf_of(admin.get("/admin").text)
    made = admin.post("/api/admin/groups", json={"name": "North"}, headers={"X-CSRF-Token": token})
    assert made.status_code == 201
    assert made.json() == {"name": "North", "members": 0}
    # Signed in, but not an admin: 403 on reads too.
    rep = site.signed_in(USER)
    refused = rep.get("/api/admin/users")
    assert refused.status_code == 403
    assert error(refused)[0] == "Authorization"


def test_the_routes_are_in_the_openapi_document(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    expected = {
        "/api/admin/users": {"get", "post"},
        "/api/admin/users/{email}": {"patch"},
        "/api/admin/users/{email}/password": {"post"},
        "/api/admin/groups": {"get", "post"},
        "/api/admin/roles": {"get", "post"},
        "/api/admin/roles/{key}": {"patch"},
        "/api/admin/statuses": {"get", "post"},
        "/api/admin/statuses/order": {"put"},
        "/api/admin/statuses/{key}": {"patch", "delete"},
        "/api/admin/rates": {"get"},
        "/api/admin/rates/{currency}": {"put"},
    }
    found = {path: set(ops) for path, ops in paths.items() if path.startswith("/api/admin")}
    assert found == expected
    for path, ops in expected.items():
        for op in ops:
            operation = paths[path][op]
            assert operation["tags"] == ["admin"]
            assert {"401", "403", "422"} <= set(operation["responses"]), (path, op)
    assert "/admin" not in paths  # the pages are not API


# -- users ---------------------------------------------------------------------------------------


def test_users_are_listed_added_and_changed(site: AdminSite, api: TestClient) -> None:
    listed = api.get("/api/admin/users").json()["users"]
    assert [u["email"] for u in listed] == sorted([ADMIN, DASH, USER])
    assert listed[0] == {
        "email": ADMIN,
        "name": "Boss",
        "role": "admin",
        "group": None,
        "active": True,
        "can_log_in": True,
    }
    assert api.post("/api/admin/groups", json={"name": "North"}).status_code == 201
    made = api.post(
        "/api/admin/users",
        json={"email": "Ann@Example.com", "name": "Ann", "role": "user", "group": "north"},
    )
    assert made.status_code == 201
    assert made.json() == {
        "email": "ann@example.com",
        "name": "Ann",
        "role": "user",
        "group": "North",
        "active": True,
        "can_log_in": False,  # no password yet
    }
    changed = api.patch(
        "/api/admin/users/ann@example.com",
        json={"name": "Ann Smit", "role": "dashboard-admin", "group": None, "active": False},
    )
    assert changed.status_code == 200
    stored = _user(site, "ann@example.com")
    assert (stored.name, stored.role, stored.group, stored.active) == (
        "Ann Smit",
        "dashboard-admin",
        None,
        False,
    )
    # Fields left out stay as they are.
    assert api.patch("/api/admin/users/ann@example.com", json={"active": True}).status_code == 200
    stored = _user(site, "ann@example.com")
    assert (stored.name, stored.role, stored.active) == ("Ann Smit", "dashboard-admin", True)


def test_an_existing_associate_is_made_a_user_and_a_login_user_is_a_conflict(
    site: AdminSite, api: TestClient
) -> None:
    site.add("imported@example.com", "user", password=None)
    made = api.post(
        "/api/admin/users", json={"email": "imported@example.com", "password": "pass-word-1"}
    )
    assert made.status_code == 200
    assert made.json()["can_log_in"] is True
    again = api.post("/api/admin/users", json={"email": "imported@example.com"})
    assert again.status_code == 409
    assert error(again) == ("email", "imported@example.com is already a user who can log in")


def test_user_input_errors_name_the_field(site: AdminSite, api: TestClient) -> None:
    cases: list[tuple[str, str, Any, int, str]] = [
        ("POST", "/api/admin/users", {"email": "nope"}, 422, "email"),
        ("POST", "/api/admin/users", {"email": "a@example.com", "role": "boss"}, 422, "role"),
        ("POST", "/api/admin/users", {"email": "a@example.com", "group": "X"}, 422, "group"),
        (
            "POST",
            "/api/admin/users",
            {"email": "a@example.com", "password": "short"},
            422,
            "password",
        ),
        ("POST", "/api/admin/users", {"email": "a@example.com", "admin": True}, 422, "admin"),
        ("POST", "/api/admin/users", {"email": 7}, 422, "email"),
        ("POST", "/api/admin/users", {}, 422, "email"),
        ("PATCH", "/api/admin/users/nobody@example.com", {"name": "X"}, 404, "email"),
        ("PATCH", f"/api/admin/users/{USER}", {"name": " "}, 422, "name"),
        ("PATCH", f"/api/admin/users/{USER}", {"active": "no"}, 422, "active"),
        ("PATCH", f"/api/admin/users/{ADMIN}", {"active": False}, 422, "active"),
        ("PATCH", f"/api/admin/users/{ADMIN}", {"role": "user"}, 422, "role"),
        (
            "POST",
            "/api/admin/users/nobody@example.com/password",
            {"password": "long-one-1"},
            404,
            "email",
        ),
        ("POST", f"/api/admin/users/{USER}/password", {"password": "1234567"}, 422, "password"),
        ("POST", f"/api/admin/users/{USER}/password", {}, 422, "password"),
    ]
    for method, path, body, status, field in cases:
        answer = call(api, method, path, body)
        assert answer.status_code == status, (path, body, answer.text)
        assert error(answer)[0] == field, (path, body)
    assert _user(site, "a@example.com") is None
    stored = _user(site, USER)
    assert (stored.name, stored.active, stored.password_hash) == (
        "Rep",
        True,
        password_hash(PASSWORD),
    )
    assert _user(site, ADMIN).role == "admin"


def test_deactivation_and_a_new_password_refuse_sessions_and_tokens(
    site: AdminSite, api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rep = site.signed_in(USER)
    reps_token = site.token(USER)
    assert site.client().get("/api/leads", headers=reps_token).status_code == 200
    secret = "a-brand-new-password"
    answer = api.post(f"/api/admin/users/{USER}/password", json={"password": secret})
    assert answer.status_code == 200
    assert secret not in answer.text
    assert "password" not in answer.json()
    assert not signed_in_as(rep)  # the old session is refused on its next request
    assert secret not in caplog.text
    with site.engine.connect() as conn:
        stored = conn.execute(
            select(associates.c.password_hash).where(associates.c.email == USER)
        ).scalar_one()
    assert stored.startswith("$argon2")

    again = site.signed_in(USER, secret)
    assert api.patch(f"/api/admin/users/{USER}", json={"active": False}).status_code == 200
    assert not signed_in_as(again)
    refused = site.client().get("/api/leads", headers=reps_token)  # their token acts for nobody
    assert refused.status_code == 401


def test_a_new_role_refuses_the_session(site: AdminSite, api: TestClient) -> None:
    rep = site.signed_in(USER)
    assert api.patch(f"/api/admin/users/{USER}", json={"role": "admin"}).status_code == 200
    assert not signed_in_as(rep)
    assert site.signed_in(USER).get("/api/admin/users").status_code == 200  # now an admin


# -- groups and roles ----------------------------------------------------------------------------


def test_groups(site: AdminSite, api: TestClient) -> None:
    assert api.post("/api/admin/groups", json={"name": " North "}).json() == {
        "name": "North",
        "members": 0,
    }
    assert api.patch(f"/api/admin/users/{USER}", json={"group": "North"}).status_code == 200
    assert api.get("/api/admin/groups").json() == {"groups": [{"name": "North", "members": 1}]}
    duplicate = api.post("/api/admin/groups", json={"name": "NORTH"})
    assert duplicate.status_code == 409
    assert error(duplicate)[0] == "name"
    for body in ({"name": ""}, {"name": "x" * 201}, {"name": "a\x00b"}, {}):
        answer = api.post("/api/admin/groups", json=body)
        assert answer.status_code == 422, body
        assert error(answer)[0] == "name", body
    with site.engine.connect() as conn:
        assert conn.execute(select(associate_groups.c.name)).scalars().all() == ["North"]


def test_roles(site: AdminSite, api: TestClient) -> None:
    made = api.post(
        "/api/admin/roles", json={"key": "Sales-Rep", "name": "Sales rep", "leads": "own"}
    )
    assert made.status_code == 201
    assert made.json() == {
        "key": "sales-rep",
        "name": "Sales rep",
        "leads": "own",
        "sales": "group",
        "builtin": False,
        "users": 0,
    }
    changed = api.patch("/api/admin/roles/sales-rep", json={"sales": "all", "name": "Rep"})
    assert changed.status_code == 200
    with site.engine.connect() as conn:
        row = conn.execute(select(roles).where(roles.c.key == "sales-rep")).one()
    assert (row.name, row.leads_rights, row.sales_rights) == ("Rep", "own", "all")
    listed = [r["key"] for r in api.get("/api/admin/roles").json()["roles"]]
    assert listed == ["admin", "dashboard-admin", "user", "sales-rep"]
    for method, path, body, status, field in [
        ("PATCH", "/api/admin/roles/admin", {"leads": "own"}, 422, "key"),
        ("PATCH", "/api/admin/roles/nobody", {"leads": "own"}, 404, "key"),
        ("PATCH", "/api/admin/roles/user", {"leads": "most"}, 422, "leads"),
        ("PATCH", "/api/admin/roles/user", {"sales": "some"}, 422, "sales"),
        ("PATCH", "/api/admin/roles/user", {"name": ""}, 422, "name"),
        ("POST", "/api/admin/roles", {"key": "user"}, 409, "key"),
        ("POST", "/api/admin/roles", {"key": "9"}, 422, "key"),
        ("POST", "/api/admin/roles", {"key": "ok", "leads": 1}, 422, "leads"),
    ]:
        answer = call(api, method, path, body)
        assert answer.status_code == status, (path, body, answer.text)
        assert error(answer)[0] == field, (path, body)
    with site.engine.connect() as conn:
        admin_row = conn.execute(select(roles).where(roles.c.key == "admin")).one()
        user_row = conn.execute(select(roles).where(roles.c.key == "user")).one()
    assert (admin_row.leads_rights, admin_row.sales_rights) == ("all", "all")
    assert (user_row.leads_rights, user_row.name) == ("group", "User")


# -- lead statuses -------------------------------------------------------------------------------


def test_statuses(site: AdminSite, api: TestClient) -> None:
    listed = api.get("/api/admin/statuses").json()["statuses"]
    with site.engine.connect() as conn:
        expected = (
            conn.execute(
                select(lead_statuses.c.key)
                .where(lead_statuses.c.active.is_(True))
                .order_by(lead_statuses.c.rank)
            )
            .scalars()
            .all()
        )
    assert [s["key"] for s in listed] == expected
    assert listed[0]["key"] == "open"

    made = api.post(
        "/api/admin/statuses",
        json={"name_en": "Demo given", "on_funnel": True, "description_en": "A demo was given"},
    )
    assert made.status_code == 201
    assert made.json() == {
        "key": "demo-given",
        "rank": len(expected) + 1,
        "on_funnel": True,
        "active": True,
        "name_en": "Demo given",
        "name_nl": "Demo given",
        "description_en": "A demo was given",
        "description_nl": "",
    }
    patched = api.patch(
        "/api/admin/statuses/demo-given",
        json={
            "name_nl": "Demo gegeven",
            "description_nl": "Er is een demo gegeven",
            "on_funnel": False,
        },
    )
    assert patched.status_code == 200
    row = _status(site, "demo-given")
    assert (row.name_en, row.name_nl, row.description_nl, row.on_funnel) == (
        "Demo given",
        "Demo gegeven",
        "Er is een demo gegeven",
        False,
    )
    assert api.patch("/api/admin/statuses/demo-given", json={"name_en": "Demo"}).status_code == 200
    assert _status(site, "demo-given").name_en == "Demo"

    new_order = ["open", "demo-given", *[k for k in expected if k != "open"]]
    ordered = api.put("/api/admin/statuses/order", json={"keys": new_order})
    assert ordered.status_code == 200
    assert [s["key"] for s in ordered.json()["statuses"]] == new_order
    with site.engine.connect() as conn:
        ranks = (
            conn.execute(
                select(lead_statuses.c.key)
                .where(lead_statuses.c.active.is_(True))
                .order_by(lead_statuses.c.rank)
            )
            .scalars()
            .all()
        )
    assert ranks == new_order

    deleted = api.delete("/api/admin/statuses/demo-given")
    assert deleted.status_code == 200
    assert deleted.json()["active"] is False
    assert _status(site, "demo-given").active is False
    keys = [s["key"] for s in api.get("/api/admin/statuses").json()["statuses"]]
    assert "demo-given" not in keys
    every = api.get("/api/admin/statuses?include_deleted=true").json()["statuses"]
    assert "demo-given" in [s["key"] for s in every]


def test_status_errors_name_the_field(site: AdminSite, api: TestClient) -> None:
    for method, path, body, status, field in [
        ("DELETE", "/api/admin/statuses/open", None, 422, "key"),
        ("PATCH", "/api/admin/statuses/open", {"on_funnel": False}, 422, "on_funnel"),
        ("DELETE", "/api/admin/statuses/nothing", None, 404, "key"),
        ("PATCH", "/api/admin/statuses/nothing", {"name_en": "X"}, 404, "key"),
        ("PATCH", "/api/admin/statuses/contacting", {"name_en": " "}, 422, "name_en"),
        ("PATCH", "/api/admin/statuses/contacting", {"name_nl": "x" * 101}, 422, "name_nl"),
        ("PATCH", "/api/admin/statuses/contacting", {"colour": "red"}, 422, "colour"),
        ("POST", "/api/admin/statuses", {"name_en": "Qualified"}, 409, "key"),
        ("POST", "/api/admin/statuses", {"name_en": "X", "key": "Not OK"}, 422, "key"),
        ("POST", "/api/admin/statuses", {"name_en": ""}, 422, "name_en"),
        ("POST", "/api/admin/statuses", {"name_nl": "X"}, 422, "name_en"),
        ("PUT", "/api/admin/statuses/order", {"keys": ["open"]}, 422, "keys"),
        ("PUT", "/api/admin/statuses/order", {"keys": "open"}, 422, "keys"),
    ]:
        answer = call(api, method, path, body)
        assert answer.status_code == status, (method, path, body, answer.text)
        assert error(answer)[0] == field, (method, path, body)
    assert _status(site, "open").active is True
    assert _status(site, "open").on_funnel is True
    assert _status(site, "contacting").name_en == "Contacting"
    assert _status(site, "x") is None
    assert api.delete("/api/admin/statuses/contacting").status_code == 200
    again = api.delete("/api/admin/statuses/contacting")
    assert again.status_code == 422
    assert error(again) == ("key", "status 'contacting' is already deleted")


# -- currency rates ------------------------------------------------------------------------------


def test_rates(site: AdminSite, api: TestClient) -> None:
    assert api.get("/api/admin/rates").json() == {"base_currency": "EUR", "rates": []}
    assert api.put("/api/admin/rates/usd", json={"rate": "0.92"}).json() == {
        "currency": "USD",
        "rate": "0.92",
    }
    assert api.put("/api/admin/rates/GBP", json={"rate": "1.17"}).status_code == 200
    assert api.put("/api/admin/rates/USD", json={"rate": "0.9"}).status_code == 200
    assert api.get("/api/admin/rates").json() == {
        "base_currency": "EUR",
        "rates": [{"currency": "GBP", "rate": "1.17"}, {"currency": "USD", "rate": "0.9"}],
    }
    with site.engine.connect() as conn:
        query = select(currency_rates.c.currency, currency_rates.c.rate)
        stored = [(r.currency, r.rate) for r in conn.execute(query.order_by("currency"))]
    assert stored == [("GBP", "1.17"), ("USD", "0.9")]
    for currency, body, field in [
        ("US", {"rate": "1"}, "currency"),
        ("EUR", {"rate": "1"}, "currency"),
        ("CHF", {"rate": "0"}, "rate"),
        ("CHF", {"rate": "NaN"}, "rate"),
        ("CHF", {"rate": "1" * 41}, "rate"),
        ("CHF", {"rate": 1.1}, "rate"),
        ("CHF", {}, "rate"),
    ]:
        answer = api.put(f"/api/admin/rates/{currency}", json=body)
        assert answer.status_code == 422, (currency, body, answer.text)
        assert error(answer)[0] == field, (currency, body)
    with site.engine.connect() as conn:
        assert conn.execute(select(currency_rates.c.currency)).scalars().all() == ["GBP", "USD"]


# -- the schema holds for generated requests -----------------------------------------------------

schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(database_url="sqlite://"))
).include(tag="admin")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_admin_api_conforms_to_its_schema(
    case: schemathesis.Case[schemathesis.APIOperation[Any, Any, Any, Any]], site: AdminSite
) -> None:
    """Valid and invalid generated requests with an admin's token, on both engines: no 5xx,
    every answer (body and status code) as the OpenAPI document says."""
    case.call_and_validate(
        headers=site.token(ADMIN),
        checks=[
            not_a_server_error,
            response_schema_conformance,
            status_code_conformance,
            content_type_conformance,
        ],
        app=site.app,
    )
