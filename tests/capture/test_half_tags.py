"""Half-tagged links (issue 8 item 13): only a source or only a medium, everywhere a channel is set.

SPEC 6.3 A1 and 6.4: the missing half of a tag is `(not set)`, as in GA4, and the channel rules
still apply. Leadboard stores `(not set)` as NULL (tiles show NULL as "(not set)" and group it with
the leads that have no source at all). A lead with neither a source nor a medium keeps the channel
of its created_via. Expected channels come from the SPEC 6.4 table written out in
tests/unit/test_channels.py (HALF_TAGS, checked there against `spec_channel`).
"""

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, insert, select, update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from leadboard.app import create_app
from leadboard.cli import app as cli
from leadboard.db.engine import make_engine
from leadboard.db.schema import forms, leads
from leadboard.domain.attribution import Visit
from leadboard.domain.channels import channel_key
from leadboard.domain.leads import NewLead, create_lead
from leadboard.settings import Settings
from tests.capture.conftest import START, MovableClock
from tests.conftest import bearer_headers
from tests.ingest.test_import import lead as imported_lead
from tests.ingest.test_import import run as run_import
from tests.ingest.test_import import write
from tests.unit.test_channels import HALF_TAGS

# The cases by the half they carry; `key` is the stored channel key of the expected channel.
ONLY_SOURCE = [(s, c, channel) for _rule, s, m, c, channel in HALF_TAGS if s and not m]
ONLY_MEDIUM = [(m, c, channel) for _rule, s, m, c, channel in HALF_TAGS if m and not s]


def utm(source: str | None, medium: str | None, campaign: str | None) -> str:
    tags = {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign}
    return urlencode({name: value for name, value in tags.items() if value is not None})


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    # More posts a minute than the default rate limit allows: every case is posted twice.
    app = create_app(Settings(database_url=db_url, capture_rate=1000), MovableClock(START))
    engine: Engine = app.state.engine
    with engine.begin() as conn:
        conn.execute(
            insert(forms).values(
                key="contact",
                name="Contact",
                active=True,
                allowed_origins=["https://www.example.com"],
                fields=[{"name": "email", "required": True}],
                thank_you_url=None,
                created_at=datetime(2026, 1, 1),
            )
        )
    with TestClient(app, headers=bearer_headers(engine)) as c:
        yield c
    engine.dispose()


def stored(client: TestClient, lead_id: int) -> Any:
    with client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        return conn.execute(select(leads).where(leads.c.id == lead_id)).one()


def capture(client: TestClient, email: str, **fields: str) -> Any:
    answer = client.post("/capture/forms/contact", json={"email": email, **fields})
    assert answer.status_code == 201, answer.text
    return stored(client, answer.json()["lead_id"])


def test_form_captures_of_half_tags_get_the_rules_channel(client: TestClient) -> None:
    cases: list[tuple[str | None, str | None, str | None, str]]
    cases = [(s, None, c, ch) for s, c, ch in ONLY_SOURCE]
    cases += [(None, m, c, ch) for m, c, ch in ONLY_MEDIUM]
    for number, (source, medium, campaign, channel) in enumerate(cases):
        # The script's tuple and a server post's landing URL are both step A (SPEC 6.1).
        tuple_lead = capture(
            client, f"t{number}@example.org", lb_visit=utm(source, medium, campaign)
        )
        landing = f"https://www.example.com/offer?{utm(source, medium, campaign)}"
        url_lead = capture(client, f"u{number}@example.org", lb_landing=landing)
        for lead in (tuple_lead, url_lead):
            case = (source, medium, campaign)
            assert (lead.channel, lead.channel_origin) == (channel_key(channel), "rules"), case
            # The missing half is `(not set)`: stored as NULL.
            assert (lead.lc_source, lead.lc_medium) == (source, medium), case
            assert lead.creation_source == lead.first_contact_source == source, case


