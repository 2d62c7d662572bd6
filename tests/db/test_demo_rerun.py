"""Generating the demo again replaces it, but data users added since is only replaced when asked."""

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, insert, select, update

from leadboard.auth.sessions import create_session
from leadboard.auth.tokens import create_token
from leadboard.db.schema import (
    api_tokens,
    associates,
    dashboard_favourites,
    leads,
    meta,
    roles,
    sessions,
)
from leadboard.demo import DemoError, generate_demo
from leadboard.domain.users import add_role

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
    assert count(engine, leads) == 300
    assert count(engine, api_tokens) == 1
    counts = generate_demo(engine, leads=200, seed=4, today=TODAY, tz=AMS, replace=True)
    assert counts["leads"] == 200 == count(engine, leads)
    assert count(engine, api_tokens) == 0


def test_sessions_do_not_count_roles_do_and_replace_clears_both(engine: Engine) -> None:
    """Logging in to the demo is no user data; a role an admin added is (issue 10)."""
    generate_demo(engine, leads=100, seed=3, today=TODAY, tz=AMS, admin=("a@example.com", "x" * 8))
    with engine.begin() as conn:
        admin = conn.execute(
            select(associates.c.id).where(associates.c.email == "a@example.com")
        ).scalar_one()
        create_session(conn, admin, datetime.now(UTC))
    generate_demo(engine, leads=100, seed=3, today=TODAY, tz=AMS)  # no refusal
    assert count(engine, sessions) == 0
    with engine.begin() as conn:
        add_role(conn, "auditor", leads="all", sales="own")
    with pytest.raises(DemoError) as refused:
        generate_demo(engine, leads=100, seed=3, today=TODAY, tz=AMS)
    assert refused.value.changes == ["1 more roles"]
    generate_demo(engine, leads=100, seed=3, today=TODAY, tz=AMS, replace=True)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(roles.c.key)).scalars()) == [
            "admin",
            "dashboard-admin",
            "sales-rep",
            "user",
        ]


def test_a_demo_recorded_before_roles_were_counted_is_unchanged(engine: Engine) -> None:
    generate_demo(engine, leads=100, seed=3, today=TODAY, tz=AMS)
    with engine.begin() as conn:  # as an older release recorded it: no "roles" among the counts
        recorded = json.loads(
            conn.execute(select(meta.c.value).where(meta.c.key == "demo_rows")).scalar_one()
        )
        del recorded["roles"]
        conn.execute(
            update(meta).where(meta.c.key == "demo_rows").values(value=json.dumps(recorded))
        )
    assert generate_demo(engine, leads=100, seed=3, today=TODAY, tz=AMS)["leads"] == 100
