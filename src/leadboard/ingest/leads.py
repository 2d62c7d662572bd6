"""Importing leads: rows -> leads rows (built by domain.leads.lead_row) and their status history.

What a re-import may change: names, email, phone, job title, country, owner, company, custom
attributes and the status (a change is added to the history). What it never changes: how and
when the lead was created, its form, sources and channel - SPEC 1.1 writes them once.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from leadboard.db.schema import lead_status_history, leads
from leadboard.domain.attribution import Visit, fold
from leadboard.domain.channels import CHANNEL_NAMES, ChannelRules, channel_key
from leadboard.domain.emails import is_email, normalise_email
from leadboard.domain.leads import CREATED_VIA, NewLead
from leadboard.domain.statuses import Status
from leadboard.ingest.leadrows import LeadRows
from leadboard.ingest.mapping import LeadsSpec
from leadboard.ingest.records import Evaluated, Join, Record, Upsert
from leadboard.ingest.related import (
    Related,
    associate_getter,
    company_getter,
    form_getter,
)
from leadboard.ingest.summary import Summary
from leadboard.ingest.values import (
    Compiler,
    FieldProblem,
    Getter,
    Rows,
    country,
    text,
    time,
)

TEXT_FIELDS = {"first_name": 200, "last_name": 200, "phone": 64, "job_title": 200}
# The lead's own columns (see leadrows.py) that a mapping may leave out.
OWN_UNSET = dict.fromkeys(
    (
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "company_id",
        "country",
        "owner_id",
        "chat_session_id",
        "custom",
    )
)
HISTORY_COLUMNS = ("lead_id", "from_status_id", "to_status_id", "at")


class CachedRules(ChannelRules):
    """The channel rules with a memory: a file repeats the same (source, medium, campaign)."""

    def classify(self, source: str | None, medium: str | None, campaign: str | None) -> str:
        cache: dict[tuple[Any, ...], str] = self.__dict__.setdefault("_cache", {})
        key = (source, medium, campaign)
        if key not in cache:
            cache[key] = super().classify(source, medium, campaign)
        return cache[key]


class LeadUpsert(Upsert):
    table = leads
    kind = "leads"

    def __init__(
        self,
        conn: Connection,
        spec: LeadsSpec,
        compiler: Compiler,
        related: Related,
        summary: Summary,
        statuses: dict[str, Status],
        rules: ChannelRules,
        joins: list[Join],
    ) -> None:
        super().__init__(conn, related.origin, summary, compiler.now, joins, compiler.clean.row)
        self.statuses = statuses
        self.by_id = {s.id: s for s in statuses.values()}
        self.open = statuses["open"]
        self.rules = CachedRules(rules.rules, rules.document)
        self.lead_rows = LeadRows(self.open, self.rules)
        self._history: list[tuple[Record, int | None, int, datetime]] = []
        self._compile(spec, compiler, related)

    def _compile(self, spec: LeadsSpec, c: Compiler, related: Related) -> None:
        tz = c.tz
        self.external_id = text(c.value(spec.external_id, "external_id"), "external_id", 200)
        for name, width in TEXT_FIELDS.items():
            value = getattr(spec, name)
            if value is not None:
                self.getters[name] = text(c.value(value, name), name, width)
        if spec.email is not None:
            self.getters["email"] = _email(c.value(spec.email, "email"), self.summary, self)
        if spec.country is not None:
            self.getters["country"] = country(
                c.value(spec.country, "country"), self.summary.unrecognised_countries
            )
        e = self.extras  # only what is mapped: create() reads the others as not set
        if spec.created_at is not None:
            e["created_at"] = time(
                c.value(spec.created_at, "created_at"), "created_at", tz, spec.created_at.format
            )
        if spec.created_via is not None:
            e["created_via"] = _one_of(c.value(spec.created_via, "created_via"), "created_via")
        for name in ("creation_source", "creation_medium", "creation_campaign"):
            if getattr(spec, name) is not None:
                e[name] = text(c.value(getattr(spec, name), name), name, 200, cut=True)
        if spec.first_contact_source is not None:
            e["first_contact_source"] = text(
                c.value(spec.first_contact_source, "first_contact_source"),
                "first_contact_source",
                200,
                cut=True,
            )
        if spec.channel is not None:
            e["channel"] = _channel(c.value(spec.channel, "channel"))
        if spec.status is not None:
            e["status"] = _status(c.value(spec.status, "status"), self.statuses)
        if spec.status_at is not None:
            e["status_at"] = time(
                c.value(spec.status_at, "status_at"), "status_at", tz, spec.status_at.format
            )
        if spec.form is not None:
            e["created_by_form_id"] = form_getter(spec.form, c, related, "form")
        if spec.owner is not None:
            self.references["owner_id"] = associate_getter(spec.owner, c, related, "owner")
        if spec.company is not None:
            self.references["company_id"] = company_getter(spec.company, c, related, "company")

    def add_custom(self, getter: Getter, mapped: bool) -> None:
        if mapped:
            self.getters["custom"] = getter

    def state_columns(self) -> list[str]:
        return ["created_at", "status_id", "status_since", "statuses_held"]

    # --- create ---

    def create(self, item: Evaluated) -> Record:
        x, v = item.extra, item.values
        created = x.get("created_at") or self.now
        created_via = x.get("created_via") or "import"
        first_touch = None
        if x.get("first_contact_source") is not None:
            first_touch = Visit(source=fold(x["first_contact_source"]))
        source = x.get("creation_source")
        medium = x.get("creation_medium")
        campaign = x.get("creation_campaign")
        channel = x.get("channel")
        form_id = x.get("created_by_form_id")
        open_status = self.open
        own = {**OWN_UNSET, **v}  # the compared fields are the lead's own columns
        own["external_id"] = item.external_id
        own["origin"] = self.origin
        own["status_id"] = open_status.id
        own["status_since"] = created
        own["statuses_held"] = open_status.bit
        own["created_at"] = created
        own["created_by_form_id"] = form_id

        def new_lead() -> NewLead:
            return NewLead(
                created_via=created_via,
                created_at=created.replace(tzinfo=UTC),
                email=v.get("email"),
                first_name=v.get("first_name"),
                last_name=v.get("last_name"),
                phone=v.get("phone"),
                job_title=v.get("job_title"),
                company_id=v.get("company_id"),
                country=v.get("country"),
                owner_id=v.get("owner_id"),
                created_by_form_id=form_id,
                first_touch=first_touch,
                given_source=source,
                given_medium=medium,
                given_campaign=campaign,
                channel=channel,
                external_id=item.external_id,
                origin=self.origin,
                custom=v.get("custom"),
            )

        key = (created_via, source, medium, campaign, first_touch, channel)
        row = self.lead_rows.row(key, own, new_lead)
        created = row["created_at"]
        record = Record(None, v, new=row)
        record.state = {
            "created_at": created,
            "status_id": open_status.id,
            "status_since": created,
            "statuses_held": open_status.bit,
        }
        self._history.append((record, None, open_status.id, created))
        status = x.get("status")
        if status is not None and status.id != open_status.id:
            row.update(self._move(item, record, status, x.get("status_at") or created))
        return record

    # --- update ---

    def compare(self, item: Evaluated, record: Record) -> dict[str, Any]:
        changes = super().compare(item, record)
        status = item.extra.get("status")
        if status is not None and status.id != record.state["status_id"]:
            at = item.extra.get("status_at") or self.now
            changes.update(self._move(item, record, status, at))
        return changes

    def _move(
        self, item: Evaluated, record: Record, status: Status, at: datetime
    ) -> dict[str, Any]:
        """A status change of `record` at `at` (never before the lead's current status began)."""
        since = record.state["status_since"]
        if at < since:
            what = "its creation" if since == record.state["created_at"] else "its current status"
            self.summary.warning(
                self.file,
                item.line,
                "status_at",
                f"{status.key} at {at:%Y-%m-%d %H:%M} (UTC) is before {what}; "
                f"recorded at {since:%Y-%m-%d %H:%M} (UTC)",
            )
            at = since
        self._history.append((record, record.state["status_id"], status.id, at))
        changes = {
            "status_id": status.id,
            "status_since": at,
            "statuses_held": record.state["statuses_held"] | status.bit,
        }
        record.state.update(changes)
        return changes

    # --- write ---

    def write(self, created: list[Record], changed: dict[int, dict[str, Any]]) -> None:
        ids = self.writer.reserve_ids(leads, len(created))
        for record, lead_id in zip(created, ids, strict=True):
            record.id = lead_id
            if record.new is None:
                raise RuntimeError(f"created lead {lead_id} has no row")
            record.new["id"] = lead_id
        super().write(created, changed)
        history = [
            {"lead_id": record.id, "from_status_id": from_id, "to_status_id": to_id, "at": at}
            for record, from_id, to_id, at in self._history
        ]
        self._history = []
        self.writer.insert(lead_status_history, HISTORY_COLUMNS, history)


def _one_of(get: Getter, path: str) -> Getter:
    def typed(rows: Rows) -> str | None:
        found: str | None = get(rows)
        if found is not None and found not in CREATED_VIA:
            raise FieldProblem(path, f"{found!r} is not one of {', '.join(CREATED_VIA)}")
        return found

    return typed


def _channel(get: Getter) -> Getter:
    def typed(rows: Rows) -> str | None:
        found = get(rows)
        if found is None:
            return None
        name = CHANNEL_NAMES.get(channel_key(found))
        if name is None:
            raise FieldProblem("channel", f"unknown channel {found!r}")
        return name

    return typed


def _status(get: Getter, statuses: dict[str, Status]) -> Getter:
    def typed(rows: Rows) -> Status | None:
        found = get(rows)
        if found is None:
            return None
        status = statuses.get(found.strip().lower())
        if status is None:
            raise FieldProblem("status", f"no lead status {found!r} ({', '.join(statuses)})")
        return status

    return typed


def _email(get: Getter, summary: Summary, upsert: Upsert) -> Getter:
    """Emails are the dedupe key: trimmed, lower case. One that is not an address is left out
    with a warning; the lead is still imported."""

    def typed(rows: Rows) -> str | None:
        found = get(rows)
        if found is None:
            return None
        address = normalise_email(found)
        if not is_email(address):
            summary.warning(upsert.file, upsert.line, "email", f"not an email address: {found!r}")
            return None
        return address

    return typed
