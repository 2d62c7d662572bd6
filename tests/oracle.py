"""A plain-Python reference for the figures of the built-in tiles (SPEC 2 and 5).

Deliberately independent of the code under test: it imports nothing from leadboard.semantic,
leadboard.dashboards or leadboard.domain. It reads whole tables with plain SELECTs, and does all
the rest in Python: local days with zoneinfo, its own period arithmetic, "reached" from the status
history (not from leads.statuses_held), top N / Other / "(not set)" and percentages.

Windows are checked on the *local day* of each record (a record is in a period when its local
day lies between the period's first and last day), which is a different computation from the
product's UTC bounds, so the two cross-check each other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from leadboard.db import schema as s

TZ = ZoneInfo("Europe/Amsterdam")
NOT_SET = "__not_set__"
OTHER = "__other__"
LIST_LIMIT = 100

# ---------------------------------------------------------------------------------------------
# The built-in tiles, written down from the SPEC 2 table (not read from the YAML under test).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TileSpec:
    key: str
    chart: str
    kind: str  # grouped, series, number, gauge, funnel, list
    entity: str  # leads, sales
    period: str | None = None  # None = snapshot
    group: str | None = None  # grouping dimension, or the grain of a series
    top: int | None = None
    other: bool = True
    set_only: bool = False
    measure: str = "count"  # count, amount
    measure2: str | None = None  # sales-by-owner-ytd: amount beside the count
    compare: bool = False  # same span last year
    where: Any = None  # record -> bool (the tile's own criteria)


def _lead_status(key: str) -> Any:
    return lambda rec: rec["status_key"] == key


TILES: dict[str, TileSpec] = {
    t.key: t
    for t in [
        TileSpec("lead-qualification-funnel", "funnel", "funnel", "leads", "ytd"),
        TileSpec(
            "new-leads-by-campaign-ytd",
            "donut",
            "grouped",
            "leads",
            "ytd",
            "campaign",
            top=10,
            set_only=True,
        ),
        TileSpec(
            "new-leads-by-creation-source-ytd",
            "donut",
            "grouped",
            "leads",
            "ytd",
            "creation_source",
            top=10,
        ),
        TileSpec(
            "new-leads-by-first-contact-source-ytd",
            "donut",
            "grouped",
            "leads",
            "ytd",
            "first_contact_source",
            top=10,
        ),
        TileSpec("new-leads-by-channel-ytd", "donut", "grouped", "leads", "ytd", "channel"),
        TileSpec(
            "new-leads-from-chats-ytd",
            "number",
            "number",
            "leads",
            "ytd",
            compare=True,
            where=lambda rec: rec["created_via"] == "chat",
        ),
        TileSpec(
            "new-leads-from-forms-ytd",
            "number",
            "number",
            "leads",
            "ytd",
            compare=True,
            where=lambda rec: rec["created_via"] == "form",
        ),
        TileSpec(
            "top-referring-sites-ytd",
            "bar",
            "grouped",
            "leads",
            "ytd",
            "referrer",
            top=10,
            other=False,
            set_only=True,
        ),
        TileSpec(
            "top-10-forms-ytd",
            "bar",
            "grouped",
            "leads",
            "ytd",
            "form",
            top=10,
            other=False,
            set_only=True,
        ),
        TileSpec(
            "new-leads-per-month",
            "column-line",
            "series",
            "leads",
            "this-year",
            "month",
            compare=True,
        ),
        TileSpec(
            "sales-by-creation-source",
            "column",
            "grouped",
            "sales",
            "this-year",
            "creation_source",
            where=lambda rec: rec["status"] == "sold",
        ),
        TileSpec(
            "pipeline-by-creation-source",
            "bar",
            "grouped",
            "sales",
            None,
            "creation_source",
            measure="amount",
            where=lambda rec: rec["status"] == "open",
        ),
        TileSpec(
            "sales-by-owner-ytd",
            "bar-line",
            "grouped",
            "sales",
            "ytd",
            "owner",
            measure2="amount",
            where=lambda rec: rec["status"] == "sold",
        ),
        TileSpec(
            "pipeline-by-close-month",
            "area",
            "series",
            "sales",
            "this-and-next-11-months",
            "month",
            measure="amount",
            where=lambda rec: rec["status"] == "open",
        ),
        TileSpec(
            "qualified-without-sale",
            "list",
            "list",
            "leads",
            where=lambda rec: rec["status_key"] == "qualified" and not rec["has_sale"],
        ),
        TileSpec("leads-by-status", "column", "grouped", "leads", None, "status"),
        TileSpec("qualification-rate-ytd", "gauge", "gauge", "leads", "ytd"),
        TileSpec(
            "new-leads-per-week",
            "line",
            "series",
            "leads",
            "this-and-previous-12-weeks",
            "week",
        ),
        TileSpec(
            "leads-to-re-nurture",
            "list",
            "list",
            "leads",
            where=_lead_status("re-nurture"),
        ),
    ]
}

# Which dashboard shows which tile (M, N, S columns of the SPEC 2 table).
DASHBOARDS: dict[str, set[str]] = {
    "marketing": {
        "new-leads-by-campaign-ytd",
        "new-leads-by-creation-source-ytd",
        "new-leads-by-first-contact-source-ytd",
        "new-leads-by-channel-ytd",
        "new-leads-from-chats-ytd",
        "new-leads-from-forms-ytd",
        "top-referring-sites-ytd",
        "top-10-forms-ytd",
        "new-leads-per-month",
    },
    "lead-nurturing": {
        "lead-qualification-funnel",
        "new-leads-by-first-contact-source-ytd",
        "leads-by-status",
        "qualification-rate-ytd",
        "new-leads-per-week",
        "leads-to-re-nurture",
    },
    "sales": {
        "lead-qualification-funnel",
        "sales-by-creation-source",
        "pipeline-by-creation-source",
        "sales-by-owner-ytd",
        "pipeline-by-close-month",
        "qualified-without-sale",
    },
}
GAUGE_TARGET = 25

# ---------------------------------------------------------------------------------------------
# Time: local days and periods (SPEC 5), written from scratch.
# ---------------------------------------------------------------------------------------------


def local(naive_utc: datetime) -> datetime:
    """A stored naive-UTC time as an aware local time of the organisation."""
    return naive_utc.replace(tzinfo=UTC).astimezone(TZ)


def to_utc_naive(local_moment: datetime) -> datetime:
    """A local wall-clock time (naive or aware in TZ) as it is stored: naive UTC."""
    if local_moment.tzinfo is None:
        local_moment = local_moment.replace(tzinfo=TZ)
    return local_moment.astimezone(UTC).replace(tzinfo=None)


def midnight_iso(day: date) -> str:
    return datetime.combine(day, time(0), tzinfo=TZ).isoformat()


@dataclass(frozen=True)
class Span:
    """A period as its first and last local day, both included."""

    first: date
    last: date

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last

    def days(self) -> list[date]:
        out, day = [], self.first
        while day <= self.last:
            out.append(day)
            day += timedelta(days=1)
        return out

    def json(self) -> tuple[str, str]:
        """(start, end) as the product shows them: local midnights, end exclusive."""
        return midnight_iso(self.first), midnight_iso(self.last + timedelta(days=1))


def _unit_first(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.isoweekday() - 1)
    if unit == "month":
        return date(day.year, day.month, 1)
    if unit == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _unit_shift(first: date, unit: str, n: int) -> date:
    if unit == "day":
        return first + timedelta(days=n)
    if unit == "week":
        return first + timedelta(days=7 * n)
    months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
    y, m = divmod(first.year * 12 + (first.month - 1) + months, 12)
    return date(y, m + 1, 1)


_NAMED = re.compile(
    r"(this|previous|next|this-and-previous|this-and-next)-(?:(\d+)-)?(day|week|month|quarter|year)s?"
)


def span(name: str, today: date) -> Span | None:
    """The span of a period name on `today` (None = all time)."""
    name = name.strip().lower()
    if name == "all":
        return None
    if name == "ytd":
        return Span(date(today.year, 1, 1), today)
    if name == "today":
        return Span(today, today)
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", name)
    if m:
        return Span(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    m = _NAMED.fullmatch(name)
    if not m:
        raise ValueError(f"oracle does not know period {name!r}")
    kind, n, unit = m[1], int(m[2] or 1), m[3]
    this = _unit_first(today, unit)
    one = timedelta(days=1)
    if kind == "this":
        return Span(this, _unit_shift(this, unit, 1) - one)
    if kind == "previous":
        return Span(_unit_shift(this, unit, -n), this - one)
    if kind == "next":
        return Span(_unit_shift(this, unit, 1), _unit_shift(this, unit, n + 1) - one)
    if kind == "this-and-previous":
        return Span(_unit_shift(this, unit, -n), _unit_shift(this, unit, 1) - one)
    return Span(this, _unit_shift(this, unit, n + 1) - one)


def year_back(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return date(day.year - 1, day.month, day.day)


def same_span_last_year(sp: Span) -> Span:
    return Span(year_back(sp.first), year_back(sp.last))


@dataclass(frozen=True)
class Elapsed:
    """The elapsed part of a partial period a year back (SPEC 9.4): from the local midnight of
    `first` up to and including the local wall-clock moment `until` (naive).

    Checked on each record's local wall-clock time, not on UTC bounds: a different computation
    from the product's, so the two cross-check each other (records in the hour that a DST change
    repeats are ambiguous here; tests keep them out of these edges).
    """

    first: date
    until: datetime

    def holds(self, moment: datetime) -> bool:
        wall = moment.astimezone(TZ).replace(tzinfo=None)
        return self.first <= wall.date() and wall <= self.until

    def json(self) -> tuple[str, str]:
        """(start, end) as the product shows them: end = until + 1 microsecond, local."""
        end = self.until + timedelta(microseconds=1)  # wall-clock addition
        return midnight_iso(self.first), end.replace(tzinfo=TZ).isoformat()


def elapsed_last_year(first: date, now: datetime) -> Elapsed:
    """[first, now] a year back, first and now's day shifted by the calendar (29 Feb -> 28 Feb),
    now's local time of day kept."""
    wall = now.astimezone(TZ).replace(tzinfo=None)
    return Elapsed(year_back(first), datetime.combine(year_back(wall.date()), wall.time()))


