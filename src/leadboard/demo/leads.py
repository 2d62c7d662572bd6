"""Leads, day by day: who, owned by whom, how they came in, their statuses, and what followed
(form submissions, chats). Written in chunks, each with its chats, history and submissions.

All of it draws from one random stream ("leads") in a fixed order per lead, so reordering the
calls below changes every later row. The subjects (`contacts`, `arrivals`, `statuses`, `chats`,
`submissions`) keep their own counters and row buffers; this loop ties them together and builds
the lead row itself.
"""

from typing import Any

from leadboard.db import schema
from leadboard.demo import catalog
from leadboard.demo.arrivals import Arrivals
from leadboard.demo.associates import Staff
from leadboard.demo.chats import CHAT_COLUMNS, Chats
from leadboard.demo.companies import Companies
from leadboard.demo.contacts import Contacts
from leadboard.demo.context import Demo
from leadboard.demo.draw import NamePools, Pick
from leadboard.demo.load import Progress, Writer
from leadboard.demo.marketing import Forms
from leadboard.demo.statuses import HISTORY_COLUMNS, StatusHistory
from leadboard.demo.submissions import SUBMISSION_COLUMNS, Submissions
from leadboard.demo.timeline import day_plan, day_times
from leadboard.demo.visits import Visits
from leadboard.domain.attribution import Visit

CHUNK = 20_000  # leads per batch written to the database
LEAD_COLUMNS = (
    "id",
    "external_id",
    "origin",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company_id",
    "country",
    "owner_id",
    "status_id",
    "status_since",
    "statuses_held",
    "created_at",
    "created_via",
    "created_by_form_id",
    "chat_session_id",
    *(f"ft_{name}" for name in Visit.__dataclass_fields__),
    *(f"lc_{name}" for name in Visit.__dataclass_fields__),
    "creation_source",
    "first_contact_source",
    "channel",
    "channel_origin",
)

# A lead that was Qualified at some point, for the sales: (lead id, status steps as (status,
# epoch seconds), owner, company index, country, full name).
SaleCandidate = tuple[int, list[tuple[int, int]], int | None, int | None, str | None, str]


def build_leads(
    demo: Demo,
    out: Writer,
    report: Progress,
    pools: NamePools,
    staff: Staff,
    companies: Companies,
    forms: Forms,
    visits: Visits,
) -> list[SaleCandidate]:
    """Write every lead with its history, chats and submissions; returns the sale candidates."""
    r = demo.rng("leads")
    rand, stamp, n = r.random, out.stamp, demo.n
    contacts = Contacts(pools, companies, r)
    history = StatusHistory(demo.sid, demo.now_s, stamp, r)
    chats = Chats(staff, contacts, demo.now_s, stamp, r)
    submissions = Submissions(forms, visits, contacts, demo.now_s, stamp, r)
    arrivals = Arrivals(demo, forms, visits, chats, stamp, r)
    pick_via = Pick(catalog.CREATED_VIA)
    qualified = 1 << demo.sid["qualified"]
    candidates: list[SaleCandidate] = []
    leads_rows: list[tuple[Any, ...]] = []
    lead_id = 0

    def flush() -> None:
        out.rows(schema.chat_sessions, CHAT_COLUMNS, chats.rows)
        out.rows(schema.leads, LEAD_COLUMNS, leads_rows)
        out.rows(schema.lead_status_history, HISTORY_COLUMNS, history.rows)
        out.rows(schema.form_submissions, SUBMISSION_COLUMNS, submissions.rows)
        for buffer in (chats.rows, leads_rows, history.rows, submissions.rows):
            buffer.clear()
        report("Leads", lead_id, n)

    report("Leads", 0, n)
    for day_index, (day, count, dst) in enumerate(day_plan(demo)):
        if not count:
            continue
        for t in day_times(demo, day_index, day, count, dst, r):
            lead_id += 1
            ts = stamp(t)
            via = pick_via(rand)
            contact = contacts.draw(via)
            company, home, country, name_country, first, last, full_name = contact[:7]
            email, phone, job_title = contact[7:]
            company_name = companies.name[company] if company is not None else None
            owner = staff.lead_owner(name_country, day_index, rand)
            visitor = (full_name, email, company_name, country)
            came = arrivals.draw(via, lead_id, t, ts, day_index, visitor)
            external_id, origin, form_id, chat_session, lc, ft, given_source = came
            creation_source, first_source = visits.sources(via, lc[0], ft[0], given_source)
            channel, channel_origin = visits.channel(via, lc[0], lc[1], lc[2])
            current, since, held, steps = history.follow(lead_id, t, ts, via, owner)
            if held & qualified:
                candidates.append((lead_id, steps, owner, company, country or home, full_name))
            leads_rows.append(
                (
                    lead_id,
                    external_id,
                    origin,
                    first,
                    last,
                    email,
                    phone,
                    job_title,
                    company + 1 if company is not None else None,
                    country,
                    owner,
                    current,
                    since,
                    held,
                    ts,
                    via,
                    form_id,
                    chat_session,
                    *ft,
                    *lc,
                    creation_source,
                    first_source,
                    channel,
                    channel_origin,
                )
            )
            # What followed: submissions (this lead's form, an earlier lead converting), chats.
            if form_id is not None:  # it came in through a form
                submissions.created_lead(
                    lead_id, form_id, t, ts, day_index, full_name, email, company_name, lc
                )
            submissions.maybe_conversion(lead_id, ts, day_index)
            chats.maybe_other(lead_id, t, day_index)
            if len(leads_rows) >= CHUNK:
                flush()
            elif not lead_id % 5000:
                report("Leads", lead_id, n)
    flush()
    return candidates
