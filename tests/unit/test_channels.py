"""Channel rules (SPEC 6.4): one or more cases per GA4 rule, and the rule order."""

import csv
from pathlib import Path

import pytest

from leadboard.domain.channels import (
    RulesError,
    channel_key,
    default_rules,
    default_rules_text,
    load_rules,
    parse_rules,
    source_categories,
)
from tests.conftest import missing


@pytest.mark.parametrize(
    ("source", "medium", "campaign", "channel"),
    [
        ("(direct)", "(none)", None, "Direct"),  # 1
        ("(direct)", "(not set)", None, "Direct"),
        ("google", "cpc", "summer cross-network push", "Cross-network"),  # 2 beats Paid Search
        ("amazon", "cpc", None, "Paid Shopping"),  # 3: shopping list + paid
        ("newsletter", "ppc", "spring-shop", "Paid Shopping"),  # SHOPCAMP on the campaign
        ("google", "cpc", None, "Paid Search"),  # 4
        ("bing", "paid", None, "Paid Search"),
        ("facebook", "cpc", None, "Paid Social"),  # 5
        ("linkedin", "paid-social", None, "Paid Social"),
        ("youtube", "cpv", None, "Paid Video"),  # 6 ("cpv" matches .*cp.*)
        ("partner", "display", None, "Display"),  # 7
        ("partner", "CPM", None, "Display"),  # case ignored
        ("partner", "retargeting", None, "Paid Other"),  # 8
        ("partner", "paid_media", None, "Paid Other"),
        ("etsy", "referral", None, "Organic Shopping"),  # 9 (before Referral)
        ("x", "y", "shopping-week", "Organic Shopping"),
        ("facebook.com", "referral", None, "Organic Social"),  # 10 (before Referral)
        ("forum", "social-network", None, "Organic Social"),
        ("vimeo", "referral", None, "Organic Video"),  # 11
        ("site", "video", None, "Organic Video"),
        ("duckduckgo", "referral", None, "Organic Search"),  # 12
        ("intranet", "organic", None, "Organic Search"),
        ("blog.example.org", "referral", None, "Referral"),  # 13
        ("app-store", "app", None, "Referral"),
        ("newsletter", "email", None, "Email"),  # 14
        ("e-mail", "whatever", None, "Email"),
        ("network", "affiliate", None, "Affiliates"),  # 15
        ("spotify-ad", "audio", None, "Audio"),  # 16
        ("sms", "text", None, "SMS"),  # 17
        ("gateway", "sms", None, "SMS"),
        ("app", "web-push", None, "Mobile Push Notifications"),  # 18
        ("firebase", "x", None, "Mobile Push Notifications"),
        ("app", "in-app-notification", None, "Mobile Push Notifications"),
        ("mystery", "unknown", None, "Unassigned"),  # 19
        (None, None, None, "Unassigned"),
    ],
)
def test_rule(source: str | None, medium: str | None, campaign: str | None, channel: str) -> None:
    assert default_rules().classify(source, medium, campaign) == channel


def test_shopcamp_does_not_match_inside_words() -> None:
    # "workshop": the letter before "shop" is k (in a-d/f-z) -> no SHOPCAMP match
    assert default_rules().classify("newsletter", "ppc", "workshop") == "Paid Other"


def test_channel_keys_are_slugs() -> None:
    assert channel_key("Organic Search") == "organic-search"
    assert channel_key("Mobile Push Notifications") == "mobile-push-notifications"


def test_invalid_rules_report_every_problem() -> None:
    with pytest.raises(RulesError) as info:
        load_rules(
            {
                "rules": [
                    {"channel": "A", "when": {"colour": {"equals": "x"}}},
                    {"channel": "B", "when": {"source": {"in_list": "books"}}},
                    {"channel": "C", "when": {"medium": {"matches": "("}}},
                ]
            }
        )
    problems = info.value.problems
    assert len(problems) == 3
    assert "rules[0].when" in problems[0] and "colour" in problems[0]
    assert "books" in problems[1]
    assert "regular expression" in problems[2]


# --- SPEC 6.4 rule by rule, and the order -----------------------------------------------------

SPEC_ORDER = [
    "Direct",
    "Cross-network",
    "Paid Shopping",
    "Paid Search",
    "Paid Social",
    "Paid Video",
    "Display",
    "Paid Other",
    "Organic Shopping",
    "Organic Social",
    "Organic Video",
    "Organic Search",
    "Referral",
    "Email",
    "Affiliates",
    "Audio",
    "SMS",
    "Mobile Push Notifications",
    "Unassigned",
]


def test_the_shipped_rules_are_the_19_of_spec_6_4_in_order() -> None:
    assert [channel for channel, _condition in default_rules().rules] == SPEC_ORDER


