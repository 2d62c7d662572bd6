"""Ten concurrent REST posts with one Idempotency-Key: one lead, ten identical answers, on both
engines (PostgreSQL answered 409 to some of them before: issue 13)."""

import threading
from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from leadboard.db.schema import idempotency_keys, leads


def test_ten_concurrent_posts_with_one_key_make_one_lead(client: TestClient, engine: Any) -> None:
    answers: list[Any] = []
    lock = threading.Lock()
    start = threading.Barrier(10)

    def post() -> None:
        start.wait()
        answer = client.post(
            "/api/leads",
            json={"email": "same@example.com", "first_name": "Same"},
            headers={"Idempotency-Key": "ten-at-once"},
        )
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] * 10, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 9
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(leads)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(idempotency_keys)).scalar_one() == 1
