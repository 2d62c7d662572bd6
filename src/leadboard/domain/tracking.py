"""The tracking fields a form post carries (SPEC 6.1) and the visits they stand for.

The tracking script (`/t.js`) keeps two first-party cookies on the customer's site and posts them
with every Leadboard form as two fields, each a URL-encoded query string:

* `lb_ft`    - the first touch (written once, never overwritten),
* `lb_visit` - the current visit (the landing page of the current session).

Keys in both: `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`, `utm_id`,
`gclid`, `fbclid`, `msclkid`, `ttclid` (as they were on the landing URL), `ref` (the referrer's
domain; the site's own domain never appears) and `at` (the browser's time of the landing, in
milliseconds since 1970 or ISO 8601). A JSON post may send either field as an object with the
same keys instead of a string.

Posts without the script (servers, pages without `/t.js`) may send `lb_landing` (the landing page
URL) and `lb_referrer` (its referrer URL); without those the HTTP Referer of the post is taken as
the landing page, and with no Referer either the visit is `(direct)`.

The server classifies all of these with SPEC 6.3 step A, and clamps the browser's time to no
later than its own clock.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from leadboard.domain.attribution import (
    CLICK_ID_PARAMS,
    UTM_FIELDS,
    Visit,
    classify_params,
    classify_visit,
    clipped,
    referrer_domain,
)

FIRST_TOUCH_FIELD = "lb_ft"
VISIT_FIELD = "lb_visit"
LANDING_FIELD = "lb_landing"
REFERRER_FIELD = "lb_referrer"
TRACKING_FIELDS = (FIRST_TOUCH_FIELD, VISIT_FIELD, LANDING_FIELD, REFERRER_FIELD)
# The keys a tracking tuple may hold; anything else in it is ignored.
TUPLE_KEYS = (*(f"utm_{name}" for name in UTM_FIELDS), *CLICK_ID_PARAMS, "ref", "at")
MAX_TUPLE_TEXT = 4096  # a cookie holds at most ~4 KB; a longer value is not the script's


class TrackingError(ValueError):
    """A tracking field of the wrong shape; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Tracking:
    """What a post says about where its sender came from."""

    first_touch: Visit | None
    visit: Visit


def parse_tuple(field: str, value: object) -> dict[str, str] | None:
    """A tracking tuple (query string or JSON object) as a dict of the known keys."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if len(value) > MAX_TUPLE_TEXT:
            raise TrackingError(field, f"at most {MAX_TUPLE_TEXT} characters")
        pairs = parse_qsl(value, keep_blank_values=False)
        found = {key: text for key, text in pairs if key in TUPLE_KEYS}
    elif isinstance(value, Mapping):
        found = {}
        for key, item in value.items():
            if key not in TUPLE_KEYS or item is None:
                continue
            if key == "at" and isinstance(item, int | float) and not isinstance(item, bool):
                found[key] = str(item)
            elif isinstance(item, str):
                found[key] = item
            else:
                raise TrackingError(f"{field}.{key}", "must be a string")
    else:
        raise TrackingError(field, "must be a query string or an object")
    return found or None


def browser_time(value: str | None, now: datetime) -> datetime:
    """The browser's time (ms since 1970 or ISO 8601), clamped to no later than `now`.

    A value that cannot be read is taken as `now`: the visit is not lost for a bad clock.
    """
    at: datetime | None = None
    if value:
        text = value.strip()
        try:
            if text.lstrip("-").replace(".", "", 1).isdigit():
                at = datetime.fromtimestamp(float(text) / 1000, UTC)
            else:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
                at = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except (ValueError, OverflowError, OSError):
            at = None
    if at is None or at > now:
        return now
    return at.astimezone(UTC)


def tuple_visit(found: Mapping[str, str], now: datetime) -> Visit:
    """Step A over one posted tuple."""
    domain = referrer_domain(found.get("ref"))
    return clipped(classify_params(found, domain, browser_time(found.get("at"), now)))


def fallback_visit(
    landing: str | None, referrer: str | None, http_referer: str | None, now: datetime
) -> Visit:
    """The visit of a post that carries no `lb_visit`: from lb_landing/lb_referrer or Referer."""
    if landing:
        try:
            own = urlsplit(landing).hostname
        except ValueError:  # "http://[": no host of its own to recognise
            own = None
        return clipped(classify_visit(landing, referrer, own_domain=own, at=now))
    if http_referer:
        # The Referer of a form post is the page the form was on: a landing page of the site
        # itself (its UTM tags count), never an external referrer.
        return clipped(classify_visit(http_referer, None, at=now))
    return classify_params({}, None, now)


def text_field(fields: Mapping[str, object], name: str) -> str | None:
    value = fields.get(name)
    if value is None or isinstance(value, str):
        return value or None
    raise TrackingError(name, "must be a string")


def read_tracking(
    fields: Mapping[str, object], http_referer: str | None, now: datetime
) -> Tracking:
    """First touch and current visit of a post (see the module docstring)."""
    first = parse_tuple(FIRST_TOUCH_FIELD, fields.get(FIRST_TOUCH_FIELD))
    current = parse_tuple(VISIT_FIELD, fields.get(VISIT_FIELD))
    if current is not None:
        visit = tuple_visit(current, now)
    else:
        landing = text_field(fields, LANDING_FIELD)
        referrer = text_field(fields, REFERRER_FIELD)
        visit = fallback_visit(landing, referrer, http_referer, now)
    first_touch = tuple_visit(first, now) if first is not None else None
    if first_touch is not None and visit.at is not None and first_touch.at is not None:
        # A first touch cannot be later than the visit it precedes (a browser clock put back).
        first_touch = replace(first_touch, at=min(first_touch.at, visit.at))
    return Tracking(first_touch, visit)
