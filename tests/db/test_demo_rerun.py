"""Generating the demo again replaces it, even when users made tokens and favourites meanwhile."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, insert, select

from leadboard.auth.tokens import create_token
from leadboard.db.schema import api_tokens, associates, dashboard_favourites, leads
from leadboard.demo import generate_demo

AMS = ZoneInfo("Europe/Amsterdam")


def test_demo_again_over_user_data(engine: Engine) -> None:
    generate_demo(engine, leads=300, seed=3, today=date(2026, 11, 27), tz=AMS)
    with engine.begin() as conn:
        someone = conn.execute(select(func.min(associates.c.id))).scalar_one()
        create_token(conn, "zapier", datetime.now(UTC), someone)
        conn.execute(insert(dashboard_favourites).values(associate_id=someone, slug="sales"))
    counts = generate_demo(engine, leads=200, seed=4, today=date(2026, 11, 27), tz=AMS)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(leads)).scalar_one() == 200
        assert conn.execute(select(func.count()).select_from(api_tokens)).scalar_one() == 0
    assert counts["leads"] == 200
