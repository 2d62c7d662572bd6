"""Sales (deals): for part of the leads that were Qualified, plus some without a lead.

A deal follows its lead's history: created after the lead was Qualified, lost when the lead was
Disqualified later; its outcome is decided only if that lies before "now".
"""

import math
import random
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from leadboard.db import schema
from leadboard.demo import catalog, names
from leadboard.demo.associates import Staff
from leadboard.demo.companies import Companies
from leadboard.demo.context import Demo
from leadboard.demo.leads import SaleCandidate
from leadboard.demo.load import Progress, Writer
from leadboard.demo.times import DAY, local_day

SALE_COLUMNS = (
    "id",
    "external_id",
    "origin",
    "title",
    "lead_id",
    "company_id",
    "owner_id",
    "amount_cents",
    "currency",
    "stage",
    "probability",
    "status",
    "sale_date",
    "created_at",
    "reason",
)
SALE_SHARE = 0.57  # share of Qualified leads that get a sale (some too recent to have one)
LOST_AFTER_DISQUALIFIED = 0.3


def build_sales(
    demo: Demo,
    out: Writer,
    report: Progress,
    staff: Staff,
    companies: Companies,
    candidates: list[SaleCandidate],
) -> None:
    r = demo.rng("sales")
    report("Sales", 0, 1)
    deals = _Deals(demo, r)
    _deals_of_leads(demo, deals, staff, companies, candidates, r)
    _deals_without_leads(demo, deals, staff, companies, r)
    # Ids follow the order of creation, as they would have been given.
    deals.rows.sort(key=itemgetter(0, 1))
    rows = []
    for sale_id, row in enumerate(deals.rows, start=1):
        created, _, title, lead_id, company_id, owner, cents, status = row[:8]
        stage, probability, sale_date, reason = row[8:]
        external_id = origin = None
        if lead_id is None and company_id is None:  # came from another CRM
            external_id, origin = f"D-{sale_id:05d}", "demo-crm"
        rows.append(
            (
                sale_id,
                external_id,
                origin,
                title,
                lead_id,
                company_id,
                owner,
                cents,
                demo.currency,
                stage,
                probability,
                status,
                out.stamp(sale_date),
                out.stamp(created),
                reason,
            )
        )
    out.rows(schema.sales, SALE_COLUMNS, rows)
    report("Sales", 1, 1)


def _deals_of_leads(
    demo: Demo,
    deals: "_Deals",
    staff: Staff,
    companies: Companies,
    candidates: list[SaleCandidate],
    r: random.Random,
) -> None:
    rand, now = r.random, demo.now_s
    qualified, disqualified = demo.sid["qualified"], demo.sid["disqualified"]
    for lead_id, steps, owner, company, country, full_name in candidates:
        statuses = [status for status, _ in steps]
        q_at = next(at for status, at in steps if status == qualified)
        # Sales people sell: a lead owned by someone else gets a seller of its region.
        seller = owner
        if owner is None or not staff.in_sales(owner) or rand() < 0.1:
            region = names.SALES_REGION.get(country or "NL", "Sales Benelux")
            seller = staff.owner_for(region, demo.day_index(q_at), rand) or owner
        name = companies.name[company] if company is not None else full_name
        if statuses[-1] == qualified:
            if rand() < SALE_SHARE:
                created = q_at + max(3600, int(4 * DAY * r.lognormvariate(0, 0.8)))
                if created <= now:
                    deals.add(lead_id, company, seller, country, name, created)
        elif statuses[-1] == disqualified and qualified in statuses[:-1]:
            if rand() < LOST_AFTER_DISQUALIFIED:
                lost_at = steps[-1][1]
                created = q_at + int((lost_at - q_at) * r.uniform(0.1, 0.5))
                deals.add(lead_id, company, seller, country, name, created, "lost", lost_at)


def _deals_without_leads(
    demo: Demo, deals: "_Deals", staff: Staff, companies: Companies, r: random.Random
) -> None:
    """Some with a company only, a few with neither (imported from another CRM)."""
    rand = r.random
    extra = max(3, len(deals.rows) // 30)
    for number in range(extra):
        created = r.randint(demo.start_s, demo.now_s)
        day = demo.day_index(created)
        company = None
        if number % 3:
            company = int(len(companies) * rand())
        country = companies.country[company] if company is not None else None
        region = names.SALES_REGION.get(country or "NL", "Sales Benelux")
        owner = staff.owner_for(region, day, rand)
        name = companies.name[company] if company is not None else f"deal {number + 1}"
        deals.add(None, company, owner, country, name, created)


class _Deals:
    """Draws the terms of each deal; rows start with (created, lead id) and have no id yet."""

    def __init__(self, demo: Demo, r: random.Random) -> None:
        self.demo = demo
        self.r = r
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        lead_id: int | None,
        company: int | None,
        owner: int | None,
        country: str | None,
        name: str,
        created: int,
        status: str | None = None,
        closed: int | None = None,
    ) -> None:
        demo, r = self.demo, self.r
        rand, choice = r.random, r.choice
        if status is None:
            roll = rand()
            if roll < 0.45:
                status = "sold"
            elif roll < 0.80:
                status = "open"
            elif roll < 0.95:
                status = "lost"
            else:
                status = "stalled"
        if status in ("sold", "lost") and closed is None:
            closed = created + max(DAY, int(30 * DAY * r.lognormvariate(0, 0.7)))
            if closed > demo.now_s:  # not decided yet: open, expected to close then
                status = "open"
        if status in ("open", "stalled"):
            sale_date = demo.local_noon(self._expected(status, created, closed))
        else:
            if closed is None:
                raise RuntimeError(f"a {status} sale without a close date")
            sale_date = closed
        if status == "open":
            stage, probability = demo.picker("stages", _stage_pairs())(rand)
        elif status == "stalled":
            stage, probability = choice(("proposal", "negotiation")), 20
        else:
            stage, probability = ("won", 100) if status == "sold" else ("lost", 0)
        reason = choice(catalog.SALE_REASONS[status]) if status != "open" else None
        amount = min(75_000, max(500, r.lognormvariate(math.log(8000), 0.9)))
        cents = round(amount / 10) * 1000
        language = "nl" if country in ("NL", "BE") else "en"
        title = choice(catalog.SALE_TITLES[language]).format(name=name)
        self.rows.append(
            (
                created,
                lead_id or 0,
                title,
                lead_id,
                company + 1 if company is not None else None,
                owner,
                cents,
                status,
                stage,
                probability,
                sale_date,
                reason,
            )
        )

    def _expected(self, status: str, created: int, closed: int | None) -> date:
        """The expected (local) closing day of an open or stalled deal."""
        demo, r = self.demo, self.r
        expected = demo.today + timedelta(days=r.randint(-30, 425))
        if status == "stalled":
            expected = demo.today + timedelta(days=r.randint(-90, 200))
        created_day = demo.first_day + timedelta(days=demo.day_index(created))
        if closed is not None and closed > demo.now_s:
            expected = local_day(closed, demo.tz)
        elif expected <= created_day:
            expected = created_day + timedelta(days=r.randint(14, 120))
        return expected


def _stage_pairs() -> list[tuple[tuple[str, int], float]]:
    return [((stage, percent), weight) for stage, percent, weight in catalog.OPEN_STAGES]
