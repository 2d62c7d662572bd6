"""Channel rules (SPEC 6.4): one or more cases per GA4 rule, and the rule order."""

import pytest

from leadboard.domain.channels import RulesError, channel_key, default_rules, load_rules


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
