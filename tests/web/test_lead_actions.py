"""Working on a lead from its page (issue 10 item 5), on SQLite and PostgreSQL over a small demo:
change the status (history with who, the funnel tile follows) and the owner, within the rights
(404 outside them, nothing changes), CSRF (403 without), bad input (422 naming the field); the
lead's conversions on the page and in its twin, against SQL written here.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from leadboard.db.schema import (
    associates,
    form_submissions,
    forms,
    lead_status_history,
    lead_statuses,
    leads,
)
from tests.conftest import PostgresServer
from tests.web.conftest import csrf_of
from tests.web.test_lead_list import Work, work_database

AMS_YTD_START = datetime(2025, 12, 31, 23, 0)  # 1 January 2026 00:00 in Amsterdam, as naive UTC


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def work(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: PostgresServer | None,
) -> Iterator[Work]:
    yield from work_database(request.param, tmp_path_factory, pg_server)


def lead_state(engine: Engine, lead_id: int) -> tuple[Any, ...]:
    """What a refused post must leave as it was: status, since, held, owner, history."""
    with engine.connect() as conn:
        row = conn.execute(
            select(
                leads.c.status_id, leads.c.status_since, leads.c.statuses_held, leads.c.owner_id
            ).where(leads.c.id == lead_id)
        ).one()
        history = conn.execute(
            select(func.count()).where(lead_status_history.c.lead_id == lead_id)
        ).scalar_one()
    return (*row, history)


def statuses(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.key: r for r in conn.execute(select(lead_statuses))}


def post(client: Any, path: str, data: dict[str, str], csrf: bool = True) -> Any:
    lead_page = path.rsplit("/", 1)[0]
    token = csrf_of(client.get(lead_page).text) if csrf else ""
    return client.post(path, data={**data, **({"csrf_token": token} if csrf else {})})


def funnel_expected(engine: Engine, now: datetime) -> list[int]:
    """The lead qualification funnel (leads created YTD; a step counts the leads that held it or
    any later step of the funnel path, Open every lead), from the tables."""
    by_key = statuses(engine)
    path = sorted(
        (s for s in by_key.values() if s.on_funnel and s.active), key=lambda s: (s.rank, s.id)
    )
    with engine.connect() as conn:
        held = conn.execute(
            select(leads.c.statuses_held).where(
                leads.c.created_at >= AMS_YTD_START,
                leads.c.created_at <= now.astimezone(UTC).replace(tzinfo=None),
            )
        ).scalars()
        masks = list(held)
    counts = []
    for index, step in enumerate(path):
        later = [s.id for s in path[index:]]
        if step.key == "open":
            counts.append(len(masks))
        else:
            counts.append(sum(1 for m in masks if any(m >> i & 1 for i in later)))
    return counts


def funnel_shown(client: Any) -> list[int]:
    body = client.get("/dashboards/lead-nurturing.json").json()
    tile = next(t for t in body["data"]["tiles"] if t["key"] == "lead-qualification-funnel")
    return [step["value"] for step in tile["steps"]]


def an_open_lead_created_ytd(engine: Engine, owner_id: int | None = None) -> int:
    by_key = statuses(engine)
    query = select(leads.c.id).where(
        leads.c.status_id == by_key["open"].id,
        leads.c.created_at >= AMS_YTD_START + timedelta(days=30),
        leads.c.anonymised_at.is_(None),
    )
    if owner_id is not None:
        query = query.where(leads.c.owner_id == owner_id)
    with engine.connect() as conn:
        found = conn.execute(query.order_by(leads.c.id)).scalar()
    assert found is not None
    return int(found)


def test_status_change_on_the_page_is_recorded_and_the_funnel_follows(work: Work) -> None:
    own = work.logins["own"]
    lead_id = an_open_lead_created_ytd(work.engine, own.id)
    now = work.app.state.clock.now()
    by_key = statuses(work.engine)
    with work.client("own") as client:
        before = funnel_shown(client)
        with work.client("admin") as admin:
            everyone_before = funnel_shown(admin)
        assert everyone_before == funnel_expected(work.engine, now)
        response = post(client, f"/leads/{lead_id}/status", {"status": "qualified"})
        assert response.status_code == 303
        assert response.headers["location"] == f"/leads/{lead_id}"
        with work.engine.connect() as conn:
            last = conn.execute(
                select(lead_status_history)
                .where(lead_status_history.c.lead_id == lead_id)
                .order_by(lead_status_history.c.id.desc())
            ).first()
            row = conn.execute(select(leads).where(leads.c.id == lead_id)).one()
        assert last is not None
        assert last.to_status_id == by_key["qualified"].id
        assert last.from_status_id == by_key["open"].id
        assert last.by_associate_id == own.id
        assert last.at == now.astimezone(UTC).replace(tzinfo=None)
        assert row.status_id == by_key["qualified"].id
        assert row.status_since == last.at
        assert row.statuses_held & (1 << by_key["qualified"].id)
        twin = client.get(f"/leads/{lead_id}.json").json()
        assert twin["status"]["key"] == "qualified"
        assert twin["history"][-1]["by"] == own.name
        assert twin["history"][-1]["to"]["key"] == "qualified"
        page = client.get(f"/leads/{lead_id}").text
        assert f"<td>{own.name}</td>" in page
        assert '<option value="qualified" selected>' in page
        after = funnel_shown(client)
        with work.client("admin") as admin:
            everyone_after = funnel_shown(admin)
    assert everyone_after == funnel_expected(work.engine, now)
    assert everyone_after != everyone_before
    changed = [a - b for a, b in zip(after, before, strict=True)]
    assert changed[0] == 0
    assert 1 in changed
    assert set(changed) <= {0, 1}


def test_refusals_change_nothing(work: Work) -> None:
    own = work.logins["own"]
    mine = an_open_lead_created_ytd(work.engine, own.id)
    with work.engine.connect() as conn:
        other = conn.execute(
            select(leads.c.id).where(leads.c.owner_id != own.id).order_by(leads.c.id)
        ).scalar()
        deleted = conn.execute(
            select(lead_statuses.c.key).where(lead_statuses.c.active.is_(False))
        ).scalar()
    assert other is not None
    with work.client("own") as client:
        token = csrf_of(client.get(f"/leads/{mine}").text)
        for lead_id, data, status, field in (
            (mine, {"status": "qualified"}, 403, None),  # no CSRF token
            (other, {"status": "qualified", "csrf_token": token}, 404, None),
            (10**8, {"status": "qualified", "csrf_token": token}, 404, None),
            (mine, {"status": "nope", "csrf_token": token}, 422, "status"),
            (mine, {"status": "", "csrf_token": token}, 422, "status"),
        ):
            before = lead_state(work.engine, mine), lead_state(work.engine, other)
            response = client.post(f"/leads/{lead_id}/status", data=data)
            assert response.status_code == status, (lead_id, data, response.text)
            if field:
                assert f'data-field="{field}"' in response.text
                assert 'data-testid="status-form"' in response.text  # the page again
            assert (lead_state(work.engine, mine), lead_state(work.engine, other)) == before
        for lead_id, data, status in (
            (mine, {"owner": own.email}, 403),
            (other, {"owner": own.email, "csrf_token": token}, 404),
        ):
            before = lead_state(work.engine, mine), lead_state(work.engine, other)
            assert client.post(f"/leads/{lead_id}/owner", data=data).status_code == status
            assert (lead_state(work.engine, mine), lead_state(work.engine, other)) == before
    if deleted is not None:  # a soft-deleted status cannot be chosen
        with work.client("admin") as admin:
            before = lead_state(work.engine, mine)
            response = post(admin, f"/leads/{mine}/status", {"status": deleted})
            assert response.status_code == 422
            assert lead_state(work.engine, mine) == before


def test_owner_change_stays_within_the_rights(work: Work) -> None:
    own = work.logins["own"]
    mine = an_open_lead_created_ytd(work.engine, own.id)
    with work.engine.connect() as conn:
        someone = conn.execute(
            select(associates.c.email, associates.c.id)
            .where(associates.c.id != own.id, associates.c.active.is_(True))
            .order_by(associates.c.id)
        ).first()
    assert someone is not None
    with work.client("own") as client:
        page = client.get(f"/leads/{mine}").text
        assert f'<option value="{own.email}" selected>' in page
        assert someone.email not in page  # only associates within the rights are offered
        before = lead_state(work.engine, mine)
        messages = {}
        for email in (someone.email, "no.such.person@example.invalid"):
            response = post(client, f"/leads/{mine}/owner", {"owner": email})
            assert response.status_code == 422
            assert 'data-field="owner"' in response.text
            assert lead_state(work.engine, mine) == before
            messages[email] = response.text.split('data-field="owner">')[1].split("</p>")[0]
        # an associate outside the rights reads as one who does not exist
        assert messages[someone.email].replace(someone.email, "X") == messages[
            "no.such.person@example.invalid"
        ].replace("no.such.person@example.invalid", "X")
        for empty in ("", "none"):
            response = post(client, f"/leads/{mine}/owner", {"owner": empty})
            assert response.status_code == 422
            assert lead_state(work.engine, mine) == before
        assert post(client, f"/leads/{mine}/owner", {"owner": own.email}).status_code == 303
        assert lead_state(work.engine, mine) == before
    with work.client("admin") as admin:
        assert post(admin, f"/leads/{mine}/owner", {"owner": someone.email}).status_code == 303
        with work.engine.connect() as conn:
            owner = conn.execute(select(leads.c.owner_id).where(leads.c.id == mine)).scalar()
        assert owner == someone.id
        assert admin.get(f"/leads/{mine}.json").json()["owner"]["email"] == someone.email
        assert post(admin, f"/leads/{mine}/owner", {"owner": ""}).status_code == 422
        assert post(admin, f"/leads/{mine}/owner", {"owner": "none"}).status_code == 303
        with work.engine.connect() as conn:
            assert conn.execute(select(leads.c.owner_id).where(leads.c.id == mine)).scalar() is None
        response = post(admin, f"/leads/{mine}/owner", {"owner": "no.such.person@example.invalid"})
        assert response.status_code == 422
        assert post(admin, f"/leads/{mine}/owner", {"owner": own.email}).status_code == 303
    with work.client("own") as client:  # back with its owner: visible again
        assert client.get(f"/leads/{mine}").status_code == 200


def test_owner_choices_are_active_associates_within_the_rights(work: Work) -> None:
    group = work.logins["group"]
    with work.engine.connect() as conn:
        group_id = conn.execute(
            select(associates.c.group_id).where(associates.c.id == group.id)
        ).scalar()
        expected = set(
            conn.execute(
                select(associates.c.email).where(
                    associates.c.group_id == group_id, associates.c.active.is_(True)
                )
            ).scalars()
        )
        every_active = set(
            conn.execute(select(associates.c.email).where(associates.c.active.is_(True))).scalars()
        )
        lead_id = conn.execute(
            select(leads.c.id).where(leads.c.owner_id == group.id).order_by(leads.c.id)
        ).scalar()

    def offered(html: str) -> set[str]:
        select_html = html.split('id="lead-new-owner"')[1].split("</select>")[0]
        return set(re.findall(r'<option value="([^"]*)"', select_html))

    with work.client("group") as client:
        assert offered(client.get(f"/leads/{lead_id}").text) == expected
    with work.client("admin") as admin:
        assert offered(admin.get(f"/leads/{lead_id}").text) == every_active | {"none"}


def test_conversions_on_the_page_and_in_the_twin(work: Work) -> None:
    with work.engine.connect() as conn:
        lead_id = conn.execute(
            select(form_submissions.c.lead_id)
            .where(form_submissions.c.is_conversion.is_(True))
            .group_by(form_submissions.c.lead_id)
            .order_by(func.count().desc(), form_submissions.c.lead_id)
        ).scalar()
        assert lead_id is not None
        rows = conn.execute(
            select(form_submissions, forms.c.key.label("form_key"))
            .join(forms, forms.c.id == form_submissions.c.form_id)
            .where(
                form_submissions.c.lead_id == lead_id, form_submissions.c.is_conversion.is_(True)
            )
            .order_by(form_submissions.c.submitted_at, form_submissions.c.id)
        ).all()
        owner = conn.execute(select(leads.c.owner_id).where(leads.c.id == lead_id)).scalar()
    with work.client("admin") as admin:
        twin = admin.get(f"/leads/{lead_id}.json").json()
        got = twin["conversions"]
        assert [c["submission_id"] for c in got] == [r.id for r in rows]
        for conversion, row in zip(got, rows, strict=True):
            assert conversion["form"]["key"] == row.form_key
            visit = conversion["visit"] or {}
            assert visit.get("source") == row.visit_source
            assert visit.get("medium") == row.visit_medium
            assert visit.get("campaign") == row.visit_campaign
            moment = datetime.fromisoformat(conversion["submitted_at"])
            assert moment.astimezone(UTC).replace(tzinfo=None) == row.submitted_at
        page = admin.get(f"/leads/{lead_id}").text
        table = page.split('data-testid="lead-conversions"')[1].split("</table>")[0]
        assert table.count("<tr data-submission-id=") == len(rows)
        # a lead without conversions says so
        with work.engine.connect() as conn:
            plain = conn.execute(
                select(leads.c.id)
                .where(
                    ~leads.c.id.in_(
                        select(form_submissions.c.lead_id).where(
                            form_submissions.c.lead_id.is_not(None)
                        )
                    )
                )
                .order_by(leads.c.id)
            ).scalar()
        assert admin.get(f"/leads/{plain}.json").json()["conversions"] == []
        assert "No conversions" in admin.get(f"/leads/{plain}").text
    own = work.logins["own"]
    if owner != own.id:  # conversions follow their lead: outside the rights, nothing
        with work.client("own") as client:
            assert client.get(f"/leads/{lead_id}.json").status_code == 404


def test_an_anonymised_lead_cannot_change(work: Work) -> None:
    lead_id = an_open_lead_created_ytd(work.engine)
    with work.engine.begin() as conn:
        conn.execute(
            update(leads).where(leads.c.id == lead_id).values(anonymised_at=datetime(2026, 2, 1))
        )
    try:
        with work.client("admin") as admin:
            page = admin.get(f"/leads/{lead_id}").text
            assert 'data-testid="status-form"' not in page
            token = csrf_of(page)
            before = lead_state(work.engine, lead_id)
            response = admin.post(
                f"/leads/{lead_id}/status", data={"status": "qualified", "csrf_token": token}
            )
            assert response.status_code == 409
            assert 'data-field="lead_id"' in response.text
            assert lead_state(work.engine, lead_id) == before
    finally:
        with work.engine.begin() as conn:
            conn.execute(update(leads).where(leads.c.id == lead_id).values(anonymised_at=None))
