"""Associates (the company's people) in their groups with their roles, and which of them owns a
lead on a day.

Roles follow the position in the group, not a random draw (so the rest of the demo is the same
whatever the roles): in each sales team the first active associate leads it (role `user`: the
team's leads and sales), the others are sales reps (`sales-rep`: their own); Marketing's first
active associate is a dashboard admin, everyone else a `user`. The demo's logins are the lead and
the first rep of Sales Benelux (SPEC 7: a group user and an own user).
"""

import math
from collections.abc import Callable
from typing import Any

from leadboard.db import schema
from leadboard.demo import names
from leadboard.demo.context import Demo
from leadboard.demo.draw import NamePools, Pick, to_ascii
from leadboard.demo.load import Writer
from leadboard.demo.times import DAY

ALWAYS = (-(2**62), 2**62)  # the working window of someone who never joined nor left
SALES_REP = {
    "key": "sales-rep",
    "name": "Sales rep",
    "leads_rights": "own",
    "sales_rights": "own",
    "builtin": False,
}
LOGIN_GROUP = "Sales Benelux"


class Staff:
    """Group, working window (epoch seconds) and workload weight of each associate, by id."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.group: dict[int, str] = {}
        self.window: dict[int, tuple[int, int]] = {}
        self.weight: dict[int, float] = {}
        self.logins: dict[str, str] = {}  # "group" / "own" -> email
        self._owners: dict[tuple[str, int], Pick[int] | None] = {}

    def owners(self, group: str, day: int) -> Pick[int] | None:
        """Associates of a group working on that day, weighted by how much they take on."""
        key = (group, day)
        if key not in self._owners:
            moment = self.demo.day_starts[day] + DAY // 2
            pairs = [
                (associate_id, self.weight[associate_id])
                for associate_id, name in self.group.items()
                if name == group
                and self.window[associate_id][0] <= moment < self.window[associate_id][1]
            ]
            self._owners[key] = Pick(pairs) if pairs else None
        return self._owners[key]

    def owner_for(self, group: str, day: int, rand: Callable[[], float]) -> int | None:
        """Someone of the group; Sales Benelux stands in for an empty group."""
        pick = self.owners(group, day)
        if pick is None and group != "Sales Benelux":
            pick = self.owners("Sales Benelux", day)
        return pick(rand) if pick is not None else None

    def lead_owner(self, country: str, day: int, rand: Callable[[], float]) -> int | None:
        """The owner of a new lead: regional sales, lead nurturing, marketing, or nobody."""
        roll = rand()
        if roll < 0.15:
            return None
        if roll < 0.15 + 0.85 * 0.25:
            group = "Lead Nurturing"
        elif roll < 0.15 + 0.85 * 0.30:
            group = "Marketing"
        else:
            group = names.SALES_REGION.get(country, "Sales Benelux")
        return self.owner_for(group, day, rand)

    def in_sales(self, associate_id: int) -> bool:
        return self.group[associate_id].startswith("Sales")


def build_associates(demo: Demo, pools: NamePools, out: Writer) -> Staff:
    r = demo.rng("associates")
    total = min(40, max(20, round(14 + 2.2 * math.log(demo.n + 1))))
    shares = [share for _, share, _ in names.ASSOCIATE_GROUPS]
    sizes = [max(2, math.floor(total * share)) for share in shares]
    sizes[0] += max(0, total - sum(sizes))
    out.core(
        schema.associate_groups,
        [{"id": i + 1, "name": g[0]} for i, g in enumerate(names.ASSOCIATE_GROUPS)],
    )
    staff = Staff(demo)
    rows: list[dict[str, Any]] = []
    emails: set[str] = set()
    for group_id, ((group, _, locales), size) in enumerate(
        zip(names.ASSOCIATE_GROUPS, sizes, strict=True), start=1
    ):
        pick_locale = Pick(locales)
        for _ in range(size):
            locale = pick_locale(r.random)
            first_names, last_names, _ = pools[locale]
            first, last = r.choice(first_names), r.choice(last_names)
            local = f"{to_ascii(first)}.{to_ascii(last)}"
            email, n = f"{local}@leadboard-demo.example", 1
            while email in emails:
                n += 1
                email = f"{local}{n}@leadboard-demo.example"
            emails.add(email)
            country = names.LOCALE_COUNTRY[locale]
            associate_id = len(rows) + 1
            rows.append(
                {
                    "id": associate_id,
                    "email": email,
                    "name": f"{first} {last}",
                    "group_id": group_id,
                    "role": "user",
                    "language": "nl" if country in ("NL", "BE") else "en",
                    "timezone": names.TIMEZONES.get(country),
                    "country": country,
                    "active": True,
                }
            )
            staff.group[associate_id] = group
            staff.window[associate_id] = ALWAYS
            staff.weight[associate_id] = r.lognormvariate(0, 0.5)
    # Two people left (inactive, own only older leads), three joined later.
    span = demo.now_s - demo.start_s
    sales = [row["id"] for row in rows if staff.in_sales(row["id"])]
    changed = r.sample(sales, min(5, max(0, len(sales) - 3)))
    for position, associate_id in enumerate(changed):
        if position < 2:
            end = demo.start_s + int(span * r.uniform(0.25, 0.7))
            staff.window[associate_id] = (ALWAYS[0], end)
            rows[associate_id - 1]["active"] = False
        else:
            staff.window[associate_id] = (demo.start_s + int(span * r.uniform(0.3, 0.8)), ALWAYS[1])
    assign_roles(rows, staff)
    out.core(schema.roles, [SALES_REP])
    out.core(schema.associates, rows)
    return staff


def assign_roles(rows: list[dict[str, Any]], staff: Staff) -> None:
    """Roles by position in the group (see the module's docstring); no random draws."""
    leader: dict[str, int] = {}
    for row in rows:
        group = staff.group[row["id"]]
        if row["active"] and group not in leader:
            leader[group] = row["id"]
    for row in rows:
        group = staff.group[row["id"]]
        if group.startswith("Sales"):
            row["role"] = "user" if leader.get(group) == row["id"] else SALES_REP["key"]
        elif group == "Marketing" and leader.get(group) == row["id"]:
            row["role"] = "dashboard-admin"
        else:
            row["role"] = "user"
    in_group = [row for row in rows if staff.group[row["id"]] == LOGIN_GROUP and row["active"]]
    staff.logins["group"] = next(r["email"] for r in in_group if r["role"] == "user")
    staff.logins["own"] = next(r["email"] for r in in_group if r["role"] == SALES_REP["key"])
