"""Reference data a dashboard run needs: statuses, associates, forms, campaigns, rates.

Loaded once per run, so compiling stays pure and labels need no extra queries.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from sqlalchemy import Connection, select

from leadboard.db.schema import associates, campaigns, forms
from leadboard.domain.channels import rule_channel_names
from leadboard.domain.rates import list_rates
from leadboard.domain.statuses import Status, all_statuses


@dataclass(frozen=True)
class Associate:
    id: int
    email: str
    name: str


@dataclass(frozen=True)
class Form:
    id: int
    key: str
    name: str


@dataclass(frozen=True)
class Lookups:
    statuses: tuple[Status, ...]  # every status, deleted ones too, in rank order
    associates: tuple[Associate, ...]
    forms: tuple[Form, ...]
    campaign_names: dict[str, str]
    rates: dict[str, Decimal]
    channel_names: dict[str, str] = field(default_factory=dict)  # of the rules in force

    @property
    def active_statuses(self) -> list[Status]:
        return [s for s in self.statuses if s.active]

    @property
    def funnel_path(self) -> list[Status]:
        return [s for s in self.statuses if s.active and s.on_funnel]

    def status_by_key(self, key: str) -> Status | None:
        return next((s for s in self.statuses if s.key == key), None)

    def status_by_id(self, status_id: int) -> Status | None:
        return next((s for s in self.statuses if s.id == status_id), None)

    def associate_by_email(self, email: str) -> Associate | None:
        email = email.strip().lower()
        return next((a for a in self.associates if a.email == email), None)

    def associate_by_id(self, associate_id: int) -> Associate | None:
        return self._associates_by_id.get(associate_id)

    def form_by_key(self, key: str) -> Form | None:
        return next((f for f in self.forms if f.key == key), None)

    def form_by_id(self, form_id: int) -> Form | None:
        return next((f for f in self.forms if f.id == form_id), None)

    @cached_property  # built once per run: records look up an owner each
    def _associates_by_id(self) -> dict[int, Associate]:
        return {a.id: a for a in self.associates}


def load_lookups(conn: Connection) -> Lookups:
    return Lookups(
        statuses=tuple(all_statuses(conn, include_deleted=True)),
        associates=tuple(
            Associate(row.id, row.email, row.name)
            for row in conn.execute(
                select(associates.c.id, associates.c.email, associates.c.name).order_by(
                    associates.c.id
                )
            )
        ),
        forms=tuple(
            Form(row.id, row.key, row.name)
            for row in conn.execute(
                select(forms.c.id, forms.c.key, forms.c.name).order_by(forms.c.id)
            )
        ),
        campaign_names={
            row.key: row.name
            for row in conn.execute(select(campaigns.c.key, campaigns.c.name))
            if row.name
        },
        rates=list_rates(conn),
        channel_names=rule_channel_names(conn),
    )


# The lead statuses of SPEC 1.2 as the first migration stores them (a test keeps the two equal).
DEFAULT_STATUSES = (
    Status(
        1, "open", 1, True, True, "Open", "Open", "Not contacted yet", "Nog geen contact opgenomen"
    ),
    Status(
        2,
        "contacting",
        2,
        True,
        True,
        "Contacting",
        "Contact opnemen",
        "Sales is trying to reach the lead",
        "Verkoop probeert de lead te bereiken",
    ),
    Status(
        3,
        "qualified",
        3,
        True,
        True,
        "Qualified",
        "Gekwalificeerd",
        "Meets the criteria, ready for sales",
        "Voldoet aan de criteria, klaar voor verkoop",
    ),
    Status(
        4,
        "disqualified",
        4,
        False,
        True,
        "Disqualified",
        "Gediskwalificeerd",
        "No further contact",
        "Geen verder contact",
    ),
    Status(
        5,
        "re-nurture",
        5,
        False,
        True,
        "Re-nurture",
        "Opnieuw koesteren",
        "Not ready, marketing follows up",
        "Nog niet klaar, marketing volgt op",
    ),
)


def default_lookups() -> Lookups:
    """The reference data of a new database: the default statuses, no associates, forms,
    campaigns or rates. What `leadboard tile explain` plans with when it has no database."""
    return Lookups(statuses=DEFAULT_STATUSES, associates=(), forms=(), campaign_names={}, rates={})
