"""domain.leads.lead_row, made cheap for a million leads.

What lead_row derives from how a lead came in (created_via, the given source/medium/campaign,
first touch, preset channel: the tuples, sources and channel) is the same for every lead that came
in the same way, so it is computed by lead_row once per such combination; the lead's own columns
(names, email, dates, ...) are filled in per row. lead_row stays the one definition: the first
rows of every combination, and every 997th row after, are also built by lead_row itself and
compared; if the two ever differ (lead_row learned something new), every later row is built by
lead_row.
"""

from collections.abc import Callable
from typing import Any

from leadboard.domain.channels import ChannelRules
from leadboard.domain.leads import NewLead, lead_row
from leadboard.domain.statuses import Status

CHECK_FIRST = 3
CHECK_EVERY = 997


class LeadRows:
    def __init__(self, open_status: Status, rules: ChannelRules) -> None:
        self.open = open_status
        self.rules = rules
        self.exact = False  # True: lead_row for every row
        self._shared: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._checked: dict[tuple[Any, ...], int] = {}
        self._count = 0

    def row(
        self, key: tuple[Any, ...], own: dict[str, Any], new_lead: Callable[[], NewLead]
    ) -> dict[str, Any]:
        """The leads row of `new_lead()`; `key` says how it came in, `own` holds its own columns
        as lead_row would write them."""
        if self.exact:
            return lead_row(new_lead(), self.open, self.rules)
        self._count += 1
        shared = self._shared.get(key)
        checks = self._checked.get(key, 0)
        if shared is not None and checks >= CHECK_FIRST and self._count % CHECK_EVERY:
            row = shared.copy()
            row.update(own)
            return row
        row = lead_row(new_lead(), self.open, self.rules)
        if shared is None:
            shared = self._shared[key] = {k: v for k, v in row.items() if k not in own}
        self._checked[key] = checks + 1
        if {**shared, **own} != row:
            self.exact = True
        return row
