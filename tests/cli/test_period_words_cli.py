"""`leadboard dashboard show` tells a partial period as such (issue 8 item 11, SPEC 9.4), in
English and Dutch: the tile's window with "so far", what a number is compared with up to which
day, and the name of a tile whose period `--period` replaced. The figures are worked out by hand
from the rows inserted here (the format of the delta belongs to the figures' tests).
"""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from tests.db.conftest import Rows

TODAY = "2026-12-06"  # day 67 of the 92 of the fourth quarter


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("cli-periods") / "periods.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    r = Rows(engine)
    r.lead(1, datetime(2026, 10, 2, 12, 0))
    r.lead(2, datetime(2026, 12, 6, 12, 0))
    r.lead(3, datetime(2025, 10, 3, 12, 0))  # the same span last year: in
    r.lead(4, datetime(2025, 12, 10, 12, 0))  # after 6 December last year: out
    r.lead(5, datetime(2026, 8, 3, 12, 0))  # the previous quarter
    r.lead(6, datetime(2025, 7, 3, 12, 0))
    r.lead(7, datetime(2025, 9, 30, 12, 0))
    engine.dispose()
    return url


def show(url: str, *args: str) -> str:
    """`leadboard dashboard show marketing ...` with its output to a pipe, words as one line."""
    code = "from leadboard.cli import app; app(prog_name='leadboard')"
    env = {**os.environ, "COLUMNS": "200", "LEADBOARD_TIMEZONE": "Europe/Amsterdam"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "--database-url",
            url,
            "dashboard",
            "show",
            "marketing",
            "--today",
            TODAY,
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def panel(output: str, title: str) -> str:
    """The lines of the panel whose top border holds `title`, up to its bottom border."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if title in line and line.startswith("╭"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("╰"))
    return "\n".join(lines[start : end + 1])


@pytest.mark.parametrize(
    ("lang", "title", "compared", "so_far"),
    [
        (
            "en",
            "New leads from forms — This quarter",
            "vs 1 in the same span a year before (to Dec 6, 2025):",
            "Oct 1, 2026 – Dec 31, 2026 · so far",
        ),
        (
            "nl",
            "Nieuwe leads vanuit formulieren — Dit kwartaal",
            "t.o.v. 1 een jaar eerder, t/m 6 dec 2025:",
            "1 okt 2026 – 31 dec 2026 · t/m vandaag",
        ),
    ],
)
def test_a_partial_quarter_in_the_terminal(
    db_url: str, lang: str, title: str, compared: str, so_far: str
) -> None:
    shown = panel(show(db_url, "--period", "this-quarter", "--lang", lang), title)
    assert compared in shown, shown
    assert so_far in shown, shown


@pytest.mark.parametrize(
    ("lang", "title", "compared", "period", "so_far"),
    [
        (
            "en",
            "New leads from forms — Last quarter",
            "vs 2 a year before:",
            "Jul 1, 2026 – Sep 30, 2026",
            "so far",
        ),
        (
            "nl",
            "Nieuwe leads vanuit formulieren — Vorig kwartaal",
            "t.o.v. 2 een jaar eerder:",
            "1 jul 2026 – 30 sep 2026",
            "t/m vandaag",
        ),
    ],
)
def test_a_full_quarter_in_the_terminal(
    db_url: str, lang: str, title: str, compared: str, period: str, so_far: str
) -> None:
    shown = panel(show(db_url, "--period", "previous-quarter", "--lang", lang), title)
    assert compared in shown, shown
    assert period in shown, shown
    assert so_far not in shown, shown


def test_the_own_period_keeps_the_name_and_says_so_far(db_url: str) -> None:
    shown = panel(show(db_url), "New leads from forms YTD")
    assert "Jan 1, 2026 – Dec 6, 2026 · so far" in shown, shown
    # 1, 2, 5 vs 3, 6, 7 (1 January .. 6 December 2025)
    assert "vs 3 in the same span a year before (to Dec 6, 2025):" in shown, shown
