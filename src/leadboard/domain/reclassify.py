"""Re-bucketing lead channels with the rules in force (SPEC 6.4: rules are data, re-applied)."""

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, func, select, update

from leadboard.db.schema import leads
from leadboard.domain.attribution import Visit
from leadboard.domain.channels import ChannelRules, effective_rules
from leadboard.domain.leads import derive_channel

BATCH = 5000


def reapply_rules(
    engine: Engine, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Re-bucket every lead whose channel comes from the rules; returns (changed, considered).

    Channels set by an import preset's map stay as they are, and so do those set by created_via
    for leads without a source or medium. A lead with only one half of a tag that got its
    channel from created_via before half tags were classified is classified now.
    `progress(done, total)` is called after each batch.
    """
    tagged = leads.c.lc_source.is_not(None) | leads.c.lc_medium.is_not(None)
    by_created_via = (leads.c.channel_origin == "created_via") & tagged
    by_rules = (leads.c.channel_origin == "rules") | by_created_via
    with engine.connect() as conn:
        rules = effective_rules(conn)
        total = conn.execute(select(func.count()).select_from(leads).where(by_rules)).scalar_one()
    changed = done = last_id = 0
    while True:
        # One transaction per batch, so captures are not held up by a long write.
        with engine.begin() as conn:
            rows = conn.execute(
                select(
                    leads.c.id,
                    leads.c.created_via,
                    leads.c.lc_source,
                    leads.c.lc_medium,
                    leads.c.lc_campaign,
                    leads.c.channel,
                    leads.c.channel_origin,
                )
                .where(by_rules, leads.c.id > last_id)
                .order_by(leads.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            for (channel, origin), ids in moves(rows, rules).items():
                conn.execute(
                    update(leads)
                    .where(leads.c.id.in_(ids))
                    .values(channel=channel, channel_origin=origin)
                )
                changed += len(ids)
        last_id = rows[-1].id
        done += len(rows)
        if progress:
            progress(done, total)
    return changed, total


def moves(rows: Sequence[Any], rules: ChannelRules) -> dict[tuple[str, str], list[int]]:
    """(new channel, its origin) -> the ids of the leads that move there."""
    found: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        creation = Visit(source=row.lc_source, medium=row.lc_medium, campaign=row.lc_campaign)
        channel, origin = derive_channel(row.created_via, creation, None, rules)
        if channel != row.channel or origin != row.channel_origin:
            found.setdefault((channel, origin), []).append(row.id)
    return found