def bucket_span(key: str, grain: str) -> Span:
    """The days of a month, quarter or year bucket key ("2025-11", "2025-Q4", "2025")."""
    if grain == "month":
        first = date(int(key[:4]), int(key[5:7]), 1)
        months = 1
    elif grain == "quarter":
        first = date(int(key[:4]), 3 * (int(key[-1]) - 1) + 1, 1)
        months = 3
    elif grain == "year":
        first, months = date(int(key), 1, 1), 12
    else:
        raise NotImplementedError(f"no bucket span for grain {grain}")
    y, m = divmod(first.year * 12 + first.month - 1 + months, 12)
    return Span(first, date(y, m + 1, 1) - timedelta(days=1))


def bucket_key(day: date, grain: str) -> str:
    if grain == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if grain == "day":
        return day.isoformat()
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def buckets(sp: Span, grain: str) -> list[str]:
    keys: list[str] = []
    for day in sp.days():
        key = bucket_key(day, grain)
        if not keys or keys[-1] != key:
            keys.append(key)
    return keys


def bucket_year_back(key: str, grain: str) -> str:
    """The same bucket one year earlier (month, quarter and year grains)."""
    if grain not in ("month", "quarter", "year"):
        raise NotImplementedError(f"no 'same bucket last year' for grain {grain}")
    year, _, rest = key.partition("-")
    return f"{int(year) - 1:04d}" + (f"-{rest}" if rest else "")


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------


