"""The lead list `/leads` and its twin `/leads.json`, the forms list `/forms` and the navigation
bar (issue 10 item 5), on SQLite and PostgreSQL over a small demo.

Expected lists come from SQL or Python written here over the tables, never from the code under
test: search by name, email and company; `%`, `_` and non-ASCII letters matching themselves;
the quick filters; paging; rights (an `own` and a `group` user see exactly their leads, the
owner filter offers only them); escaping; the nav bar with Admin for admins only.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, delete, func, insert, select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.auth.tokens import create_token
from leadboard.cli.demo import DEMO_ADMIN
from leadboard.clock import end_of_day_clock
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import (
    api_tokens,
    associates,
    companies,
    form_submissions,
    forms,
    lead_status_history,
    lead_statuses,
    leads,
)
from leadboard.demo import ensure_logins, generate_demo
from leadboard.settings import Settings
from tests.conftest import PostgresServer, database_url
from tests.web.conftest import TODAY, log_in

PASSWORD = "leadboard-lead-list"
PAGE = 50


@dataclass
class Work:
    """A demo database on one engine, its app, and a signed-in client per demo login."""

    kind: str
    app: FastAPI
    engine: Engine
    logins: dict[str, Any]  # kind (admin, group, own) -> DemoLogin
    cookies: dict[str, str]  # kind -> session cookie

    def client(self, kind: str | None) -> TestClient:
        c = TestClient(self.app, follow_redirects=False)
        if kind is not None:
            c.cookies.set("leadboard_session", self.cookies[kind])
        return c


def work_database(
    kind: str, tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[Work]:
    url = database_url(kind, tmp_path_factory, pg_server)
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(database_url=url, secret_key="lead-list-tests")
    generate_demo(engine, leads=400, seed=11, today=TODAY, tz=settings.tz)
    with engine.begin() as conn:
        logins = {login.kind: login for login in ensure_logins(conn, DEMO_ADMIN, PASSWORD)}
    engine.dispose()
    assert set(logins) == {"admin", "group", "own"}
    app = create_app(settings, end_of_day_clock(TODAY, settings.tz))
    cookies = {}
    for name, login in logins.items():
        with TestClient(app, follow_redirects=False) as first:
            log_in(first, login.email, PASSWORD)
            cookies[name] = str(first.cookies["leadboard_session"])
    yield Work(kind, app, app.state.engine, logins, cookies)
    app.state.engine.dispose()
    if kind == "postgresql" and pg_server is not None:
        pg_server.drop_database(url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def work(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[Work]:
    yield from work_database(request.param, tmp_path_factory, pg_server)


# -- independent expectations ------------------------------------------------------------------


def all_leads(engine: Engine) -> list[dict[str, Any]]:
    """Every lead with its company's name and country, newest first (then highest id)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                leads.c.id,
                leads.c.first_name,
                leads.c.last_name,
                leads.c.email,
                leads.c.owner_id,
                leads.c.country,
                leads.c.status_id,
                leads.c.created_at,
                companies.c.name.label("company"),
                companies.c.country.label("company_country"),
            ).select_from(leads.outerjoin(companies, companies.c.id == leads.c.company_id))
        ).all()
    found = [dict(r._mapping) for r in rows]
    found.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return found


def matches(lead: dict[str, Any], q: str) -> bool:
    """Case-insensitive substring over first, last and full name, email and company."""
    first, last = lead["first_name"] or "", lead["last_name"] or ""
    texts = [first, last, f"{first} {last}", lead["email"] or "", lead["company"] or ""]
    return any(q.lower() in text.lower() for text in texts)


