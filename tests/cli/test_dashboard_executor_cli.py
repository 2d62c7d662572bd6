"""`leadboard dashboard show --executor base|fast` and `--timing` (issue 12): both executors
print the same JSON, `--timing` puts `computed in N ms` on stderr (never on stdout), and an
unknown executor is a usage error naming the option."""

import json
import os
import re
import subprocess
import sys
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from leadboard.db.engine import make_engine
from leadboard.db.schema import leads

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from leadboard.demo import generate_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('executor-cli') / 'demo.db'}"
    engine = make_engine(url)
    generate_demo(engine, leads=500, seed=3, today=TODAY, tz=AMS)
    engine.dispose()
    return url


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from leadboard.cli import app; app(prog_name='leadboard')"
    env = {**os.environ, "LEADBOARD_TIMEZONE": "Europe/Amsterdam", "LEADBOARD_BASE_CURRENCY": "EUR"}
    return subprocess.run(
        [sys.executable, "-c", code, "--database-url", url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def show(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run(url, "dashboard", "show", "marketing", "--json", "--today", str(TODAY), *args)


def test_base_and_fast_print_the_same_json(demo_url: str) -> None:
    base = show(demo_url, "--executor", "base")
    fast = show(demo_url, "--executor", "fast")
    default = show(demo_url)
    assert base.returncode == fast.returncode == default.returncode == 0, base.stderr
    assert json.loads(base.stdout) == json.loads(fast.stdout) == json.loads(default.stdout)
    # and the figures are the data's: every lead of all time in the channel donut, counted in SQL
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(leads)).scalar_one()
    engine.dispose()
    assert total > 0
    everything = show(demo_url, "--executor", "base", "--period", "all")
    tiles = json.loads(everything.stdout)["tiles"]
    by_channel = next(t for t in tiles if t["key"] == "new-leads-by-channel-ytd")
    assert sum(row["value"] for row in by_channel["rows"]) == total


def test_timing_goes_to_stderr(demo_url: str) -> None:
    for executor in ("base", "fast"):
        done = show(demo_url, "--executor", executor, "--timing")
        assert done.returncode == 0, done.stderr
        assert re.fullmatch(r"computed in \d+ ms\n", done.stderr), done.stderr
        assert "computed in" not in done.stdout
        json.loads(done.stdout)  # stdout stays pure JSON


def test_timing_without_json_too(demo_url: str) -> None:
    done = run(demo_url, "dashboard", "show", "sales", "--today", str(TODAY), "--timing")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"computed in \d+ ms\n", done.stderr), done.stderr


def test_an_unknown_executor_is_refused(demo_url: str) -> None:
    done = show(demo_url, "--executor", "turbo")
    assert done.returncode == 2
    assert "executor" in done.stderr
    assert not done.stdout
