"""schemathesis over the whole API with every check it has (issue 13 items 4 and 5).

* A *stateful* run per role (an admin's token, a dashboard-admin's, a plain user's and an
  integration's, without a user), on SQLite and PostgreSQL: schemathesis chains the operations
  by the OpenAPI document's links (a created lead, sale, form, campaign, dashboard, tile,
  selection, user, role or status is read, changed and deleted) and every answer passes every
  check: no 5xx; status codes, content types, headers and bodies as documented; nothing read
  after it was deleted, everything created found; authentication enforced.
* A stateless run of every operation with every check (the examples, coverage and fuzzing
  phases), with an admin's token: the document is true, so a request it allows is accepted and
  one it forbids refused, and a method it does not list is a 405 whose `Allow` names the ones
  it does.

Failures are collected rather than raised at the first one (Hypothesis would spend minutes
shrinking it) and reported together: the check, the operation, the answer and a curl.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any, cast

import jsonschema_rs
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CHECKS, CheckContext, is_check_class, load_all_checks
from schemathesis.core.failures import AcceptedNegativeData, Failure, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.openapi.checks import AllowHeaderMismatch, UseAfterFree
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    use_after_free,
)
from sqlalchemy import Engine, delete, insert, select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.clock import FixedClock
from leadboard.db.schema import associates, lead_statuses, roles
from leadboard.settings import Settings
from tests.api.conftest import NOW, OWNER, USER, error_field, token_headers, wipe
from tests.conftest import PostgresServer, database_url

# A generated request against one operation (schemathesis' parameters say nothing to us).
Case = schemathesis.Case[schemathesis.APIOperation[Any, Any, Any, Any]]
Check = Callable[[CheckContext, Response, Case], bool | None]

# role -> the email of the associate whose token it is (None: an integration, without a user).
ROLES: dict[str, str | None] = {
    "admin": "root@example.com",
    "dashboard-admin": "dash@example.com",
    "user": USER,
    "integration": None,
}

# -- what the checks may not hold against the API ----------------------------------------------

# 422s for requests a JSON schema cannot tell from good ones, because they depend on
# * what is stored: an associate, user, group, role, lead status or lead named in the request,
#   a form's own required fields, a currency's rate, a status deleted before;
# * earlier requests: an Idempotency-Key used for another request;
# * the clock: a moment in the future, a period beyond the calendar from today;
# * the caller: an integration names the owner, a user's lead keeps one within their rights,
#   the last active admin stays one;
# * several fields at once: a tile's chart and its group_by (the tile spec's rules), criteria
#   against the entity's fields, dates in order, a form's field names unique.
# positive_data_acceptance expects any request the schema allows to succeed: it passes these
# (operation, error field, message) and no other 422. Each was seen to be right.
DOMAIN_REFUSALS = [
    (r"", r"Idempotency-Key", r"already used for a"),
    (r"", r"owner|agent|email", r"no (active )?(associate|user) with email"),
    (r"", r"owner", r"is required for a token without a user|seen by no one with your rights"),
    (r"", r"status", r"no lead status"),
    (r"", r"group|role", r"no (group|role) "),
    (r"", r"(visible_for|pinned_for)\.(groups|users)\[\d+\]", r"no (group|user) "),
    (r"", r"lead_id", r"no lead with id"),
    (r"", r"currency", r"no exchange rate|is the base currency"),
    (r"", r"created_at|at|started_at|ended_at", r"lies in the future|before the current status"),
    (r"", r"ended_at|ends_on|created_to|sale_date_to", r"lies before"),
    (r"", r"period", r"ends before it starts|outside the calendar|not a valid date range"),
    (r"/capture/forms/", r"[a-z0-9_]+", r"^is required$|^at most 10000 characters$"),
    (r"/api/dashboards", r"body|tiles(\[\d+\].*)?", r"."),
    (r"/api/dashboards/\{slug\}/tiles", r".+", r"."),
    (r"/api/selections", r"criteria.*|columns.*|order_by", r"."),
    (r"/api/forms", r"fields\[\d+\]\.name", r"appears twice"),
    (r"/api/admin/statuses", r"key|keys|on_funnel|name_en", r"deleted|Open |every active|key"),
    (r"/api/admin/", r"role|active|key", r"last active admin|admin role cannot be changed"),
]


def _domain_refusal(case: Case, response: Response) -> bool:
    if response.status_code != 422:
        return False
    try:
        errors = response.json()["errors"]
    except (ValueError, KeyError, TypeError):
        return False
    return all(
        any(
            re.search(where, case.operation.path)
            and re.fullmatch(field, error["field"])
            and re.search(message, error["message"])
            for where, field, message in DOMAIN_REFUSALS
        )
        for error in errors
    )


def accepted_unless_refused_by_the_domain(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    if _domain_refusal(case, response):
        return None
    return positive_data_acceptance(ctx, response, case)


def no_use_after_free_but_erasure(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    # DELETE /api/leads/{id}?erase=true anonymises a lead and keeps it (its figures stay), so
    # it is read afterwards, as erased: schemathesis takes every DELETE for a removal.
    try:
        return use_after_free(ctx, response, case)
    except UseAfterFree as failure:
        if failure.free.startswith("DELETE /api/leads/"):
            return None
        raise


def allow_header_but_of_statuses_order(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    # /api/admin/statuses/order is also /api/admin/statuses/{key} with the key "order": PATCH
    # and DELETE there are answered (404, no such status), so `Allow` honestly names them too.
    try:
        return allow_header_conformance(ctx, response, case)
    except AllowHeaderMismatch:
        if case.operation.path == "/api/admin/statuses/order":
            return None
        raise


MISSING = re.compile(r"Missing required property: (\S+)")


def required_of(case: Case) -> set[str]:
    """The properties the operation's JSON body requires."""
    body = OPENAPI["paths"][case.operation.path][case.method.lower()].get("requestBody", {})
    found = body.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in found:
        found = OPENAPI["components"]["schemas"][found["$ref"].rsplit("/", 1)[1]]
    return set(found.get("required", []))


