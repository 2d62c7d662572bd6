"""Rights in Chromium (issue 10 acceptance): the demo's user with `own` rights logs in and sees
only their figures, only their own name in the owner filter and only their countries in the
country filter; a lead of another owner answers 404. Expected figures are SQL over that user's
leads, written here."""

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text

from leadboard.cli.demo import DEMO_ADMIN
from leadboard.db.times import to_db
from leadboard.demo import demo_logins
from tests.browser.conftest import PASSWORD, Console, new_page
from tests.browser.support import api, open_dashboard, tiles

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_login(server: Any) -> Any:
    with server.app.state.engine.connect() as conn:
        found = [login for login in demo_logins(conn, DEMO_ADMIN) if login.kind == "own"]
    assert found, "the demo has no login with own rights"
    login = found[0]
    assert (login.rights.leads, login.rights.sales) == ("own", "own")
    return login


def _sql(server: Any, query: str, **params: Any) -> list[Any]:
    with server.app.state.engine.connect() as conn:
        return list(conn.execute(text(query), params).all())


def _leads_ytd(server: Any, owner: int | None, via: str | None = None) -> int:
    """Leads created since 1 January (local time) until now (via `via`), of one owner or all."""
    state = server.app.state
    now = state.clock.now()
    start = datetime(now.astimezone(state.settings.tz).year, 1, 1, tzinfo=state.settings.tz)
    where = "created_at >= :start AND created_at < :end"
    if via is not None:
        where += " AND created_via = :via"
    if owner is not None:
        where += " AND owner_id = :owner"
    rows = _sql(
        server,
        f"SELECT count(*) AS n FROM leads WHERE {where}",  # noqa: S608 - fixed text, bound values
        via=via,
        start=to_db(start),
        end=to_db(now),
        owner=owner,
    )
    return int(rows[0].n)


def test_an_own_user_sees_only_their_own(
    browser: Any, server: Any, console: Console, own_login: Any
) -> None:
    context, page = new_page(browser, server, None, console)
    try:
        page.goto("/login")
        page.fill("#login-email", own_login.email)
        page.fill("#login-password", PASSWORD)
        page.click("form.login-form button[type=submit]")
        page.wait_for_url("**/dashboards/**")
        open_dashboard(page, "/dashboards/marketing?lang=en")

        # The owner filter offers only the user; the country filter only their leads' countries.
        owners = page.locator("#filter-owner option")
        assert owners.evaluate_all("os => os.map(o => o.value)") == ["", own_login.email]
        assert owners.nth(1).inner_text().strip() == own_login.name
        countries = page.locator("#filter-country option").evaluate_all(
            "os => os.map(o => o.value)"
        )
        theirs = {
            r.code
            for r in _sql(
                server,
                "SELECT COALESCE(l.country, c.country) AS code FROM leads l "
                "LEFT JOIN companies c ON c.id = l.company_id WHERE l.owner_id = :me "
                "UNION SELECT COALESCE(l.country, lc.country, sc.country) FROM sales s "
                "LEFT JOIN leads l ON l.id = s.lead_id "
                "LEFT JOIN companies lc ON lc.id = l.company_id "
                "LEFT JOIN companies sc ON sc.id = s.company_id WHERE s.owner_id = :me",
                me=own_login.id,
            )
            if r.code
        }
        assert set(countries[1:-1]) == theirs

        # The figures are SQL counts over the user's own leads, not everyone's.
        shown = tiles(page)
        for key, via in (
            ("new-leads-from-forms-ytd", "form"),
            ("new-leads-from-chats-ytd", "chat"),
        ):
            mine = _leads_ytd(server, own_login.id, via)
            everyone = _leads_ytd(server, None, via)
            assert 0 < mine < everyone, key
            assert shown[key]["number"] == f"{mine:,}", key
            assert shown[key]["rows"]["value"] == mine, key

        # The funnel's first step (every lead reaches Open) counts the user's leads of this year.
        open_dashboard(page, "/dashboards/sales?lang=en")
        funnel = tiles(page)["lead-qualification-funnel"]
        source = api(page, "/api/dashboards/sales")
        tile = next(t for t in source["tiles"] if t["key"] == "lead-qualification-funnel")
        assert funnel["rows"] == tile["steps"]
        first = _leads_ytd(server, own_login.id)  # the funnel counts this year's new leads
        assert 0 < first < _leads_ytd(server, None)
        assert funnel["rows"][0]["value"] == first

        # Their own lead opens; another owner's answers 404, as an unknown id does.
        own = _sql(server, "SELECT min(id) AS id FROM leads WHERE owner_id = :me", me=own_login.id)
        other = _sql(
            server, "SELECT min(id) AS id FROM leads WHERE owner_id <> :me", me=own_login.id
        )
        assert page.goto(f"/leads/{own[0].id}?lang=en").status == 200
        assert page.locator("h1").first.is_visible()
        response = page.goto(f"/leads/{other[0].id}?lang=en")
        assert response.status == 404
        assert page.goto("/leads/99999999?lang=en").status == 404
    finally:
        context.close()
    # A 404 page logs the failed load as a console error; nothing else may.
    unexpected = [e for e in console.errors if "404" not in e]
    assert unexpected == []