def pct(part: int | Decimal, base: int | Decimal) -> Fraction | None:
    """The exact percentage (the product must show it rounded to 1 decimal), None for base 0."""
    if not base:
        return None
    return Fraction(part) * 100 / Fraction(base)


# ---------------------------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------------------------


@dataclass
class Filters:
    owner: str | None = None  # associate email
    country: str | None = None  # ISO code (any case) or "none"
    status: str | None = None  # lead status key
    period: str | None = None
    # A viewer's rights (tests of issue 10): only records owned by one of these emails count;
    # None: every record. Not a quick filter, so it sets no filter mark and is no kwarg.
    owners: frozenset[str] | None = None

    def as_kwargs(self) -> dict[str, str | None]:
        return {
            "owner": self.owner,
            "country": self.country,
            "status": self.status,
            "period": self.period,
        }


@dataclass
class Snapshot:
    statuses: list[dict[str, Any]]  # rank order
    associates: dict[int, dict[str, Any]]
    companies: dict[int, dict[str, Any]]
    forms: dict[int, dict[str, Any]]
    rates: dict[str, Decimal]
    leads: list[dict[str, Any]] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)


def load(engine: Engine) -> Snapshot:
    """Every row of the tables the tiles read, with derived facts the tiles need."""
    with engine.connect() as conn:

        def rows(table: Any) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in conn.execute(select(table))]

        statuses = sorted(rows(s.lead_statuses), key=lambda r: (r["rank"], r["id"]))
        associates = {r["id"]: r for r in rows(s.associates)}
        companies = {r["id"]: r for r in rows(s.companies)}
        forms = {r["id"]: r for r in rows(s.forms)}
        rates = {r["currency"]: Decimal(r["rate"]) for r in rows(s.currency_rates)}
        leads = rows(s.leads)
        history = rows(s.lead_status_history)
        sales = rows(s.sales)

    status_key = {st["id"]: st["key"] for st in statuses}
    held: dict[int, set[int]] = defaultdict(set)
    for h in history:
        held[h["lead_id"]].add(h["to_status_id"])
    with_sale = {sale["lead_id"] for sale in sales if sale["lead_id"] is not None}

    def company_country(company_id: int | None) -> str | None:
        if company_id is None:
            return None
        return companies[company_id]["country"] or None

    by_id: dict[int, dict[str, Any]] = {}
    for lead in leads:
        lead["country_eff"] = lead["country"] or company_country(lead["company_id"])
        lead["created_day"] = local(lead["created_at"]).date()
        lead["created_local"] = local(lead["created_at"])
        lead["status_key"] = status_key.get(lead["status_id"])
        lead["owner_email"] = (
            associates[lead["owner_id"]]["email"] if lead["owner_id"] is not None else None
        )
        lead["held_ids"] = held.get(lead["id"], set()) | {lead["status_id"]}
        lead["has_sale"] = lead["id"] in with_sale
        lead["form_key"] = (
            forms[lead["created_by_form_id"]]["key"]
            if lead["created_by_form_id"] is not None
            else None
        )
        by_id[lead["id"]] = lead
    for sale in sales:
        sale_lead = by_id.get(sale["lead_id"]) if sale["lead_id"] is not None else None
        sale["lead"] = sale_lead
        sale["country_eff"] = (sale_lead["country_eff"] if sale_lead else None) or company_country(
            sale["company_id"]
        )
        sale["sale_day"] = local(sale["sale_date"]).date()
        sale["sale_local"] = local(sale["sale_date"])
        sale["owner_email"] = (
            associates[sale["owner_id"]]["email"] if sale["owner_id"] is not None else None
        )
        sale["status_key"] = sale_lead["status_key"] if sale_lead else None
    return Snapshot(statuses, associates, companies, forms, rates, leads, sales)


