"""Generating the demo again replaces it, but data users added since is only replaced when asked."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, insert, select

from leadboard.auth.tokens import create_token
from leadboard.db.schema import api_tokens, associates, dashboard_favourites, leads
from leadboard.demo import DemoError, generate_demo

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 27)


def count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_demo_again_replaces_an_unchanged_demo_and_favourites(engine: Engine) -> None:
    generate_demo(engine, leads=300, seed=3, today=TODAY, tz=AMS, admin=("a@example.com", "x" * 8))
    with engine.begin() as conn:  # looking at the demo stars dashboards: that is no user data
        someone = conn.execute(select(func.min(associates.c.id))).scalar_one()
        conn.execute(insert(dashboard_favourites).values(associate_id=someone, slug="sales"))
    counts = generate_demo(engine, leads=200, seed=4, today=TODAY, tz=AMS)
    assert counts["leads"] == 200 == count(engine, leads)
    assert count(engine, dashboard_favourites) == 0


def test_demo_again_over_a_token_refuses_until_replace(engine: Engine) -> None:
    generate_demo(engine, leads=300, seed=3, today=TODAY, tz=AMS)
    with engine.begin() as conn:
        someone = conn.execute(select(func.min(associates.c.id))).scalar_one()
        create_token(conn, "zapier", datetime.now(UTC), someone)
    with pytest.raises(DemoError) as refused:
        generate_demo(engine, leads=200, seed=4, today=TODAY, tz=AMS)
    assert refused.value.changes == ["1 more API tokens"]
    assert count(engine, leads) == 300 and count(engine, api_tokens) == 1  # nothing deleted
    counts = generate_demo(engine, leads=200, seed=4, today=TODAY, tz=AMS, replace=True)
    assert counts["leads"] == 200 == count(engine, leads)
    assert count(engine, api_tokens) == 0
