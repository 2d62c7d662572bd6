"""The capture endpoint through the group commit (db/writer.py), over real HTTP on both engines:
posts that arrive while a batch is written are committed together on SQLite (on PostgreSQL in a
transaction each, from a pool of writer threads) and each answered 201 (or
replayed, for a twin with the same Idempotency-Key in that batch); a post beyond
LEADBOARD_CAPTURE_QUEUE is answered 503 with Retry-After and stores nothing.

The writer's threads are held by jobs of the test's own (gates), so the posts really wait
together."""

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import Connection

from leadboard.db.writer import GroupWriter
from tests.capture.conftest import Leadboard

WAIT = 30


class Gate:
    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def __call__(self, conn: Connection) -> None:
        self.entered.set()
        assert self.opened.wait(WAIT)


class Gates:
    """A gate in each writer thread (SQLite has one, PostgreSQL eight): the posts queue."""

    def __init__(self, writer: GroupWriter) -> None:
        self.gates = [Gate() for _ in range(writer.threads)]
        for gate in self.gates:  # one by one: a queue of one has room for one
            writer.submit(gate)
            assert gate.entered.wait(WAIT)

    def open(self) -> None:
        for gate in self.gates:
            gate.opened.set()


def hold(board: Leadboard) -> tuple[GroupWriter, Gates]:
    writer: GroupWriter = board.server.app.state.writer
    return writer, Gates(writer)


def until_waiting(writer: GroupWriter, count: int) -> None:
    deadline = time.monotonic() + WAIT
    while writer.waiting < count:
        assert time.monotonic() < deadline, f"{writer.waiting} posts waiting, not {count}"
        time.sleep(0.01)


def post_in_threads(
    board: Leadboard, bodies: list[dict[str, Any]], headers: list[dict[str, str]]
) -> tuple[list[threading.Thread], list[httpx.Response]]:
    answers: list[httpx.Response] = []

    def post(body: dict[str, Any], extra: dict[str, str]) -> None:
        with httpx.Client(base_url=board.url, timeout=WAIT) as client:
            answers.append(client.post("/capture/forms/contact", json=body, headers=extra))

    threads = [
        threading.Thread(target=post, args=(body, extra))
        for body, extra in zip(bodies, headers, strict=True)
    ]
    for thread in threads:
        thread.start()
    return threads, answers


def test_posts_that_arrive_together_are_committed_together(
    start_leadboard: Callable[..., Leadboard],
) -> None:
    board = start_leadboard(capture_rate=0)
    board.add_form()
    writer, gates = hold(board)
    batches = writer.batches
    bodies = [{"email": f"visitor{i}@example.org"} for i in range(10)]
    threads, answers = post_in_threads(board, bodies, [{}] * 10)
    until_waiting(writer, 10)
    assert answers == []  # nobody is answered before the commit
    gates.open()
    for thread in threads:
        thread.join(WAIT)
    assert sorted(answer.status_code for answer in answers) == [201] * 10
    assert len({answer.json()["lead_id"] for answer in answers}) == 10
    if board.engine.dialect.name == "sqlite":
        assert writer.batches == batches + 2  # the gate's, then all ten in one
    else:  # PostgreSQL: a transaction each (its log flush groups the commits)
        assert writer.batches == batches + writer.threads + 10
    assert board.counts()["leads"] == 10
    assert board.counts()["form_submissions"] == 10


def test_twins_in_one_batch_store_one_post(start_leadboard: Callable[..., Leadboard]) -> None:
    board = start_leadboard(capture_rate=0)
    board.add_form()
    writer, gates = hold(board)
    body = {"email": "twin@example.org", "first_name": "Tess"}
    key = {"Idempotency-Key": "retry-1"}
    threads, answers = post_in_threads(board, [body, body], [key, key])
    until_waiting(writer, 2)
    gates.open()
    for thread in threads:
        thread.join(WAIT)
    assert sorted(answer.status_code for answer in answers) == [201, 201]
    assert sorted(answer.headers.get("Idempotent-Replayed", "") for answer in answers) == [
        "",
        "true",
    ]
    assert answers[0].json() == answers[1].json()
    assert board.counts()["form_submissions"] == 1
    assert board.counts()["leads"] == 1


def test_a_full_queue_answers_503_and_stores_nothing(
    start_leadboard: Callable[..., Leadboard],
) -> None:
    board = start_leadboard(capture_rate=0, capture_queue=1)
    board.add_form()
    writer, gates = hold(board)
    threads, answers = post_in_threads(board, [{"email": "first@example.org"}], [{}])
    until_waiting(writer, 1)
    refused = board.http.post("/capture/forms/contact", json={"email": "second@example.org"})
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["error"]["field"] == "queue"
    # A browser's own form post gets a page that says so, in the visitor's language.
    page = board.http.post(
        "/capture/forms/contact",
        data={"email": "third@example.org"},
        headers={"Sec-Fetch-Mode": "navigate", "Accept-Language": "nl"},
    )
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    gates.open()
    threads[0].join(WAIT)
    assert [answer.status_code for answer in answers] == [201]
    assert board.counts()["form_submissions"] == 1
    # The queue has room again: the refused post goes through when it is sent again.
    again = board.http.post("/capture/forms/contact", json={"email": "second@example.org"})
    assert again.status_code == 201
    assert board.counts()["leads"] == 2