def test_the_issues_two_links(client: TestClient) -> None:
    facebook = capture(client, "a@example.org", lb_visit="utm_source=facebook")
    assert (facebook.channel, facebook.lc_source, facebook.lc_medium) == (
        "organic-social",
        "facebook",
        None,
    )
    sms = capture(client, "b@example.org", lb_landing="https://www.example.com/?utm_medium=SMS")
    assert (sms.channel, sms.lc_source, sms.lc_medium, sms.creation_source) == (
        "sms",
        None,
        "sms",
        None,
    )


def test_a_literal_not_set_is_stored_as_not_set(client: TestClient) -> None:
    # Tagged `(not set)` by hand: the same NULL as a missing half, so a tile shows one
    # "(not set)" row, not two.
    lead = capture(client, "c@example.org", lb_visit="utm_source=(Not Set)&utm_medium=sms")
    assert (lead.lc_source, lead.lc_medium, lead.creation_source, lead.channel) == (
        None,
        "sms",
        None,
        "sms",
    )


def test_a_campaign_alone_is_classified_too(client: TestClient) -> None:
    # A web lead is always classified (SPEC 6.4): source and medium (not set), rule 2 by campaign.
    lead = capture(client, "d@example.org", lb_visit="utm_campaign=pmax-cross-network")
    assert (lead.lc_source, lead.lc_medium, lead.channel, lead.channel_origin) == (
        None,
        None,
        "cross-network",
        "rules",
    )


def test_a_first_touch_with_only_a_medium_gives_first_contact_source_not_set(
    client: TestClient,
) -> None:
    # SPEC 6.3: the first contact source is the first touch's source when one was recorded,
    # here `(not set)`, not the later lead creation source.
    lead = capture(
        client,
        "e@example.org",
        lb_ft="utm_medium=email",
        lb_visit="utm_source=google&utm_medium=cpc",
    )
    assert (lead.ft_source, lead.ft_medium) == (None, "email")
    assert (lead.creation_source, lead.first_contact_source, lead.channel) == (
        "google",
        None,
        "paid-search",
    )


def test_api_and_chat_leads_with_only_a_source(client: TestClient) -> None:
    # The API and chats refuse a medium without a source (422), so only the source half here.
    for number, (source, campaign, channel) in enumerate(ONLY_SOURCE):
        extra = {"campaign": campaign} if campaign else {}
        case = (source, campaign)
        for via in ("api", "manual"):
            answer = client.post(
                "/api/leads",
                json={"email": f"{via}{number}@example.org", "created_via": via, "source": source}
                | extra,
            )
            assert answer.status_code == 201, answer.text
            lead = stored(client, answer.json()["id"])
            assert (lead.channel, lead.channel_origin) == (channel_key(channel), "rules"), case
            assert (lead.lc_source, lead.lc_medium, lead.creation_source) == (source, None, source)
        answer = client.post(
            "/api/chats",
            json={
                "visitor_email": f"chat{number}@example.org",
                "started_at": "2026-03-02T08:15:00+00:00",
                "source": source,
            }
            | extra,
        )
        assert answer.status_code == 201, answer.text
        lead = stored(client, answer.json()["lead_id"])
        assert (lead.channel, lead.channel_origin) == (channel_key(channel), "rules"), case


def test_api_chat_and_manual_leads_without_a_source_keep_their_created_via(
    client: TestClient,
) -> None:
    for via in ("api", "manual"):
        answer = client.post("/api/leads", json={"email": f"{via}@example.org", "created_via": via})
        lead = stored(client, answer.json()["id"])
        assert (lead.channel, lead.channel_origin, lead.lc_source) == (via, "created_via", None)
    answer = client.post(
        "/api/chats",
        json={"visitor_email": "chat@example.org", "started_at": "2026-03-02T08:15:00+00:00"},
    )
    lead = stored(client, answer.json()["lead_id"])
    assert (lead.channel, lead.channel_origin) == ("chat", "created_via")


MAPPING = """
name: half-tags
files:
  people: {match: "people*.csv"}
leads:
  rows: people
  external_id: id
  email: email
  creation_source: source
  creation_medium: medium
  creation_campaign: campaign
"""


