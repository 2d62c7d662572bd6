"""An erased lead reads "Erased contact" (nl "Gewiste contactpersoon") on the lead page, its
JSON twin and the lead list, and none of its old values shows (issue 13 item 8). A database of
its own: the session demo of the page tests is only read."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, update
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.clock import FixedClock
from leadboard.db.schema import associates, leads
from leadboard.domain.erasure import erase_lead
from leadboard.settings import Settings
from tests.web.conftest import log_in, make_user

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
WORDS = {"en": "Erased contact", "nl": "Gewiste contactpersoon"}


@pytest.fixture
def app_engine(tmp_path: Path) -> Iterator[Engine]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'e.db'}"), FixedClock(NOW))
    engine: Engine = app.state.engine
    engine.info_app = app  # type: ignore[attr-defined]
    yield engine
    engine.dispose()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_erased_lead_on_pages(app_engine: Engine, lang: str) -> None:
    admin = make_user(app_engine, f"admin-{lang}@example.com", lang)
    with app_engine.begin() as conn:
        conn.execute(update(associates).where(associates.c.id == admin).values(role="admin"))
        for lead_id, first in ((1, "Zoë"), (2, "Karel")):
            conn.execute(
                insert(leads).values(
                    id=lead_id,
                    first_name=first,
                    last_name="Verbeek",
                    email=f"{first.lower()}.verbeek@example.com",
                    phone="+31 6 1234 5678",
                    status_id=1,
                    status_since=datetime(2026, 11, 1),
                    statuses_held=2,
                    created_at=datetime(2026, 11, 1),
                    created_via="manual",
                    owner_id=admin,
                )
            )
        erase_lead(conn, 1, NOW, admin, "cli")
    with TestClient(app_engine.info_app, follow_redirects=False) as client:  # type: ignore[attr-defined]
        log_in(client, f"admin-{lang}@example.com")
        page = client.get("/leads/1").text
        listing = client.get("/leads").text
        twin = client.get("/leads/1.json").json()
    assert WORDS[lang] in page
    assert WORDS[lang] in listing
    assert twin["name"] == WORDS[lang]
    for text in (page, listing, str(twin)):
        assert "zoë" not in text.lower()
        assert "Zoë" not in text
    assert "Karel" in listing  # the other lead keeps its name
