"""The country alias table: names in English and Dutch, variants, junk left not set."""

from importlib import resources

import pytest
import yaml
from babel import Locale

from leadboard.ingest.countries import alias_table, country_code, country_fold
from leadboard.semantic.keys import country_codes


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("India", "IN"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("Verenigde Staten", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Great Britain", "GB"),
        ("Netherlands", "NL"),
        ("the Netherlands", "NL"),
        ("Nederland", "NL"),
        ("Holland", "NL"),
        ("  nederland ", "NL"),
        ("nl", "NL"),
        ("Duitsland", "DE"),
        ("België", "BE"),
        ("Belgie", "BE"),
        ("United Arab Emirates", "AE"),
        ("UAE", "AE"),
        ("Hong Kong", "HK"),
        ("Côte d’Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Ivoorkust", "CI"),
        ("St. Lucia", "LC"),
        ("Saint Lucia", "LC"),
        ("Korea", "KR"),  # the business sense: South Korea
        ("Philipines", "PH"),  # as misspelt in Maven's accounts.csv
        ("Czech Republic", "CZ"),
        ("Norway", "NO"),  # a YAML trap: NO is a boolean in YAML 1.1
        ("Türkiye", "TR"),
    ],
)
def test_names_and_aliases(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    "name", ["Asia/Pacific Region", "unknown", "Europe", "EU", "Select", "", "xx", "Congo"]
)
def test_not_a_country(name: str) -> None:
    assert country_code(name) is None


def test_every_code_in_the_table_is_an_iso_code() -> None:
    table = alias_table()
    assert set(table) <= country_codes()
    assert set(table) == country_codes()  # every country has its names listed


def test_no_name_means_two_countries() -> None:
    text = resources.files("leadboard.ingest").joinpath("countries.yaml").read_text("utf-8")
    seen: dict[str, str] = {}
    for code, names in yaml.safe_load(text).items():
        assert isinstance(code, str), code  # keys are quoted
        assert len(code) == 2, code
        for name in names:
            folded = country_fold(name)
            assert seen.setdefault(folded, code) == code, (name, code, seen[folded])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_cldr_name_is_recognised(lang: str) -> None:
    territories = Locale(lang).territories
    for code in country_codes():
        assert country_code(territories[code]) == code, (lang, code, territories[code])
