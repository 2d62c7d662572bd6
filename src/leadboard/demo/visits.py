"""Web visits and what a lead is attributed to (its sources and channel).

A visit is built as landing URL + referrer and classified by the capture code
(`classify_visit`), so the demo's tuples are exactly what the capture endpoint would store.
Sources and channels come from the domain functions too, cached per distinct input.
"""

import base64
import random
from typing import Any
from urllib.parse import quote_plus

from leadboard.demo import catalog
from leadboard.demo.context import Demo
from leadboard.demo.draw import Pick, zipf
from leadboard.demo.marketing import Campaigns
from leadboard.domain.attribution import Visit, classify_visit, lead_sources
from leadboard.domain.channels import default_rules
from leadboard.domain.leads import derive_channel

SITE = "https://www.example.com/"
OWN_DOMAIN = "example.com"
NO_VISIT = (None,) * len(Visit.__dataclass_fields__)  # the visit columns of a lead without one


class Visits:
    def __init__(self, demo: Demo, campaigns: Campaigns) -> None:
        self.demo = demo
        self.campaigns = campaigns
        self.rules = default_rules()
        # The kind of the visit that created a lead, and of an earlier first touch.
        self.creating_kind = Pick((kind, w) for kind, w, _ in catalog.VISIT_KINDS)
        self.first_touch_kind = Pick((kind, w) for kind, _, w in catalog.VISIT_KINDS if w)
        self._classified: dict[tuple[str, str | None], tuple[Any, ...]] = {}
        self._sources: dict[Any, tuple[str | None, str | None]] = {}
        self._channels: dict[Any, tuple[str, str]] = {}

    def creating(self, day: int, r: random.Random) -> tuple[Any, ...]:
        """A visit of the kind that creates leads (or brings in a form submission)."""
        return self.visit(self.creating_kind(r.random), day, r)

    def visit(self, kind: str, day: int, r: random.Random) -> tuple[Any, ...]:
        """A visit of that kind on that day, as the capture code would classify it.

        Returns (source, medium, campaign, term, content, utm_id, referrer_domain,
        click_id_param, click_id); the time is added by the caller.
        """
        rand = r.random
        query, referrer, click = "", None, None
        if kind in ("google-ads", "bing-ads", "cross-network"):
            group = "crossnet" if kind == "cross-network" else "search"
            found = self.campaigns.running(group, day, rand)
            click = "msclkid" if kind == "bing-ads" else "gclid"
            referrer = "https://www.bing.com/" if kind == "bing-ads" else "https://www.google.com/"
            if found and (kind != "google-ads" or rand() < 0.8):  # some Google ads are untagged
                source = "bing" if kind == "bing-ads" else "google"
                term = quote_plus(r.choice(catalog.SEARCH_TERMS))
                query = (
                    f"utm_source={source}&utm_medium=cpc&utm_campaign={found[0]}&utm_term={term}"
                    f"&utm_content={r.choice(catalog.AD_CONTENTS['search'])}"
                )
                if rand() < 0.3:
                    query += f"&utm_id={found[1]}"
            query = f"{query}&{click}=CLICK" if query else f"{click}=CLICK"
        elif kind.endswith("-organic") and kind.split("-")[0] in catalog.SEARCH_REFERRERS:
            engine = kind.split("-")[0]
            referrer = self.demo.picker(("search", engine), catalog.SEARCH_REFERRERS[engine])(rand)
        elif kind == "direct":
            pass
        elif kind == "referral":
            domain = self.demo.picker("referrers", zipf(catalog.REFERRERS, 1.1))(rand)
            prefix = "www." if rand() < 0.5 and domain.count(".") == 1 else ""
            referrer = f"https://{prefix}{domain}/blog/{r.randint(1, 40)}"
        elif kind == "linkedin-organic":
            referrer = "https://www.linkedin.com/" if rand() < 0.7 else "https://lnkd.in/"
        elif kind == "facebook-organic":
            referrer = "https://m.facebook.com/" if rand() < 0.5 else "https://l.facebook.com/"
        else:
            source, medium, group, referrer, click = catalog.TAGGED_VISITS[kind]
            found = self.campaigns.running(group, day, rand)
            query = f"utm_source={source}&utm_medium={medium}"
            if found:
                query += f"&utm_campaign={found[0]}"
            if group in catalog.AD_CONTENTS:
                query += f"&utm_content={r.choice(catalog.AD_CONTENTS[group])}"
            if click:
                query += f"&{click}=CLICK"
        url = f"{SITE}?{query}" if query else SITE
        key = (url, referrer)
        if key not in self._classified:
            v = classify_visit(url, referrer, own_domain=OWN_DOMAIN)
            fields = (v.source, v.medium, v.campaign, v.term, v.content, v.utm_id)
            self._classified[key] = (*fields, v.referrer_domain, v.click_id_param)
        classified = self._classified[key]
        # The placeholder CLICK in the URL keeps the cache small; each visit gets its own id.
        click_id = _click_id(classified[7], r) if classified[7] else None
        return (*classified, click_id)

    def sources(
        self, via: str, lc_source: str | None, ft_source: str | None, given: str | None
    ) -> tuple[str | None, str | None]:
        """(creation source, first contact source) of a lead."""
        key = (via, lc_source, ft_source, given)
        if key not in self._sources:
            creation = Visit(source=lc_source) if lc_source else None
            first = Visit(source=ft_source) if ft_source else None
            self._sources[key] = lead_sources(via, creation, first, given)
        return self._sources[key]

    def channel(
        self, via: str, source: str | None, medium: str | None, campaign: str | None
    ) -> tuple[str, str]:
        """(channel key, where it came from) of a lead: the channel rules or its created_via."""
        key = (via, source, medium, campaign)
        if key not in self._channels:
            has_tag = source or medium or campaign
            creation = Visit(source=source, medium=medium, campaign=campaign) if has_tag else None
            self._channels[key] = derive_channel(via, creation, None, self.rules)
        return self._channels[key]


def _click_id(param: str, r: random.Random) -> str:
    if param == "msclkid":
        return f"{r.getrandbits(128):032x}"
    prefix, size = {"gclid": ("Cj0KCQiA", 30), "fbclid": ("IwAR", 42)}.get(param, ("", 30))
    raw = r.getrandbits(size * 6).to_bytes(size * 6 // 8 + 1, "big")
    return prefix + base64.urlsafe_b64encode(raw).decode()[:size]
