"""POST /api/chats (token auth) on SQLite and PostgreSQL: create, link, or stand alone."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.db.schema import associates, chat_sessions, leads
from leadboard.db.times import to_db
from leadboard.domain.leads import NewLead, create_lead
from leadboard.settings import Settings
from tests.capture.conftest import START, MovableClock
from tests.conftest import bearer_headers

STARTED = "2026-03-02T09:15:00+01:00"  # 08:15 UTC, before the clock's START (09:00 UTC)


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db_url), MovableClock(START))
    with TestClient(app, headers=bearer_headers(app.state.engine)) as c:
        yield c
    app.state.engine.dispose()


def rows(client: TestClient, table: Any) -> list[Any]:
    with client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        return list(conn.execute(select(table).order_by(table.c.id)).all())


def test_a_chat_by_a_new_email_creates_a_lead(client: TestClient) -> None:
    with client.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        agent = conn.execute(
            insert(associates)
            .values(email="sam@example.com", name="Sam", role="user", language="en", active=True)
            .returning(associates.c.id)
        ).scalar_one()
    answer = client.post(
        "/api/chats",
        json={
            "visitor_name": "Ann de Vries",
            "visitor_email": "Ann@Example.NL",
            "visitor_company": "Jansen BV",
            "visitor_country": "nl",
            "agent": "SAM@example.com",
            "started_at": STARTED,
            "ended_at": "2026-03-02T09:31:00+01:00",
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["lead_created"] is True
    assert body["agent_id"] == agent
    assert (body["visitor_email"], body["visitor_country"]) == ("ann@example.nl", "NL")
    (chat,) = rows(client, chat_sessions)
    assert (chat.id, chat.lead_id, chat.agent_id) == (body["id"], body["lead_id"], agent)
    assert chat.started_at == datetime(2026, 3, 2, 8, 15)
    assert chat.ended_at == datetime(2026, 3, 2, 8, 31)
    (lead,) = rows(client, leads)
    assert (lead.id, lead.created_via, lead.chat_session_id) == (body["lead_id"], "chat", chat.id)
    assert (lead.first_name, lead.last_name, lead.email, lead.country) == (
        "Ann",
        "de Vries",
        "ann@example.nl",
        "NL",
    )
    assert lead.created_at == datetime(2026, 3, 2, 8, 15)
    assert lead.company_id is not None
    assert (lead.channel, lead.channel_origin, lead.creation_source) == (
        "chat",
        "created_via",
        None,
    )


def test_a_chat_with_a_source_gets_a_rules_channel(client: TestClient) -> None:
    answer = client.post(
        "/api/chats",
        json={
            "visitor_email": "b@example.org",
            "started_at": STARTED,
            "source": "Google",
            "medium": "cpc",
        },
    )
    assert answer.status_code == 201, answer.text
    (lead,) = rows(client, leads)
    assert (lead.creation_source, lead.channel, lead.channel_origin) == (
        "google",
        "paid-search",
        "rules",
    )


def test_a_chat_by_a_known_email_is_linked(client: TestClient) -> None:
    with client.app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        known = create_lead(conn, NewLead(created_via="form", created_at=START, email="k@x.org"))
    answer = client.post("/api/chats", json={"visitor_email": " K@X.org", "started_at": STARTED})
    assert answer.status_code == 201, answer.text
    assert (answer.json()["lead_id"], answer.json()["lead_created"]) == (known, False)
    (chat,) = rows(client, chat_sessions)
    assert chat.lead_id == known
    assert len(rows(client, leads)) == 1


def test_an_anonymous_chat_creates_no_lead(client: TestClient) -> None:
    answer = client.post("/api/chats", json={"visitor_name": "Guest", "started_at": STARTED})
    assert answer.status_code == 201
    assert (answer.json()["lead_id"], answer.json()["lead_created"]) == (None, False)
    assert rows(client, leads) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"started_at": STARTED, "visitor_phone": "1"}, "visitor_phone"),  # extra=forbid
        ({"visitor_email": "a@example.org"}, "started_at"),
        ({"started_at": "2026-03-02 09:15"}, "started_at"),  # no offset
        ({"started_at": "2026-03-02T11:00:00+01:00"}, "started_at"),  # after the clock
        ({"started_at": STARTED, "ended_at": "2026-03-02T09:00:00+01:00"}, "ended_at"),
        ({"started_at": STARTED, "visitor_email": "nope"}, "visitor_email"),
        ({"started_at": STARTED, "visitor_country": "XX"}, "visitor_country"),
        ({"started_at": STARTED, "visitor_name": 12}, "visitor_name"),  # strict: no coercion
        ({"started_at": STARTED, "agent": "ghost@example.com"}, "agent"),
        ({"started_at": STARTED, "medium": "cpc"}, "medium"),
    ],
)
def test_invalid_chats_are_refused_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    answer = client.post("/api/chats", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field
    assert rows(client, chat_sessions) == []
    assert rows(client, leads) == []


def test_chats_need_a_token(db_url: str) -> None:
    app = create_app(Settings(database_url=db_url), MovableClock(START))
    with TestClient(app) as anonymous:
        answer = anonymous.post("/api/chats", json={"started_at": STARTED})
        assert answer.status_code == 401
    app.state.engine.dispose()


def test_a_retried_chat_with_an_idempotency_key_is_stored_once(client: TestClient) -> None:
    body = {"visitor_email": "r@example.org", "started_at": STARTED}
    headers = {"Idempotency-Key": "chat-1"}
    first = client.post("/api/chats", json=body, headers=headers)
    again = client.post("/api/chats", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    with client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.execute(select(func.count()).select_from(chat_sessions)).scalar_one() == 1
    assert to_db(datetime(2026, 3, 2, 8, 15, tzinfo=UTC)) == rows(client, leads)[0].created_at
