"""Sessions you can end (issue 10 item 6), on SQLite and PostgreSQL: the session cookie carries a
random token of a server-side session, so logout, a password change, deactivation and a role
change refuse the old cookie on the very next request; log-in throttling per account and per
client address (the 11th failure within 15 minutes gets 429 with Retry-After); who cannot log
in; the cookie's flags."""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.db.schema import associates, sessions
from leadboard.domain.users import add_group, add_user, set_password, set_user
from leadboard.settings import Settings
from tests.web.conftest import csrf_of

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PASSWORD = "right-password"
COOKIE = "leadboard_session"


class MovableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class Site:
    """The app on a fresh database, its clock, and clients from chosen addresses."""

    def __init__(self, db_url: str, **settings: Any) -> None:
        self.clock = MovableClock(START)
        self.app = create_app(Settings(database_url=db_url, secret_key="s", **settings), self.clock)
        self.engine: Engine = self.app.state.engine
        self._clients: list[TestClient] = []

    def client(self, address: str = "10.0.0.1", scheme: str = "http") -> TestClient:
        client = TestClient(
            self.app,
            base_url=f"{scheme}://testserver",
            follow_redirects=False,
            client=(address, 40000),
        )
        self._clients.append(client)
        return client

    def user(self, email: str, password: str | None = PASSWORD, **options: Any) -> None:
        with self.engine.begin() as conn:
            add_user(conn, email, now=self.clock.now(), password=password, **options)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self.engine.dispose()


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    made = Site(db_url)
    made.user("ann@example.com")
    yield made
    made.close()


def attempt(client: TestClient, email: str, password: str) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token, "next": "/"}
    )


def log_in(client: TestClient, email: str = "ann@example.com", password: str = PASSWORD) -> str:
    answer = attempt(client, email, password)
    assert answer.status_code == 303, answer.text
    return str(client.cookies[COOKIE])


def signed_in(site: Site, cookie: str) -> bool:
    """Does this cookie open a page and the API? (Both ask the session.)"""
    fresh = site.client("10.9.9.9")
    fresh.cookies.set(COOKIE, cookie)
    page = fresh.get("/logout")  # 200 with the log-out button when signed in, else 303 /login
    api = fresh.get("/api/leads?page_size=1")
    assert (page.status_code == 200) == (api.status_code == 200), (page, api)
    assert page.status_code in (200, 303)
    assert api.status_code in (200, 401)
    return page.status_code == 200


# -- sessions end when they should ---------------------------------------------------------------


def test_logout_refuses_the_old_cookie(site: Site) -> None:
    client = site.client()
    cookie = log_in(client)
    other = log_in(site.client("10.0.0.2"))  # the same user elsewhere
    assert signed_in(site, cookie)
    assert signed_in(site, other)
    page = client.get("/logout")
    out = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert (out.status_code, out.headers["location"]) == (303, "/login?logged_out=1")
    assert not signed_in(site, cookie)  # a copy of the cookie is worth nothing now
    assert signed_in(site, other)  # logging out ends this session only


def test_a_password_change_ends_every_session(site: Site) -> None:
    cookie = log_in(site.client())
    with site.engine.begin() as conn:
        set_password(conn, "ann@example.com", "another-password", now=site.clock.now())
    assert not signed_in(site, cookie)
    assert attempt(site.client(), "ann@example.com", PASSWORD).status_code == 200  # refused
    assert signed_in(site, log_in(site.client(), password="another-password"))


def test_deactivation_ends_every_session_and_log_in(site: Site) -> None:
    cookie = log_in(site.client())
    with site.engine.begin() as conn:
        set_user(conn, "ann@example.com", active=False, now=site.clock.now())
    assert not signed_in(site, cookie)
    refused = attempt(site.client(), "ann@example.com", PASSWORD)
    assert refused.status_code == 200
    assert 'data-testid="login-error"' in refused.text
    with site.engine.begin() as conn:
        set_user(conn, "ann@example.com", active=True, now=site.clock.now())
    assert not signed_in(site, cookie)  # reactivation does not bring an ended session back
    assert signed_in(site, log_in(site.client()))


def test_a_role_change_ends_every_session(site: Site) -> None:
    cookie = log_in(site.client())
    with site.engine.begin() as conn:
        set_user(conn, "ann@example.com", role="dashboard-admin", now=site.clock.now())
    assert not signed_in(site, cookie)
    assert signed_in(site, log_in(site.client()))


def test_a_group_change_keeps_the_session(site: Site) -> None:
    """Rights are read on every request, so a new group needs no new log-in."""
    cookie = log_in(site.client())
    with site.engine.begin() as conn:
        add_group(conn, "Team")
        set_user(conn, "ann@example.com", group="Team", role="user", now=site.clock.now())
    assert signed_in(site, cookie)


