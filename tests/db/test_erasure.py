"""GDPR erasure keeps the figures (SPEC 9.7, issue 13 item 8), on SQLite and PostgreSQL.

On a fresh demo of each engine a sample of leads is erased (some with form submissions, chats,
sales, conversions; several statuses). Every built-in dashboard's JSON with every quick filter
is the same afterwards, except what the test itself expects: in list records, an erased lead's
name reads "Erased contact" and its email is gone. No personal value of an erased lead is left
in any text or JSON column of any table, and the audit table has one row per erasure.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, String, Text, select
from sqlalchemy.types import JSON

from leadboard.clock import end_of_day_clock
from leadboard.dashboards.service import FilterInput
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.db.engine import make_engine
from leadboard.db.schema import (
    associates,
    chat_sessions,
    erasures,
    form_submissions,
    lead_status_history,
    leads,
    metadata,
    sales,
)
from leadboard.domain.erasure import erase_lead, leads_with_email
from leadboard.domain.errors import Conflict, NotFound
from leadboard.settings import Settings
from leadboard.web.present import dashboard_json

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ERASED = {"en": "Erased contact", "nl": "Gewiste contactpersoon"}


@pytest.fixture
def demo(db_url: str) -> Iterator[Engine]:
    from leadboard.demo import generate_demo

    engine = make_engine(db_url)
    generate_demo(engine, leads=500, seed=11, today=TODAY, tz=AMS)
    yield engine
    engine.dispose()


def _sample(engine: Engine) -> list[int]:
    """Leads of every kind: with submissions, with chats, with sales, and every 17th one."""
    with engine.connect() as conn:
        with_forms = conn.execute(
            select(form_submissions.c.lead_id).where(form_submissions.c.lead_id.is_not(None))
        ).scalars()
        with_chats = conn.execute(
            select(chat_sessions.c.lead_id).where(chat_sessions.c.lead_id.is_not(None))
        ).scalars()
        with_sales = conn.execute(
            select(sales.c.lead_id).where(sales.c.lead_id.is_not(None))
        ).scalars()
        every = conn.execute(select(leads.c.id).order_by(leads.c.id)).scalars().all()
    picked = set(sorted(set(with_forms))[:5]) | set(sorted(set(with_chats))[:5])
    picked |= set(sorted(set(with_sales))[:5]) | set(every[::17])
    return sorted(picked)


def _filters(engine: Engine) -> dict[str, FilterInput]:
    with engine.connect() as conn:
        owner = conn.execute(
            select(associates.c.email)
            .join(leads, leads.c.owner_id == associates.c.id)
            .order_by(associates.c.id)
            .limit(1)
        ).scalar_one()
    return {
        "none": FilterInput(),
        "owner": FilterInput(owner=owner),
        "country-nl": FilterInput(country="nl"),
        "country-none": FilterInput(country="none"),
        "status-qualified": FilterInput(status="qualified"),
        "previous-year": FilterInput(period="previous-year"),
        "this-quarter": FilterInput(period="this-quarter"),
        "all": FilterInput(period="all"),
    }


def _every_dashboard(engine: Engine, url: str, lang: str) -> dict[str, Any]:
    settings = Settings(database_url=url)
    clock = end_of_day_clock(TODAY, AMS)
    return {
        f"{slug} {case}": dashboard_json(engine, settings, clock, slug, filters, lang)
        for slug in builtin_dashboards()
        for case, filters in _filters(engine).items()
    }


def _as_erased(value: Any, erased: set[int], lang: str) -> Any:
    """The JSON as the test expects it after erasing: records of erased leads nameless."""
    if isinstance(value, list):
        return [_as_erased(item, erased, lang) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _as_erased(item, erased, lang) for key, item in value.items()}
    if "email" in out and "status_since" in out and out.get("id") in erased:  # a lead record
        out["name"], out["email"] = ERASED[lang], None
    if "lead_name" in out and out.get("lead") in erased:
        out["lead_name"] = ERASED[lang]
    if "visitor_name" in out and out.get("lead") in erased:
        out["visitor_name"] = out["visitor_company"] = None
    return out


def _personal(engine: Engine, ids: list[int]) -> set[str]:
    """The erased leads' identifying values that no other lead has too."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                leads.c.id,
                leads.c.first_name,
                leads.c.last_name,
                leads.c.email,
                leads.c.phone,
                leads.c.job_title,
            )
        ).all()
        chats = conn.execute(
            select(chat_sessions.c.visitor_name, chat_sessions.c.visitor_email).where(
                chat_sessions.c.lead_id.in_(ids)
            )
        ).all()
    mine: set[str] = set()
    others: set[str] = set()
    for row in rows:
        values = {v for v in (row.first_name, row.last_name, row.email, row.phone) if v}
        (mine if row.id in ids else others).update(values)
    mine |= {v for chat in chats for v in chat if v}
    return mine - others


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value


