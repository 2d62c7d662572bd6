"""Concurrent writers never fail (issue 13 item 2), on SQLite and PostgreSQL: while a CSV import
runs in another process and holds the write lock, four clients post capture forms, one creates
leads through the REST API, one changes statuses through the REST API and one moves cards on a
selection's board (the same two leads as the REST one), all against one real uvicorn server. No
answer is a 5xx or says "locked", every acknowledged post is stored once, every created lead and
every status change is there (the history of each lead one unbroken chain), and the import
stores all its rows.

The posting starts only once the import is seen holding the write lock (SQLite: a BEGIN IMMEDIATE
of our own is refused; PostgreSQL: the import's transaction has written), so the writers really
meet it. The slowest capture is printed (run with -s), never asserted. A second test makes the
interleaving of two status changes of one lead happen on purpose.
"""

import csv
import json
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, event, insert, select, text
from sqlalchemy.engine import make_url

from leadboard.auth.passwords import hash_password
from leadboard.capture.routes import drain_spool
from leadboard.dashboards.selections import SelectionDefinition, create_selection
from leadboard.db.schema import (
    associates,
    form_submissions,
    lead_status_history,
    lead_statuses,
    leads,
)
from leadboard.domain.lead_updates import add_lead, set_status
from leadboard.domain.leads import NewLead
from tests.capture.conftest import Leadboard
from tests.conftest import bearer_headers

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "bench" / "leads-mapping.yaml"
IMPORT_ROWS = 20_000  # a couple of seconds of holding the write lock on SQLite
CAPTURE_CLIENTS = 4
CAPTURES_EACH = 40
REST_LEADS = 40
STATUS_CHANGES = 80  # per status writer (REST, board), on the same leads
STATUS_LEADS = 2
# Each status writer moves the leads between statuses of its own, so no move is to the status the
# lead already holds (which changes nothing): every move answered is a change.
CYCLES = {"rest-status": ["contacting", "qualified"], "board-move": ["disqualified", "re-nurture"]}
ADMIN = "boss@example.com"
PASSWORD = "concurrent-writers"
BOARD = "belgian-leads"
# The mapping's status column (bench/leads-mapping.yaml maps these to status keys).
IMPORT_STATUSES = {"New": "open", "Working": "contacting", "Qualified": "qualified"}


@dataclass
class Answer:
    """One request of a writer thread: what, its answer and when (time.monotonic())."""

    kind: str
    status: int
    body: str
    started: float
    ended: float
    sent: dict[str, Any] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Writers:
    """Every answer of every writer thread, and what crashed a thread."""

    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.crashes: list[str] = []
        self._lock = threading.Lock()

    def call(
        self,
        http: httpx.Client,
        kind: str,
        url: str,
        sent: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> Answer:
        started = time.monotonic()
        response = http.post(url, json=sent, headers=headers)
        answer = Answer(kind, response.status_code, response.text, started, time.monotonic(), sent)
        with self._lock:
            self.answers.append(answer)
        return answer

    def run(self, target: Callable[[], None]) -> threading.Thread:
        def guarded() -> None:
            try:
                target()
            except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
                with self._lock:
                    self.crashes.append(f"{type(exc).__name__}: {exc}")

        thread = threading.Thread(target=guarded, daemon=True)
        thread.start()
        return thread

    def of(self, kind: str) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind]


def write_csv(path: Path, rows: int) -> None:
    """`rows` leads with the columns of bench/leads-mapping.yaml, each with its own external id
    and email, so the import creates exactly `rows` leads."""
    statuses = list(IMPORT_STATUSES)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            "lead_id,created,first_name,last_name,email,phone,job_title,company,country,source,"
            "medium,campaign,status,owner,score,notes".split(",")
        )
        for i in range(rows):
            writer.writerow(
                [
                    f"CW{i:06d}",
                    f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d} 10:00:00",
                    "Imke",
                    f"Import {i}",
                    f"imported{i}@import.example",
                    "",
                    "Buyer",
                    f"Company {i % 500}",
                    "Netherlands",
                    "google",
                    "cpc",
                    "winter",
                    statuses[i % len(statuses)],
                    f"owner{i % 5}@import.example",
                    str(i % 100),
                    "",
                ]
            )


