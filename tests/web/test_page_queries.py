"""The pages' own queries on both engines: countries for the filter, favourites, recent visits,
the lead page."""

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from leadboard.dashboards.preferences import (
    favourites,
    first_dashboard,
    recent,
    record_visit,
    toggle_favourite,
)
from leadboard.db.schema import companies, leads, sales
from leadboard.demo import generate_demo
from leadboard.semantic.choices import countries_with_data
from leadboard.settings import Settings
from leadboard.web.pages.lead import lead_json
from tests.web.conftest import make_user


def test_page_queries(engine: Engine) -> None:
    tz = Settings().tz
    generate_demo(engine, leads=150, seed=3, today=date(2026, 11, 27), tz=tz)
    with engine.connect() as conn:
        expected = {
            str(c).upper()
            for table in (leads, companies)
            for c in conn.execute(select(table.c.country).distinct()).scalars()
            if c
        }
        assert countries_with_data(conn) == sorted(expected)
    user = make_user(engine, "queries@example.com")
    with engine.begin() as conn:
        assert first_dashboard(conn, user) == "marketing"
        record_visit(conn, user, "sales", datetime(2026, 1, 1, tzinfo=UTC))
        record_visit(conn, user, "lead-nurturing", datetime(2026, 1, 2, tzinfo=UTC))
        record_visit(conn, user, "sales", datetime(2026, 1, 3, tzinfo=UTC))
        assert recent(conn, user) == "sales"
        assert recent(conn, user, exclude="sales") == "lead-nurturing"
        assert first_dashboard(conn, user) == "sales"
        assert toggle_favourite(conn, user, "sales") is True
        assert toggle_favourite(conn, user, "marketing") is True
        assert favourites(conn, user) == ["marketing", "sales"]  # in the built-in order
        assert toggle_favourite(conn, user, "marketing") is False
        assert first_dashboard(conn, user) == "sales"
        lead_id = conn.execute(
            select(sales.c.lead_id).where(sales.c.lead_id.is_not(None)).limit(1)
        ).scalar()
        assert lead_id is not None
        found = lead_json(conn, lead_id, "nl", tz)
        assert found is not None
        assert found["sales"]
        assert found["history"]
        assert found["created_at"].endswith(("+01:00", "+02:00"))
        assert lead_json(conn, 10**9, "en", tz) is None