def refused_unless_not_required(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    # The coverage phase builds an object's template from every property (it "inflates"
    # `required`), then reports leaving out one the schema does not require as invalid data
    # accepted (PATCH /api/forms/{id} without `active`).
    try:
        return negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData as failure:
        missing = MISSING.search(failure.message)
        if missing and missing[1] not in required_of(case):
            return None
        raise


load_all_checks()
REPLACED: dict[Any, Check] = {
    positive_data_acceptance: accepted_unless_refused_by_the_domain,
    negative_data_rejection: refused_unless_not_required,
    use_after_free: no_use_after_free_but_erasure,
    allow_header_conformance: allow_header_but_of_statuses_order,
}
ALL_CHECKS: list[Check] = [
    REPLACED.get(check, cast(Check, check))
    for check in CHECKS.get_all()
    if not is_check_class(check)
]

# -- the app, its records and tokens -----------------------------------------------------------


def _person(engine: Engine, email: str, role: str) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(associates)
                .values(email=email, name=email.split("@")[0].title(), role=role)
                .returning(associates.c.id)
            ).scalar_one()
        )


class Fuzzed:
    """An app on a database with a few records (the examples' emails, and an id of each), and a
    token per role. `reset` puts the database back as it was (the roles and statuses too, which
    admins change): each stateful scenario starts from the same state, or Hypothesis, replaying
    the start of an earlier one, would meet other answers (a 409 where a 201 was)."""

    def __init__(self, app: FastAPI, client: TestClient) -> None:
        self.app = app
        self.client = client
        self.engine: Engine = app.state.engine
        with self.engine.connect() as conn:
            self.seeded = {
                table: [row._asdict() for row in conn.execute(select(table))]
                for table in (roles, lead_statuses)
            }
        self.tokens: dict[str, str] = {}
        self.reset()

    def reset(self) -> None:
        wipe(self.engine)
        with self.engine.begin() as conn:
            for table, rows in self.seeded.items():
                conn.execute(delete(table))
                conn.execute(insert(table), rows)
        _person(self.engine, OWNER, "user")
        for role, email in ROLES.items():
            person = None if email is None else _person(self.engine, email, role)
            headers = token_headers(self.engine, f"fuzz {role}", person)
            self.tokens[role] = headers["Authorization"]
        integration = {"Authorization": self.tokens["integration"]}
        # Owned by the plain user, so every role sees them.
        lead = {"email": "bob@example.com", "company": "Acme", "owner": USER}
        sale = {"title": "T", "amount": "10.00", "currency": "EUR", "sale_date": "2026-03-01"}
        form = {"name": "Contact", "key": "contact", "allowed_origins": ["https://a.example"]}
        made = self.client.post("/api/leads", json=lead, headers=integration)
        sale |= {"owner": USER, "lead_id": made.json()["id"]}
        for path, body in (("/api/sales", sale), ("/api/forms", form), ("/api/campaigns", {})):
            body = body or {"key": "spring"}
            answer = self.client.post(path, json=body, headers=integration)
            assert answer.status_code == 201, answer.text


