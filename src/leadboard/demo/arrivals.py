"""How a lead came in: a web form (with its visits), a chat, an import, the API or by hand.

A non-web lead whose caller gave a source (and maybe a medium) stores them as its last-click
source and medium (with no time), so the channel can be re-derived from the stored columns.
"""

import math
import random
from typing import Any

from leadboard.demo import catalog
from leadboard.demo.chats import Chats
from leadboard.demo.context import Demo
from leadboard.demo.draw import Pick
from leadboard.demo.marketing import Forms
from leadboard.demo.times import DAY
from leadboard.demo.visits import NO_VISIT, Visits

# (external id, origin, form id, chat session id, last-click visit, first-touch visit, source
# given by the caller); the visits are full visit tuples, time included.
Arrival = tuple[
    str | None, str | None, int | None, int | None, tuple[Any, ...], tuple[Any, ...], str | None
]


class Arrivals:
    def __init__(
        self,
        demo: Demo,
        forms: Forms,
        visits: Visits,
        chats: Chats,
        stamp: Any,
        r: random.Random,
    ) -> None:
        self.demo = demo
        self.forms = forms
        self.visits = visits
        self.chats = chats
        self.stamp = stamp
        self.r = r
        self.given = {via: Pick(options) for via, options in catalog.GIVEN_SOURCES.items()}
        self.imported = self.api_calls = 0  # numbers the external ids of each origin

    def draw(
        self,
        via: str,
        lead_id: int,
        t: int,
        ts: Any,
        day: int,
        contact: tuple[str, str | None, str | None, str | None],
    ) -> Arrival:
        """How lead `lead_id`, created at `t` (stored as `ts`), came in `via`.

        `contact` (name, e-mail, company name, country) is what a chat's visitor gave.
        """
        r = self.r
        rand = r.random
        external_id = origin = form_id = chat_session = None
        lc: tuple[Any, ...] = NO_VISIT
        ft: tuple[Any, ...] = NO_VISIT
        given_source = None
        if via == "form":
            form_id = self.forms.pick(day, rand)
            lc = (*self.visits.creating(day, r), ts)
            if rand() < 0.3:  # an earlier first touch, at most half a year before
                before = max(3600, int(r.lognormvariate(math.log(10 * DAY), 1.0)))
                ft_at = t - min(before, 180 * DAY)
                kind = self.visits.first_touch_kind(rand)
                visit = self.visits.visit(kind, self.demo.day_index(ft_at), r)
                ft = (*visit, self.stamp(ft_at))
            else:
                ft = lc
            return external_id, origin, form_id, chat_session, lc, ft, given_source
        given_source, given_medium = self.given[via](rand)
        if given_source:
            lc = (given_source, given_medium, *NO_VISIT[2:])
        if via == "import":
            self.imported += 1
            external_id, origin = f"IMP-{self.imported:07d}", "demo-import"
        elif via == "api":
            self.api_calls += 1
            external_id, origin = f"api-{self.api_calls:07d}", "demo-api"
        elif via == "chat":
            chat_session = self.chats.opened_lead(lead_id, t, day, *contact)
        return external_id, origin, form_id, chat_session, lc, ft, given_source
