"""Lead status changes: history, the set of statuses held and status_since move together."""

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from leadboard.db.schema import lead_status_history, leads
from leadboard.domain.statuses import get_status


def change_status(
    conn: Connection,
    lead_id: int,
    status_key: str,
    at: datetime,
    by_associate_id: int | None = None,
) -> None:
    """Record a status change; call inside the caller's transaction so all three stay in step."""
    status = get_status(conn, status_key)
    row = conn.execute(
        select(leads.c.status_id, leads.c.statuses_held).where(leads.c.id == lead_id)
    ).one()
    if row.status_id == status.id:
        return
    conn.execute(
        insert(lead_status_history).values(
            lead_id=lead_id,
            from_status_id=row.status_id,
            to_status_id=status.id,
            at=at,
            by_associate_id=by_associate_id,
        )
    )
    conn.execute(
        update(leads)
        .where(leads.c.id == lead_id)
        .values(status_id=status.id, status_since=at, statuses_held=row.statuses_held | status.bit)
    )
