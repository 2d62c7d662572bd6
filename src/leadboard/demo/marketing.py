"""What marketing runs: campaigns (evergreen and seasonal) and the web forms leads fill in.

Both are catalogues with a life span; `Campaigns.running` and `Forms.pick` choose among those
live on a given day, weighted by a popularity shuffled per seed.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from leadboard.db import schema
from leadboard.demo import catalog
from leadboard.demo.context import Demo
from leadboard.demo.draw import Pick
from leadboard.demo.load import Writer
from leadboard.demo.times import DAY, stamp

ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789"


class Campaigns:
    """(key, visit groups, first day, last day, weight, utm_id) of each campaign."""

    def __init__(self) -> None:
        self.all: list[tuple[str, tuple[str, ...], int, int, float, int]] = []
        self._running: dict[tuple[str, int], Pick[tuple[str, int]] | None] = {}

    def running(self, group: str, day: int, rand: Callable[[], float]) -> tuple[str, int] | None:
        """(key, utm_id) of a campaign of that visit group running on that day, if any."""
        key = (group, day)
        if key not in self._running:
            pairs = [
                ((name, utm_id), weight)
                for name, groups, first, last, weight, utm_id in self.all
                if group in groups and first <= day <= last
            ]
            self._running[key] = Pick(pairs) if pairs else None
        pick = self._running[key]
        return pick(rand) if pick is not None else None


def build_campaigns(demo: Demo, out: Writer) -> Campaigns:
    r = demo.rng("campaigns")
    found: list[tuple[str, str | None, tuple[str, ...], date | None, date | None]] = [
        (key, name, groups, None, None) for key, name, groups in catalog.EVERGREEN_CAMPAIGNS
    ]
    for year in range(demo.first_day.year, demo.today.year + 1):
        for key, name, groups, (m1, d1), (m2, d2) in catalog.SEASONAL_CAMPAIGNS:
            starts, ends = date(year, m1, d1), date(year, m2, d2)
            if starts <= demo.today and ends >= demo.first_day:
                label = name.format(year=year) if name else None
                found.append((key.format(year=year), label, groups, starts, ends))
    popularity = list(range(len(found)))
    r.shuffle(popularity)
    campaigns = Campaigns()
    rows = []
    for campaign_id, (key, name, groups, since, until) in enumerate(found, start=1):
        weight = 1 / (popularity[campaign_id - 1] + 1) ** 0.8
        if since is not None:
            weight *= 4  # a seasonal push is big while it runs
        first = demo.day_index(demo.local_noon(since)) if since else 0
        last = demo.day_index(demo.local_noon(until)) if until else demo.days
        campaigns.all.append((key, groups, first, last, weight, 100_000 + 7 * campaign_id))
        rows.append({"id": campaign_id, "key": key, "name": name})
        rows[-1] |= {"starts_on": since, "ends_on": until}
    out.core(schema.campaigns, rows)
    return campaigns


class Forms:
    """(id, created, retired, weight) of each form; times in epoch seconds."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.all: list[tuple[int, int, int, float]] = []
        self._live: dict[int, Pick[int]] = {}

    def pick(self, day: int, rand: Callable[[], float]) -> int:
        """The id of a form that is live on that day (form 1 if none is)."""
        if day not in self._live:
            moment = self.demo.day_starts[day]
            pairs = [
                (form_id, weight)
                for form_id, created, until, weight in self.all
                if created <= moment < until
            ]
            self._live[day] = Pick(pairs or [(1, 1)])
        return self._live[day](rand)


def build_forms(demo: Demo, out: Writer) -> Forms:
    r = demo.rng("forms")
    span = demo.now_s - demo.start_s
    keys: set[str] = set()
    rows: list[dict[str, Any]] = []
    forms = Forms(demo)
    late = {12: 0.2, 13: 0.45, 15: 0.7}  # trials and the German demo form came later
    retired = len(catalog.FORMS) - 1  # the partner application form was switched off
    popularity = list(range(len(catalog.FORMS)))
    r.shuffle(popularity)
    for index, (name, site, template) in enumerate(catalog.FORMS):
        key = ""
        while not key or key in keys:
            key = "f_" + "".join(r.choices(ID_CHARS, k=6))
        keys.add(key)
        if index in late:
            created = demo.start_s + int(span * late[index])
        else:
            created = demo.start_s - r.randint(30, 400) * DAY
        until = demo.start_s + int(span * 0.6) if index == retired else 2**62
        fields = [
            {"name": field, "required": field == "email"} for field in catalog.FORM_FIELDS[template]
        ]
        rows.append(
            {
                "id": index + 1,
                "key": key,
                "name": name,
                "active": index != retired,
                "allowed_origins": [site, site.replace("://www.", "://")],
                "fields": fields,
                "thank_you_url": f"{site}/thanks",
                "created_at": stamp(created),
            }
        )
        weight = 1 / (popularity[index] + 1) ** 0.9
        forms.all.append((index + 1, created, until, weight))
    out.core(schema.forms, rows)
    return forms