def listed(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/leads.json", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def every_id(client: TestClient, **params: Any) -> list[int]:
    """The ids of every page, in order."""
    first = listed(client, **params)
    ids = [row["id"] for row in first["leads"]]
    for page in range(2, first["pages"] + 1):
        ids += [row["id"] for row in listed(client, **params, page=page)["leads"]]
    assert len(ids) == first["total"]
    return ids


def group_members(engine: Engine, associate_id: int) -> set[int]:
    with engine.connect() as conn:
        group = conn.execute(
            select(associates.c.group_id).where(associates.c.id == associate_id)
        ).scalar()
        return set(
            conn.execute(select(associates.c.id).where(associates.c.group_id == group)).scalars()
        )


# -- search ------------------------------------------------------------------------------------


def test_the_list_is_every_lead_newest_first_in_pages_of_50(work: Work) -> None:
    expected = [lead["id"] for lead in all_leads(work.engine)]
    with work.client("admin") as admin:
        first = listed(admin)
        assert first["total"] == len(expected) == 400
        assert first["page_size"] == PAGE
        assert first["pages"] == 8
        assert [r["id"] for r in first["leads"]] == expected[:PAGE]
        second = listed(admin, page=2)
        assert [r["id"] for r in second["leads"]] == expected[PAGE : 2 * PAGE]
        assert listed(admin, page=9)["leads"] == []
        html = admin.get("/leads", params={"page": 2})
        assert html.status_code == 200
        assert 'data-total="400"' in html.text
        assert 'href="/leads?page=1"' in html.text
        assert 'href="/leads?page=3"' in html.text
        for lead_id in expected[PAGE : 2 * PAGE]:
            assert f'href="/leads/{lead_id}"' in html.text
        assert f'href="/leads/{expected[0]}"' not in html.text


@pytest.mark.parametrize("part", ["company", "email", "last_name", "full_name"])
def test_search_finds_by_name_email_and_company(work: Work, part: str) -> None:
    everyone = all_leads(work.engine)
    sample = next(
        lead
        for lead in everyone[37:]
        if lead["company"] and lead["first_name"] and lead["last_name"] and lead["email"]
    )
    q = {
        "company": sample["company"][1:-1].upper(),
        "email": sample["email"].split("@")[0].upper(),
        "last_name": sample["last_name"].swapcase(),
        "full_name": f"{sample['first_name']} {sample['last_name']}".lower(),
    }[part]
    expected = [lead["id"] for lead in everyone if matches(lead, q)]
    assert sample["id"] in expected
    with work.client("admin") as admin:
        assert every_id(admin, q=q) == expected
        assert listed(admin, q=f"  {q}  ")["total"] == len(expected)  # trimmed


@pytest.fixture
def odd_names(work: Work) -> Iterator[dict[str, int]]:
    """Leads whose names hold LIKE's wildcards and non-ASCII letters, and look-alikes."""
    names = {
        "percent": ("Hundred", "100% Zeker"),
        "percent_twin": ("Hundred", "100X Zeker"),
        "underscore": ("Snake", "snake_case"),
        "underscore_twin": ("Snake", "snakeXcase"),
        "unicode": ("Zoë", "Ørsted-Çelik"),
        "unicode_twin": ("Zoe", "Orsted-Celik"),
        "backslash": ("Back", "back\\slash"),
    }
    with work.engine.begin() as conn:
        open_id = conn.execute(
            select(lead_statuses.c.id).where(lead_statuses.c.key == "open")
        ).scalar_one()
        start = conn.execute(select(func.max(leads.c.id))).scalar_one() + 1000
        ids = {}
        for offset, (key, (first, last)) in enumerate(names.items()):
            ids[key] = start + offset
            conn.execute(
                insert(leads).values(
                    id=start + offset,
                    first_name=first,
                    last_name=last,
                    status_id=open_id,
                    status_since=datetime(2026, 1, 5),
                    statuses_held=1 << open_id,
                    created_at=datetime(2026, 1, 5),
                    created_via="manual",
                )
            )
    yield ids
    with work.engine.begin() as conn:
        conn.execute(delete(leads).where(leads.c.id.in_(ids.values())))


def test_wildcards_and_unicode_match_themselves(work: Work, odd_names: dict[str, int]) -> None:
    with work.client("admin") as admin:
        assert every_id(admin, q="100%") == [odd_names["percent"]]
        assert every_id(admin, q="e_c") == [odd_names["underscore"]]
        assert every_id(admin, q="k\\s") == [odd_names["backslash"]]
        assert every_id(admin, q="zoë") == [odd_names["unicode"]]
        assert every_id(admin, q="Ørsted-Ç") == [odd_names["unicode"]]
        assert set(every_id(admin, q="Zeker")) == {odd_names["percent"], odd_names["percent_twin"]}
        assert listed(admin, q="%")["total"] == 1
        assert listed(admin, q="_")["total"] == 1
        page = admin.get("/leads", params={"q": "100%"}).text
        assert 'value="100%"' in page
        assert "100% Zeker" in page


def test_markup_in_a_name_is_escaped(work: Work) -> None:
    evil = '<script>alert("x")</script>'
    with work.engine.begin() as conn:
        lead_id = conn.execute(select(func.min(leads.c.id))).scalar_one()
        before = conn.execute(select(leads.c.first_name).where(leads.c.id == lead_id)).scalar()
        conn.execute(leads.update().where(leads.c.id == lead_id).values(first_name=evil))
    try:
        with work.client("admin") as admin:
            for page in (
                admin.get("/leads", params={"q": "alert"}).text,
                admin.get(f"/leads/{lead_id}").text,
            ):
                assert evil not in page
                assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
            assert listed(admin, q="<script>")["leads"][0]["name"].startswith(evil)
    finally:
        with work.engine.begin() as conn:
            conn.execute(leads.update().where(leads.c.id == lead_id).values(first_name=before))


# -- quick filters -----------------------------------------------------------------------------


def test_quick_filters_owner_country_status(work: Work) -> None:
    everyone = all_leads(work.engine)
    with work.engine.connect() as conn:
        status: dict[str, int] = dict(
            conn.execute(select(lead_statuses.c.key, lead_statuses.c.id)).all()
        )
        emails: dict[int, str] = dict(
            conn.execute(select(associates.c.id, associates.c.email)).all()
        )
    owner_id = next(lead["owner_id"] for lead in everyone if lead["owner_id"])
    country = next(lead["country"] for lead in everyone if lead["country"])

    def effective(lead: dict[str, Any]) -> str | None:
        country: str | None = lead["country"] or lead["company_country"]
        return country

    cases: list[tuple[dict[str, str], Callable[[dict[str, Any]], bool]]] = [
        ({"owner": emails[owner_id].upper()}, lambda r: r["owner_id"] == owner_id),
        ({"country": country.lower()}, lambda r: effective(r) == country),
        ({"country": "none"}, lambda r: effective(r) is None),
        ({"status": "qualified"}, lambda r: r["status_id"] == status["qualified"]),
        (
            {"owner": emails[owner_id], "status": "open", "country": country},
            lambda r: (
                r["owner_id"] == owner_id
                and r["status_id"] == status["open"]
                and effective(r) == country
            ),
        ),
    ]
    with work.client("admin") as admin:
        for params, keep in cases:
            expected = [lead["id"] for lead in everyone if keep(lead)]
            assert every_id(admin, **params) == expected, params
        body = listed(admin, status="QUALIFIED", country=country.lower())
        assert body["filters"]["values"]["status"] == "qualified"
        assert body["filters"]["values"]["country"] == country
        html = admin.get("/leads", params={"status": "qualified"}).text
        assert '<option value="qualified" selected>' in html


def test_bad_filters_and_pages_are_422_naming_the_field(work: Work) -> None:
    with work.client("admin") as admin:
        for params, field in (
            ({"status": "nope"}, "status"),
            ({"country": "XX"}, "country"),
            ({"owner": "nobody@example.invalid"}, "owner"),
            ({"page": "0"}, "page"),
            ({"page": "two"}, "page"),
        ):
            twin = admin.get("/leads.json", params=params)
            assert twin.status_code == 422, params
            assert twin.json()["error"]["field"] == field
            page = admin.get("/leads", params=params)
            assert page.status_code == 422
            assert f'data-testid="leads-error">{field}: ' in page.text


# -- rights ------------------------------------------------------------------------------------


def test_an_own_user_sees_only_their_leads(work: Work) -> None:
    own = work.logins["own"]
    assert own.rights.leads == "own"
    with work.engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(leads).where(leads.c.owner_id == own.id)
        ).scalar_one()
        other = conn.execute(
            select(leads.c.id).where(leads.c.owner_id != own.id).order_by(leads.c.id)
        ).scalar()
        unowned = conn.execute(select(leads.c.id).where(leads.c.owner_id.is_(None))).scalar()
    assert count > 0
    mine = [lead["id"] for lead in all_leads(work.engine) if lead["owner_id"] == own.id]
    with work.client("own") as client:
        body = listed(client)
        assert body["total"] == count
        assert every_id(client) == mine
        owners = [o["value"] for o in body["filters"]["options"]["owner"]]
        assert owners == ["", own.email]
        # a search or a filter never reaches beyond the rights
        assert listed(client, owner=DEMO_ADMIN)["total"] == 0
        for hidden in (other, unowned):
            if hidden is None:
                continue
            assert client.get(f"/leads/{hidden}").status_code == 404
            assert client.get(f"/leads/{hidden}.json").status_code == 404
        assert client.get(f"/leads/{mine[0]}").status_code == 200
        html = client.get("/leads").text
        assert f'data-total="{count}"' in html
        assert html.count("<tr data-lead-id=") == min(count, PAGE)


