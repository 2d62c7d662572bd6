"""`leadboard serve` in a subprocess, probed over raw HTTP (issue 13 item 5 and item 6).

* Inputs that answered 500 (a capture body with a 5,001-digit number, a period at the calendar's
  ends, a lead id past 64 bits) answer 4xx, and the kept-alive connection survives them: the
  next request on the same socket is answered.
* Request bodies are limited (`LEADBOARD_MAX_BODY_KB`) and `/api` checks credentials before it
  reads a body: a 100 MB unauthenticated post is refused without the server's memory growing.
* `X-Forwarded-For` counts only from `LEADBOARD_TRUSTED_PROXIES` (default: nobody), so a spoofed
  header does not get a client round the capture rate limit.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from leadboard.auth.tokens import create_token
from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import forms

MB = 1024 * 1024


class Served:
    """One `leadboard serve` process on a free port, over a database with a form and a token."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        url = f"sqlite:///{tmp_path / 'served.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                insert(forms).values(
                    key="contact",
                    name="Contact",
                    active=True,
                    allowed_origins=[],
                    fields=[{"name": "email", "required": True}],
                    created_at=datetime(2026, 1, 1),
                )
            )
            self.token = create_token(conn, "probe", datetime.now(UTC), None)
        engine.dispose()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = (tmp_path / "serve.log").open("w+")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "leadboard",
                "--database-url",
                url,
                "serve",
                "--port",
                f"{self.port}",
            ],
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while not self._listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise RuntimeError(f"leadboard serve did not start: {self.log.read()}")
            time.sleep(0.1)

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return False
        return True

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(**env: str) -> Served:
        served = Served(tmp_path / str(len(started)), **env)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


@pytest.fixture(autouse=True)
def _own_dirs(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / str(n)).mkdir()


def answer(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, object]]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    shown = (
        json.loads(data)
        if response.getheader("content-type", "").startswith("application/json")
        else {}
    )
    return response.status, shown


def test_bad_inputs_are_4xx_and_the_connection_is_kept(serve: Callable[..., Served]) -> None:
    served = serve()
    conn = served.connection()
    bearer = {"Authorization": f"Bearer {served.token}"}
    huge = b'{"email": "ann@example.org", "score": ' + b"7" * 5001 + b"}"
    status, body = answer(
        conn, "POST", "/capture/forms/contact", huge, {"Content-Type": "application/json"}
    )
    assert status == 422
    assert body["error"] == {"field": "score", "message": body["error"]["message"]}  # type: ignore[index]
    first_socket = conn.sock
    status, body = answer(
        conn, "GET", "/api/dashboards/marketing?period=0001-01-01..9999-12-31", headers=bearer
    )
    assert status == 422
    assert body["error"]["field"] == "period"  # type: ignore[index]
    status, _ = answer(conn, "GET", "/leads/9223372036854775808.json", headers=bearer)
    assert status == 404
    good = b'{"email": "ann@example.org"}'
    status, body = answer(
        conn, "POST", "/capture/forms/contact", good, {"Content-Type": "application/json"}
    )
    assert status == 201, body
    assert conn.sock is first_socket  # one connection all along: never dropped and reopened
    conn.close()


def post_raw(port: int, head: str, total: int, chunk: bytes) -> tuple[bytes, int]:
    """Send a request head and up to `total` body bytes; the answer and the bytes sent."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode())
        sock.settimeout(0.5)
        try:
            while sent < total:
                sock.sendall(chunk)
                sent += len(chunk)
                sock.setblocking(False)
                try:
                    if sock.recv(1, socket.MSG_PEEK):
                        break  # answered before the body was sent
                except BlockingIOError:
                    pass
                sock.settimeout(0.5)
        except OSError:  # the server closed its side: refused early
            pass
        sock.settimeout(30)
        received = b""
        try:
            while data := sock.recv(65536):
                received += data
                if _answer_complete(received):
                    break
        except OSError:
            pass
    return received, sent


def _answer_complete(received: bytes) -> bool:
    """The head and as many body bytes as its Content-Length says (the body may come later)."""
    head, found, body = received.partition(b"\r\n\r\n")
    if not found:
        return False
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return length is None or len(body) >= int(length.group(1))


def test_a_100_mb_post_is_refused_before_it_is_read(serve: Callable[..., Served]) -> None:
    served = serve()
    before = served.rss_kb()
    total = 100 * MB
    chunk = b"{" + b" " * (MB - 1)
    head = (
        "POST /api/leads HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {total}\r\n\r\n"
    )
    for _attempt in range(4):  # four, as in the probe that took the server to 1.4 GB
        received, sent = post_raw(served.port, head, total, chunk)
        assert received.startswith(b"HTTP/1.1 401"), received[:200]
        assert sent < total
    grown = served.rss_kb() - before
    assert grown < 30 * 1024, f"the server grew by {grown} KB"
    # With a token: 413 by the declared length, and by the bytes counted when none is declared.
    authorised = head.replace("Host:", f"Authorization: Bearer {served.token}\r\nHost:")
    received, sent = post_raw(served.port, authorised, total, chunk)
    assert received.startswith(b"HTTP/1.1 413"), received[:200]
    assert b'"field":"body"' in received
    chunked = authorised.replace(f"Content-Length: {total}", "Transfer-Encoding: chunked")
    piece = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    received, sent = post_raw(served.port, chunked, total, piece)
    assert received.startswith(b"HTTP/1.1 413"), received[:200]
    assert served.rss_kb() - before < 30 * 1024


def test_a_body_of_200k_keys_costs_no_seconds(serve: Callable[..., Served]) -> None:
    served = serve()
    body = json.dumps({f"k{i}": i for i in range(200_000)}).encode()
    assert len(body) > 3 * MB
    conn = served.connection()
    started = time.monotonic()
    status, answered = answer(
        conn,
        "POST",
        "/api/leads",
        body,
        {"Content-Type": "application/json", "Authorization": f"Bearer {served.token}"},
    )
    assert status == 413
    assert answered["error"]["field"] == "body"  # type: ignore[index]
    assert time.monotonic() - started < 1.0
    conn.close()


def capture_from(served: Served, forwarded_for: str) -> int:
    """A post from a visitor of its own (identical posts may be collapsed into one)."""
    conn = served.connection()
    email = f"visitor-{time.monotonic_ns()}@example.org"
    status, _ = answer(
        conn,
        "POST",
        "/capture/forms/contact",
        json.dumps({"email": email}).encode(),
        {"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    conn.close()
    return status


def test_a_spoofed_forwarded_for_does_not_dodge_the_capture_limit(
    serve: Callable[..., Served],
) -> None:
    served = serve(LEADBOARD_CAPTURE_RATE="1")
    assert capture_from(served, "203.0.113.1") == 201
    assert capture_from(served, "203.0.113.2") == 429  # the same client: 127.0.0.1


def test_trusted_proxies_give_the_forwarded_address(serve: Callable[..., Served]) -> None:
    served = serve(LEADBOARD_CAPTURE_RATE="1", LEADBOARD_TRUSTED_PROXIES="127.0.0.1")
    assert capture_from(served, "203.0.113.1") == 201
    assert capture_from(served, "203.0.113.2") == 201  # another visitor behind the proxy
    assert capture_from(served, "203.0.113.1") == 429
