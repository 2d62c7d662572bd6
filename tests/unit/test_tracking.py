"""The tracking fields of a form post (domain/tracking.py) and the capture rate limiter."""

from datetime import UTC, datetime, timedelta

import pytest

from leadboard.capture.limiter import RateLimiter
from leadboard.domain.tracking import (
    TrackingError,
    browser_time,
    parse_tuple,
    read_tracking,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MS = int(NOW.timestamp() * 1000)


def test_tuples_as_query_strings_or_objects_keep_known_keys_only() -> None:
    text = "utm_source=LinkedIn&utm_medium=cpc&ref=www.linkedin.com&at=1&junk=x&last=5"
    assert parse_tuple("lb_ft", text) == {
        "utm_source": "LinkedIn",
        "utm_medium": "cpc",
        "ref": "www.linkedin.com",
        "at": "1",
    }
    assert parse_tuple("lb_ft", {"utm_source": "x", "at": 17, "other": [1]}) == {
        "utm_source": "x",
        "at": "17",
    }
    assert parse_tuple("lb_ft", "") is None
    assert parse_tuple("lb_ft", "junk=1") is None
    with pytest.raises(TrackingError) as info:
        parse_tuple("lb_visit", ["utm_source=x"])
    assert info.value.field == "lb_visit"
    with pytest.raises(TrackingError) as info:
        parse_tuple("lb_visit", {"gclid": True})
    assert info.value.field == "lb_visit.gclid"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (str(MS - 60_000), NOW - timedelta(minutes=1)),  # ms since 1970
        ("2026-03-02T09:30:00+01:00", NOW - timedelta(minutes=30)),  # ISO 8601 with offset
        ("2026-03-02T08:00:00Z", NOW - timedelta(hours=1)),
        (str(MS + 3_600_000), NOW),  # a browser clock ahead: clamped to the server's
        ("2026-03-03T00:00:00Z", NOW),
        ("yesterday", NOW),  # unreadable: the server's time
        ("9" * 30, NOW),  # out of range
        (None, NOW),
    ],
)
def test_browser_time_is_read_and_clamped(value: str | None, expected: datetime) -> None:
    assert browser_time(value, NOW) == expected


def test_read_tracking_uses_the_script_fields() -> None:
    tracking = read_tracking(
        {
            "lb_ft": f"utm_source=linkedin&utm_medium=cpc&at={MS - 86_400_000}",
            "lb_visit": f"ref=www.google.de&msclkid=M1&at={MS - 1000}",
        },
        "https://site.example/contact?utm_source=ignored",
        NOW,
    )
    assert tracking.first_touch is not None
    assert (tracking.first_touch.source, tracking.first_touch.at) == (
        "linkedin",
        NOW - timedelta(days=1),
    )
    visit = tracking.visit
    assert (visit.source, visit.medium, visit.referrer_domain) == ("google", "organic", "google.de")
    assert (visit.click_id_param, visit.click_id) == ("msclkid", "M1")


def test_read_tracking_falls_back_to_landing_referer_or_direct() -> None:
    relayed = read_tracking(
        {"lb_landing": "https://www.site.example/a?utm_source=x&utm_medium=y", "lb_referrer": ""},
        None,
        NOW,
    )
    assert (relayed.visit.source, relayed.visit.medium, relayed.first_touch) == ("x", "y", None)
    own = read_tracking(
        {"lb_landing": "https://www.site.example/b", "lb_referrer": "https://site.example/a"},
        None,
        NOW,
    )
    assert (own.visit.source, own.visit.referrer_domain) == ("(direct)", None)
    referer = read_tracking({}, "https://site.example/form?gclid=G", NOW)
    assert (referer.visit.source, referer.visit.medium, referer.visit.at) == ("google", "cpc", NOW)
    # The page with the form is never taken as an external referrer.
    untagged = read_tracking({}, "https://site.example/form", NOW)
    assert (untagged.visit.source, untagged.visit.referrer_domain) == ("(direct)", None)
    assert read_tracking({}, None, NOW).visit.source == "(direct)"
    with pytest.raises(TrackingError):
        read_tracking({"lb_landing": 5}, None, NOW)


def test_first_touch_is_never_later_than_the_visit() -> None:
    tracking = read_tracking(
        {"lb_ft": f"utm_source=a&utm_medium=b&at={MS}", "lb_visit": f"at={MS - 5000}"}, None, NOW
    )
    assert tracking.first_touch is not None
    assert tracking.first_touch.at == tracking.visit.at == NOW - timedelta(seconds=5)


def test_overlong_values_are_cut_to_their_columns() -> None:
    tracking = read_tracking(
        {"lb_visit": f"utm_source={'s' * 300}&utm_medium=m&gclid={'g' * 900}"}, None, NOW
    )
    assert len(tracking.visit.source or "") == 200
    assert len(tracking.visit.click_id or "") == 500


def test_rate_limiter_is_a_sliding_window_on_the_given_timer() -> None:
    at = [100.0]
    limiter = RateLimiter(2, timer=lambda: at[0])
    key = ("10.0.0.1", "contact")

    def hit(seconds: float, who: tuple[str, str] = key) -> int | None:
        at[0] = 100.0 + seconds
        return limiter.hit(who)

    assert hit(0) is None
    assert hit(20) is None
    assert hit(21) == 39
    assert hit(21, ("10.0.0.2", "contact")) is None  # per client
    assert hit(21, ("10.0.0.1", "other")) is None  # per form
    assert hit(59.5) == 1  # never 0
    assert hit(60) is None  # the first one left
    assert RateLimiter(0).hit(key) is None  # 0 switches the limit off
