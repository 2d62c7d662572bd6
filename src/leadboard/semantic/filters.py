"""Quick filters from user input (URL, CLI) -> resolved ids and codes, or an error naming it."""

from datetime import UTC, datetime

from leadboard.errors import InputError
from leadboard.languages import LANGUAGES, resolve_language
from leadboard.semantic.keys import country_codes
from leadboard.semantic.lookups import Lookups
from leadboard.semantic.periods import PeriodError, check_period, parse_period
from leadboard.semantic.spec import QuickFilters

__all__ = ["LANGUAGES", "InputError", "resolve_filters", "resolve_language"]


def resolve_filters(
    lookups: Lookups,
    owner: str | None = None,
    country: str | None = None,
    status: str | None = None,
    period: str | None = None,
) -> QuickFilters:
    """Empty values mean "no filter"; unknown values are errors (SPEC 2)."""
    owner_id = country_code = status_id = period_name = None
    if owner:
        associate = lookups.associate_by_email(owner)
        if associate is None:
            raise InputError("owner", f"no associate with email {owner!r}")
        owner_id = associate.id
    if country:
        code = country.strip()
        if code.lower() == "none":
            country_code = "none"
        elif code.upper() in country_codes():
            country_code = code.upper()
        else:
            raise InputError("country", f"{country!r} is not an ISO 3166-1 alpha-2 code (or none)")
    if status:
        found = lookups.status_by_key(status.strip().lower())
        if found is None or not found.active:
            keys = ", ".join(s.key for s in lookups.active_statuses)
            raise InputError("status", f"no lead status {status!r} (use one of {keys})")
        status_id = found.id
    if period:
        try:
            parsed = parse_period(period)
            # A period that leaves the calendar (previous-9999-years, 0001-01-01..9999-12-31),
            # or whose comparisons do, is refused here, not tile by tile; whether it does hardly
            # depends on the day, so any clock will do.
            check_period(parsed, datetime.now(UTC), UTC)
            period_name = parsed.name
        except PeriodError as exc:
            raise InputError("period", str(exc)) from None
    return QuickFilters(owner_id, country_code, status_id, period_name)