def _fuzzed(
    kind: str, tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[Fuzzed]:
    url = database_url(kind, tmp_path_factory, pg_server)
    # No capture rate limit, so generated posts reach the validation behind it.
    app = create_app(Settings(database_url=url, capture_rate=0), FixedClock(NOW))
    with TestClient(app) as client:
        yield Fuzzed(app, client)
    app.state.engine.dispose()
    if kind == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzzed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[Fuzzed]:
    yield from _fuzzed(request.param, tmp_path_factory, pg_server)


@pytest.fixture(scope="module")
def fuzzed_sqlite(
    tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[Fuzzed]:
    yield from _fuzzed("sqlite", tmp_path_factory, pg_server)


_documented = create_app(Settings(database_url="sqlite://"))
OPENAPI: dict[str, Any] = _documented.openapi()
schema = schemathesis.openapi.from_asgi("/openapi.json", _documented)

# The token of the role under test. Given as schemathesis' auth, not as a header of every
# call: a generated request without credentials (or with a wrong one) then stays so. Cases of
# the examples phase are made when the tests are collected, before there is a token: they
# carry UNSET until the call.
UNSET = "Bearer (the role's token)"
TOKEN: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class RoleToken:
    def get(self, case: Case, context: Any) -> str:
        return TOKEN.get("value", UNSET)

    def set(self, case: Case, data: str, context: Any) -> None:
        case.headers["Authorization"] = data


class Findings:
    """Every check failure of a run, once per (check, operation, title)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str, str], str] = {}

    def add(self, group: FailureGroup) -> None:
        report = str(group)
        for failure in group.exceptions:
            assert isinstance(failure, Failure)
            check = ",".join(type(failure).checks) or type(failure).__name__
            self.seen.setdefault((check, failure.operation or "?", failure.title), report)

    def validate(self, case: Case, response: Response, **kwargs: Any) -> None:
        try:
            case.validate_response(response, checks=ALL_CHECKS, **kwargs)
        except FailureGroup as group:
            self.add(group)

    def check(self) -> None:
        if self.seen:
            reports = [report[:3000] for report in self.seen.values()]
            lines = [f"  {check}: {op}: {title}" for check, op, title in sorted(self.seen)]
            raise AssertionError("\n".join([*reports, f"{len(lines)} findings:", *lines]))


# -- stateful: every role, both engines --------------------------------------------------------

STATEFUL = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate],
    derandomize=True,
    database=None,
)


@pytest.mark.parametrize("role", list(ROLES))
def test_stateful_run_with_every_check(fuzzed: Fuzzed, role: str) -> None:
    findings = Findings()

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            fuzzed.reset()
            TOKEN["value"] = fuzzed.tokens[role]

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"app": fuzzed.app}

        def validate_response(
            self, response: Response, case: Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            findings.validate(case, response, transport_kwargs=kwargs, recorder=self.recorder)

    Workflow.run(settings=STATEFUL)
    findings.check()


# -- stateless: every operation, every check ---------------------------------------------------
#
# On SQLite only: what it checks is the document, which both engines share (the stateful runs
# above look for 5xx on both), and its coverage phase, which makes every case the schema
# describes, takes about a minute.


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_with_every_check(case: Case, fuzzed_sqlite: Fuzzed) -> None:
    TOKEN["value"] = fuzzed_sqlite.tokens["admin"]
    if case.headers and case.headers.get("Authorization") == UNSET:
        case.headers["Authorization"] = TOKEN["value"]
    response = case.call(app=fuzzed_sqlite.app)
    findings = Findings()
    findings.validate(case, response, transport_kwargs={"app": fuzzed_sqlite.app})
    findings.check()


# -- what the runs found, each fixed: the answers, by hand -------------------------------------


def test_a_405_names_every_method_of_its_path(client: TestClient) -> None:
    # Starlette named only the first route's (FastAPI makes one per method): Allow: GET.
    for method, path, allowed in [
        ("OPTIONS", "/api/leads", "GET, POST"),
        ("PUT", "/api/leads/1", "DELETE, GET, PATCH"),
        ("OPTIONS", "/api/dashboards/marketing", "DELETE, GET, PUT"),
        ("PATCH", "/api/dashboards/marketing/tiles/new-leads", "DELETE, GET, PUT"),
        ("OPTIONS", "/api/admin/groups", "GET, POST"),
    ]:
        answer = client.request(method, path)
        assert answer.status_code == 405, (method, path)
        assert answer.headers["allow"] == allowed, (method, path)
        assert error_field(answer) == "method"


def test_a_selection_answers_its_moments_in_utc(client: TestClient) -> None:
    body = {"name": {"en": "Hot", "nl": "Heet"}, "entity": "leads", "owner": OWNER}
    made = client.post("/api/selections", json=body)
    assert made.status_code == 201, made.text
    # NOW is 12:00 UTC; the answer said "2026-03-15T12:00:00", no offset.
    assert made.json()["created_at"] == "2026-03-15T12:00:00Z"
    assert made.json()["updated_at"] == "2026-03-15T12:00:00Z"
    listed = client.get("/api/selections").json()["selections"]
    assert [s["created_at"] for s in listed] == ["2026-03-15T12:00:00Z"]


def test_a_nul_in_the_selections_search_is_refused(client: TestClient) -> None:
    answer = client.get("/api/selections", params={"q": "a\x00b"})  # was a 500
    assert answer.status_code == 422
    assert error_field(answer) == "q"


def test_a_user_makes_leads_and_sales_within_their_rights(
    client: TestClient, engine: Engine
) -> None:
    """Ann (role user, no group: her own records). Before, a sale she made for Sam, or for no
    one, was made, and then was a 404 to her."""
    with engine.connect() as conn:
        ann = conn.execute(select(associates.c.id).where(associates.c.email == USER)).scalar()
    headers = token_headers(engine, "ann", ann)
    sale = {"title": "T", "amount": "10.00", "currency": "EUR", "sale_date": "2026-03-01"}
    for path, body in (("/api/leads", {"email": "x@lead.example"}), ("/api/sales", sale)):
        refused = client.post(path, json={**body, "owner": OWNER}, headers=headers)
        assert refused.status_code == 422, refused.text
        assert error_field(refused) == "owner"
        made = client.post(path, json=body, headers=headers)
        assert made.status_code == 201, made.text
        assert client.get(f"{path}/{made.json()['id']}", headers=headers).status_code == 200
    assert [lead["owner"] for lead in client.get("/api/leads").json()["leads"]] == [USER]
    assert [sale["owner"] for sale in client.get("/api/sales").json()["sales"]] == [USER]
    # An integration sees all, so it still may make a lead for anyone, or for no one.
    assert client.post("/api/leads", json={"email": "y@lead.example"}).json()["owner"] is None


def test_a_user_gives_a_sale_only_an_owner_within_their_rights(
    client: TestClient, engine: Engine
) -> None:
    """Before, Ann's PATCH of her sale's owner to Sam (outside her rights), or to no one, was
    stored, and the sale was a 404 to her from then on."""
    with engine.connect() as conn:
        ann = conn.execute(select(associates.c.id).where(associates.c.email == USER)).scalar()
    headers = token_headers(engine, "ann", ann)
    sale = {"title": "T", "amount": "10.00", "currency": "EUR", "sale_date": "2026-03-01"}
    made = client.post("/api/sales", json=sale, headers=headers)
    assert made.status_code == 201, made.text
    path = f"/api/sales/{made.json()['id']}"
    for owner in (OWNER, None):
        refused = client.patch(path, json={"owner": owner}, headers=headers)
        assert refused.status_code == 422, refused.text
        assert error_field(refused) == "owner"
        assert client.get(path, headers=headers).json()["owner"] == USER
    kept = client.patch(path, json={"owner": USER, "title": "U"}, headers=headers)
    assert kept.status_code == 200, kept.text
    assert kept.json()["title"] == "U"
    # An integration sees all: it may hand the sale to anyone.
    moved = client.patch(path, json={"owner": OWNER})
    assert moved.status_code == 200, moved.text
    assert moved.json()["owner"] == OWNER
    assert client.get(path, headers=headers).status_code == 404


def test_an_integer_may_be_written_with_a_zero_fraction(client: TestClient) -> None:
    # JSON Schema's integer is a number without a fraction, 40.0 too; strict mode refused it.
    sale = {"title": "T", "amount": "10.00", "currency": "EUR", "sale_date": "2026-03-01"}
    made = client.post("/api/sales", json={**sale, "probability": 40.0})
    assert made.status_code == 201, made.text
    assert made.json()["probability"] == 40
    for wrong in (40.5, "40", True):
        refused = client.post("/api/sales", json={**sale, "probability": wrong})
        assert refused.status_code == 422, wrong
        assert error_field(refused) == "probability"


def test_an_audience_takes_booleans_only(client: TestClient) -> None:
    body = {"slug": "mine", "name": {"en": "Mine", "nl": "Mijn"}, "tiles": [], "owner": OWNER}
    assert client.post("/api/dashboards", json=body).status_code == 201
    sharing = {"visible_for": {"everyone": 0}, "pinned_for": {}}  # was taken as false
    answer = client.put("/api/dashboards/mine/sharing", json=sharing)
    assert answer.status_code == 422, answer.text


def test_the_document_links_what_is_made_to_its_reads_and_writes() -> None:
    created = OPENAPI["paths"]["/api/leads"]["post"]["responses"]["201"]["links"]
    assert created["ReadLead"] == {
        "operationRef": "#/paths/~1api~1leads~1{lead_id}/get",
        "parameters": {"lead_id": "$response.body#/id"},
    }
    assert created["EraseLead"]["parameters"] == {
        "lead_id": "$response.body#/id",
        "query.erase": True,
    }
    tile = OPENAPI["paths"]["/api/dashboards/{slug}/tiles"]["post"]["responses"]["201"]
    assert tile["links"]["DeleteTile"]["parameters"] == {
        "slug": "$request.path.slug",
        "key": "$response.body#/key",
    }
    # Every link names an operation of the document.
    for path, operations in OPENAPI["paths"].items():
        for method, operation in operations.items():
            for answer in operation["responses"].values():
                for name, found in answer.get("links", {}).items():
                    target, _, verb = found["operationRef"].removeprefix("#/paths/").rpartition("/")
                    target = target.replace("~1", "/").replace("~0", "~")
                    assert verb in OPENAPI["paths"][target], (method, path, name)


def test_the_capture_document_says_what_a_honeypot_is() -> None:
    """Any value in lb_website but an empty one is a bot's post, answered 200 and not stored
    (tests/capture/test_capture_hardening.py): the document said a string."""
    body = OPENAPI["paths"]["/capture/forms/{form_key}"]["post"]["requestBody"]["content"]
    valid = jsonschema_rs.validator_for(body["application/json"]["schema"]).is_valid
    bots: list[object] = [{}, [], 0, False, "x"]
    for bot in bots:
        assert valid({"lb_website": bot}), bot
        assert valid({"email": "ann@example.com", "lb_website": bot}), bot
    assert valid({"email": "ann@example.com", "lb_website": ""})
    assert valid({"email": "ann@example.com", "lb_website": None})
    assert not valid({})
    assert not valid({"email": ""})
    assert not valid({"lb_website": ""})


def test_every_404_and_413_is_documented(client: TestClient, engine: Engine) -> None:
    """A `/` in a path parameter is another path, which no route has: 404, which PUT
    /api/admin/rates/{currency} did not document; a body over the limit is a 413 everywhere."""
    admin = token_headers(engine, "root", _person(engine, "root@example.com", "admin"))
    answer = client.put("/api/admin/rates/a%2Fb", json={"rate": "1"}, headers=admin)
    assert answer.status_code == 404
    assert error_field(answer) == "path"
    for path, operations in OPENAPI["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "{" not in path or "404" in codes, (method, path)
            assert "requestBody" not in operation or "413" in codes, (method, path)