@pytest.mark.parametrize(
    ("source", "medium", "campaign", "channel"),
    [
        ("(DIRECT)", "(None)", None, "Direct"),  # case ignored
        ("(direct)", "referral", None, "Referral"),  # Direct needs (none)/(not set)
        ("bing", "cpc", "emea-cross-network-q1", "Cross-network"),
        ("x", "y", "CROSS-NETWORK", "Cross-network"),
        ("walmart", "paid", None, "Paid Shopping"),
        ("x", "cpc", "shopping", "Paid Shopping"),
        ("x", "cpc", "black-friday shop", "Paid Shopping"),  # space before "shop"
        ("x", "cpc", "eshop", "Paid Shopping"),  # "e" is outside [a-df-z]: SHOPCAMP matches
        ("x", "cpc", "bookshop", "Paid Other"),  # "k" is inside [a-df-z]: no match
        ("baidu", "ppc", None, "Paid Search"),
        ("yandex", "paidsearch", None, "Paid Search"),
        ("twitter", "retargeting", None, "Paid Social"),
        ("tiktok", "cpc", None, "Paid Social"),
        ("vimeo", "cpm", None, "Paid Video"),  # cpm matches PAID: rule 6 before Display
        ("dv360", "banner", None, "Display"),
        ("dv360", "interstitial", None, "Display"),
        ("dv360", "expandable", None, "Display"),
        ("partner", "cpa", None, "Paid Other"),
        ("partner", "paid", None, "Paid Other"),
        ("partner", "ppc", None, "Paid Other"),
        ("partner", "xppc", None, "Unassigned"),  # PAID matches the whole value only
        ("shopify", "(none)", None, "Organic Shopping"),
        ("instagram", "(none)", None, "Organic Social"),
        ("partner", "social media", None, "Organic Social"),
        ("partner", "sm", None, "Organic Social"),
        ("youtube", "(none)", None, "Organic Video"),
        ("partner", "explainer-video", None, "Organic Video"),
        ("google", "(none)", None, "Organic Search"),
        ("ecosia.org", "referral", None, "Organic Search"),
        ("partner", "link", None, "Referral"),
        ("e_mail", "newsletter", None, "Email"),
        ("partner", "e mail", None, "Email"),
        ("partner", "affiliate", None, "Affiliates"),
        ("partner", "audio", None, "Audio"),
        ("partner", "SMS", None, "SMS"),
        ("partner", "mobile", None, "Mobile Push Notifications"),
        ("partner", "notification", None, "Mobile Push Notifications"),
        ("partner", "push", None, "Mobile Push Notifications"),
        ("partner", "pushy", None, "Unassigned"),  # push must end the medium
        ("newsletter", None, None, "Unassigned"),
    ],
)
def test_more_cases_per_rule(
    source: str | None, medium: str | None, campaign: str | None, channel: str
) -> None:
    assert default_rules().classify(source, medium, campaign) == channel


def _matching(source: str, medium: str, campaign: str) -> list[str]:
    """Every rule whose own condition matches (not only the first)."""
    values = {"source": source, "medium": medium, "campaign": campaign}
    return [channel for channel, condition in default_rules().rules if condition(values)]


@pytest.mark.parametrize(
    ("source", "medium", "campaign", "first", "later"),
    [
        ("(direct)", "(none)", "cross-network", "Direct", "Cross-network"),
        ("amazon", "cpc", "cross-network", "Cross-network", "Paid Shopping"),
        ("google", "cpc", "shop-week", "Paid Shopping", "Paid Search"),
        ("google", "cpc", "", "Paid Search", "Paid Other"),
        ("facebook", "cpc", "", "Paid Social", "Paid Other"),
        ("youtube", "cpc", "", "Paid Video", "Organic Video"),
        ("partner", "cpm", "", "Display", "Paid Other"),
        ("partner", "paid-video", "", "Paid Other", "Organic Video"),
        ("partner", "cpc", "shopping", "Paid Shopping", "Organic Shopping"),
        ("etsy", "social", "", "Organic Shopping", "Organic Social"),
        ("facebook", "video", "", "Organic Social", "Organic Video"),
        ("youtube", "organic", "", "Organic Video", "Organic Search"),
        ("google", "referral", "", "Organic Search", "Referral"),
        ("email", "referral", "", "Referral", "Email"),
        ("email", "affiliate", "", "Email", "Affiliates"),
        ("sms", "audio", "", "Audio", "SMS"),
        ("sms", "push", "", "SMS", "Mobile Push Notifications"),
        ("firebase", "x", "", "Mobile Push Notifications", "Unassigned"),
    ],
)
def test_rule_order_decides_between_matching_rules(
    source: str, medium: str, campaign: str, first: str, later: str
) -> None:
    matching = _matching(source, medium, campaign)
    assert later in matching  # the case matches a later rule too ...
    assert matching[0] == first  # ... and the earlier rule wins
    assert default_rules().classify(source, medium, campaign) == first


def test_rules_report_unknown_keys_and_bad_patterns() -> None:
    with pytest.raises(RulesError) as info:
        load_rules(
            {
                "rulez": [],
                "patterns": {"paid": "(", "n": 5},
                "rules": [{"channel": "A", "when": {"all": []}}],
            }
        )
    problems = info.value.problems
    assert len(problems) == 3
    assert "rulez" in problems[0]
    assert "patterns.paid" in problems[1] and "patterns.n" in problems[2]


def test_exported_text_parses_to_the_same_rules() -> None:
    rules = parse_rules(default_rules_text())
    assert [c for c, _ in rules.rules] == SPEC_ORDER
    with pytest.raises(RulesError) as info:
        parse_rules("rules: [\n")
    assert "line" in info.value.problems[0] and "YAML" in info.value.problems[0]


REALDATA_CATEGORIES = (
    Path(__file__).resolve().parents[2].parent
    / "shared/realdata/ga4-source-categories/ga4_source_categories.csv"
)


@pytest.mark.realdata
def test_shipped_source_categories_equal_googles_list() -> None:
    if not REALDATA_CATEGORIES.exists():
        missing(f"real data not found: {REALDATA_CATEGORIES}")
    with REALDATA_CATEGORIES.open(newline="") as handle:
        expected = {
            (row["source"].strip().lower(), row["source_category"].split("_")[-1].lower())
            for row in csv.DictReader(handle)
        }
    shipped = {
        (source, category) for category, found in source_categories().items() for source in found
    }
    assert shipped == expected
    assert len(shipped) == 819