# ---------------------------------------------------------------------------------------------
# The oracle
# ---------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or value == ""


class Oracle:
    def __init__(
        self,
        snap: Snapshot,
        today: date,
        base_currency: str = "EUR",
        now: datetime | None = None,
    ) -> None:
        """`now` (aware) defaults to the --today clock: 23:59:59.999999 of `today`, local."""
        self.snap = snap
        self.today = today
        self.now = now or datetime.combine(today, time(23, 59, 59, 999999), tzinfo=TZ)
        assert self.now.astimezone(TZ).date() == today
        self.base = base_currency
        self.active = [st for st in snap.statuses if st["active"]]
        self.funnel = [st for st in self.active if st["on_funnel"]]

    # -- scope ---------------------------------------------------------------------------------

    def period_span(self, spec: TileSpec, filters: Filters) -> Span | None:
        if spec.period is None:
            return None
        return span(filters.period or spec.period, self.today)

    def partial(self, sp: Span | None) -> bool:
        """A period is partial while it holds today (and so now); `all` never is."""
        return sp is not None and self.today in sp

    def compare_span(self, sp: Span) -> Span | Elapsed:
        """What a number over `sp` compares with: the elapsed span last year while `sp` is
        partial, else the whole same span last year."""
        if self.partial(sp):
            return elapsed_last_year(sp.first, self.now)
        return same_span_last_year(sp)

    def in_scope(
        self, spec: TileSpec, filters: Filters, sp: Span | Elapsed | None
    ) -> list[dict[str, Any]]:
        """The records a tile counts: its criteria, the quick filters and its period."""
        records = self.snap.leads if spec.entity == "leads" else self.snap.sales
        day = "created_day" if spec.entity == "leads" else "sale_day"
        moment = "created_local" if spec.entity == "leads" else "sale_local"
        owner = filters.owner.strip().lower() if filters.owner else None
        country = filters.country.strip() if filters.country else None
        out = []
        for rec in records:
            if spec.where is not None and not spec.where(rec):
                continue
            if owner is not None and rec["owner_email"] != owner:
                continue
            if filters.owners is not None and rec["owner_email"] not in filters.owners:
                continue
            if country is not None:
                if country.lower() == "none":
                    if rec["country_eff"] is not None:
                        continue
                elif rec["country_eff"] != country.upper():
                    continue
            if filters.status is not None and rec["status_key"] != filters.status:
                continue
            if isinstance(sp, Elapsed):
                if not sp.holds(rec[moment]):
                    continue
            elif sp is not None and rec[day] not in sp:
                continue
            out.append(rec)
        return out

    # -- grouping ------------------------------------------------------------------------------

    def group_key(self, spec: TileSpec, rec: dict[str, Any]) -> str:
        g = spec.group
        if spec.entity == "sales":
            if g == "owner":
                raw = rec["owner_email"]
            elif g == "creation_source":
                raw = rec["lead"]["creation_source"] if rec["lead"] else None
            else:
                raise NotImplementedError(g)
        else:
            raw = {
                "campaign": rec["lc_campaign"],
                "creation_source": rec["creation_source"],
                "first_contact_source": rec["first_contact_source"],
                "channel": rec["channel"],
                "referrer": rec["lc_referrer_domain"],
                "form": rec["form_key"],
                "status": rec["status_key"],
            }[g or ""]
        return NOT_SET if _blank(raw) else str(raw)

    def amount(self, records: list[dict[str, Any]]) -> Decimal:
        cents: dict[str, int] = defaultdict(int)
        for rec in records:
            cents[rec["currency"]] += int(rec["amount_cents"])
        total = Decimal(0)
        for currency, n in cents.items():
            rate = Decimal(1) if currency == self.base else self.snap.rates[currency]
            total += Decimal(n) / 100 * rate
        return total.quantize(Decimal("0.01"))

    def measure(self, name: str, records: list[dict[str, Any]]) -> int | Decimal:
        return len(records) if name == "count" else self.amount(records)

    def groups(self, key: str, filters: Filters) -> list[tuple[str, list[dict[str, Any]]]]:
        """(row key, its records) in the tile's order, after top N / Other / set only."""
        spec = TILES[key]
        sp = self.period_span(spec, filters)
        by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec in self.in_scope(spec, filters, sp):
            by_key[self.group_key(spec, rec)].append(rec)
        if spec.set_only:
            by_key.pop(NOT_SET, None)
        if spec.group == "status":
            # every active status in rank order, zeros included (a deleted one only with leads)
            keys = [st["key"] for st in self.snap.statuses if st["active"] or st["key"] in by_key]
            return [(k, by_key.get(k, [])) for k in keys]
        ranked = sorted(
            by_key.items(), key=lambda item: (-self.measure(spec.measure, item[1]), item[0])
        )
        if spec.top is None or len(ranked) <= spec.top:
            return ranked
        head, rest = ranked[: spec.top], ranked[spec.top :]
        if not spec.other:
            return head
        return [*head, (OTHER, [rec for _, recs in rest for rec in recs])]

    def series(
        self, key: str, filters: Filters
    ) -> list[tuple[str, list[dict[str, Any]], list[dict[str, Any]] | None]]:
        """(bucket key, records, same bucket last year's records or None) for every bucket."""
        spec = TILES[key]
        sp = self.period_span(spec, filters)
        assert sp is not None
        assert spec.group
        day = "created_day" if spec.entity == "leads" else "sale_day"
        by_bucket: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec in self.in_scope(spec, filters, sp):
            by_bucket[bucket_key(rec[day], spec.group)].append(rec)
        before: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if spec.compare:
            for rec in self.in_scope(spec, filters, same_span_last_year(sp)):
                before[bucket_key(rec[day], spec.group)].append(rec)
        out = []
        for b in buckets(sp, spec.group):
            last_year = None
            if spec.compare:
                last_year = before.get(bucket_year_back(b, spec.group), [])
                elapsed = self.bucket_compare(spec, sp, b)
                if isinstance(elapsed, Elapsed):  # the bucket of today: its elapsed span only
                    moment = "created_local" if spec.entity == "leads" else "sale_local"
                    last_year = [rec for rec in last_year if elapsed.holds(rec[moment])]
            out.append((b, by_bucket.get(b, []), last_year))
        return out

    def partial_bucket(self, spec: TileSpec, sp: Span) -> str | None:
        """The key of the bucket that holds today, when the period does."""
        assert spec.group
        return bucket_key(self.today, spec.group) if self.partial(sp) else None

    def bucket_compare(self, spec: TileSpec, sp: Span, b: str) -> Span | Elapsed:
        """What the value2 of bucket `b` covers: the same bucket a year back within the period's
        same span last year; for the bucket of today, only its elapsed span."""
        assert spec.group
        whole = bucket_span(bucket_year_back(b, spec.group), spec.group)
        back = same_span_last_year(sp)
        first, last = max(whole.first, back.first), min(whole.last, back.last)
        if b == self.partial_bucket(spec, sp):
            # the bucket's first day in this year's period, a year back (29 Feb -> 28 Feb)
            this_first = max(bucket_span(b, spec.group).first, sp.first)
            return elapsed_last_year(this_first, self.now)
        return Span(first, last)

    def funnel_steps(self, key: str, filters: Filters) -> list[tuple[str, list[dict[str, Any]]]]:
        spec = TILES[key]
        leads = self.in_scope(spec, filters, self.period_span(spec, filters))
        steps = []
        for index, st in enumerate(self.funnel):
            later = {x["id"] for x in self.funnel[index:]}
            reached = [lead for lead in leads if index == 0 or lead["held_ids"] & later]
            steps.append((st["key"], reached))
        return steps

    def reached(self, lead: dict[str, Any], status_key: str) -> bool:
        keys = [st["key"] for st in self.funnel]
        index = keys.index(status_key)
        return index == 0 or bool(lead["held_ids"] & {st["id"] for st in self.funnel[index:]})

    # -- drill-down ----------------------------------------------------------------------------

    def row_records(self, key: str, filters: Filters, row: str | None) -> list[dict[str, Any]]:
        """The records behind one row, step or bucket (or the whole tile for number/list)."""
        spec = TILES[key]
        if spec.kind == "grouped":
            assert row is not None, "a grouped tile's records need a row"
            return dict(self.groups(key, filters))[row]
        if spec.kind == "series":
            return next(recs for b, recs, _ in self.series(key, filters) if b == row)
        if spec.kind == "funnel":
            assert row is not None, "a funnel's records need a step"
            return dict(self.funnel_steps(key, filters))[row]
        assert row is None
        if spec.kind == "list":
            return self.list_records(key, filters)
        return self.in_scope(spec, filters, self.period_span(spec, filters))

    def list_records(self, key: str, filters: Filters) -> list[dict[str, Any]]:
        spec = TILES[key]
        found = self.in_scope(spec, filters, None)
        return sorted(found, key=lambda r: (r["status_since"], r["id"]))

    # -- the expected JSON figures ---------------------------------------------------------------

    def tile(self, key: str, filters: Filters) -> dict[str, Any]:
        spec = TILES[key]
        sp = self.period_span(spec, filters)
        out: dict[str, Any] = {"key": key, "chart": spec.chart, "kind": spec.kind}
        if spec.period is None:
            out["period"] = None  # a snapshot shows no period
        else:
            out["period"] = sp.json() if sp is not None else (None, None)
            out["partial"] = self.partial(sp)
        out["period_name"] = filters.period or spec.period
        out["filtered"] = {
            name for name in ("owner", "country", "status") if getattr(filters, name)
        } | ({"period"} if filters.period and spec.period else set())
        if spec.kind == "grouped":
            rows = []
            for row, recs in self.groups(key, filters):
                item: dict[str, Any] = {"key": row, "value": self.measure(spec.measure, recs)}
                if spec.measure2:
                    item["value2"] = self.measure(spec.measure2, recs)
                rows.append(item)
            out["rows"] = rows
            out["empty"] = not any(r["value"] or r.get("value2") for r in rows)
        elif spec.kind == "series" and sp is None:
            # `all`: any run of buckets will do, as long as every record is in its own bucket
            assert spec.group
            day = "created_day" if spec.entity == "leads" else "sale_day"
            counts: dict[str, int | Decimal] = {}
            by_bucket: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for rec in self.in_scope(spec, filters, None):
                by_bucket[bucket_key(rec[day], spec.group)].append(rec)
            for b, recs in by_bucket.items():
                counts[b] = self.measure(spec.measure, recs)
            out["kind"] = "open-series"
            out["counts"] = counts
            out["empty"] = not any(counts.values())
        elif spec.kind == "series":
            assert sp is not None  # the open series (sp None) is the branch above
            rows = []
            partial_key = self.partial_bucket(spec, sp)
            for row, recs, before in self.series(key, filters):
                item = {
                    "key": row,
                    "value": self.measure(spec.measure, recs),
                    "partial": row == partial_key,
                }
                if before is not None:
                    item["value2"] = self.measure(spec.measure, before)
                    item["compare"] = self.bucket_compare(spec, sp, row).json()
                rows.append(item)
            out["rows"] = rows
            out["empty"] = not any(r["value"] or r.get("value2") for r in rows)
        elif spec.kind == "number" and sp is None:
            value = len(self.in_scope(spec, filters, None))
            out.update(value=value, compare=None, empty=value == 0)
        elif spec.kind == "number":
            assert sp is not None  # a number without a period is the branch above
            value = len(self.in_scope(spec, filters, sp))
            compared = self.compare_span(sp)
            earlier = len(self.in_scope(spec, filters, compared))
            out["value"] = value
            out["compare"] = {
                "value": earlier,
                "delta": value - earlier,
                "pct": pct(value - earlier, earlier),
                "span": compared.json(),
            }
            out["empty"] = value == 0 and earlier == 0
        elif spec.kind == "gauge":
            leads = self.in_scope(spec, filters, sp)
            hits = sum(1 for lead in leads if self.reached(lead, "qualified"))
            out.update(
                value=pct(hits, len(leads)),
                target=GAUGE_TARGET,
                count=hits,
                total=len(leads),
                empty=not leads,
            )
        elif spec.kind == "funnel":
            steps = self.funnel_steps(key, filters)
            values = [len(recs) for _, recs in steps]
            out["steps"] = [
                {
                    "key": step,
                    "value": values[i],
                    "pct_of_first": pct(values[i], values[0]),
                    "pct_of_previous": pct(values[i], values[i - 1]) if i else None,
                }
                for i, (step, _) in enumerate(steps)
            ]
            out["empty"] = not any(values)
        else:  # list
            found = self.list_records(key, filters)
            out["total"] = len(found)
            out["ids"] = [r["id"] for r in found[:LIST_LIMIT]]
            out["empty"] = not found
        return out

    def record(self, entity: str, rec_id: int) -> dict[str, Any]:
        """The columns a list or drill-down shows for one record (SPEC 2, list tiles)."""
        if entity == "leads":
            lead = next(x for x in self.snap.leads if x["id"] == rec_id)
            company = self.snap.companies.get(lead["company_id"]) if lead["company_id"] else None
            name = " ".join(p for p in (lead["first_name"], lead["last_name"]) if p) or None
            return {
                "id": lead["id"],
                "name": name,
                "email": lead["email"],
                "company": company["name"] if company else None,
                "owner": lead["owner_email"],
                "country": lead["country_eff"],
                "status": lead["status_key"],
                "created_at": local(lead["created_at"]).isoformat(),
                "status_since": local(lead["status_since"]).isoformat(),
            }
        sale = next(x for x in self.snap.sales if x["id"] == rec_id)
        company_id = sale["company_id"] or (sale["lead"] or {}).get("company_id")
        company = self.snap.companies.get(company_id) if company_id else None
        return {
            "id": sale["id"],
            "title": sale["title"],
            "lead": sale["lead_id"],
            "company": company["name"] if company else None,
            "owner": sale["owner_email"],
            "status": sale["status"],
            "amount": _json(Decimal(sale["amount_cents"]) / 100),
            "currency": sale["currency"],
            "sale_date": local(sale["sale_date"]).isoformat(),
        }

    def record_problems(self, entity: str, records: list[dict[str, Any]]) -> list[str]:
        problems = []
        for got in records:
            want = self.record(entity, got["id"])
            shown = {name: got.get(name) for name in want}
            if shown != want:
                problems.append(f"record {got['id']}: {shown} != {want}")
        return problems

    def label(self, spec: TileSpec, key: str) -> str | None:
        """The English label the product must show for a row key (None = not checked)."""
        if key == OTHER:
            return "Other"
        if key == NOT_SET:
            return "(not set)"
        if spec.group == "status":
            return str(next(st["name_en"] for st in self.snap.statuses if st["key"] == key))
        if spec.group == "owner":
            return str(next(a["name"] for a in self.snap.associates.values() if a["email"] == key))
        if spec.group == "form":
            return str(next(f["name"] for f in self.snap.forms.values() if f["key"] == key))
        return None


