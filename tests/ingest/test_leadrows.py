"""The importer's fast lead rows are exactly domain.leads.lead_row's rows."""

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from leadboard.domain.attribution import Visit
from leadboard.domain.channels import default_rules
from leadboard.domain.leads import NewLead, lead_row
from leadboard.domain.statuses import Status
from leadboard.ingest.leadrows import CHECK_EVERY, LeadRows

OPEN = Status(1, "open", 1, True, True, "Open", "Open", "", "")


def own_columns(new: NewLead) -> dict[str, Any]:
    created = new.created_at.astimezone(UTC).replace(tzinfo=None)
    return {
        "external_id": new.external_id,
        "origin": new.origin,
        "first_name": new.first_name,
        "last_name": new.last_name,
        "email": new.email,
        "phone": new.phone,
        "job_title": new.job_title,
        "company_id": new.company_id,
        "country": new.country,
        "owner_id": new.owner_id,
        "status_id": OPEN.id,
        "status_since": created,
        "statuses_held": OPEN.bit,
        "created_at": created,
        "created_by_form_id": new.created_by_form_id,
        "chat_session_id": None,
        "custom": new.custom,
    }


def leads(count: int) -> list[NewLead]:
    ways = [
        {"created_via": "import", "given_source": "google", "given_medium": "cpc"},
        {"created_via": "form", "given_source": "Organic_Search", "channel": "Organic Search"},
        {"created_via": "chat"},
        {"created_via": "import", "first_touch": Visit(source="linkedin")},
    ]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        NewLead(
            created_at=start + timedelta(minutes=i),
            email=f"p{i}@example.com",
            first_name=f"P{i}",
            country="NL" if i % 2 else None,
            owner_id=i % 3 or None,
            created_by_form_id=i % 5 or None,
            external_id=f"x{i}",
            origin="test",
            custom={"n": str(i)} if i % 4 else None,
            **ways[i % len(ways)],  # type: ignore[arg-type]
        )
        for i in range(count)
    ]


def _same(new: NewLead) -> NewLead:
    return new


def test_fast_rows_equal_lead_row() -> None:
    rules = default_rules()
    rows = LeadRows(OPEN, rules)
    for new in leads(3 * CHECK_EVERY):
        key = (new.created_via, new.given_source, new.given_medium, new.first_touch, new.channel)
        assert rows.row(key, own_columns(new), partial(_same, new)) == lead_row(new, OPEN, rules)
    assert not rows.exact


def test_a_difference_switches_to_lead_row() -> None:
    rules = default_rules()
    rows = LeadRows(OPEN, rules)
    new = leads(1)[0]
    wrong = own_columns(new) | {"country": "XX"}  # as if lead_row wrote something else
    assert rows.row(("k",), wrong, lambda: new) == lead_row(new, OPEN, rules)
    assert rows.exact
