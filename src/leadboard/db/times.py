"""Times are stored as naive UTC; these convert at the edges."""

from datetime import UTC, datetime


def to_db(moment: datetime) -> datetime:
    """An aware datetime -> naive UTC for storage and for bound parameters."""
    if moment.tzinfo is None:
        raise ValueError("refusing a naive datetime: say which timezone it is in")
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_db(moment: datetime) -> datetime:
    """A stored naive UTC datetime -> aware UTC."""
    return moment.replace(tzinfo=UTC)