# ---------------------------------------------------------------------------------------------
# Comparing the product's JSON with the oracle
# ---------------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    """An oracle figure as the JSON must show it: counts as integers, money as a decimal string
    with 2 places ("147300.00", README "Tile JSON")."""
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def _nonzero(value: Any) -> bool:
    return value is not None and Decimal(str(value)) != 0


MONEY = ("amount", "weighted_amount")


def _span(window: Any) -> tuple[str, str] | None:
    return None if window is None else (window.get("start"), window.get("end"))


def pct_ok(shown: Any, exact: Fraction | None) -> bool:
    """1 decimal, within half a unit of the exact value (any tie-breaking); null when None."""
    if exact is None:
        return shown is None
    if not isinstance(shown, int | float) or isinstance(shown, bool):
        return False
    if round(shown, 1) != shown:
        return False
    return abs(Fraction(str(shown)) - exact) <= Fraction(1, 20)


def diff_tile(product: dict[str, Any], expected: dict[str, Any], oracle: Oracle) -> list[str]:
    """Human-readable differences between one tile of the product's JSON and the oracle."""
    key = expected["key"]
    spec = TILES[key]
    problems: list[str] = []

    def bad(what: str, got: Any, want: Any) -> None:
        problems.append(f"{key}: {what}: got {got!r}, expected {want!r}")

    if "error" in product:
        bad("error", product["error"], None)
        return problems
    if product.get("chart") != expected["chart"]:
        bad("chart", product.get("chart"), expected["chart"])
    if product.get("empty") is not expected["empty"]:
        bad("empty", product.get("empty"), expected["empty"])
    if set(product.get("filtered", [])) != expected["filtered"]:
        bad("filtered", product.get("filtered"), sorted(expected["filtered"]))
    if expected["period"] is not None:
        got = product.get("period") or {}
        if got.get("name") != (expected["period_name"]):
            bad("period name", got.get("name"), expected["period_name"])
        if (got.get("start"), got.get("end")) != expected["period"]:
            bad("period", (got.get("start"), got.get("end")), expected["period"])
        if got.get("partial") is not expected["partial"]:
            bad("period partial", got.get("partial"), expected["partial"])
    elif product.get("period") is not None:
        bad("period (snapshot tile)", product.get("period"), None)
    # what the figures are: the measures, and the base currency when one is money
    want_what = {"measure": spec.measure, "measure2": spec.measure2}
    want_what["currency"] = oracle.base if {spec.measure, spec.measure2} & set(MONEY) else None
    for name, want_value in want_what.items():
        if product.get(name) != want_value or (want_value is None and name in product):
            bad(name, product.get(name), want_value)

    kind = expected["kind"]
    if kind in ("grouped", "series"):
        got_rows = [
            (r.get("key"), r.get("value"), r.get("value2", "-")) for r in product.get("rows", [])
        ]
        want_rows = [
            (r["key"], _json(r["value"]), _json(r.get("value2", "-"))) for r in expected["rows"]
        ]
        if got_rows != want_rows:
            bad("rows (key, value, value2)", got_rows, want_rows)
        if kind == "series":
            got_marks = [
                (r.get("key"), r.get("partial"), _span(r.get("compare")))
                for r in product.get("rows", [])
            ]
            want_marks = [(r["key"], r["partial"], r.get("compare")) for r in expected["rows"]]
            if got_marks != want_marks:
                bad("rows (key, partial, compared span)", got_marks, want_marks)
        for r in product.get("rows", []):
            want_label = oracle.label(spec, r.get("key")) if kind == "grouped" else None
            if want_label is not None and r.get("label") != want_label:
                bad(f"label of {r.get('key')}", r.get("label"), want_label)
    elif kind == "funnel":
        got_steps = product.get("steps", [])
        if [(st.get("key"), st.get("value")) for st in got_steps] != [
            (st["key"], st["value"]) for st in expected["steps"]
        ]:
            bad(
                "steps (key, value)",
                [(st.get("key"), st.get("value")) for st in got_steps],
                [(st["key"], st["value"]) for st in expected["steps"]],
            )
        else:
            for got, want in zip(got_steps, expected["steps"], strict=True):
                for name in ("pct_of_first", "pct_of_previous"):
                    if not pct_ok(got.get(name), want[name]):
                        exact = None if want[name] is None else float(want[name])
                        bad(f"step {want['key']} {name}", got.get(name), exact)
    elif kind == "open-series":
        got_rows = product.get("rows", [])
        keys = [r.get("key") for r in got_rows]
        if keys != sorted(set(keys)):
            bad("bucket keys in time order", keys, sorted(set(keys)))
        got_counts = {r.get("key"): r.get("value") for r in got_rows if _nonzero(r.get("value"))}
        want = {k: _json(v) for k, v in expected["counts"].items() if v}
        if got_counts != want:
            bad("non-zero buckets", got_counts, want)
    elif kind == "number" and expected["compare"] is None:
        if product.get("value") != expected["value"]:
            bad("value", product.get("value"), expected["value"])
        if product.get("compare") is not None:
            bad("compare (unbounded period)", product.get("compare"), None)
    elif kind == "number":
        if product.get("value") != expected["value"]:
            bad("value", product.get("value"), expected["value"])
        got_c, want_c = product.get("compare") or {}, expected["compare"]
        for name in ("value", "delta"):
            if got_c.get(name) != want_c[name]:
                bad(f"compare.{name}", got_c.get(name), want_c[name])
        if (got_c.get("start"), got_c.get("end")) != want_c["span"]:
            bad("compare span", (got_c.get("start"), got_c.get("end")), want_c["span"])
        if not pct_ok(got_c.get("pct"), want_c["pct"]):
            exact = None if want_c["pct"] is None else float(want_c["pct"])
            bad("compare.pct", got_c.get("pct"), exact)
    elif kind == "gauge":
        for name in ("count", "total", "target"):
            if product.get(name) != expected[name]:
                bad(name, product.get(name), expected[name])
        if not pct_ok(product.get("value"), expected["value"]):
            exact = None if expected["value"] is None else float(expected["value"])
            bad("value", product.get("value"), exact)
    else:
        if product.get("total") != expected["total"]:
            bad("total", product.get("total"), expected["total"])
        got_ids = [r.get("id") for r in product.get("records", [])]
        if got_ids != expected["ids"]:
            bad("record ids", got_ids, expected["ids"])
        problems += [f"{key}: {p}" for p in oracle.record_problems("leads", product["records"])]
    return problems


def diff_dashboard(
    product: dict[str, Any], slug: str, oracle: Oracle, filters: Filters
) -> list[str]:
    problems = []
    tiles = {t["key"]: t for t in product.get("tiles", [])}
    if set(tiles) != DASHBOARDS[slug]:
        problems.append(f"{slug}: tiles {sorted(tiles)} != SPEC {sorted(DASHBOARDS[slug])}")
    for key in sorted(DASHBOARDS[slug] & set(tiles)):
        problems += diff_tile(tiles[key], oracle.tile(key, filters), oracle)
    return problems
