"""Failed submissions retried (issue 13): `leadboard submissions retry` processes each in place
and reports the counts, a second run finds nothing; the server retries by itself after the next
capture that commits."""

import json
import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from leadboard.cli import app
from leadboard.db.schema import form_submissions, leads
from tests.capture.conftest import START, Leadboard

runner = CliRunner()


def locked(*_args: Any) -> Any:
    raise OperationalError("INSERT INTO leads ...", {}, Exception("database is locked"))


def rows(board: Leadboard) -> list[Any]:
    with board.engine.connect() as conn:
        query = select(form_submissions).order_by(form_submissions.c.id)
        return list(conn.execute(query).all())


def lead_emails(board: Leadboard) -> list[str]:
    with board.engine.connect() as conn:
        return sorted(conn.execute(select(leads.c.email)).scalars())


def fail_posts(board: Leadboard, monkeypatch: pytest.MonkeyPatch, *emails: str) -> list[int]:
    monkeypatch.setattr("leadboard.capture.routes.record_submission", locked)
    ids = []
    for email in emails:
        answer = board.http.post(
            "/capture/forms/contact",
            json={"email": email, "message": "hi", "lb_visit": "utm_source=news&utm_medium=email"},
        )
        assert answer.status_code == 202
        ids.append(answer.json()["submission_id"])
    monkeypatch.undo()
    return ids


def test_the_command_retries_failed_submissions_once(
    leadboard: Leadboard, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    leadboard.add_form()
    leadboard.http.post("/capture/forms/contact", json={"email": "known@example.org"})
    failed = fail_posts(leadboard, monkeypatch, "new@example.org", "known@example.org")
    assert [r.status for r in rows(leadboard)] == ["processed", "failed", "failed"]
    assert lead_emails(leadboard) == ["known@example.org"]

    result = runner.invoke(app, ["--database-url", db_url, "submissions", "retry", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "retried": 2,
        "processed": 2,
        "still_failed": 0,
        "conversions": 1,
        "spooled_stored": 0,  # nothing was spooled (tests/capture/test_spool.py)
        "spooled_waiting": 0,
    }
    after = {r.id: r for r in rows(leadboard)}
    assert [after[i].status for i in failed] == ["processed", "processed"]
    assert [after[i].is_conversion for i in failed] == [False, True]
    assert all(after[i].error is None for i in failed)
    assert lead_emails(leadboard) == ["known@example.org", "new@example.org"]
    with leadboard.engine.connect() as conn:
        new = conn.execute(select(leads).where(leads.c.email == "new@example.org")).one()
    assert new.id == after[failed[0]].lead_id
    assert new.created_at == START.replace(tzinfo=None)  # as of the post, not of the retry
    assert (new.lc_source, new.lc_medium) == ("news", "email")

    again = runner.invoke(app, ["--database-url", db_url, "submissions", "retry"])
    assert again.exit_code == 0, again.output
    assert "0 failed submissions retried: 0 processed (0 conversions), 0 still failed" in (
        again.stdout
    )
    assert len(rows(leadboard)) == 3


def test_the_server_retries_after_the_next_capture_commits(
    leadboard: Leadboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    leadboard.add_form()
    [failed] = fail_posts(leadboard, monkeypatch, "waiting@example.org")
    answer = leadboard.http.post("/capture/forms/contact", json={"email": "next@example.org"})
    assert answer.status_code == 201
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the retry runs after the answer is sent
        status = {r.id: r.status for r in rows(leadboard)}[failed]
        if status == "processed":
            break
        time.sleep(0.05)
    assert status == "processed"
    assert lead_emails(leadboard) == ["next@example.org", "waiting@example.org"]