def import_writes(url: str) -> bool:
    """Whether another connection holds a write transaction now (only the import writes yet)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        probe = sqlite3.connect(str(parsed.database), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "database is locked" not in str(exc):
                raise
            return True
        finally:
            probe.close()  # rolls our empty transaction back
        return False
    from leadboard.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            writing = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return bool(writing)


def statuses_by_key(conn: Connection) -> dict[str, int]:
    return {
        key: int(id_) for key, id_ in conn.execute(select(lead_statuses.c.key, lead_statuses.c.id))
    }


def add_admin(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                insert(associates)
                .values(
                    email=ADMIN,
                    name="Boss",
                    role="admin",
                    language="en",
                    active=True,
                    password_hash=hash_password(PASSWORD),
                )
                .returning(associates.c.id)
            ).scalar_one()
        )


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def signed_in(url: str) -> tuple[httpx.Client, str]:
    """A client logged in as the admin, and the CSRF token of the board page."""
    http = httpx.Client(base_url=url, timeout=60, follow_redirects=False)
    token = csrf_of(http.get("/login").text)
    login = http.post(
        "/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token, "next": "/"}
    )
    assert login.status_code == 303, login.text
    board = http.get(f"/selections/{BOARD}/board")
    assert board.status_code == 200, board.text
    return http, csrf_of(board.text)


def test_concurrent_writers_never_fail(
    start_leadboard: Callable[..., Leadboard], db_url: str, tmp_path: Path
) -> None:
    board = start_leadboard(capture_rate=100_000)  # the rate limit is not what this is about
    board.add_form("contact")
    api = bearer_headers(board.engine)
    admin_id = add_admin(board.engine)
    with board.engine.begin() as conn:
        definition = SelectionDefinition.model_validate(
            {
                "slug": BOARD,
                "name": {"en": "Belgian leads", "nl": "Belgische leads"},
                "entity": "leads",
                "criteria": [[{"field": "country", "op": "in", "value": ["BE"]}]],
            }
        )
        create_selection(conn, definition, admin_id, datetime(2026, 1, 1))
        status_ids = statuses_by_key(conn)
    # The leads whose statuses change (both status writers move each of them): made before.
    status_leads: list[int] = []
    for i in range(STATUS_LEADS):
        made = board.http.post(
            "/api/leads",
            json={"email": f"moved{i}@example.be", "first_name": "Moved", "country": "BE"},
            headers=api,
        )
        assert made.status_code == 201, made.text
        status_leads.append(made.json()["id"])
    board_http, csrf = signed_in(board.url)

    csv_path = tmp_path / "leads.csv"
    write_csv(csv_path, IMPORT_ROWS)
    command = [sys.executable, "-m", "leadboard", "--database-url", db_url, "import"]
    command += ["--mapping", str(MAPPING), str(csv_path), "--json"]
    import_started = time.monotonic()
    importer = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        # Wait until the import holds the write lock (its own transaction has begun writing).
        while not import_writes(db_url):
            assert importer.poll() is None, "the import ended before it was seen writing"
            assert time.monotonic() - import_started < 30, "the import never started writing"
            time.sleep(0.01)
        lock_seen = time.monotonic()

        writers = Writers()

        def capture(client: int) -> Callable[[], None]:
            def post() -> None:
                with httpx.Client(base_url=board.url, timeout=60) as http:
                    for n in range(CAPTURES_EACH):
                        email = f"captured-{client}-{n}@example.org"
                        writers.call(
                            http,
                            "capture",
                            "/capture/forms/contact",
                            {"email": email, "first_name": f"Client {client}", "message": str(n)},
                            {"Idempotency-Key": f"cw-{client}-{n}"},
                        )

            return post

        def rest_create() -> None:
            with httpx.Client(base_url=board.url, timeout=60, headers=api) as http:
                for n in range(REST_LEADS):
                    writers.call(
                        http,
                        "rest-create",
                        "/api/leads",
                        {"email": f"rest{n}@api.example", "first_name": "Rest", "country": "NL"},
                        {"Idempotency-Key": f"cw-rest-{n}"},
                    )

        def change_statuses(kind: str) -> Callable[[], None]:
            def change() -> None:
                for n in range(STATUS_CHANGES):
                    lead_id = status_leads[n % STATUS_LEADS]
                    status = CYCLES[kind][n // STATUS_LEADS % 2]
                    moves[kind].append((lead_id, status))
                    if kind == "rest-status":
                        writers.call(
                            rest_http, kind, f"/api/leads/{lead_id}/status", {"status": status}
                        )
                    else:
                        writers.call(
                            board_http,
                            kind,
                            f"/selections/{BOARD}/board/move",
                            {"lead_id": lead_id, "status": status},
                            {"X-CSRF-Token": csrf},
                        )

            return change

        moves: dict[str, list[tuple[int, str]]] = {"rest-status": [], "board-move": []}
        rest_http = httpx.Client(base_url=board.url, timeout=60, headers=api)
        threads = [writers.run(capture(c)) for c in range(CAPTURE_CLIENTS)]
        threads.append(writers.run(rest_create))
        threads.append(writers.run(change_statuses("rest-status")))
        threads.append(writers.run(change_statuses("board-move")))
        out, err = importer.communicate(timeout=120)
    finally:
        if importer.poll() is None:  # a failed or hung run leaves no import behind
            importer.kill()
            importer.wait()
    import_ended = time.monotonic()
    for thread in threads:
        thread.join(timeout=120)
    rest_http.close()
    board_http.close()

    # --- they did meet ---------------------------------------------------------------------
    assert writers.crashes == []
    first_post = min(a.started for a in writers.answers)
    during_import = [a for a in writers.answers if a.started < import_ended]
    captures = writers.of("capture")
    slowest = max(a.seconds for a in captures)
    print(
        f"\n{make_url(db_url).get_backend_name()}: import of {IMPORT_ROWS} rows ran "
        f"{import_ended - import_started:.2f} s (writing {import_ended - lock_seen:.2f} s before "
        f"it ended); {len(during_import)} of {len(writers.answers)} requests sent meanwhile; "
        f"slowest capture {slowest:.3f} s, median "
        f"{sorted(a.seconds for a in captures)[len(captures) // 2]:.3f} s"
    )
    assert first_post < import_ended, "every post came after the import: they did not overlap"
    assert len(during_import) >= CAPTURE_CLIENTS

    # --- no failure, no "locked" -----------------------------------------------------------
    assert importer.returncode == 0, err[-3000:]
    assert [a for a in writers.answers if a.status >= 500] == []
    assert [a for a in writers.answers if "locked" in a.body.lower()] == []
    with board.engine.connect() as conn:
        errors = list(
            conn.execute(
                select(form_submissions.c.error).where(form_submissions.c.error.is_not(None))
            ).scalars()
        )
    assert [e for e in errors if "locked" in e.lower()] == []

    # --- every acknowledged write is there, once --------------------------------------------
    assert len(captures) == CAPTURE_CLIENTS * CAPTURES_EACH
    # 201, or 202 `queued`: kept in the spool while the import held SQLite's lock past
    # LEADBOARD_CAPTURE_SPOOL_AFTER_MS, stored once it is free (tests/capture/test_spool.py).
    assert [(a.status, a.body) for a in captures if a.status not in (201, 202)] == []
    assert all(_json(a)["status"] == "queued" for a in captures if a.status == 202)
    spool = board.server.app.state.spool
    if spool is not None:
        print(f"{sum(a.status == 202 for a in captures)} captures were spooled")
        drain_spool(board.engine)  # as the next capture, or the next start, would
        assert spool.waiting() == 0
    with board.engine.connect() as conn:
        payloads = conn.execute(
            select(
                form_submissions.c.payload, form_submissions.c.status, leads.c.email
            ).select_from(
                form_submissions.outerjoin(leads, leads.c.id == form_submissions.c.lead_id)
            )
        ).all()
    stored = Counter(row.payload["email"] for row in payloads)
    acknowledged = [a.sent["email"] for a in captures if a.status in (201, 202)]
    assert {email: stored[email] for email in acknowledged} == dict.fromkeys(acknowledged, 1)
    assert sorted(r.email for r in payloads if r.status == "processed") == sorted(acknowledged)

    created = writers.of("rest-create")
    assert [a.status for a in created] == [201] * REST_LEADS, [a.body for a in created]
    with board.engine.connect() as conn:
        rest_rows: dict[str, int] = dict(
            conn.execute(
                select(leads.c.email, leads.c.id).where(leads.c.email.like("rest%@api.example"))
            ).all()
        )
    assert rest_rows == {a.sent["email"]: _json(a)["id"] for a in created}

    for kind in CYCLES:
        changes = writers.of(kind)
        assert [a.status for a in changes] == [200] * STATUS_CHANGES, [a.body for a in changes]
        if kind == "board-move":
            assert all(_json(a)["changed"] is True for a in changes)
    # Every move is in the history once, and the history of each lead is one chain (each change
    # starts where the one before ended: two writers did not both move from the same status),
    # ending at the lead's status, with every status in it among the statuses held.
    with board.engine.connect() as conn:
        history = conn.execute(
            select(
                lead_status_history.c.lead_id,
                lead_status_history.c.from_status_id,
                lead_status_history.c.to_status_id,
            )
            .where(lead_status_history.c.lead_id.in_(status_leads))
            .order_by(lead_status_history.c.id)
        ).all()
        now = {
            row.id: row
            for row in conn.execute(
                select(leads.c.id, leads.c.status_id, leads.c.statuses_held).where(
                    leads.c.id.in_(status_leads)
                )
            )
        }
    moved = [m for kind in CYCLES for m in moves[kind]]
    assert Counter((h.lead_id, h.to_status_id) for h in history if h.from_status_id) == Counter(
        (lead_id, status_ids[status]) for lead_id, status in moved
    )
    for lead_id in status_leads:
        steps = [(h.from_status_id, h.to_status_id) for h in history if h.lead_id == lead_id]
        held = [None, status_ids["open"]] + [to for _, to in steps[1:]]
        assert steps == list(pairwise(held)), f"lead {lead_id}: {steps}"
        assert now[lead_id].status_id == held[-1]
        assert now[lead_id].statuses_held == sum({1 << s for s in held[1:] if s})

    # --- the import stored all its rows -----------------------------------------------------
    with board.engine.connect() as conn:
        imported = conn.execute(
            select(leads.c.external_id, leads.c.email, leads.c.status_id).where(
                leads.c.origin == "crm-export"
            )
        ).all()
    statuses = list(IMPORT_STATUSES.values())
    assert sorted((r.external_id, r.email, r.status_id) for r in imported) == [
        (f"CW{i:06d}", f"imported{i}@import.example", status_ids[statuses[i % len(statuses)]])
        for i in range(IMPORT_ROWS)
    ]
    summary = json.loads(out)
    assert (summary["errors"], summary["records"]["leads"]["created"]) == (0, IMPORT_ROWS)


def _json(answer: Answer) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(answer.body)
    return value


def test_a_status_change_waits_for_another_one_on_the_same_lead(engine: Engine) -> None:
    """The interleaving the run above meets by chance, made to happen: one status change has
    read the lead and is about to write its history row when another change of the same lead
    starts. That one must wait (SQLite's write lock, PostgreSQL's row lock) instead of writing
    from the same status, so the history stays one chain and the statuses held complete."""
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with engine.begin() as conn:
        new = NewLead(created_via="api", created_at=at, email="race@example.org")
        lead_id = add_lead(conn, new)
        ids = statuses_by_key(conn)
    other = threading.Thread(target=_change, args=(engine, lead_id, "qualified", at), daemon=True)
    first = threading.current_thread()

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # Our change read the lead (its status) and now writes the history row from it.
        if threading.current_thread() is first and statement.startswith(
            "INSERT INTO lead_status_history"
        ):
            if not other.is_alive() and other.ident is None:
                other.start()
                other.join(timeout=1)  # it cannot finish while we hold the lead

    event.listen(engine, "before_cursor_execute", before)
    try:
        _change(engine, lead_id, "contacting", at)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    other.join(timeout=60)
    assert not other.is_alive()
    with engine.connect() as conn:
        history = conn.execute(
            select(lead_status_history.c.from_status_id, lead_status_history.c.to_status_id)
            .where(lead_status_history.c.lead_id == lead_id)
            .order_by(lead_status_history.c.id)
        ).all()
        lead = conn.execute(select(leads).where(leads.c.id == lead_id)).one()
    assert [tuple(h) for h in history] == [
        (None, ids["open"]),
        (ids["open"], ids["contacting"]),
        (ids["contacting"], ids["qualified"]),
    ]
    assert lead.status_id == ids["qualified"]
    assert lead.statuses_held == (1 << ids["open"]) | (1 << ids["contacting"]) | (
        1 << ids["qualified"]
    )


def _change(engine: Engine, lead_id: int, status: str, at: datetime) -> None:
    with engine.begin() as conn:
        assert set_status(conn, lead_id, status, at, at) is True


def test_a_board_move_waiting_for_a_lock_holds_up_no_other_request(
    start_leadboard: Callable[..., Leadboard], db_url: str
) -> None:
    """While a board move waits for the lock another writer holds (SQLite: the database's write
    lock, as a large import holds it; PostgreSQL: the lead's row), the server answers other
    requests: the wait happens in a worker thread, not on the event loop that serves them all."""
    board = start_leadboard()
    api = bearer_headers(board.engine)
    admin_id = add_admin(board.engine)
    with board.engine.begin() as conn:
        definition = SelectionDefinition.model_validate(
            {"slug": BOARD, "name": {"en": "B", "nl": "B"}, "entity": "leads"}
        )
        create_selection(conn, definition, admin_id, datetime(2026, 1, 1))
    made = board.http.post("/api/leads", json={"email": "wait@example.be"}, headers=api)
    assert made.status_code == 201, made.text
    lead_id = made.json()["id"]
    http, csrf = signed_in(board.url)
    moved: list[httpx.Response] = []

    def move() -> None:
        moved.append(
            http.post(
                f"/selections/{BOARD}/board/move",
                json={"lead_id": lead_id, "status": "qualified"},
                headers={"X-CSRF-Token": csrf},
            )
        )

    holder = board.engine.connect()
    try:
        if holder.dialect.name == "sqlite":
            holder.exec_driver_sql("UPDATE meta SET key = key WHERE 0 = 1")  # the write lock
        else:
            holder.execute(select(leads.c.id).where(leads.c.id == lead_id).with_for_update())
        mover = threading.Thread(target=move, daemon=True)
        mover.start()
        time.sleep(0.5)  # let the move reach the lock (were it not there yet, this proves less)
        # Answered while the lock is still held (a generous timeout: a frozen server never
        # answers before SQLite's busy timeout of 30 s, on PostgreSQL not at all).
        health = httpx.get(f"{board.url}/healthz", timeout=15)
        assert health.status_code == 200
        assert moved == [], "the move ended while the lock was held"
    finally:
        holder.rollback()
        holder.close()
    mover.join(timeout=60)
    http.close()
    assert [(m.status_code, m.json()) for m in moved] == [
        (200, {"lead_id": lead_id, "status": "qualified", "changed": True})
    ]