def test_an_import_classifies_half_tags_and_keeps_import_without_one(
    engine: Engine, tmp_path: Path
) -> None:
    cases: list[tuple[str | None, str | None, str | None, str]]
    cases = [(s, None, c, ch) for s, c, ch in ONLY_SOURCE]
    cases += [(None, m, c, ch) for m, c, ch in ONLY_MEDIUM]
    lines = ["id,email,source,medium,campaign"]
    for number, (source, medium, campaign, _channel) in enumerate(cases):
        lines.append(
            f"h{number},h{number}@example.org,{source or ''},{medium or ''},{campaign or ''}"
        )
    lines.append("none,none@example.org,,,")  # no source, no medium: Import
    lines.append("camp,camp@example.org,,,pmax-cross-network")  # a campaign alone: Import
    summary = run_import(engine, [write(tmp_path, "people.csv", "\n".join(lines) + "\n")], MAPPING)
    assert summary.errors == 0
    for number, (source, medium, campaign, channel) in enumerate(cases):
        lead = imported_lead(engine, f"h{number}")
        case = (source, medium, campaign)
        assert (lead.channel, lead.channel_origin) == (channel_key(channel), "rules"), case
        assert (lead.lc_source, lead.lc_medium, lead.creation_source) == (source, medium, source)
    for external_id in ("none", "camp"):
        lead = imported_lead(engine, external_id)
        assert (lead.channel, lead.channel_origin, lead.lc_source) == (
            "import",
            "created_via",
            None,
        )


runner = CliRunner()


def test_channels_classify_of_half_tags(tmp_path: Path) -> None:
    db = ["--database-url", f"sqlite:///{tmp_path / 'none.db'}"]
    cases: list[tuple[str | None, str | None, str | None, str]]
    cases = [(s, None, c, ch) for s, c, ch in ONLY_SOURCE]
    cases += [(None, m, c, ch) for m, c, ch in ONLY_MEDIUM]
    for source, medium, campaign, channel in cases:
        url = f"https://www.example.com/?{utm(source, medium, campaign)}"
        result = runner.invoke(cli, [*db, "channels", "classify", url, "--json"])
        assert result.exit_code == 0, result.output
        found = json.loads(result.stdout)
        assert (found["source"], found["medium"], found["channel"]) == (source, medium, channel)
    table = runner.invoke(cli, [*db, "channels", "classify", "example.com/?utm_medium=sms"])
    assert table.exit_code == 0, table.output
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in table.stdout.splitlines()
        if line.count("│") == 3
    }
    assert (rows["source"], rows["medium"], rows["channel"]) == ("(not set)", "sms", "SMS")


def test_reapply_classifies_half_tagged_leads_stored_before_the_fix(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        form = create_lead(
            conn,
            NewLead(created_via="form", created_at=START, creation=Visit(source="facebook")),
        )
        api = create_lead(conn, NewLead(created_via="api", created_at=START, given_source="sms"))
        chat = create_lead(conn, NewLead(created_via="chat", created_at=START))
        preset = create_lead(
            conn,
            NewLead(created_via="import", created_at=START, given_source="sms", channel="Email"),
        )
        # What the code before the fix stored for the two half tags.
        conn.execute(
            update(leads)
            .where(leads.c.id == form)
            .values(channel="unassigned", channel_origin="rules")
        )
        conn.execute(
            update(leads)
            .where(leads.c.id == api)
            .values(channel="api", channel_origin="created_via")
        )
    result = runner.invoke(cli, ["--database-url", db_url, "channels", "reapply"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 rule-derived lead channels changed" in result.stdout
    with engine.connect() as conn:
        found = {
            row.id: (row.channel, row.channel_origin)
            for row in conn.execute(select(leads.c.id, leads.c.channel, leads.c.channel_origin))
        }
    assert found == {
        form: ("organic-social", "rules"),  # rule 10: facebook is in the social list
        api: ("sms", "rules"),  # rule 17: source sms
        chat: ("chat", "created_via"),  # no source, no medium: stays
        preset: ("email", "preset"),  # a preset's channel: stays
    }
    # Run again: nothing left to change.
    again = runner.invoke(cli, ["--database-url", db_url, "channels", "reapply"])
    assert "0 of 2 rule-derived lead channels changed" in again.stdout
    engine.dispose()
