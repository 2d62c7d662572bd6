"""Chat sessions: those that created a lead, and others (anonymous or an existing contact)."""

import random
from typing import Any

from leadboard.demo.associates import Staff
from leadboard.demo.contacts import Contacts

CHAT_COLUMNS = (
    "id",
    "visitor_name",
    "visitor_email",
    "visitor_company",
    "visitor_country",
    "agent_id",
    "started_at",
    "ended_at",
    "lead_id",
)
EXTRA_CHAT_RATE = 0.05  # chats that create no lead, per lead


class Chats:
    """Draws chat sessions and collects their rows (`rows`, emptied by the writer)."""

    def __init__(
        self, staff: Staff, contacts: Contacts, now: int, stamp: Any, r: random.Random
    ) -> None:
        self.staff = staff
        self.contacts = contacts
        self.now = now
        self.stamp = stamp
        self.r = r
        self.rows: list[tuple[Any, ...]] = []
        self.last_id = 0

    def opened_lead(
        self,
        lead_id: int,
        t: int,
        day: int,
        name: str,
        email: str | None,
        company: str | None,
        country: str | None,
    ) -> int:
        """The chat that created lead `lead_id` at `t`; returns its id."""
        r, stamp = self.r, self.stamp
        self.last_id += 1
        agent_group = "Lead Nurturing" if r.random() < 0.7 else "Marketing"
        agent = self.staff.owner_for(agent_group, day, r.random)
        started = t - r.randint(60, 900)
        ended = t + r.randint(60, 1500)
        self.rows.append(
            (
                self.last_id,
                name,
                email,
                company,
                country,
                agent,
                stamp(started),
                stamp(ended) if ended <= self.now else None,
                lead_id,
            )
        )
        return self.last_id

    def maybe_other(self, lead_id: int, t: int, day: int) -> None:
        """Now and then a chat around `t` that created no lead (`lead_id`: the newest lead)."""
        r, stamp = self.r, self.stamp
        rand, randint = r.random, r.randint
        if rand() >= EXTRA_CHAT_RATE:
            return
        self.last_id += 1
        started = t + randint(-3000, -60)
        ended = started + randint(60, 1800)
        linked = randint(1, lead_id - 1) if lead_id > 1 and rand() < 0.4 else None
        agent = self.staff.owner_for("Lead Nurturing", day, rand)
        contacts = self.contacts
        self.rows.append(
            (
                self.last_id,
                contacts.name_of[linked] if linked else None,
                contacts.email_of[linked] if linked else None,
                None,
                None,
                agent,
                stamp(started),
                stamp(ended) if ended <= self.now else None,
                linked,
            )
        )
