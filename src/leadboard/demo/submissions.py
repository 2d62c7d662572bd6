"""Form submissions: the one that created a lead, the odd failure, later conversions.

A conversion is an earlier lead (with an e-mail address) filling in a form again.
"""

import json
import random
from typing import Any

from leadboard.demo import catalog
from leadboard.demo.contacts import Contacts
from leadboard.demo.marketing import Forms
from leadboard.demo.visits import Visits
from leadboard.domain.attribution import Visit

SUBMISSION_COLUMNS = (
    "id",
    "form_id",
    "lead_id",
    "status",
    "error",
    "is_conversion",
    "submitted_at",
    "payload",
    *(f"visit_{name}" for name in Visit.__dataclass_fields__),
)
CONVERSION_RATE = 0.11  # conversion submissions per lead
FAILED_RATE = 0.005  # failed submissions per form lead


class Submissions:
    """Draws form submissions and collects their rows (`rows`, emptied by the writer)."""

    def __init__(
        self,
        forms: Forms,
        visits: Visits,
        contacts: Contacts,
        now: int,
        stamp: Any,
        r: random.Random,
    ) -> None:
        self.forms = forms
        self.visits = visits
        self.contacts = contacts
        self.now = now
        self.stamp = stamp
        self.r = r
        self.rows: list[tuple[Any, ...]] = []
        self.last_id = 0

    def created_lead(
        self,
        lead_id: int,
        form_id: int,
        t: int,
        ts: Any,
        day: int,
        name: str,
        email: str | None,
        company: str | None,
        visit: tuple[Any, ...],
    ) -> None:
        """The submission that created lead `lead_id` at `t`, and maybe a failed one after it."""
        r, stamp = self.r, self.stamp
        self.last_id += 1
        payload = {"name": name, "email": email, "company": company}
        row = (self.last_id, form_id, lead_id, "processed", None, False, ts, json.dumps(payload))
        self.rows.append((*row, *visit))
        if r.random() < FAILED_RATE:
            failed_at = t + r.randint(5, 3600)
            if failed_at <= self.now:
                self.last_id += 1
                failed = self.visits.creating(day, r)
                self.rows.append(
                    (
                        self.last_id,
                        self.forms.pick(day, r.random),
                        None,
                        "failed",
                        r.choice(catalog.SUBMISSION_ERRORS),
                        False,
                        stamp(failed_at),
                        json.dumps({"name": name, "email": email}),
                        *failed,
                        stamp(failed_at),
                    )
                )

    def maybe_conversion(self, lead_id: int, ts: Any, day: int) -> None:
        """Now and then an earlier lead converts at the same moment (`lead_id`: the newest)."""
        r = self.r
        if not (lead_id > 1 and r.random() < CONVERSION_RATE):
            return
        earlier = r.randint(1, lead_id - 1)
        email = self.contacts.email_of[earlier]
        if not email:
            return
        self.last_id += 1
        visit = self.visits.creating(day, r)
        payload = {"name": self.contacts.name_of[earlier], "email": email}
        self.rows.append(
            (
                self.last_id,
                self.forms.pick(day, r.random),
                earlier,
                "processed",
                None,
                True,
                ts,
                json.dumps(payload),
                *visit,
                ts,
            )
        )