def _every_text(engine: Engine) -> tuple[set[str], str]:
    """Every text value and JSON string of every table: as a set, and joined in one string."""
    found: set[str] = set()
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for value in row:
                    found.update(_leaves(value))
    return found, "\n".join(sorted(found))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_dashboards_equal_after_erasing_and_nothing_personal_left(
    demo: Engine, db_url: str, lang: str
) -> None:
    ids = _sample(demo)
    assert len(ids) >= 30
    before = _every_dashboard(demo, db_url, lang)
    personal = _personal(demo, ids)
    emails = {value for value in personal if "@" in value}
    assert len(emails) >= len(ids) // 2
    values, _ = _every_text(demo)
    assert personal <= values  # the checks below would see them
    with demo.connect() as conn:
        history = conn.execute(select(lead_status_history).order_by("id")).all()
        kept = conn.execute(
            select(
                leads.c.id,
                leads.c.status_id,
                leads.c.created_at,
                leads.c.channel,
                leads.c.creation_source,
                leads.c.lc_campaign,
                leads.c.country,
                leads.c.owner_id,
            ).order_by(leads.c.id)
        ).all()

    with demo.begin() as conn:
        for lead_id in ids:
            erase_lead(conn, lead_id, NOW, None, "cli")

    after = _every_dashboard(demo, db_url, lang)
    assert after == _as_erased(before, set(ids), lang)
    # the analytic columns and the whole status history are as they were
    with demo.connect() as conn:
        assert conn.execute(select(lead_status_history).order_by("id")).all() == history
        assert (
            conn.execute(
                select(
                    leads.c.id,
                    leads.c.status_id,
                    leads.c.created_at,
                    leads.c.channel,
                    leads.c.creation_source,
                    leads.c.lc_campaign,
                    leads.c.country,
                    leads.c.owner_id,
                ).order_by(leads.c.id)
            ).all()
            == kept
        )
        wiped = conn.execute(
            select(leads.c.first_name, leads.c.last_name, leads.c.email, leads.c.phone).where(
                leads.c.id.in_(ids)
            )
        ).all()
        payloads = conn.execute(
            select(form_submissions.c.payload).where(form_submissions.c.lead_id.in_(ids))
        ).scalars()
        audit = conn.execute(select(erasures.c.lead_id, erasures.c.via)).all()
    assert all(tuple(row) == (None, None, None, None) for row in wiped)
    assert all(p is None for p in payloads)
    assert sorted(audit) == [(i, "cli") for i in ids]
    values, text = _every_text(demo)
    assert personal & values == set()  # no field holds one of them
    assert [email for email in emails if email in text] == []  # nor quotes an email


def test_erase_refuses_twice_and_unknown(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            leads.insert().values(
                id=1,
                email="ann@example.com",
                first_name="Ann",
                status_id=1,
                status_since=datetime(2026, 1, 1),
                statuses_held=2,
                created_at=datetime(2026, 1, 1),
                created_via="api",
            )
        )
    with engine.begin() as conn:
        assert leads_with_email(conn, " Ann@Example.com ") == [1]
        done = erase_lead(conn, 1, NOW, None, "api")
        assert done.lead_id == 1
    with engine.begin() as conn:
        assert leads_with_email(conn, "ann@example.com") == []
        with pytest.raises(Conflict):
            erase_lead(conn, 1, NOW, None, "api")
        with pytest.raises(NotFound):
            erase_lead(conn, 2, NOW, None, "api")
