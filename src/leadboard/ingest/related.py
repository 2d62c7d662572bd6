"""Records that leads and sales point to: forms, associates (and their groups), companies.

Each is found by (origin, external id) and created when new; its attributes are compared the
first time an import meets it and updated where they changed. Associates without an external id
are found by email, so a file that names owners by email links to the existing users.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from leadboard.db.bulk import BulkWriter
from leadboard.db.schema import associate_groups, associates, companies, forms
from leadboard.domain.emails import is_email
from leadboard.ingest.mapping import AssociateRef, CompanyRef, FormRef
from leadboard.ingest.normalise import slug
from leadboard.ingest.summary import Summary
from leadboard.ingest.values import Compiler, FieldProblem, Getter, Rows, country, text


class Related:
    """Finds and creates the records rows point to. The origin's records are read once; new ones
    get ids from an IdPool at once and are written in bulk by `flush` (before the rows that
    point to them)."""

    def __init__(self, conn: Connection, origin: str, now: datetime, summary: Summary) -> None:
        self.conn = conn
        self.origin = origin
        self.now = now
        self.summary = summary
        self.writer = BulkWriter(conn)
        self.seen: dict[tuple[str, str], int | None] = {}  # met in this import
        self._stored: dict[str, dict[str, Any]] = {}  # kind -> key -> stored row
        self._emails: dict[str, int] | None = None
        self._groups: dict[str, int] | None = None
        self._pools: dict[str, IdPool] = {}
        self._new: dict[str, list[dict[str, Any]]] = {}

    def _count(self, kind: str, what: str) -> None:
        counts = self.summary.related_counts(kind)
        setattr(counts, what, getattr(counts, what) + 1)

    def _update(self, kind: str, table: Table, current: Any, wanted: dict[str, Any]) -> None:
        changed = {k: v for k, v in wanted.items() if getattr(current, k) != v}
        if changed:
            self.conn.execute(update(table).where(table.c.id == current.id).values(**changed))
        self._count(kind, "updated" if changed else "skipped")

    def _stored_rows(self, table: Table, *columns: str) -> dict[str, Any]:
        """This origin's rows of `table` by external id (read on first use)."""
        if table.name not in self._stored:
            t = table.c
            query = select(t.id, t.external_id, *(t[c] for c in columns)).where(
                t.origin == self.origin
            )
            self._stored[table.name] = {row.external_id: row for row in self.conn.execute(query)}
        return self._stored[table.name]

    def _create(self, kind: str, table: Table, values: dict[str, Any]) -> int:
        pool = self._pools.get(table.name)
        if pool is None:
            pool = self._pools[table.name] = IdPool(self.writer, table)
        new_id = pool.take()
        self._new.setdefault(table.name, []).append({"id": new_id, **values})
        self._count(kind, "created")
        return new_id

    def flush(self) -> None:
        """Write the records created since the last flush (call before writing rows)."""
        for table in (companies, associates, forms):
            rows = self._new.pop(table.name, [])
            if rows:
                self.writer.insert(table, list(rows[0]), rows)

    # --- groups ---
    def group(self, name: str) -> int:
        if self._groups is None:
            g = associate_groups.c
            self._groups = dict(self.conn.execute(select(g.name, g.id)).all())
        found = self._groups.get(name)
        if found is None:
            found = self.conn.execute(
                insert(associate_groups).values(name=name).returning(associate_groups.c.id)
            ).scalar_one()
            self._groups[name] = found
            self._count("associate groups", "created")
        return found

    # --- associates ---
    def associate(
        self, external_id: str | None, email: str | None, name: str | None, group: str | None
    ) -> int | None:
        if external_id is None and email is None:
            return None
        key = ("associate", f"x:{external_id}" if external_id is not None else f"e:{email}")
        if key in self.seen:
            return self.seen[key]
        if email is None:
            email = f"{slug(external_id or '')[:60] or 'associate'}@{slug(self.origin)}.invalid"
        name = name or (external_id if external_id is not None else email.split("@")[0])
        wanted: dict[str, Any] = {"email": email, "name": name}
        if group is not None:
            wanted["group_id"] = self.group(group)
        if self._emails is None:
            a = associates.c
            self._emails = dict(self.conn.execute(select(a.email, a.id)).all())
        stored = None
        if external_id is not None:
            stored = self._stored_rows(associates, "email", "name", "group_id").get(external_id)
        if stored is not None:
            if self._emails.get(email, stored.id) != stored.id:
                del wanted["email"]
                self.summary.warning(
                    None, None, "owner.email", f"{email} belongs to another associate; kept"
                )
            self._update("associates", associates, stored, wanted)
            found: int = stored.id
        elif email in self._emails:
            found = self._emails[email]  # an existing user: linked, not changed
        else:
            origin = self.origin if external_id is not None else None
            found = self._create(
                "associates",
                associates,
                {
                    "email": email,
                    "name": name,
                    "group_id": wanted.get("group_id"),
                    "role": "user",
                    "language": "en",
                    "active": True,
                    "external_id": external_id,
                    "origin": origin,
                },
            )
            self._emails[email] = found
        self.seen[key] = found
        return found

    # --- companies ---
    def company(
        self, external_id: str | None, name: str | None, code: str | None, category: str | None
    ) -> int | None:
        if name is None:
            return None
        external_id = external_id or name
        key = ("company", external_id)
        if key in self.seen:
            return self.seen[key]
        wanted = {"name": name, "country": code, "category": category}
        stored = self._stored_rows(companies, "name", "country", "category").get(external_id)
        if stored is not None:
            self._update("companies", companies, stored, wanted)
            found: int = stored.id
        else:
            found = self._create(
                "companies",
                companies,
                {**wanted, "external_id": external_id, "origin": self.origin},
            )
        self.seen[key] = found
        return found

    # --- forms ---
    def form(self, external_id: str | None, name: str | None) -> int | None:
        if external_id is None:
            return None
        key = ("form", external_id)
        if key in self.seen:
            return self.seen[key]
        stored = self._stored_rows(forms, "name").get(external_id)
        if stored is not None:
            self._update("forms", forms, stored, {"name": name or external_id})
            found: int = stored.id
        else:
            # Imported forms record where leads came from; they take no posts until an admin
            # activates them. Their key is derived from origin and id, so it is stable.
            found = self._create(
                "forms",
                forms,
                {
                    "key": form_key(self.origin, external_id),
                    "name": name or external_id,
                    "active": False,
                    "allowed_origins": [],
                    "fields": [],
                    "thank_you_url": None,
                    "created_at": self.now,
                    "external_id": external_id,
                    "origin": self.origin,
                },
            )
        self.seen[key] = found
        return found


