"""/healthz and /readyz (issue 13 item 7): no sign-in, tiny JSON; /readyz 503 with a reason
when the schema is not this release's or the database does not answer."""

from pathlib import Path

from sqlalchemy import text
from starlette.testclient import TestClient

from leadboard.app import create_app
from leadboard.db.engine import make_engine
from leadboard.db.migrate import HEAD
from leadboard.settings import Settings


def test_probes(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}"))
    engine = app.state.engine
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "database": "sqlite", "schema": HEAD}
        assert ready.headers["cache-control"] == "no-store"
        assert "/readyz" not in client.get("/openapi.json").text

        with engine.begin() as conn:  # as if an older release's database were put back
            conn.execute(text("UPDATE alembic_version SET version_num = '0005'"))
        stale = client.get("/readyz")
        assert stale.status_code == 503
        assert stale.json()["status"] == "unavailable"
        assert "0005" in stale.json()["reason"]

        # a database that cannot be opened: the process is healthy, not ready
        app.state.engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["reason"].startswith("database unreachable")
        assert client.get("/healthz").status_code == 200
        app.state.engine.dispose()
    engine.dispose()
