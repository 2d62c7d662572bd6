"""DELETE /api/leads/{id}?erase=true (GDPR erasure, issue 13 item 8) and `leadboard leads
erase`, on both engines: admins only, the lead kept and nameless, the audit row, retries of an
earlier POST no longer answer the erased values, and the pages name the lead "Erased contact"."""

from typing import Any

from sqlalchemy import Engine, select, update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from leadboard.cli import app as cli
from leadboard.db.schema import associates, erasures, idempotency_keys, lead_status_history, leads
from tests.api.conftest import OWNER, add_associate, error_field, token_headers

ANN = {"email": "ann.jansen@example.com", "first_name": "Ann", "last_name": "Jansen"}


def _admin(engine: Engine, email: str = "root@example.com") -> dict[str, str]:
    admin_id = add_associate(engine, email)
    with engine.begin() as conn:
        conn.execute(update(associates).where(associates.c.id == admin_id).values(role="admin"))
    return token_headers(engine, "admin", admin_id)


def _user(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        owner = conn.execute(select(associates.c.id).where(associates.c.email == OWNER)).scalar()
    return token_headers(engine, "user", owner)


def _new_lead(client: TestClient, key: str = "make-ann") -> dict[str, Any]:
    response = client.post("/api/leads", json=ANN, headers={"Idempotency-Key": key})
    assert response.status_code == 201
    body: dict[str, Any] = response.json()
    client.post(f"/api/leads/{body['id']}/status", json={"status": "qualified"})
    return body


def test_an_admin_erases_a_lead_and_it_stays_counted(client: TestClient, engine: Engine) -> None:
    lead = _new_lead(client)
    admin = _admin(engine)
    response = client.delete(f"/api/leads/{lead['id']}?erase=true", headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["erased"] is True
    assert body["anonymised_at"] is not None
    assert (body["email"], body["first_name"], body["last_name"]) == (None, None, None)
    assert body["status"] == "qualified"
    assert client.get(f"/api/leads/{lead['id']}").json()["erased"] is True
    with engine.connect() as conn:
        assert conn.execute(select(leads.c.id)).scalars().all() == [lead["id"]]
        assert len(conn.execute(select(lead_status_history)).all()) == 2  # open, qualified
        audit = conn.execute(select(erasures)).one()
        answers = conn.execute(select(idempotency_keys.c.response)).scalars().all()
    assert (audit.lead_id, audit.via, audit.by_email) == (lead["id"], "api", "root@example.com")
    assert "ann.jansen" not in str(answers)
    assert "Jansen" not in str(answers)
    # the retry of the POST that made it answers the erased lead, not Ann
    retry = client.post("/api/leads", json=ANN, headers={"Idempotency-Key": "make-ann"})
    assert retry.status_code == 201
    assert retry.json()["email"] is None
    again = client.delete(f"/api/leads/{lead['id']}?erase=true", headers=admin)
    assert again.status_code == 409


def test_only_admins_erase_and_only_with_erase_true(client: TestClient, engine: Engine) -> None:
    lead = _new_lead(client)
    url = f"/api/leads/{lead['id']}"
    assert client.delete(f"{url}?erase=true").status_code == 403  # an integration token
    assert client.delete(f"{url}?erase=true", headers=_user(engine)).status_code == 403
    anonymous = client.delete(f"{url}?erase=true", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    refused = client.delete(url, headers=_admin(engine))
    assert refused.status_code == 422
    assert error_field(refused) == "erase"
    assert (
        client.delete(
            "/api/leads/999?erase=true", headers=_admin(engine, "b@example.com")
        ).status_code
        == 404
    )
    assert client.get(url).json()["email"] == ANN["email"]  # nothing erased


def test_cli_erases_by_email_and_lists_the_audit(
    client: TestClient, engine: Engine, api_db_url: str
) -> None:
    lead = _new_lead(client)
    _admin(engine)
    runner = CliRunner()
    base = ["--database-url", api_db_url, "leads"]
    done = runner.invoke(
        cli,
        [
            *base,
            "erase",
            "--email",
            "ANN.jansen@example.com",
            "--as",
            "root@example.com",
            "--yes",
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    assert f'"lead_id": {lead["id"]}' in done.output
    again = runner.invoke(cli, [*base, "erase", "--email", ANN["email"], "--yes"])
    assert again.exit_code == 2
    assert "no lead" in again.output
    not_admin = runner.invoke(cli, [*base, "erase", str(lead["id"]), "--as", OWNER, "--yes"])
    assert not_admin.exit_code == 2
    assert "not an active admin" in not_admin.output
    listed = runner.invoke(cli, [*base, "erasures", "--json"])
    assert listed.exit_code == 0
    assert '"by": "root@example.com"' in listed.output
    shown = runner.invoke(cli, [*base, "list", "--json"])
    assert '"name": "Erased contact"' in shown.output
    assert ANN["email"] not in shown.output