def test_a_group_user_sees_their_groups_leads(work: Work) -> None:
    group = work.logins["group"]
    assert group.rights.leads == "group"
    members = group_members(work.engine, group.id)
    assert len(members) > 1
    expected = [lead["id"] for lead in all_leads(work.engine) if lead["owner_id"] in members]
    with work.engine.connect() as conn:
        member_emails = set(
            conn.execute(select(associates.c.email).where(associates.c.id.in_(members))).scalars()
        )
        countries = {
            str(c)
            for c in conn.execute(
                select(func.coalesce(leads.c.country, companies.c.country))
                .select_from(leads.outerjoin(companies, companies.c.id == leads.c.company_id))
                .where(leads.c.owner_id.in_(members))
            ).scalars()
            if c
        }
    with work.client("group") as client:
        assert every_id(client) == expected
        options = listed(client)["filters"]["options"]
        assert {o["value"] for o in options["owner"]} - {""} == member_emails
        assert {o["value"] for o in options["country"]} - {"", "none"} == countries


def test_a_token_acting_as_a_user_has_their_rights(work: Work) -> None:
    own = work.logins["own"]
    with work.engine.begin() as conn:
        secret = create_token(conn, "lead list test", work.app.state.clock.now(), own.id)
        integration = create_token(conn, "lead list integration", work.app.state.clock.now())
    try:
        with work.client(None) as bare, work.client("own") as session:
            mine = bare.get("/leads.json", headers={"Authorization": f"Bearer {secret}"})
            assert mine.status_code == 200
            assert mine.json()["leads"] == listed(session)["leads"]
            everything = bare.get(
                "/leads.json", headers={"Authorization": f"Bearer {integration}"}
            ).json()
            assert everything["total"] == len(all_leads(work.engine))
            assert everything["user"] is None
    finally:
        with work.engine.begin() as conn:
            conn.execute(delete(api_tokens).where(api_tokens.c.name.like("lead list %")))


