"""`leadboard channels export|import|reset|reapply|classify` (SPEC 6.4: the rules are data)."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from leadboard.cli import app
from leadboard.db.engine import make_engine
from leadboard.db.schema import leads, meta
from leadboard.domain.attribution import Visit
from leadboard.domain.channels import RULES_META_KEY, default_rules_text, effective_rules
from leadboard.domain.leads import NewLead, create_lead

runner = CliRunner()
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def classify(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_classify_prints_what_leadboard_makes_of_a_link(tmp_path: Path) -> None:
    db = ["--database-url", f"sqlite:///{tmp_path / 'none.db'}"]
    tagged = classify(
        *db,
        "channels",
        "classify",
        "https://www.example.com/offer?utm_source=Facebook&utm_medium=Paid_Social"
        "&utm_campaign=Spring%20Sale&utm_term=crm&utm_content=v2&utm_id=42&fbclid=F1",
        "--referrer",
        "https://l.facebook.com/",
    )
    assert tagged == {
        "source": "facebook",
        "medium": "paid_social",
        "campaign": "spring sale",
        "term": "crm",
        "content": "v2",
        "utm_id": "42",
        "click_id_param": "fbclid",
        "click_id": "F1",
        "referrer_domain": "l.facebook.com",
        "channel": "Paid Social",
    }
    ads = classify(*db, "channels", "classify", "https://www.example.com/?gclid=abc")
    assert (ads["source"], ads["medium"], ads["channel"]) == ("google", "cpc", "Paid Search")
    search = classify(
        *db, "channels", "classify", "example.com/", "--referrer", "https://www.bing.com/search"
    )
    assert (search["source"], search["medium"], search["channel"]) == (
        "bing",
        "organic",
        "Organic Search",
    )
    own = classify(
        *db,
        "channels",
        "classify",
        "https://example.com/b",
        "--referrer",
        "https://www.example.com/a",
    )
    assert (own["source"], own["referrer_domain"], own["channel"]) == ("(direct)", None, "Direct")
    table = run(
        *db, "channels", "classify", "https://example.com/?utm_source=news&utm_medium=email"
    )
    assert table.exit_code == 0
    assert "Email" in table.stdout
    assert not (tmp_path / "none.db").exists()  # trying a link creates no database


RENAMED = default_rules_text().replace("channel: Paid Search", "channel: Search Ads")


def test_export_import_reset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rules.db'}"
    db = ["--database-url", url]
    exported = run(*db, "channels", "export")
    assert exported.exit_code == 0
    assert exported.stdout == default_rules_text()
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(RENAMED)
    imported = run(*db, "channels", "import", str(rules_file))
    assert imported.exit_code == 0, imported.output
    assert "imported 19 rules" in imported.stdout
    assert run(*db, "channels", "export").stdout == RENAMED
    link = "https://example.com/?utm_source=google&utm_medium=cpc"
    assert classify(*db, "channels", "classify", link)["channel"] == "Search Ads"
    # A rules file being tried out wins over the stored ones.
    shipped = tmp_path / "shipped.yaml"
    shipped.write_text(default_rules_text())
    assert classify(*db, "channels", "classify", link, "--rules", str(shipped))["channel"] == (
        "Paid Search"
    )
    assert run(*db, "channels", "reset").exit_code == 0
    assert run(*db, "channels", "export").stdout == default_rules_text()


def test_import_reports_every_problem_and_stores_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rules.db'}"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rulez: []\n"
        "patterns: {paid: '('}\n"
        "rules:\n"
        "  - channel: A\n    when: {colour: {equals: x}}\n"
        "  - channel: B\n    when: {source: {in_list: books}}\n"
        "  - channel: C\n    when: {medium: {matches: $nope}}\n"
        "  - when: {medium: {equals: x}}\n"
    )
    result = run("--database-url", url, "channels", "import", str(bad))
    assert result.exit_code == 2
    output = result.output
    assert "6 problem(s)" in output
    for words in ("rulez", "patterns.paid", "colour", "books", "$nope", "rules[3]"):
        assert words in output, words
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules:\n  - channel: X\n    when: {source: {equals: [}\n")
    result = run("--database-url", url, "channels", "import", str(broken))
    assert result.exit_code == 2
    assert "line 3" in result.output
    with make_engine(url).connect() as conn:
        assert conn.execute(select(meta).where(meta.c.key == RULES_META_KEY)).first() is None


def test_reapply_rebuckets_rule_channels_only(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        paid = create_lead(
            conn,
            NewLead(
                created_via="form",
                created_at=AT,
                creation=Visit(source="google", medium="cpc"),
            ),
        )
        organic = create_lead(
            conn,
            NewLead(
                created_via="form", created_at=AT, creation=Visit(source="bing", medium="organic")
            ),
        )
        preset = create_lead(
            conn,
            NewLead(
                created_via="import",
                created_at=AT,
                given_source="google",
                given_medium="cpc",
                channel="Paid Other",
            ),
        )
        chat = create_lead(conn, NewLead(created_via="chat", created_at=AT))

    def channels() -> dict[int, tuple[str, str]]:
        with engine.connect() as conn:
            found = conn.execute(select(leads.c.id, leads.c.channel, leads.c.channel_origin))
            return {row.id: (row.channel, row.channel_origin) for row in found}

    before = channels()
    assert before[paid] == ("paid-search", "rules")
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(RENAMED)
    db = ["--database-url", db_url]
    assert run(*db, "channels", "import", str(rules_file)).exit_code == 0
    assert channels() == before  # importing alone changes no lead
    result = run(*db, "channels", "reapply")
    assert result.exit_code == 0, result.output
    assert "1 of 2 rule-derived lead channels changed" in result.stdout
    after = channels()
    assert after[paid] == ("search-ads", "rules")
    assert after[organic] == before[organic] == ("organic-search", "rules")
    assert after[preset] == before[preset] == ("paid-other", "preset")
    assert after[chat] == before[chat] == ("chat", "created_via")
    # New leads follow the imported rules too.
    with engine.begin() as conn:
        assert effective_rules(conn).classify("google", "cpc", None) == "Search Ads"
    assert run(*db, "channels", "reset").exit_code == 0
    assert run(*db, "channels", "reapply").exit_code == 0
    assert channels() == before
    engine.dispose()


def test_form_captures_use_the_imported_rules(start_leadboard: Any, tmp_path: Path) -> None:
    leadboard = start_leadboard()
    leadboard.add_form()
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(RENAMED)
    url = leadboard.engine.url.render_as_string(hide_password=False)
    assert run("--database-url", url, "channels", "import", str(rules_file)).exit_code == 0
    answer = leadboard.http.post(
        "/capture/forms/contact",
        json={"email": "a@example.org", "lb_visit": "utm_source=google&utm_medium=cpc"},
    )
    assert answer.status_code == 201, answer.text
    assert leadboard.lead(answer.json()["lead_id"]).channel == "search-ads"
