"""Owner and status changes through the REST API within the viewer's rights (issue 10 item 5), on
SQLite and PostgreSQL: a token acting as a user with `own` or `group` lead rights changes only
leads within them (404 outside, nothing changes), may hand a lead only to an associate within
them (one outside is refused exactly as an unknown email, so nothing tells who exists) and may
not leave it without an owner; an integration token or an admin may. And a lead's conversions
(`GET /api/leads/{id}/conversions`), following their lead's rights.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from starlette.testclient import TestClient

from leadboard.db.schema import (
    associate_groups,
    associates,
    form_submissions,
    forms,
    lead_status_history,
    leads,
    roles,
)
from tests.api.conftest import OWNER, USER, add_associate, error_field, token_headers

OUTSIDER = "olga@example.com"
TEAMMATE = "tim@example.com"


def _setup(client: TestClient, engine: Engine) -> dict[str, Any]:
    """Ann (role user, group rights) in a group with Tim; Sam and Olga outside it. A lead of
    each of Ann, Tim and Sam, and one without an owner."""
    add_associate(engine, OUTSIDER)
    add_associate(engine, TEAMMATE)
    with engine.begin() as conn:
        group = conn.execute(
            insert(associate_groups).values(name="Team A").returning(associate_groups.c.id)
        ).scalar_one()
        conn.execute(
            update(associates)
            .where(associates.c.email.in_([USER, TEAMMATE]))
            .values(group_id=group)
        )
        ids: dict[str, int] = dict(conn.execute(select(associates.c.email, associates.c.id)).all())
    found: dict[str, Any] = {"people": ids}
    for name, owner in (("ann", USER), ("tim", TEAMMATE), ("sam", OWNER), ("none", None)):
        body = {"email": f"{name}@lead.example"}
        if owner:
            body["owner"] = owner
        response = client.post("/api/leads", json=body)
        assert response.status_code == 201, response.text
        found[name] = response.json()["id"]
    found["ann_headers"] = token_headers(engine, "ann", ids[USER])
    return found


def _state(engine: Engine) -> Any:
    with engine.connect() as conn:
        return (
            conn.execute(select(leads).order_by(leads.c.id)).all(),
            conn.execute(select(lead_status_history).order_by(lead_status_history.c.id)).all(),
        )


def _owner(engine: Engine, lead_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(leads.c.owner_id).where(leads.c.id == lead_id)).scalar()


def test_owner_changes_stay_within_the_rights(client: TestClient, engine: Engine) -> None:
    ids = _setup(client, engine)
    h = ids["ann_headers"]
    before = _state(engine)
    answers = {}
    for email in (OUTSIDER, OWNER, "ghost@example.com"):
        response = client.patch(f"/api/leads/{ids['ann']}", json={"owner": email}, headers=h)
        assert response.status_code == 422, response.text
        assert error_field(response) == "owner"
        answers[email] = response.json()["error"]["message"].replace(email, "EMAIL")
        assert _state(engine) == before
    # an associate outside the rights reads exactly like one who does not exist
    assert answers[OUTSIDER] == answers[OWNER] == answers["ghost@example.com"]
    response = client.patch(f"/api/leads/{ids['ann']}", json={"owner": None}, headers=h)
    assert response.status_code == 422
    assert error_field(response) == "owner"
    assert _state(engine) == before
    # outside the rights: 404 whatever the owner
    for lead in ("sam", "none"):
        response = client.patch(f"/api/leads/{ids[lead]}", json={"owner": USER}, headers=h)
        assert response.status_code == 404
        assert error_field(response) == "lead_id"
    assert _state(engine) == before
    # within: a teammate, and back
    response = client.patch(f"/api/leads/{ids['ann']}", json={"owner": TEAMMATE}, headers=h)
    assert response.status_code == 200, response.text
    assert response.json()["owner"] == TEAMMATE
    assert _owner(engine, ids["ann"]) == ids["people"][TEAMMATE]
    response = client.patch(f"/api/leads/{ids['tim']}", json={"owner": USER.upper()}, headers=h)
    assert response.status_code == 200
    assert response.json()["owner"] == USER
    # an integration token (the client's own) has all rights: anyone, or no one
    response = client.patch(f"/api/leads/{ids['sam']}", json={"owner": OUTSIDER})
    assert response.status_code == 200
    assert response.json()["owner"] == OUTSIDER
    response = client.patch(f"/api/leads/{ids['sam']}", json={"owner": None})
    assert response.status_code == 200
    assert response.json()["owner"] is None
    assert _owner(engine, ids["sam"]) is None


def test_other_fields_do_not_need_an_owner_check(client: TestClient, engine: Engine) -> None:
    ids = _setup(client, engine)
    response = client.patch(
        f"/api/leads/{ids['ann']}", json={"job_title": "CFO"}, headers=ids["ann_headers"]
    )
    assert response.status_code == 200
    assert response.json()["job_title"] == "CFO"
    assert response.json()["owner"] == USER


def test_an_own_user_may_keep_a_lead_only_for_themselves(
    client: TestClient, engine: Engine
) -> None:
    ids = _setup(client, engine)
    with engine.begin() as conn:
        conn.execute(insert_role())
        conn.execute(update(associates).where(associates.c.email == USER).values(role="rep"))
    h = ids["ann_headers"]
    before = _state(engine)
    response = client.patch(f"/api/leads/{ids['ann']}", json={"owner": TEAMMATE}, headers=h)
    assert response.status_code == 422
    assert error_field(response) == "owner"
    assert client.get(f"/api/leads/{ids['tim']}", headers=h).status_code == 404
    assert _state(engine) == before
    response = client.patch(f"/api/leads/{ids['ann']}", json={"owner": USER}, headers=h)
    assert response.status_code == 200


def insert_role() -> Any:
    return insert(roles).values(
        key="rep", name="Rep", leads_rights="own", sales_rights="own", builtin=False
    )


def test_status_changes_within_the_rights(client: TestClient, engine: Engine) -> None:
    ids = _setup(client, engine)
    h = ids["ann_headers"]
    before = _state(engine)
    for lead in ("sam", "none"):
        response = client.post(
            f"/api/leads/{ids[lead]}/status", json={"status": "contacting"}, headers=h
        )
        assert response.status_code == 404
        assert error_field(response) == "lead_id"
    assert _state(engine) == before
    response = client.post(
        f"/api/leads/{ids['tim']}/status", json={"status": "contacting"}, headers=h
    )
    assert response.status_code == 200
    assert response.json()["status"] == "contacting"
    history = client.get(f"/api/leads/{ids['tim']}/history", headers=h).json()["history"]
    assert history[-1]["by"]["email"] == USER
    assert history[-1]["to_status"] == "contacting"


def test_conversions_follow_their_lead(client: TestClient, engine: Engine) -> None:
    ids = _setup(client, engine)
    at = datetime(2026, 3, 1, 10, 0)
    with engine.begin() as conn:
        form = conn.execute(
            insert(forms)
            .values(key="contact", name="Contact", created_at=at, allowed_origins=[], fields=[])
            .returning(forms.c.id)
        ).scalar_one()
        for lead, minutes, conversion, source in (
            ("ann", 30, True, "newsletter"),
            ("ann", 10, True, None),
            ("ann", 0, False, "google"),  # the post that created the lead: no conversion
            ("sam", 5, True, "google"),
        ):
            conn.execute(
                insert(form_submissions).values(
                    form_id=form,
                    lead_id=ids[lead],
                    status="processed",
                    is_conversion=conversion,
                    submitted_at=at.replace(minute=minutes),
                    visit_source=source,
                    visit_medium="email" if source else None,
                )
            )
    h = ids["ann_headers"]
    response = client.get(f"/api/leads/{ids['ann']}/conversions", headers=h)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lead_id"] == ids["ann"]
    assert [c["submitted_at"] for c in body["conversions"]] == [
        "2026-03-01T10:10:00Z",
        "2026-03-01T10:30:00Z",
    ]
    assert body["conversions"][0]["visit"] is None
    visit = body["conversions"][1]["visit"]
    assert (visit["source"], visit["medium"], visit["campaign"]) == ("newsletter", "email", None)
    assert body["conversions"][1]["form"] == {"key": "contact", "name": "Contact"}
    hidden = client.get(f"/api/leads/{ids['sam']}/conversions", headers=h)
    assert hidden.status_code == 404
    assert error_field(hidden) == "lead_id"
    assert len(client.get(f"/api/leads/{ids['sam']}/conversions").json()["conversions"]) == 1
    assert client.get("/api/leads/999999/conversions").status_code == 404