class IdPool:
    """Ids for new rows of one table, taken in blocks (see BulkWriter.reserve_ids)."""

    BLOCK = 1000

    def __init__(self, writer: BulkWriter, table: Table) -> None:
        self.writer = writer
        self.table = table
        self.free: list[int] = []

    def take(self) -> int:
        if not self.free:
            self.free = self.writer.reserve_ids(self.table, self.BLOCK)[::-1]
        return self.free.pop()


def form_key(origin: str, external_id: str) -> str:
    digest = hashlib.sha256(f"{origin}\n{external_id}".encode()).hexdigest()[:16]
    return f"{slug(origin)[:40] or 'import'}-{digest}"


# --- getters for references ------------------------------------------------------------------


def form_getter(ref: FormRef, compiler: Compiler, related: Related, path: str) -> Getter:
    external_id = text(compiler.value(ref.external_id, f"{path}.external_id"), path, 200)
    name = text(compiler.value(ref.name, f"{path}.name"), f"{path}.name", 200)
    return lambda rows: related.form(external_id(rows), name(rows))


def associate_getter(ref: AssociateRef, compiler: Compiler, related: Related, path: str) -> Getter:
    external_id = text(compiler.value(ref.external_id, f"{path}.external_id"), path, 200)
    email = text(compiler.value(ref.email, f"{path}.email"), f"{path}.email", 320)
    name = text(compiler.value(ref.name, f"{path}.name"), f"{path}.name", 200)
    group = text(compiler.value(ref.group, f"{path}.group"), f"{path}.group", 200)

    keyed = ref.external_id is not None
    seen = related.seen

    def get(rows: Rows) -> int | None:
        ext = external_id(rows)
        if keyed:
            if ext is None:
                return None  # identified by external id, and this row has none: no associate
            if ("associate", f"x:{ext}") in seen:
                return seen["associate", f"x:{ext}"]
        address = email(rows)
        if address is not None:
            address = address.lower()
            if not keyed and ("associate", f"e:{address}") in seen:
                return seen["associate", f"e:{address}"]
            if not is_email(address):
                raise FieldProblem(f"{path}.email", f"not an email address: {address!r}")
        return related.associate(ext, address, name(rows), group(rows))

    return get


def company_getter(ref: CompanyRef, compiler: Compiler, related: Related, path: str) -> Getter:
    name = text(compiler.value(ref.name, f"{path}.name"), f"{path}.name", 300)
    external_id = text(compiler.value(ref.external_id, f"{path}.external_id"), path, 200)
    code = country(
        compiler.value(ref.country, f"{path}.country"), related.summary.unrecognised_countries
    )
    category = text(compiler.value(ref.category, f"{path}.category"), f"{path}.category", 100)
    keyed = ref.external_id is not None
    seen = related.seen

    def get(rows: Rows) -> int | None:
        ext = external_id(rows)
        if keyed and ext is None:
            return None
        if not keyed:
            ext = name(rows)
            if ext is None:
                return None
        if ("company", ext) in seen:
            return seen["company", ext]
        return related.company(ext, name(rows), code(rows), category(rows))

    return get


Resolver = Callable[[Rows], int | None]
