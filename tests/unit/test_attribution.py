"""Step A of SPEC 6.3: source and medium of a visit from its landing URL and referrer."""

from datetime import datetime

import pytest

from leadboard.domain.attribution import Visit, classify_visit, lead_sources, referrer_domain
from leadboard.domain.tracking import fallback_visit


@pytest.mark.parametrize(
    ("url", "referrer", "source", "medium"),
    [
        (
            "https://s.nl/?utm_source=LinkedIn&utm_medium=Paid_Social&utm_campaign=Spring",
            "https://www.google.com/",
            "linkedin",
            "paid_social",
        ),  # A1 wins over the referrer
        ("https://s.nl/?gclid=abc", "https://www.google.nl/", "google", "cpc"),  # A2
        ("https://s.nl/?fbclid=xyz", "https://l.facebook.com/", "l.facebook.com", "referral"),  # A3
        ("https://s.nl/", "https://www.google.nl/search?q=x", "google", "organic"),  # A4
        ("https://s.nl/", "https://search.yahoo.com/", "yahoo", "organic"),
        ("https://s.nl/", "https://duckduckgo.com/", "duckduckgo", "organic"),
        (
            "https://s.nl/",
            "https://www.Partner-Blog.example/post",
            "partner-blog.example",
            "referral",
        ),  # A5
        ("https://s.nl/", None, "(direct)", "(none)"),  # A6
        ("https://s.nl/?fbclid=xyz", None, "(direct)", "(none)"),  # A3 then A6
    ],
)
def test_step_a(url: str, referrer: str | None, source: str, medium: str) -> None:
    visit = classify_visit(url, referrer)
    assert (visit.source, visit.medium) == (source, medium)


def test_utm_fields_and_click_ids_are_kept() -> None:
    visit = classify_visit(
        "https://s.nl/p?utm_source=fb&utm_medium=cpc&utm_campaign=Black%20Friday"
        "&utm_term=crm&utm_content=v2&utm_id=42&fbclid=F1",
        "https://www.facebook.com/",
    )
    assert visit.campaign == "black friday"
    assert (visit.term, visit.content, visit.utm_id) == ("crm", "v2", "42")
    assert (visit.click_id_param, visit.click_id) == ("fbclid", "F1")
    assert visit.referrer_domain == "facebook.com"


def test_own_domain_is_not_a_referrer() -> None:
    visit = classify_visit("https://www.s.nl/b", "https://www.s.nl/a", own_domain="s.nl")
    assert (visit.source, visit.medium, visit.referrer_domain) == ("(direct)", "(none)", None)


def test_lead_sources() -> None:
    first = Visit(source="linkedin", medium="cpc")
    creation = Visit(source="facebook", medium="cpc")
    assert lead_sources("form", creation, first) == ("facebook", "linkedin")
    assert lead_sources("form", creation, None) == ("facebook", "facebook")
    assert lead_sources("import", None, None, " Trade-Show ") == ("trade-show", "trade-show")
    assert lead_sources("chat", None, None) == (None, None)


@pytest.mark.parametrize("broken", ["http://[", "https://[::1/x", "//[bad"])
def test_urls_that_do_not_parse_give_no_referrer_and_no_tags(broken: str) -> None:
    """An unbalanced `[` makes urlsplit raise (found by schemathesis): never a 500."""
    assert referrer_domain(broken) is None
    visit = classify_visit(broken + "?utm_source=x", broken)
    assert visit.referrer_domain is None
    assert fallback_visit(broken, broken, None, datetime(2026, 11, 27, 12)).referrer_domain is None
