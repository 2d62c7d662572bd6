"""The admin pages (issue 10 item 3), on SQLite and PostgreSQL: who may open them (anonymous:
the log-in form; user and dashboard-admin: 403; admin: the page), and that what an admin changes
through the real forms (with their CSRF field, Post/Redirect/Get) is what the database holds
afterwards, read back with SQL written here: users (added users log in through /login; a
deactivation, a new password and a new role refuse the user's old session at once; a role's new
rights hold on the user's next request), groups, roles, lead statuses and currency rates. Bad
input shows the form again with the message at its field (422), an unknown subject is 404, a
missing CSRF token 403 and nothing changes; markup in a name is shown as text.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from html import unescape
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.auth.passwords import hash_password
from leadboard.auth.tokens import create_token
from leadboard.clock import FixedClock
from leadboard.db.schema import (
    associate_groups,
    associates,
    currency_rates,
    lead_statuses,
    leads,
    metadata,
    roles,
)
from leadboard.settings import Settings
from tests.conftest import PostgresServer, database_url

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
PASSWORD = "admin-tests-1"
ADMIN = "boss@example.com"
DASH = "dash@example.com"
USER = "rep@example.com"
OTHER = "other@example.com"
# the session secret, the schema and the data versions
KEPT = {"meta", "alembic_version", "data_versions", "partition_versions"}

# Every admin page (GET) and every admin form (POST), with a valid body for an admin.
PAGES = [
    "/admin",
    "/admin/users",
    f"/admin/users/{USER}",
    "/admin/groups",
    "/admin/roles",
    "/admin/statuses",
    "/admin/rates",
]
FORMS: list[tuple[str, dict[str, str]]] = [
    ("/admin/users", {"email": "new@example.com", "password": "password-9"}),
    (f"/admin/users/{USER}", {"name": "Rep", "role": "user", "group": "", "active": "yes"}),
    (f"/admin/users/{USER}/password", {"password": "password-9"}),
    ("/admin/groups", {"name": "Team"}),
    ("/admin/roles", {"key": "viewer", "name": "Viewer", "leads": "own", "sales": "own"}),
    ("/admin/roles/user", {"name": "User", "leads": "all", "sales": "group"}),
    ("/admin/statuses", {"name_en": "Demo", "name_nl": "Demo"}),
    ("/admin/statuses/contacting", {"name_en": "Calling", "name_nl": "Bellen", "on_funnel": "1"}),
    ("/admin/statuses/qualified/move", {"direction": "up"}),
    ("/admin/statuses/contacting/delete", {}),
    ("/admin/rates", {"currency": "USD", "rate": "0.92"}),
]


@cache
def password_hash(password: str) -> str:
    return str(hash_password(password))  # argon2 is slow on purpose: once per password


class AdminSite:
    """The app on one database per engine; `reset` empties it for the next test (keeping the
    seeded roles and statuses as the migrations made them) and adds an admin, a dashboard
    admin and a user (own rights: no group)."""

    def __init__(self, url: str) -> None:
        settings = Settings(database_url=url, secret_key="admin-tests", base_currency="EUR")
        self.app = create_app(settings, FixedClock(NOW))
        self.engine: Engine = self.app.state.engine
        with self.engine.connect() as conn:
            self.seed = {
                table: [dict(row._mapping) for row in conn.execute(select(table))]
                for table in (roles, lead_statuses)
            }
        self.clients: list[TestClient] = []

    def reset(self) -> None:
        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                if table.name not in KEPT:
                    conn.execute(delete(table))
            for table, rows in self.seed.items():
                conn.execute(insert(table), rows)
        self.add(ADMIN, "admin")
        self.add(DASH, "dashboard-admin")
        self.add(USER, "user")

    def add(self, email: str, role: str, password: str | None = PASSWORD) -> int:
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(associates)
                    .values(
                        email=email,
                        name=email.split("@")[0].title(),
                        role=role,
                        active=True,
                        password_hash=password_hash(password) if password else None,
                    )
                    .returning(associates.c.id)
                ).scalar_one()
            )

    def client(self) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        self.clients.append(client)
        return client

    def signed_in(self, email: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        response = log_in(client, email, password)
        assert response.status_code == 303, response.text
        return client

    def token(self, email: str | None) -> dict[str, str]:
        """An API token acting as `email` (None: an integration, no user)."""
        with self.engine.begin() as conn:
            associate_id = None
            if email is not None:
                associate_id = conn.execute(
                    select(associates.c.id).where(associates.c.email == email)
                ).scalar_one()
            secret = create_token(conn, f"t-{email}", NOW, associate_id)
        return {"Authorization": f"Bearer {secret}"}

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.engine.dispose()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client: TestClient, email: str, password: str) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token, "next": "/"}
    )


def post(client: TestClient, path: str, data: dict[str, str], csrf: bool = True) -> Any:
    """A form post as the browser sends it: with the page's CSRF token."""
    body = dict(data)
    if csrf:
        body["csrf_token"] = csrf_of(client.get("/admin").text)
    return client.post(path, data=body)


