"""Sources of a visit (SPEC 6.3, step A) and the lead-level sources derived from them."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from leadboard.domain.channels import NOT_SET, source_categories

UTM_FIELDS = ("source", "medium", "campaign", "term", "content", "id")
CLICK_ID_PARAMS = ("gclid", "fbclid", "msclkid", "ttclid")


@dataclass(frozen=True)
class Visit:
    """One visit's attribution tuple; text values folded (trimmed, lower case) where grouped on."""

    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    term: str | None = None
    content: str | None = None
    utm_id: str | None = None
    referrer_domain: str | None = None
    click_id_param: str | None = None
    click_id: str | None = None
    at: datetime | None = None

    def columns(self, prefix: str) -> dict[str, object]:
        """The tuple as table columns, e.g. prefix `lc` -> lc_source, lc_medium, ..."""
        return {f"{prefix}_{name}": getattr(self, name) for name in self.__dataclass_fields__}


def fold(value: str | None) -> str | None:
    """Trim and lower-case; empty -> None. Done in Python so both engines group alike."""
    if value is None:
        return None
    value = value.strip().lower()
    return value or None


def tag_value(value: str | None) -> str | None:
    """A source, medium or campaign as stored: folded; missing and `(not set)` -> None.

    None is how Leadboard stores GA4's `(not set)` (SPEC 6.3 A1): tiles show it as "(not set)"
    and group a literal `(not set)` with the missing ones, and the channel rules read it as
    `(not set)`.
    """
    value = fold(value)
    return None if value == NOT_SET else value


def has_tag_half(visit: Visit | None) -> bool:
    """The visit has a source or a medium (or both): the channel rules classify it (SPEC 6.4)."""
    return visit is not None and bool(visit.source or visit.medium)


def referrer_domain(referrer: str | None) -> str | None:
    if not referrer:
        return None
    try:
        host = urlsplit(referrer if "//" in referrer else f"//{referrer}").hostname
    except ValueError:  # "http://[": not a URL, so no referring site
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host.removeprefix("www.") or None


def search_engine(domain: str) -> str | None:
    """The engine's name when the domain belongs to a search engine (google.nl -> google)."""
    engines = source_categories()["search"]
    if domain in engines:
        labels = domain.split(".")
        named = [label for label in labels if label in engines]
        return named[0] if named else domain
    for label in domain.split("."):
        if label in engines:
            return label
    return None


def classify_visit(
    landing_url: str,
    referrer: str | None = None,
    own_domain: str | None = None,
    at: datetime | None = None,
) -> Visit:
    """Step A of SPEC 6.3: the first rule that applies gives source and medium."""
    try:
        query = parse_qs(urlsplit(landing_url).query, keep_blank_values=True)
    except ValueError:  # a landing URL that does not parse carries no tags
        query = {}
    params = {name: values[0] for name, values in query.items() if values}
    domain = referrer_domain(referrer)
    if domain and own_domain and is_own_domain(domain, own_domain):
        domain = None  # the site's own pages are never a referrer
    return classify_params(params, domain, at)


def is_own_domain(domain: str, own_domain: str) -> bool:
    """`domain` is the site itself or one of its subdomains (www. ignored on both sides)."""
    own = own_domain.lower().rstrip(".").removeprefix("www.")
    domain = domain.lower().rstrip(".").removeprefix("www.")
    return domain == own or domain.endswith(f".{own}")


def classify_params(
    params: Mapping[str, str | None], domain: str | None = None, at: datetime | None = None
) -> Visit:
    """Step A from a landing page's parameters (utm_*, click ids) and its referrer domain.

    The tracking script posts exactly these (SPEC 6.1), so a form post and a landing URL are
    classified by the same code.
    """

    def param(name: str) -> str | None:
        value = params.get(name)
        return value.strip() or None if isinstance(value, str) else None

    click = next(((name, param(name)) for name in CLICK_ID_PARAMS if param(name)), (None, None))
    visit = Visit(referrer_domain=domain, click_id_param=click[0], click_id=click[1], at=at)
    if any(param(f"utm_{name}") for name in UTM_FIELDS):  # A1
        # A missing half of the tag is `(not set)`, stored as None (see tag_value).
        return replace(
            visit,
            source=tag_value(param("utm_source")),
            medium=tag_value(param("utm_medium")),
            campaign=tag_value(param("utm_campaign")),
            term=param("utm_term"),
            content=param("utm_content"),
            utm_id=param("utm_id"),
        )
    if param("gclid"):  # A2
        return replace(visit, source="google", medium="cpc")
    # A3: other click ids are kept but do not set source or medium.
    if domain:
        engine = search_engine(domain)
        if engine:  # A4
            return replace(visit, source=engine, medium="organic")
        return replace(visit, source=domain, medium="referral")  # A5
    return replace(visit, source="(direct)", medium="(none)")  # A6


# The widths of the tuple columns (db/schema.py): longer values are cut, never refused, so a
# tagged link with an overlong utm_content still gives a lead.
COLUMN_WIDTHS = {
    "source": 200,
    "medium": 200,
    "campaign": 200,
    "term": 200,
    "content": 200,
    "utm_id": 200,
    "referrer_domain": 253,
    "click_id_param": 16,
    "click_id": 500,
}


def clipped(visit: Visit) -> Visit:
    """The visit with every text cut to the width of its column."""
    changes: dict[str, Any] = {
        name: value[:width]
        for name, width in COLUMN_WIDTHS.items()
        if isinstance(value := getattr(visit, name), str) and len(value) > width
    }
    return replace(visit, **changes) if changes else visit


def lead_sources(
    created_via: str,
    creation: Visit | None,
    first_touch: Visit | None,
    given_source: str | None = None,
) -> tuple[str | None, str | None]:
    """(lead creation source, first contact source) of SPEC 6.3."""
    creation_source = creation.source if creation is not None and creation.source else None
    creation_source = creation_source or tag_value(given_source)
    if first_touch is not None and has_tag_half(first_touch):
        # A recorded first touch gives its source, also when that is `(not set)` (a tag with
        # only a medium): the later lead creation source is not the first contact's.
        return creation_source, first_touch.source
    return creation_source, creation_source