def test_anonymous_is_sent_to_log_in(work: Work) -> None:
    with work.client(None) as anonymous:
        page = anonymous.get("/leads")
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login")
        assert anonymous.get("/leads.json").status_code == 401
        assert anonymous.get("/forms").status_code == 303
        assert anonymous.post("/leads/1/status", data={"status": "open"}).status_code in (
            303,
            403,
        )


# -- the forms list ----------------------------------------------------------------------------


def test_forms_list_counts_what_the_viewer_may_see(work: Work) -> None:
    own = work.logins["own"]
    with work.engine.connect() as conn:
        every_form = conn.execute(select(forms.c.key, forms.c.name, forms.c.id)).all()
        all_counts: dict[int, int] = dict(
            conn.execute(
                select(form_submissions.c.form_id, func.count()).group_by(
                    form_submissions.c.form_id
                )
            ).all()
        )
        own_counts: dict[int, int] = dict(
            conn.execute(
                select(form_submissions.c.form_id, func.count())
                .join(leads, leads.c.id == form_submissions.c.lead_id)
                .where(leads.c.owner_id == own.id)
                .group_by(form_submissions.c.form_id)
            ).all()
        )
    assert every_form
    assert sum(all_counts.values()) > sum(own_counts.values()) > 0
    for kind, counts in (("admin", all_counts), ("own", own_counts)):
        with work.client(kind) as client:
            page = client.get("/forms", params={"lang": "en"})
            assert page.status_code == 200
            for key, name, form_id in every_form:
                row = re.search(
                    rf'<tr data-form-key="{re.escape(key)}">(.*?)</tr>', page.text, re.S
                )
                assert row, key
                assert f'href="/forms/{key}?lang=en"' in row.group(1)
                assert f'href="/f/{key}?lang=nl"' in row.group(1)
                cell = re.search(r'data-testid="form-submissions">([^<]*)<', row.group(1))
                assert cell, (kind, key)
                shown = unescape(cell.group(1)).replace(",", "")
                assert shown == str(counts.get(form_id, 0)), (kind, key)
                assert unescape(name) in unescape(row.group(1))