def errors_on(html: str) -> dict[str, str]:
    """The messages shown next to fields, by field (as the reader sees them: unescaped)."""
    return {k: unescape(v) for k, v in re.findall(r'data-field="([^"]+)">([^<]*)<', html)}


def notice(html: str) -> str:
    found = re.search(r'data-testid="admin-notice">([^<]*)<', html)
    assert found, "no notice on the page"
    return found.group(1)


def signed_in_as(client: TestClient) -> bool:
    """Whether the client's session still holds (GET /logout offers its button only then)."""
    return int(client.get("/logout").status_code) == 200


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
def admin(site: AdminSite) -> TestClient:
    return site.signed_in(ADMIN)


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


def _statuses(site: AdminSite) -> list[Any]:
    with site.engine.connect() as conn:
        return list(
            conn.execute(
                select(
                    lead_statuses.c.key,
                    lead_statuses.c.name_en,
                    lead_statuses.c.name_nl,
                    lead_statuses.c.on_funnel,
                    lead_statuses.c.active,
                ).order_by(lead_statuses.c.rank, lead_statuses.c.id)
            )
        )


# -- who may open the pages ----------------------------------------------------------------------


def test_every_page_and_form_by_who_asks(site: AdminSite) -> None:
    anonymous = site.client()
    viewers = {"user": site.signed_in(USER), "dashboard-admin": site.signed_in(DASH)}
    admin = site.signed_in(ADMIN)
    for path in PAGES:
        answer = anonymous.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next="), path
        for who, client in viewers.items():
            refused = client.get(path)
            assert refused.status_code == 403, (who, path)
            assert "text/html" in refused.headers["content-type"]
            assert "Only admins may open the administration pages." in refused.text
        assert admin.get(path).status_code == 200, path
    for path, data in FORMS:
        assert anonymous.post(path, data=data).status_code == 303, path
        for who, client in viewers.items():
            body = {**data, "csrf_token": csrf_of(client.get("/logout").text)}
            assert client.post(path, data=body).status_code == 403, (who, path)
    # Nothing a non-admin posted changed anything.
    assert _user(site, "new@example.com") is None
    assert [s.key for s in _statuses(site)][:3] == ["open", "contacting", "qualified"]
    for path, data in FORMS:
        answer = post(admin, path, data)
        assert answer.status_code == 303, (path, answer.text)
        assert answer.headers["location"].startswith("/admin"), path


def test_the_index_links_every_section_in_both_languages(admin: TestClient) -> None:
    page = admin.get("/admin").text
    for section in ("users", "groups", "roles", "statuses", "rates"):
        assert f'href="/admin/{section}" data-testid="admin-section-{section}"' in page
    dutch = admin.get("/admin?lang=nl").text
    assert "Gebruikers" in dutch
    assert "Wisselkoersen" in dutch
    assert 'href="/admin/users?lang=nl"' in dutch  # links keep the language


