"""A server SIGKILLed under load loses no acknowledged capture and stores no post twice (issue 13
item 3), on SQLite and PostgreSQL.

The real `leadboard serve` in a process of its own; eight clients post new leads, each post with
an Idempotency-Key of its own. Once 150 posts are acknowledged (201), the server is killed with
SIGKILL while posts are in flight, and started again on the same database. Each client then
sends again, with the same key and body, the post it was not answered for, and every fifth
acknowledged post too. Every acknowledged post is stored exactly once (its submission, its lead),
a retry of an acknowledged post is a replay with the same answer, a retry of an unanswered one is
stored once (or replayed, if the killed server had committed it), and no answer is a 5xx.
The figures are printed (run with -s).
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine, func, select

from leadboard.db.schema import capture_keys, form_submissions, leads
from tests.capture.conftest import add_contact_form
from tests.cli.test_serve_workers import free_port
from tests.conftest import stop_process_group

CLIENTS = 8
ACKNOWLEDGED_BEFORE_KILL = 150
WAIT = 60


@dataclass
class Client:
    number: int
    acknowledged: dict[str, int] = field(default_factory=dict)  # key -> submission id
    unanswered: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


def body_of(key: str) -> str:
    return json.dumps({"email": f"{key}@example.org", "first_name": "Kim"})


def post(port: int, key: str) -> tuple[int, dict[str, object], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request(
            "POST",
            "/capture/forms/contact",
            body_of(key),
            {"Content-Type": "application/json", "Idempotency-Key": key},
        )
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read()), answer.getheader("Idempotent-Replayed", "")
    finally:
        conn.close()


class Server:
    def __init__(self, url: str) -> None:
        self.port = free_port()
        env = {**os.environ, "LEADBOARD_CAPTURE_RATE": "0", "LEADBOARD_LOG_LEVEL": "warning"}
        command = [sys.executable, "-m", "leadboard", "--database-url", url, "serve"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + WAIT
        while True:
            assert self.process.poll() is None, "leadboard serve stopped"
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "leadboard serve did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)


@pytest.fixture
def servers(db_url: str, engine: Engine) -> Iterator[list[Server]]:
    add_contact_form(engine)
    started: list[Server] = []
    yield started
    for server in started:
        stop_process_group(server.process)


def load(port: int, client: Client, stop: threading.Event) -> None:
    """Post until told to stop or the server goes away (that post is unanswered)."""
    sent = 0
    while not stop.is_set():
        key = f"c{client.number}-{sent}"
        sent += 1
        try:
            status, body, _ = post(port, key)
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            client.unanswered.append(key)
            return
        client.statuses.append(status)
        if status == 201:
            submission = body["submission_id"]
            assert isinstance(submission, int)
            client.acknowledged[key] = submission
        else:
            client.unanswered.append(key)


def test_acknowledged_captures_survive_a_kill(
    db_url: str, engine: Engine, servers: list[Server]
) -> None:
    servers.append(first := Server(db_url))
    clients = [Client(n) for n in range(CLIENTS)]
    stop = threading.Event()
    threads = [threading.Thread(target=load, args=(first.port, c, stop)) for c in clients]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + WAIT
    while sum(len(c.acknowledged) for c in clients) < ACKNOWLEDGED_BEFORE_KILL:
        assert time.monotonic() < deadline, "the server took too few posts"
        time.sleep(0.005)
    first.kill()  # posts in flight: some committed and unanswered, some not committed
    stop.set()
    for thread in threads:
        thread.join(WAIT)
    acknowledged = {k: v for c in clients for k, v in c.acknowledged.items()}
    unanswered = [k for c in clients for k in c.unanswered]

    servers.append(second := Server(db_url))
    replayed_unanswered = 0
    for key in unanswered:
        status, body, replayed = post(second.port, key)
        assert status == 201, (key, status, body)
        replayed_unanswered += replayed == "true"
    retried = sorted(acknowledged)[::5]
    for key in retried:
        status, body, replayed = post(second.port, key)
        assert (status, replayed, body["submission_id"]) == (201, "true", acknowledged[key])

    statuses = [s for c in clients for s in c.statuses]
    assert all(status < 500 for status in statuses), statuses
    with engine.connect() as conn:
        rows = conn.execute(select(capture_keys.c.key, capture_keys.c.submission_id))
        stored = {key: submission for key, submission in rows}
        submissions = conn.execute(select(func.count()).select_from(form_submissions)).scalar()
        emails = conn.execute(select(leads.c.email)).scalars().all()
    posted = set(acknowledged) | set(unanswered)
    lost = [key for key, submission in acknowledged.items() if stored.get(key) != submission]
    assert lost == []
    assert set(stored) == posted  # every post stored, the unanswered ones after their retry
    assert submissions == len(posted)  # none twice
    assert sorted(emails) == sorted(f"{key}@example.org" for key in posted)
    print(
        f"\n{db_url.split(':')[0]}: {len(acknowledged)} acknowledged before the kill, "
        f"{len(unanswered)} unanswered ({replayed_unanswered} of them committed before it), "
        f"{len(retried)} acknowledged ones retried (all replayed); stored {submissions}, "
        f"lost {len(lost)}, duplicated {submissions - len(posted)}"
    )
