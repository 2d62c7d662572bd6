"""What every capture reads but seldom changes, kept in memory: the forms, the Open status and
the channel rules, under the database's `reference` data version.

The version (data_versions, bumped by triggers on every write to forms, statuses, `meta` and
the other reference tables) is read before the rows, so the rows are at least as new as it.
A post is checked against the kept copy without a database read. The writer's transaction
reads the version again (one small query): when it moved, the post is checked once more
against rows read in that transaction, which are not kept (the transaction may yet roll
back); the next read outside a write keeps the newer copy. Answers that store nothing
(refusals, the honeypot) look at the version first (capture/routes.py).
"""

import threading
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from leadboard.db.schema import forms
from leadboard.domain.channels import ChannelRules, effective_rules
from leadboard.domain.conversions import Form, form_of
from leadboard.domain.statuses import Status, all_statuses

Tag = tuple[int, int]  # (the database's epoch, its reference version)

# A constant statement, run as it is: it is read once per capture.
TAG_SQL = "SELECT name, version FROM data_versions WHERE name IN ('epoch', 'reference')"


def read_tag(conn: Connection) -> Tag | None:
    found: dict[str, int] = {name: version for name, version in conn.exec_driver_sql(TAG_SQL)}
    if "epoch" not in found or "reference" not in found:
        return None  # a database without the counters: nothing may be kept
    return int(found["epoch"]), int(found["reference"])


@dataclass(frozen=True)
class Reference:
    tag: Tag | None
    forms: dict[str, Form]
    open_status: Status | None  # None: no status `open` (creating a lead says so)
    rules: ChannelRules


def read_reference(conn: Connection) -> Reference:
    tag = read_tag(conn)  # first: the rows below are at least this new
    found = {form.key: form for form in map(form_of, conn.execute(select(forms)))}
    statuses = all_statuses(conn, include_deleted=True)
    open_status = next((s for s in statuses if s.key == "open"), None)
    return Reference(tag, found, open_status, effective_rules(conn))


class ReferenceCache:
    """One database's kept reference data (an app keeps one; the writer's threads share it)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._kept: Reference | None = None
        self._lock = threading.Lock()
        self.stale = False  # a write found the kept copy out of date: load it again

    def kept(self) -> Reference | None:
        return self._kept

    def load(self) -> Reference:
        """Read it (outside any write) and keep it."""
        with self.engine.connect() as conn:
            found = read_reference(conn)
        if found.tag is not None:
            with self._lock:
                kept = self._kept
                # Two loads at once: the later state stays (an epoch is a new database).
                if (
                    kept is None
                    or kept.tag is None
                    or kept.tag[0] != found.tag[0]
                    or kept.tag[1] <= found.tag[1]
                ):
                    self._kept = found
                    self.stale = False
        return found

    def fresh(self, seen: Reference) -> Reference:
        """`seen` if it is still current, else the current data (kept)."""
        with self.engine.connect() as conn:
            if seen.tag is not None and read_tag(conn) == seen.tag:
                return seen
        return self.load()

    def within(self, conn: Connection) -> Reference:
        """The current data inside a write transaction: the kept copy while its version is
        the database's, else read here (and not kept)."""
        kept = self._kept
        if kept is not None and kept.tag is not None and read_tag(conn) == kept.tag:
            return kept
        self.stale = True
        return read_reference(conn)