# -- users ---------------------------------------------------------------------------------------


def test_a_user_added_on_the_page_logs_in(site: AdminSite, admin: TestClient) -> None:
    with site.engine.begin() as conn:
        conn.execute(insert(associate_groups).values(name="North"))
    answer = post(
        admin,
        "/admin/users",
        {
            "email": "Ann.Smit@Example.com",
            "name": "Ann Smit",
            "role": "dashboard-admin",
            "group": "North",
            "password": "ann-secret-1",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/users"
    listed = admin.get("/admin/users").text
    assert notice(listed) == "User ann.smit@example.com added."
    assert 'data-email="ann.smit@example.com"' in listed
    stored = _user(site, "ann.smit@example.com")
    assert (stored.name, stored.role, stored.group, stored.active) == (
        "Ann Smit",
        "dashboard-admin",
        "North",
        True,
    )
    assert "ann-secret-1" not in stored.password_hash  # hashed

    ann = site.client()
    assert log_in(ann, "ann.smit@example.com", "ann-secret-1").status_code == 303
    home = ann.get("/")
    assert home.status_code == 303
    assert home.headers["location"].startswith("/dashboards/")
    assert ann.get(home.headers["location"]).status_code == 200
    assert ann.get("/admin").status_code == 403  # a dashboard admin is not an admin


def test_a_user_without_a_password_cannot_log_in_until_one_is_set(
    site: AdminSite, admin: TestClient
) -> None:
    assert post(admin, "/admin/users", {"email": "later@example.com"}).status_code == 303
    assert _user(site, "later@example.com").password_hash is None
    later = site.client()
    assert log_in(later, "later@example.com", "").status_code == 200  # the form again
    answer = post(admin, "/admin/users/later@example.com/password", {"password": "now-set-12"})
    assert answer.status_code == 303
    assert log_in(later, "later@example.com", "now-set-12").status_code == 303


def test_an_imported_associate_is_made_a_user(site: AdminSite, admin: TestClient) -> None:
    site.add("imported@example.com", "user", password=None)
    answer = post(admin, "/admin/users", {"email": "imported@example.com", "password": "pass-1234"})
    assert answer.status_code == 303
    assert notice(admin.get("/admin/users").text) == "imported@example.com is now a user."
    # Who can log in already is a duplicate: 409, the message at the email field.
    again = post(admin, "/admin/users", {"email": "imported@example.com", "password": "x" * 9})
    assert again.status_code == 409
    assert errors_on(again.text) == {
        "email": "imported@example.com is already a user who can log in"
    }


def test_deactivation_refuses_the_users_session_at_once(site: AdminSite, admin: TestClient) -> None:
    rep = site.signed_in(USER)
    assert signed_in_as(rep)
    answer = post(admin, f"/admin/users/{USER}", {"name": "Rep", "role": "user", "active": "no"})
    assert answer.status_code == 303
    assert notice(admin.get(answer.headers["location"]).text) == f"{USER} saved."
    assert _user(site, USER).active is False
    assert not signed_in_as(rep)
    refused = rep.get("/")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/login")
    assert log_in(site.client(), USER, PASSWORD).status_code == 200  # cannot log in again


def test_a_password_reset_refuses_the_old_session(site: AdminSite, admin: TestClient) -> None:
    rep = site.signed_in(USER)
    answer = post(admin, f"/admin/users/{USER}/password", {"password": "brand-new-pw"})
    assert answer.status_code == 303
    assert "brand-new-pw" not in admin.get(answer.headers["location"]).text
    assert not signed_in_as(rep)
    assert log_in(site.client(), USER, PASSWORD).status_code == 200  # the old one: refused
    assert log_in(site.client(), USER, "brand-new-pw").status_code == 303


def test_the_admins_own_password_reset_keeps_them_signed_in(
    site: AdminSite, admin: TestClient
) -> None:
    other = site.signed_in(ADMIN)  # a second session of the same admin
    answer = post(admin, f"/admin/users/{ADMIN}/password", {"password": "my-new-secret"})
    assert answer.status_code == 303
    assert admin.get("/admin").status_code == 200  # this session starts afresh
    assert not signed_in_as(other)  # every other one ended


def test_a_new_role_refuses_the_session_and_gives_the_new_rights(
    site: AdminSite, admin: TestClient
) -> None:
    rep = site.signed_in(USER)
    assert rep.get("/admin").status_code == 403
    answer = post(admin, f"/admin/users/{USER}", {"name": "Rep", "role": "admin", "active": "yes"})
    assert answer.status_code == 303
    assert _user(site, USER).role == "admin"
    assert not signed_in_as(rep)  # the old session is refused
    again = site.signed_in(USER)
    assert again.get("/admin").status_code == 200


def test_a_roles_new_rights_hold_on_the_users_next_request(
    site: AdminSite, admin: TestClient
) -> None:
    """The user (role `user`, no group: own leads) sees one lead; the role gets `all`: the same
    session sees every lead on its next request, without logging in again."""
    integration = site.token(None)
    api = site.client()
    site.add(OTHER, "user", password=None)
    for n, owner in enumerate((USER, OTHER, OTHER)):
        lead = {"email": f"lead{n}@example.org", "owner": owner}
        assert api.post("/api/leads", json=lead, headers=integration).status_code == 201
    rep = site.signed_in(USER)
    with site.engine.connect() as conn:
        rep_id = conn.execute(select(associates.c.id).where(associates.c.email == USER)).scalar()
        own = len(list(conn.execute(select(leads.c.id).where(leads.c.owner_id == rep_id))))
        every = len(list(conn.execute(select(leads.c.id))))
    assert (own, every) == (1, 3)
    assert rep.get("/api/leads").json()["total"] == own
    answer = post(admin, "/admin/roles/user", {"name": "User", "leads": "all", "sales": "group"})
    assert answer.status_code == 303
    with site.engine.connect() as conn:
        stored = conn.execute(select(roles.c.leads_rights).where(roles.c.key == "user")).scalar()
    assert stored == "all"
    assert signed_in_as(rep)  # a role's rights change ends no session ...
    assert rep.get("/api/leads").json()["total"] == every  # ... and holds at once


def test_the_last_active_admin_stays(site: AdminSite, admin: TestClient) -> None:
    answer = post(admin, f"/admin/users/{ADMIN}", {"name": "Boss", "role": "admin", "active": "no"})
    assert answer.status_code == 422
    assert errors_on(answer.text) == {"active": f"{ADMIN} is the last active admin"}
    assert _user(site, ADMIN).active is True


def test_bad_input_is_shown_at_its_field(site: AdminSite, admin: TestClient) -> None:
    cases = [
        ({"email": "not-an-email"}, "email", "not an email address: 'not-an-email'"),
        ({"email": "a@example.com", "role": "boss"}, "role", "no role 'boss'"),
        ({"email": "a@example.com", "group": "Nowhere"}, "group", "no group 'Nowhere'"),
        ({"email": "a@example.com", "password": "short"}, "password", "at least 8 characters"),
        ({"email": "a@example.com", "name": "x" * 201}, "name", "at most 200 characters"),
    ]
    for data, field, message in cases:
        answer = post(admin, "/admin/users", data)
        assert answer.status_code == 422, data
        shown = errors_on(answer.text)
        assert list(shown) == [field], data
        assert message in shown[field], (data, shown)
        assert 'data-testid="admin-error"' in answer.text
        assert 'aria-invalid="true"' in answer.text
        # The form keeps what was typed, except the password.
        assert 'value="a@example.com"' in answer.text or data["email"] == "not-an-email"
        assert "short" not in answer.text.split('id="f-password"')[1].split(">")[0]
    assert _user(site, "a@example.com") is None
    dutch = post(admin, "/admin/users?lang=nl", {"email": "nope"})
    assert dutch.status_code == 422
    assert "Niet opgeslagen" in dutch.text


def test_unknown_users_and_keys_are_404(admin: TestClient) -> None:
    assert admin.get("/admin/users/nobody@example.com").status_code == 404
    for path, data in [
        ("/admin/users/nobody@example.com", {"name": "X", "role": "user"}),
        ("/admin/users/nobody@example.com/password", {"password": "long-enough"}),
        ("/admin/roles/nobody", {"name": "X", "leads": "own", "sales": "own"}),
        ("/admin/statuses/nothing", {"name_en": "X", "name_nl": "X"}),
        ("/admin/statuses/nothing/move", {"direction": "up"}),
        ("/admin/statuses/nothing/delete", {}),
    ]:
        answer = post(admin, path, data)
        assert answer.status_code == 404, path
        assert "text/html" in answer.headers["content-type"]


def test_a_form_without_its_csrf_token_is_refused(site: AdminSite, admin: TestClient) -> None:
    for path, data in FORMS:
        answer = post(admin, path, data, csrf=False)
        assert answer.status_code == 403, path
        assert "The form had expired" in answer.text
        wrong = admin.post(path, data={**data, "csrf_token": "forged"})
        assert wrong.status_code == 403, path
    assert _user(site, "new@example.com") is None
    assert _user(site, USER).password_hash == password_hash(PASSWORD)
    with site.engine.connect() as conn:
        assert conn.execute(select(associate_groups.c.name)).first() is None
        assert conn.execute(select(currency_rates.c.currency)).first() is None
    assert [(s.key, s.name_en, s.active) for s in _statuses(site)][:2] == [
        ("open", "Open", True),
        ("contacting", "Contacting", True),
    ]


def test_markup_in_a_name_is_shown_as_text(site: AdminSite, admin: TestClient) -> None:
    name = '<script>alert("x")</script><b>Bold</b>'
    answer = post(admin, "/admin/users", {"email": "xss@example.com", "name": name})
    assert answer.status_code == 303
    assert _user(site, "xss@example.com").name == name
    for page in (admin.get("/admin/users").text, admin.get("/admin/users/xss@example.com").text):
        assert name not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;" in page
    group = post(admin, "/admin/groups", {"name": "<i>Team</i>"})
    assert group.status_code == 303
    assert "&lt;i&gt;Team&lt;/i&gt;" in admin.get("/admin/groups").text


# -- groups and roles ----------------------------------------------------------------------------


def test_groups_are_added_and_listed(site: AdminSite, admin: TestClient) -> None:
    assert post(admin, "/admin/groups", {"name": "North"}).status_code == 303
    page = admin.get("/admin/groups").text
    assert notice(page) == "Group North added."
    assert "<td>North</td><td>0</td>" in page
    duplicate = post(admin, "/admin/groups", {"name": "north"})
    assert duplicate.status_code == 409
    assert errors_on(duplicate.text) == {"name": "a group named 'north' exists already"}
    empty = post(admin, "/admin/groups", {"name": "  "})
    assert empty.status_code == 422
    assert errors_on(empty.text) == {"name": "cannot be empty"}
    with site.engine.connect() as conn:
        assert [r.name for r in conn.execute(select(associate_groups.c.name))] == ["North"]
    # A user joins the group on their page; the list counts them.
    answer = post(admin, f"/admin/users/{USER}", {"name": "Rep", "role": "user", "group": "North"})
    assert answer.status_code == 303
    assert _user(site, USER).group == "North"
    assert "<td>North</td><td>1</td>" in admin.get("/admin/groups").text


def test_roles_are_added_and_changed_but_admin_is_not(site: AdminSite, admin: TestClient) -> None:
    answer = post(admin, "/admin/roles", {"key": "Sales-Rep", "name": "Sales rep", "leads": "own"})
    assert answer.status_code == 303
    page = admin.get("/admin/roles").text
    assert notice(page) == "Role sales-rep added."
    assert 'data-role="sales-rep" data-leads="own" data-sales="group"' in page
    change = post(admin, "/admin/roles/sales-rep", {"name": "Rep", "leads": "all", "sales": "own"})
    assert change.status_code == 303
    with site.engine.connect() as conn:
        row = conn.execute(select(roles).where(roles.c.key == "sales-rep")).one()
    assert (row.name, row.leads_rights, row.sales_rights, row.builtin) == (
        "Rep",
        "all",
        "own",
        False,
    )

    refused = post(admin, "/admin/roles/admin", {"name": "Boss", "leads": "own", "sales": "own"})
    assert refused.status_code == 422
    assert errors_on(refused.text) == {
        "key": "the admin role cannot be changed: it always has all rights"
    }
    bad = post(admin, "/admin/roles/sales-rep", {"name": "Rep", "leads": "most", "sales": "own"})
    assert bad.status_code == 422
    assert errors_on(bad.text) == {"leads": "use one of own, group, all, not 'most'"}
    duplicate = post(admin, "/admin/roles", {"key": "user"})
    assert duplicate.status_code == 409
    assert errors_on(duplicate.text) == {"key": "a role 'user' exists already"}
    badkey = post(admin, "/admin/roles", {"key": "9lives"})
    assert badkey.status_code == 422
    assert list(errors_on(badkey.text)) == ["key"]
    with site.engine.connect() as conn:
        admin_row = conn.execute(select(roles).where(roles.c.key == "admin")).one()
    assert (admin_row.leads_rights, admin_row.sales_rights) == ("all", "all")


# -- lead statuses -------------------------------------------------------------------------------


def test_statuses_are_added_renamed_translated_reordered_and_deleted(
    site: AdminSite, admin: TestClient
) -> None:
    before = _statuses(site)
    keys = [s.key for s in before]
    assert keys[0] == "open"

    added = post(admin, "/admin/statuses", {"name_en": "Demo given", "on_funnel": "1"})
    assert added.status_code == 303
    assert notice(admin.get("/admin/statuses").text) == "Status demo-given added."
    last = _statuses(site)[-1]
    assert (last.key, last.name_en, last.name_nl, last.on_funnel) == (
        "demo-given",
        "Demo given",
        "Demo given",  # the Dutch name defaults to the English one
        True,
    )

    # Rename (en) and translate (nl) in the row's form; unticking the box takes it off the path.
    renamed = post(
        admin, "/admin/statuses/demo-given", {"name_en": "Demo", "name_nl": "Demo gegeven"}
    )
    assert renamed.status_code == 303
    last = _statuses(site)[-1]
    assert (last.key, last.name_en, last.name_nl, last.on_funnel) == (
        "demo-given",
        "Demo",
        "Demo gegeven",
        False,
    )
    assert "Demo gegeven" in admin.get("/admin/statuses?lang=nl").text

    # Up one place: it swaps with the one before it.
    moved = post(admin, "/admin/statuses/demo-given/move", {"direction": "up"})
    assert moved.status_code == 303
    assert [s.key for s in _statuses(site)] == [*keys[:-1], "demo-given", keys[-1]]
    first = post(admin, "/admin/statuses/open/move", {"direction": "up"})  # first stays first
    assert first.status_code == 303
    assert _statuses(site)[0].key == "open"

    deleted = post(admin, "/admin/statuses/demo-given/delete", {})
    assert deleted.status_code == 303
    rows = {s.key: s for s in _statuses(site)}
    assert rows["demo-given"].active is False
    page = admin.get("/admin/statuses").text
    assert 'data-testid="deleted-statuses"' in page
    assert 'data-status="demo-given"' in page.split('data-testid="deleted-statuses"')[1]
    assert 'data-testid="save-status-demo-given"' not in page


def test_open_cannot_be_deleted_nor_leave_the_funnel(site: AdminSite, admin: TestClient) -> None:
    refused = post(admin, "/admin/statuses/open/delete", {})
    assert refused.status_code == 422
    assert errors_on(refused.text) == {"key": "Open cannot be deleted: every new lead starts there"}
    off = post(admin, "/admin/statuses/open", {"name_en": "Open", "name_nl": "Open"})
    assert off.status_code == 422
    assert errors_on(off.text) == {
        "on_funnel": "Open is where every lead starts: it stays on the funnel path"
    }
    empty = post(admin, "/admin/statuses/contacting", {"name_en": " ", "name_nl": "Contact"})
    assert empty.status_code == 422
    assert errors_on(empty.text) == {"name_en": "a status name cannot be empty"}
    assert 'value="Contact"' in empty.text  # the row keeps what was typed
    badkey = post(admin, "/admin/statuses", {"name_en": "X", "key": "Not OK"})
    assert badkey.status_code == 422
    assert list(errors_on(badkey.text)) == ["key"]
    duplicate = post(admin, "/admin/statuses", {"name_en": "Qualified"})
    assert duplicate.status_code == 409
    assert errors_on(duplicate.text) == {"key": "a status with key 'qualified' already exists"}
    rows = {s.key: s for s in _statuses(site)}
    assert rows["open"].active is True
    assert rows["open"].on_funnel is True
    assert rows["contacting"].name_en == "Contacting"
    assert "x" not in rows


# -- currency rates ------------------------------------------------------------------------------


def test_rates_are_set_and_listed(site: AdminSite, admin: TestClient) -> None:
    assert post(admin, "/admin/rates", {"currency": "usd", "rate": "0.92"}).status_code == 303
    assert post(admin, "/admin/rates", {"currency": "GBP", "rate": "1.17"}).status_code == 303
    assert post(admin, "/admin/rates", {"currency": "USD", "rate": "0.9"}).status_code == 303
    page = admin.get("/admin/rates").text
    assert notice(page) == "1 USD = 0.9 EUR."
    assert re.findall(
        r'data-currency="([A-Z]{3})"><th scope="row">\1</th><td data-rate="([^"]+)"', page
    ) == [
        ("GBP", "1.17"),
        ("USD", "0.9"),
    ]
    with site.engine.connect() as conn:
        query = select(currency_rates.c.currency, currency_rates.c.rate)
        stored = {row.currency: row.rate for row in conn.execute(query)}
    assert stored == {"GBP": "1.17", "USD": "0.9"}
    for data, field in [
        ({"currency": "US", "rate": "1"}, "currency"),
        ({"currency": "EUR", "rate": "1"}, "currency"),  # the base currency
        ({"currency": "CHF", "rate": "-1"}, "rate"),
        ({"currency": "CHF", "rate": "lots"}, "rate"),
        ({"currency": "CHF", "rate": "1" * 41}, "rate"),
    ]:
        answer = post(admin, "/admin/rates", data)
        assert answer.status_code == 422, data
        assert list(errors_on(answer.text)) == [field], data
    with site.engine.connect() as conn:
        assert conn.execute(select(currency_rates.c.currency)).scalars().all() == ["GBP", "USD"]


def test_a_nul_in_a_path_is_a_bad_parameter_not_a_server_error(admin: TestClient) -> None:
    for path in ("/admin/users/a%00b@example.com", "/admin/statuses/a%00b/delete"):
        method = admin.get if "users" in path else admin.post
        answer = method(path)
        assert answer.status_code == 422, path
        assert "text/html" in answer.headers["content-type"]
