"""Issue 13, probing findings on the capture endpoint (each test failed before its fix):
Idempotency-Key honoured, identical posts collapsed, the honeypot's non-string values, the
limiter's clock, failed submissions retried."""

import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from leadboard.capture.limiter import RateLimiter
from leadboard.capture.recent import RecentPosts
from leadboard.db.schema import form_submissions, leads
from tests.capture.conftest import Leadboard

EMPTY = {"leads": 0, "form_submissions": 0, "companies": 0, "chat_sessions": 0}


class Ticker:
    """A monotonic timer the test moves (the limiter's and the collapse window's clock)."""

    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


def submissions(board: Leadboard) -> list[Any]:
    with board.engine.connect() as conn:
        return list(conn.execute(select(form_submissions).order_by(form_submissions.c.id)).all())


def lead_count(board: Leadboard) -> int:
    with board.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(leads)).scalar_one())


# -- Idempotency-Key --------------------------------------------------------------------------


def test_erasing_the_lead_deletes_the_keys_of_its_posts(leadboard: Leadboard) -> None:
    """A key's row keeps a hash of the post's fields (personal data): erasure removes it, and
    the keys of other people's posts stay."""
    from datetime import UTC, datetime

    from leadboard.db.schema import capture_keys
    from leadboard.domain.erasure import erase_lead

    leadboard.add_form()
    for n, email in enumerate(("erase.me@example.org", "keep.me@example.org")):
        posted = leadboard.http.post(
            "/capture/forms/contact",
            json={"email": email, "message": "hi"},
            headers={"Idempotency-Key": f"key-{n}"},
        )
        assert posted.status_code == 201, posted.text
    with leadboard.engine.begin() as conn:
        lead_id = conn.execute(
            select(leads.c.id).where(leads.c.email == "erase.me@example.org")
        ).scalar_one()
        assert len(conn.execute(select(capture_keys)).all()) == 2
        erase_lead(conn, lead_id, datetime.now(UTC), None, "cli")
    with leadboard.engine.connect() as conn:
        kept = conn.execute(select(capture_keys.c.key)).scalars().all()
    assert kept == ["key-1"]


def test_a_retry_with_the_same_key_gets_the_first_answer(leadboard: Leadboard) -> None:
    leadboard.add_form()
    leadboard.add_form("other")
    key = {"Idempotency-Key": "post-1"}
    body = {"email": "a@example.org", "message": "hi"}
    first = leadboard.http.post("/capture/forms/contact", json=body, headers=key)
    leadboard.clock.advance(minutes=5)  # far outside the collapse window: the key alone counts
    leadboard.server.app.state.capture_recent = RecentPosts(0)
    second = leadboard.http.post(
        "/capture/forms/contact", json=dict(reversed(body.items())), headers=key
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    rows = submissions(leadboard)
    assert len(rows) == 1
    assert lead_count(leadboard) == 1
    # Another request under the same key is refused, naming the header; nothing written.
    other = leadboard.http.post(
        "/capture/forms/contact", json={"email": "b@example.org"}, headers=key
    )
    assert other.status_code == 422
    assert other.json()["error"]["field"] == "Idempotency-Key"
    assert len(submissions(leadboard)) == 1
    # Keys belong to their form.
    elsewhere = leadboard.http.post("/capture/forms/other", json=body, headers=key)
    assert elsewhere.status_code == 201
    assert elsewhere.json()["conversion"] is True
    assert len(submissions(leadboard)) == 2


def test_concurrent_posts_with_one_key_store_one_submission(leadboard: Leadboard) -> None:
    leadboard.add_form()
    leadboard.server.app.state.capture_recent = RecentPosts(0)  # only the key collapses them
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        with httpx.Client(base_url=leadboard.url, timeout=60) as client:
            answer = client.post(
                "/capture/forms/contact",
                json={"email": "same@example.org"},
                headers={"Idempotency-Key": "one", "X-N": str(n)},
            )
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 8
    assert len({a.text for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 7
    assert len(submissions(leadboard)) == 1
    assert lead_count(leadboard) == 1


def test_a_bad_key_is_refused(leadboard: Leadboard) -> None:
    leadboard.add_form()
    answer = leadboard.http.post(
        "/capture/forms/contact",
        json={"email": "a@example.org"},
        headers={"Idempotency-Key": "x" * 201},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "Idempotency-Key"
    assert leadboard.counts() == EMPTY


# -- identical posts collapsed ----------------------------------------------------------------


def test_identical_posts_within_the_window_are_one(leadboard: Leadboard) -> None:
    leadboard.add_form()
    ticker = Ticker()
    leadboard.server.app.state.capture_recent = RecentPosts(10, ticker)
    body = {"email": "twice@example.org", "message": "hello"}
    first = leadboard.http.post("/capture/forms/contact", json=body)
    ticker.at += 9
    again = leadboard.http.post("/capture/forms/contact", json=body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(submissions(leadboard)) == 1
    # Another payload is another post; and after the window the same one is a conversion.
    changed = leadboard.http.post("/capture/forms/contact", json={**body, "message": "hello again"})
    assert changed.json()["conversion"] is True
    ticker.at += 1.5
    later = leadboard.http.post("/capture/forms/contact", json=body)
    assert later.status_code == 201
    assert "idempotent-replayed" not in later.headers
    assert later.json()["conversion"] is True
    assert len(submissions(leadboard)) == 3
    assert lead_count(leadboard) == 1


def test_simultaneous_identical_posts_are_one(leadboard: Leadboard) -> None:
    leadboard.add_form()
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def post() -> None:
        with httpx.Client(base_url=leadboard.url, timeout=60) as client:
            answer = client.post("/capture/forms/contact", json={"email": "dup@example.org"})
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.text for a in answers}) == 1
    assert len(submissions(leadboard)) == 1


# -- honeypot ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [{}, [], 0, False, 1, True, {"a": 1}, ["x"], 0.5, "x"])
def test_any_honeypot_value_is_a_bot(leadboard: Leadboard, value: object) -> None:
    leadboard.add_form()
    answer = leadboard.http.post(
        "/capture/forms/contact", json={"email": "bot@example.org", "lb_website": value}
    )
    assert answer.status_code == 200
    assert answer.json() == {"status": "received"}
    assert leadboard.counts() == EMPTY


@pytest.mark.parametrize("value", ["", None])
def test_an_empty_honeypot_is_a_person(leadboard: Leadboard, value: object) -> None:
    leadboard.add_form()
    answer = leadboard.http.post(
        "/capture/forms/contact", json={"email": "person@example.org", "lb_website": value}
    )
    assert answer.status_code == 201
    assert lead_count(leadboard) == 1


# -- the limiter ------------------------------------------------------------------------------


def test_the_limit_lifts_while_the_product_clock_stands_still(start_leadboard: Any) -> None:
    leadboard = start_leadboard(capture_rate=2)  # the clock stays at START, like --today
    leadboard.add_form()
    ticker = Ticker()
    leadboard.server.app.state.capture_limiter = RateLimiter(2, timer=ticker)
    for n in range(2):
        assert (
            leadboard.http.post(
                "/capture/forms/contact", json={"email": f"{n}@example.org"}
            ).status_code
            == 201
        )
        ticker.at += 1
    refused = leadboard.http.post("/capture/forms/contact", json={"email": "x@example.org"})
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "58")
    ticker.at += 58
    assert (
        leadboard.http.post("/capture/forms/contact", json={"email": "x@example.org"}).status_code
        == 201
    )
