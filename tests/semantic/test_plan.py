"""The tile spec's validation and the drill-down plan's refusals, without a database: every
problem names its field; a key the tile does not show is refused before anything runs."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from leadboard.errors import InputError
from leadboard.semantic.criteria import Context
from leadboard.semantic.keys import NOT_SET, OTHER
from leadboard.semantic.lookups import default_lookups
from leadboard.semantic.plan import plan, plan_drill
from leadboard.semantic.spec import QuickFilters, Tile

CTX = Context(
    default_lookups(), datetime(2026, 11, 27, 22, 59, tzinfo=UTC), ZoneInfo("Europe/Amsterdam")
)
NAME = {"en": "New leads YTD", "nl": "Nieuwe leads YTD"}


def tile(**fields: Any) -> Tile:
    return Tile.model_validate({"key": "t", "name": NAME, "entity": "leads", **fields})


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"chart": "number", "measure": "amount"}, "entity leads has measures count"),
        ({"chart": "bar", "group_by": "shoe_size"}, "group_by: leads has no field 'shoe_size'"),
        ({"chart": "number", "date_field": "sale_date", "period": "ytd"}, "date_field: use one of"),
        ({"chart": "number", "date_field": "created_at"}, "date_field and period go together"),
        ({"chart": "bar"}, "a bar tile needs group_by"),
        ({"chart": "gauge"}, "a gauge tile needs a numerator"),
        ({"chart": "list", "columns": ["id", "shoe_size"]}, "columns: 'shoe_size' is not one of"),
        ({"chart": "line", "group_by": "channel", "grain": "month"}, "grain groups by the tile's"),
        (
            {
                "chart": "number",
                "criteria": [[{"field": "status", "op": "contains", "value": "x"}]],
            },
            "criteria: field 'status' does not take operator 'contains'",
        ),
        (
            {"chart": "number", "name_without_period": {"en": "New leads", "nl": "Nieuwe leads"}},
            "name_without_period: a snapshot tile has no period to name",
        ),
        (
            {
                "chart": "number",
                "date_field": "created_at",
                "period": "ytd",
                "name_without_period": {"en": "Leads", "nl": "Nieuwe leads YTD"},
            },
            "name_without_period.en: 'Leads' is not the start of the name",
        ),
        ({"chart": "number", "date_field": "created_at", "period": "fortnight"}, "period"),
    ],
)
def test_a_spec_that_cannot_be_computed_says_why(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        tile(**fields)
    assert problem in str(caught.value)


FUNNEL = tile(chart="funnel", date_field="created_at", period="ytd")
SERIES = tile(
    chart="line", group_by="created_at", grain="month", date_field="created_at", period="this-year"
)
GROUPED = tile(chart="bar", group_by="channel", top=2)
NUMBER = tile(chart="number")


@pytest.mark.parametrize(
    ("spec", "key", "shown", "field", "message"),
    [
        (NUMBER, "x", None, "key", "has no rows; leave key out"),
        (FUNNEL, None, None, "key", "needs the key of a row or step"),
        (FUNNEL, "re-nurture", None, "key", "no funnel step 're-nurture'"),
        (SERIES, "2025-01", None, "key", "no period '2025-01' in this tile"),
        (GROUPED, "email", ["direct", OTHER], "key", "shows no row 'email'"),
    ],
)
def test_the_drill_down_refuses_keys_the_tile_does_not_show(
    spec: Tile, key: str | None, shown: list[str] | None, field: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        plan_drill(plan(spec, QuickFilters(), CTX), CTX, key, shown)
    assert caught.value.field == field
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("page", "size", "field"), [(0, 10, "page"), (1, 0, "page_size"), (1, 101, "page_size")]
)
def test_pages_are_checked(page: int, size: int, field: str) -> None:
    with pytest.raises(InputError) as caught:
        plan_drill(plan(FUNNEL, QuickFilters(), CTX), CTX, "open", None, page, size)
    assert caught.value.field == field


def test_other_leaves_out_the_rows_above_it() -> None:
    shown = ["direct", "email", OTHER]
    drill = plan_drill(plan(GROUPED, QuickFilters(), CTX), CTX, OTHER, shown)
    params = drill.aggregate.compile().params
    assert ["direct", "email"] in params.values()  # NOT IN the head, bound
    sql = str(drill.aggregate.compile())
    assert "IS NULL OR" in sql  # "(not set)" below the top N belongs to Other
    with_not_set = plan_drill(plan(GROUPED, QuickFilters(), CTX), CTX, OTHER, [NOT_SET, OTHER])
    assert "IS NOT NULL" in str(with_not_set.aggregate.compile())


def test_planning_is_pure_and_repeatable() -> None:
    first = plan(SERIES, QuickFilters(period="previous-year"), CTX)
    again = plan(SERIES, QuickFilters(period="previous-year"), CTX)
    assert [str(q.compile()) for q in first.queries.values()] == [
        str(q.compile()) for q in again.queries.values()
    ]
    assert [b.key for b in first.buckets][:2] == ["2025-01", "2025-02"]
    assert not first.partial
    assert first.partial_bucket is None