def test_a_session_expires_after_14_days_unused(site: Site) -> None:
    cookie = log_in(site.client())
    site.clock.advance(days=13)
    assert signed_in(site, cookie)  # used: 14 more days from now
    site.clock.advance(days=13, hours=23)
    assert signed_in(site, cookie)
    site.clock.advance(days=14, seconds=1)
    assert not signed_in(site, cookie)


def test_an_old_signed_cookie_naming_a_user_is_refused(site: Site) -> None:
    """Before server-side sessions the signed cookie held {"user_id": N}: no longer enough."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    with site.engine.connect() as conn:
        ann = conn.execute(select(associates.c.id)).scalar_one()
    data = base64.b64encode(json.dumps({"user_id": ann}).encode())
    assert not signed_in(site, TimestampSigner("s").sign(data).decode())
    assert not signed_in(site, "not-a-cookie")


def test_the_table_keeps_only_a_hash_of_the_token(site: Site) -> None:
    log_in(site.client())
    with site.engine.connect() as conn:
        (row,) = conn.execute(select(sessions)).all()
    assert len(row.id) == 64
    assert row.revoked_at is None
    assert row.expires_at - row.created_at == timedelta(days=14)


# -- who cannot log in ---------------------------------------------------------------------------


def test_password_less_and_inactive_associates_cannot_log_in(site: Site) -> None:
    site.user("nopass@example.com", password=None)
    site.user("gone@example.com")
    with site.engine.begin() as conn:
        set_user(conn, "gone@example.com", active=False, now=site.clock.now())
        # an associate made by an import: no password at all
        conn.execute(insert(associates).values(email="rep@example.com", name="Rep"))
    for email, password in [
        ("nopass@example.com", ""),
        ("nopass@example.com", PASSWORD),
        ("rep@example.com", PASSWORD),
        ("gone@example.com", PASSWORD),
    ]:
        client = site.client()
        answer = attempt(client, email, password)
        assert answer.status_code == 200
        assert "Wrong email or password" in answer.text
        assert COOKIE not in client.cookies or not signed_in(site, client.cookies[COOKIE])
    with site.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sessions)).scalar_one() == 0


# -- throttling ----------------------------------------------------------------------------------


def fail_times(site: Site, n: int, email: str, address: str) -> None:
    client = site.client(address)
    for _ in range(n):
        answer = attempt(client, email, "wrong-password")
        assert answer.status_code == 200
        assert "Wrong email or password" in answer.text


def test_the_11th_failure_for_an_account_gets_429(site: Site) -> None:
    for i in range(10):  # ten addresses, one failure each: only the account reaches ten
        fail_times(site, 1, "ann@example.com", f"10.1.0.{i}")
    client = site.client("10.2.0.1")
    refused = attempt(client, "ann@example.com", PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(15 * 60)
    assert "Too many failed log-ins; try again in 15 min." in refused.text
    assert COOKIE not in client.cookies or not signed_in(site, client.cookies[COOKIE])
    site.user("bob@example.com")
    log_in(site.client("10.1.0.1"), "bob@example.com")  # other accounts, those addresses: fine
    site.clock.advance(minutes=5)
    later = attempt(site.client("10.2.0.1"), "ANN@example.com ", PASSWORD)  # the same account
    assert (later.status_code, later.headers["retry-after"]) == (429, str(10 * 60))
    site.clock.advance(minutes=10)  # the failures are 15 minutes old: allowed again
    assert signed_in(site, log_in(site.client("10.2.0.1")))


def test_the_11th_failure_from_an_address_gets_429(site: Site) -> None:
    for i in range(10):  # ten accounts (most unknown), one address
        fail_times(site, 1, f"guess{i}@example.com", "10.3.0.1")
    refused = attempt(site.client("10.3.0.1"), "ann@example.com", PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(15 * 60)
    assert signed_in(site, log_in(site.client("10.3.0.2")))  # ann from elsewhere: fine


def test_failures_are_logged_without_the_password(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="leadboard.login"):
        attempt(site.client("10.5.0.1"), "ann@example.com", "Secret-Guess-123")
    messages = [r.getMessage() for r in caplog.records if r.name == "leadboard.login"]
    assert messages == ["failed log-in for 'ann@example.com' from 10.5.0.1"]
    assert "Secret-Guess-123" not in caplog.text


# -- the cookie ----------------------------------------------------------------------------------


@pytest.mark.parametrize("secure", [False, True])
def test_cookie_flags(db_url: str, secure: bool) -> None:
    made = Site(db_url, secure_cookies=secure)
    try:
        made.user("ann@example.com")
        client = made.client(scheme="https")  # a Secure cookie only comes back over https
        answer = attempt(client, "ann@example.com", PASSWORD)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"].lower()
        assert cookie.startswith(f"{COOKIE}=")
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert ("; secure" in cookie) == secure
    finally:
        made.close()
