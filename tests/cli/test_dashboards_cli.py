"""`leadboard dashboard list|show` in English and Dutch (issue 8 item 5): every word in the chosen
language, amounts formatted per locale with their currency, dates as people read them.

The commands run in a subprocess, as a user runs them with the output to a pipe; expected amounts
are summed from the database here, not read from the product.
"""

import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.numbers import format_currency
from rich.console import Console
from sqlalchemy import select

from leadboard.db.engine import make_engine
from leadboard.db.migrate import upgrade
from leadboard.db.schema import associates, sales

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 27)
SLUGS = ("marketing", "lead-nurturing", "sales")

# The CLI's own English words (not data such as campaign names): each shows in the English output
# of the commands below, and none may show in the Dutch output.
ENGLISH_WORDS = (
    "as of",
    "(filtered by",
    "country)",
    "of first",
    "a year before",
    "Target",
    "No data",
    "Showing",
    "Name",
    "Company",
    "Owner",
    "Country",
    "In status since",
    "Other",
    "(not set)",
    "Key",
    "Tiles",
)
# Raw field names and forms the CLI printed before: in neither language.
RAW = ("owner_name", "status_label", "lead_name", "status_since", "sale_date", "n/a", "slug")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d{6}")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from leadboard.demo import generate_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('cli-demo') / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    generate_demo(engine, leads=800, seed=5, today=TODAY, tz=AMS)
    engine.dispose()
    return url


def leadboard(url: str, *args: str) -> str:
    """Run `leadboard --database-url URL ARGS` with its output to a pipe; its stdout."""
    code = "from leadboard.cli import app; app(prog_name='leadboard')"
    env = {
        **os.environ,
        "COLUMNS": "200",
        "LEADBOARD_TIMEZONE": "Europe/Amsterdam",
        "LEADBOARD_BASE_CURRENCY": "EUR",
    }
    done = subprocess.run(
        [sys.executable, "-c", code, "--database-url", url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def outputs(url: str, lang: str) -> str:
    """Everything the dashboards show: each dashboard, one with a filter that empties every tile
    and one with a filter that marks them, and the list of dashboards."""
    shown = [leadboard(url, "dashboard", "list", "--lang", lang)]
    for slug in SLUGS:
        shown.append(
            leadboard(url, "dashboard", "show", slug, "--lang", lang, "--today", str(TODAY))
        )
    for country in ("JP", "NL"):  # no demo lead is in Japan
        shown.append(
            leadboard(
                url,
                "dashboard",
                "show",
                "marketing",
                "--lang",
                lang,
                "--today",
                str(TODAY),
                "--country",
                country,
            )
        )
    return "\n".join(shown)


@pytest.fixture(scope="module")
def shown(demo_url: str) -> dict[str, str]:
    return {lang: outputs(demo_url, lang) for lang in ("en", "nl")}


def test_dutch_output_has_no_english_words(shown: dict[str, str]) -> None:
    missing = [word for word in ENGLISH_WORDS if word not in shown["en"]]
    assert not missing, f"the list is out of date: {missing} not in the English output"
    english = [word for word in ENGLISH_WORDS if word in shown["nl"]]
    assert not english, english
    for lang in ("en", "nl"):
        raw = [word for word in RAW if word in shown[lang]]
        assert not raw, (lang, raw)
    for word in ("per 27 nov 2026", "van eerste", "een jaar eerder", "Geen gegevens", "Tegels"):
        assert word in shown["nl"], word


def sold_ytd_by_owner(url: str) -> dict[str, int]:
    """Cents of the sales sold this year up to today, per owner's name (the demo is in euros)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(associates.c.name, sales.c.amount_cents, sales.c.currency, sales.c.sale_date)
            .join(associates, associates.c.id == sales.c.owner_id)
            .where(sales.c.status == "sold")
        ).all()
    engine.dispose()
    found: dict[str, int] = defaultdict(int)
    for name, cents, currency, when in rows:
        assert currency == "EUR"
        day = when.replace(tzinfo=ZoneInfo("UTC")).astimezone(AMS).date()
        if date(TODAY.year, 1, 1) <= day <= TODAY:
            found[name] += cents
    return dict(found)


def test_amounts_are_formatted_per_locale_with_their_currency(
    demo_url: str, shown: dict[str, str]
) -> None:
    by_owner = sold_ytd_by_owner(demo_url)
    assert len(by_owner) >= 3
    titles = {"en": "Sales per employee YTD", "nl": "Verkopen per medewerker YTD"}
    for lang in ("en", "nl"):
        panel = shown[lang].split(titles[lang], 1)[1].split("╰", 1)[0]
        for name, cents in by_owner.items():
            amount = Decimal(cents) / 100
            line = next(line for line in panel.splitlines() if name in line)
            assert format_currency(amount, "EUR", locale=lang) in line, (lang, line)
            assert str(float(amount)) not in shown[lang]  # no raw float ("14060.0")
    assert "€\xa014.060,00" == format_currency(Decimal("14060"), "EUR", locale="nl")  # as read
    assert "€14,060.00" == format_currency(Decimal("14060"), "EUR", locale="en")


def test_dates_and_times_are_shown_as_people_read_them(shown: dict[str, str]) -> None:
    for lang in ("en", "nl"):
        assert not ISO_MOMENT.search(shown[lang]), ISO_MOMENT.search(shown[lang])
    assert "(as of Nov 27, 2026" in shown["en"]
    assert "(per 27 nov 2026 23:59)" in shown["nl"]


def sale_tile() -> dict[str, Any]:
    record = {
        "id": 3,
        "company": "Acme [BV]",
        "owner": "ann@example.test",
        "owner_name": "Ann Smith",
        "title": "Licences [2026]",
        "lead": 7,
        "lead_name": "Jan Jansen",
        "status": "sold",
        "amount": "1250.50",
        "currency": "USD",
        "sale_date": "2026-03-01T00:00:00+01:00",
    }
    return {
        "key": "custom",
        "name": "Sales",
        "chart": "list",
        "as_of": "2026-11-27T23:59:59.999999+01:00",
        "filtered": [],
        "measure": "count",
        "empty": False,
        "total": 1,
        "records": [record],
    }


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_sale_records_show_their_amount_in_their_own_currency(lang: str) -> None:
    from leadboard.cli.dashboards import render_tile
    from leadboard.i18n import Formatter

    console = Console(record=True, width=200)
    from leadboard.semantic.results import ListResult
    from leadboard.semantic.spec import Tile, Translated

    spec = Tile(
        key="custom", name=Translated(en="Sales", nl="Verkoop"), chart="list", entity="sales"
    )
    typed = ListResult(tile=spec, total=1, records=())  # the CLI draws the JSON by its kind
    console.print(render_tile(sale_tile(), typed, Formatter(lang, AMS, "EUR")))
    text = console.export_text()
    assert format_currency(Decimal("1250.50"), "USD", locale=lang) in text
    assert ("Sale date" if lang == "en" else "Verkoopdatum") in text
    assert ("Sold" if lang == "en" else "Verkocht") in text
    assert ("Mar 1, 2026" if lang == "en" else "1 mrt 2026") in text
    assert "Licences [2026]" in text  # data is no markup
    assert "1250.5" not in text
    assert "T00:00" not in text
