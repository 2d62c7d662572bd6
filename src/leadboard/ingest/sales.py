"""Importing sales: rows -> sales rows, linked to a lead of the same origin where the mapping
says so. Everything but created_at may change on a re-import."""

import re
from typing import Any

from sqlalchemy import Connection, select

from leadboard.db.schema import leads, sales
from leadboard.ingest.mapping import SALE_STATUSES, SalesSpec
from leadboard.ingest.normalise import ValueProblem, to_cents
from leadboard.ingest.records import Evaluated, Join, Record, Upsert, key_in, keys_param
from leadboard.ingest.related import Related, associate_getter, company_getter
from leadboard.ingest.summary import Summary
from leadboard.ingest.values import (
    Compiler,
    FieldProblem,
    Getter,
    Rows,
    decimal,
    integer,
    text,
    time,
)


class SaleUpsert(Upsert):
    table = sales
    kind = "sales"

    def __init__(
        self,
        conn: Connection,
        spec: SalesSpec,
        compiler: Compiler,
        related: Related,
        summary: Summary,
        currency: str | None,
        joins: list[Join],
    ) -> None:
        super().__init__(conn, related.origin, summary, compiler.now, joins, compiler.clean.row)
        self.currencies: set[str] = set()
        self._compile(spec, compiler, related, currency)

    def _compile(
        self, spec: SalesSpec, c: Compiler, related: Related, currency: str | None
    ) -> None:
        tz = c.tz
        self.external_id = text(c.value(spec.external_id, "external_id"), "external_id", 200)
        g = self.getters
        title = text(c.value(spec.title, "title"), "title", 300)
        external_id = self.external_id
        g["title"] = lambda rows: title(rows) or external_id(rows)
        amount = decimal(
            c.value(spec.amount, "amount"), "amount", spec.amount.format if spec.amount else None
        )
        g["amount_cents"] = _cents(amount)
        g["currency"] = _currency(c.value(spec.currency, "currency"), currency)
        if spec.stage is not None:
            g["stage"] = text(c.value(spec.stage, "stage"), "stage", 64)
        g["probability"] = integer(c.value(spec.probability, "probability"), "probability", 0, 100)
        g["status"] = _sale_status(c.value(spec.status, "status"))
        g["sale_date"] = _required(
            time(c.value(spec.sale_date, "sale_date"), "sale_date", tz, spec.sale_date.format),
            "sale_date",
        )
        if spec.reason is not None:
            g["reason"] = text(c.value(spec.reason, "reason"), "reason", 300)
        self.extras["created_at"] = time(
            c.value(spec.created_at, "created_at"),
            "created_at",
            tz,
            spec.created_at.format if spec.created_at else None,
        )
        self.link_leads = spec.lead is not None
        if spec.lead is not None:
            self.extras["lead"] = text(c.value(spec.lead, "lead"), "lead", 200)
        if spec.owner is not None:
            self.references["owner_id"] = associate_getter(spec.owner, c, related, "owner")
        if spec.company is not None:
            self.references["company_id"] = company_getter(spec.company, c, related, "company")

    def add_custom(self, getter: Getter, mapped: bool) -> None:
        if mapped:
            self.getters["custom"] = getter

    def compared(self) -> list[str]:
        return [*super().compared(), *(["lead_id"] if self.link_leads else [])]

    def evaluate(self, row: Any) -> Evaluated | None:
        item = super().evaluate(row)
        if item is not None:
            values = item.values
            if values["probability"] is None:
                values["probability"] = 100 if values["status"] == "sold" else 0
            self.currencies.add(values["currency"])
        return item

    def flush(self, chunk: list[Evaluated]) -> None:
        if self.link_leads and chunk:
            wanted = {e.extra["lead"] for e in chunk if e.extra["lead"] is not None}
            query = select(leads.c.external_id, leads.c.id).where(
                leads.c.origin == self.origin, key_in(leads.c.external_id, self.conn)
            )
            keys = keys_param(wanted, self.conn)
            found = dict(self.conn.execute(query, {"keys": keys}).all())
            for item in chunk:
                key = item.extra["lead"]
                item.values["lead_id"] = found.get(key) if key is not None else None
                if key is not None and key not in found:
                    self.summary.warning(
                        self.file, item.line, "lead", f"no lead {key!r} in {self.origin}"
                    )
        super().flush(chunk)

    def create(self, item: Evaluated) -> Record:
        v = item.values
        created_at = item.extra["created_at"]
        row = {
            "external_id": item.external_id,
            "origin": self.origin,
            "title": v["title"],
            "lead_id": v.get("lead_id"),
            "company_id": v.get("company_id"),
            "owner_id": v.get("owner_id"),
            "amount_cents": v["amount_cents"],
            "currency": v["currency"],
            "stage": v.get("stage"),
            "probability": v["probability"],
            "status": v["status"],
            "sale_date": v["sale_date"],
            "created_at": created_at if created_at is not None else self.now,
            "reason": v.get("reason"),
            "custom": v.get("custom"),
        }
        return Record(None, dict(v), new=row)


def _cents(get: Getter) -> Getter:
    def typed(rows: Rows) -> int:
        amount = get(rows)
        if amount is None:
            return 0
        try:
            return to_cents(amount)
        except ValueProblem as exc:
            raise FieldProblem("amount", str(exc)) from None

    return typed


def _currency(get: Getter, fallback: str | None) -> Getter:
    def typed(rows: Rows) -> str:
        found = get(rows)
        code = (found or fallback or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise FieldProblem("currency", f"not a 3-letter currency code: {found!r}")
        return code

    return typed


def _sale_status(get: Getter) -> Getter:
    def typed(rows: Rows) -> str:
        found: str | None = get(rows)
        if found is None:
            raise FieldProblem("status", "not set")
        status = found.strip().lower()
        if status not in SALE_STATUSES:
            raise FieldProblem("status", f"{found!r} is not one of {', '.join(SALE_STATUSES)}")
        return status

    return typed


def _required(get: Getter, path: str) -> Getter:
    def typed(rows: Rows) -> Any:
        found = get(rows)
        if found is None:
            raise FieldProblem(path, "not set")
        return found

    return typed