# -- the navigation bar ------------------------------------------------------------------------


def nav_links(html: str) -> dict[str, bool]:
    """The nav bar's links: href -> whether it is marked the current page."""
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav, "no navigation bar"
    return {
        m.group(1).split("?")[0]: "aria-current" in m.group(0)
        for m in re.finditer(r'<a href="([^"]+)"[^>]*>', nav.group(0))
    }


def test_nav_bar_marks_the_section_and_shows_admin_to_admins(work: Work) -> None:
    # the admin's bar: Dashboards (the list of dashboards), Leads, Forms, Selections, Admin
    links = ["/dashboards", "/leads", "/forms", "/selections", "/admin"]

    def marked(html: str, current: str | None, shown: list[str] = links) -> None:
        assert list(nav_links(html)) == shown
        assert nav_links(html) == {href: href == current for href in shown}

    with work.client("admin") as admin, work.client("own") as own:
        marked(admin.get("/leads").text, "/leads")
        lead_id = listed(admin)["leads"][0]["id"]
        marked(admin.get(f"/leads/{lead_id}").text, "/leads")
        marked(admin.get("/dashboards/marketing").text, "/dashboards")
        marked(admin.get("/dashboards").text, "/dashboards")
        marked(admin.get("/forms").text, "/forms")
        marked(admin.get("/selections").text, "/selections")
        marked(admin.get("/admin/users").text, "/admin")
        # a user without the admin role: no Admin link
        mine = own.get("/leads").text
        marked(mine, "/leads", links[:-1])
        assert "/admin" not in re.search(r'<nav class="mainnav".*?</nav>', mine, re.S).group(0)  # type: ignore[union-attr]
        marked(own.get("/selections").text, "/selections", links[:-1])
        nl = own.get("/leads", params={"lang": "nl"}).text
        assert "Formulieren" in nl
        assert "Selecties" in nl
        assert 'href="/leads?lang=nl"' in nl
        assert 'href="/dashboards?lang=nl"' in nl
        assert 'href="/selections?lang=nl"' in nl
        login = work.client(None).get("/login").text
        assert 'class="mainnav"' not in login


def test_every_page_sends_the_csrf_token_on_htmx_requests(work: Work) -> None:
    with work.client("admin") as admin:
        page = admin.get("/leads").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        header = re.search(r"<body[^>]*hx-headers='([^']+)'", page)
        assert token
        assert header
        assert json.loads(unescape(header.group(1))) == {"X-CSRF-Token": token.group(1)}
        # the header is enough for a state-changing htmx post
        lead_id = listed(admin)["leads"][0]["id"]
        with work.engine.connect() as conn:
            before = conn.execute(
                select(func.count()).where(lead_status_history.c.lead_id == lead_id)
            ).scalar_one()
        current = listed(admin)["leads"][0]["status"]["key"]
        refused = admin.post(f"/leads/{lead_id}/status", data={"status": current})
        assert refused.status_code == 403
        allowed = admin.post(
            f"/leads/{lead_id}/status",
            data={"status": current},
            headers={"X-CSRF-Token": token.group(1), "HX-Request": "true"},
        )
        assert allowed.status_code == 303
        with work.engine.connect() as conn:
            after = conn.execute(
                select(func.count()).where(lead_status_history.c.lead_id == lead_id)
            ).scalar_one()
        assert after == before  # the same status: nothing to record
