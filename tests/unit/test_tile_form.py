"""The tile editor's form <-> tile spec (web/pages/tile_form.py): every built-in tile survives
the round trip through the form, criteria lines of every value widget read back as written, and
a bad form names the fields at fault."""

import pytest

from leadboard.dashboards.storage import builtin_dashboards
from leadboard.semantic.spec import Criterion, Tile
from leadboard.web.pages import tile_form as tf


def round_trip(tile: Tile) -> Tile:
    form = tf.state_form(tf.editor_state(tile))
    return tf.tile_from_form(form, tile.key)


@pytest.mark.parametrize(
    "tile",
    [tile for d in builtin_dashboards().values() for tile in d.tiles],
    ids=lambda tile: tile.key,
)
def test_every_builtin_tile_round_trips(tile: Tile) -> None:
    assert round_trip(tile) == tile


def make(**fields: object) -> Tile:
    base: dict[str, object] = {
        "key": "t",
        "name": {"en": "T", "nl": "T"},
        "chart": "number",
        "entity": "leads",
    }
    return Tile.model_validate(base | fields)


@pytest.mark.parametrize(
    "criteria",
    [
        [[{"field": "country", "op": "in", "value": ["NL", "BE"]}]],
        [[{"field": "campaign", "op": "in", "value": ["spring", "autumn"]}]],
        [[{"field": "email", "op": "contains", "value": "50%_off"}]],
        [[{"field": "id", "op": "between", "value": [10, 20]}]],
        [[{"field": "id", "op": "gt", "value": 2.5}]],
        [[{"field": "created_at", "op": "between", "value": ["2026-01-01", "2026-03-31"]}]],
        [[{"field": "created_at", "op": "period", "value": "this-quarter"}]],
        [[{"field": "created_at", "op": "before", "value": "2026-05-01"}]],
        [[{"field": "status", "op": "reached", "value": "qualified"}]],
        [[{"field": "has_sale", "op": "is", "value": False}]],
        [[{"field": "owner", "op": "current_user"}], [{"field": "email", "op": "is_set"}]],
        [[{"field": "country", "op": "in"}, {"field": "channel", "op": "not_in", "value": ["x"]}]],
    ],
)
def test_criteria_round_trip(criteria: list[list[dict[str, object]]]) -> None:
    tile = make(criteria=criteria)
    assert round_trip(tile) == tile


def test_a_line_without_a_value_is_kept_and_inactive() -> None:
    form = tf.state_form(tf.editor_state(make()))
    form |= {"c-0-0-field": ["country"], "c-0-0-op": ["in"], "c-0-0-value": []}
    tile = tf.tile_from_form(form, "t")
    assert tile.criteria == [[Criterion(field="country", op="in", value=None)]]
    assert not tile.criteria[0][0].active
    state = tf.form_state(form)
    assert state["criteria"][0][0]["active"] is False


def test_groups_are_ordered_and_lines_without_a_field_dropped() -> None:
    form = tf.state_form(tf.editor_state(make()))
    form |= {
        "c-1-0-field": ["email"],
        "c-1-0-op": ["equals"],
        "c-1-0-value": ["b@example.com"],
        "c-0-3-field": ["email"],
        "c-0-3-op": ["equals"],
        "c-0-3-value": ["a@example.com"],
        "c-0-4-field": [""],
    }
    tile = tf.tile_from_form(form, "t")
    assert [[line.value for line in group] for group in tile.criteria] == [
        ["a@example.com"],
        ["b@example.com"],
    ]


def test_display_options_and_panels_round_trip() -> None:
    tile = make(
        chart="bar",
        group_by="campaign",
        legend=False,
        data_labels=True,
        short_numbers=True,
        colours=["#112233", "#445566"],
        sort="label-asc",
    )
    assert round_trip(tile) == tile
    money = make(entity="sales", measure="amount", aggregate="avg", currency="EUR")
    assert round_trip(money) == money
    number = make(compare_value=12.5)
    assert round_trip(number) == number
    web = Tile.model_validate(
        {"key": "w", "name": {"en": "W", "nl": "W"}, "chart": "web", "url": "https://e.org/"}
    )
    assert round_trip(web) == web
    html = Tile.model_validate(
        {"key": "h", "name": {"en": "H", "nl": "H"}, "chart": "html", "html": "<p>Hi</p>"}
    )
    assert round_trip(html) == html
    listed = make(chart="list", selection="hot-leads", order_by="-created_at")
    assert round_trip(listed) == listed


def test_every_option_of_the_tile_is_in_the_form() -> None:
    """A display option added to Tile later shows up here: give it a place in OPTIONS."""
    plain = {
        "key", "name", "name_without_period", "description", "chart", "entity", "measure",
        "measure2", "group_by", "grain", "date_field", "period", "compare", "top", "other",
        "set_only", "criteria", "numerator", "target", "current_status", "columns", "order_by",
        "x", "y", "width", "height",
    }  # fmt: skip
    assert set(Tile.model_fields) - plain == set(tf.OPTIONS)


def test_an_amount_criterion_is_typed_in_currency_units() -> None:
    form = tf.state_form(tf.editor_state(make(entity="sales")))
    form |= {"c-0-0-field": ["amount"], "c-0-0-op": ["ge"], "c-0-0-value": ["1250,50"]}
    tile = tf.tile_from_form(form, "t")
    assert tile.criteria == [[Criterion(field="amount", op="ge", value=1250.5)]]


def test_a_field_the_builder_does_not_offer_is_refused() -> None:
    form = tf.state_form(tf.editor_state(make()))
    form |= {"c-0-0-field": ["statuses_held"], "c-0-0-op": ["gt"], "c-0-0-value": ["2"]}
    with pytest.raises(tf.TileFormError) as caught:
        tf.tile_from_form(form, "t")
    assert "c-0-0-field" in caught.value.problems


def test_a_date_series_groups_by_its_date_field() -> None:
    form = tf.state_form(tf.editor_state(make()))
    form |= {
        "chart": ["line"],
        "date_field": ["created_at"],
        "period": ["this-year"],
        "grain": ["month"],
    }
    tile = tf.tile_from_form(form, "t")
    assert (tile.group_by, tile.grain) == ("created_at", "month")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name_en": [""]}, "name_en"),
        ({"chart": ["bar"]}, "group_by"),
        ({"chart": ["spaceship"]}, "chart"),
        ({"top": ["many"]}, "top"),
        ({"width": ["40"]}, "width"),
        ({"period": ["last-fortnight"], "date_field": ["created_at"]}, "period"),
        ({"period": ["ytd"]}, "date_field"),
        ({"date_field": ["created_at"]}, "period"),
        ({"c-0-0-field": ["shoe_size"], "c-0-0-op": ["eq"]}, "c-0-0-field"),
        ({"c-0-0-field": ["email"], "c-0-0-op": ["between"]}, "c-0-0-op"),
        ({"c-0-0-field": ["id"], "c-0-0-op": ["eq"], "c-0-0-value": ["ten"]}, "c-0-0-value"),
        ({"entity": ["planets"]}, "entity"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, list[str]], field: str) -> None:
    form = tf.state_form(tf.editor_state(make())) | changes
    with pytest.raises(tf.TileFormError) as caught:
        tf.tile_from_form(form, "t")
    assert field in caught.value.problems, caught.value.problems
    assert caught.value.problems[field]


@pytest.mark.parametrize("key", ["new", "preview", "Bad Key", "-x"])
def test_page_words_are_never_tile_keys(key: str) -> None:
    with pytest.raises(tf.TileFormError) as caught:
        tf.tile_from_form(tf.state_form(tf.editor_state(make())), key)
    assert "key" in caught.value.problems


def test_fresh_keys() -> None:
    assert tf.fresh_key("New leads NL", set()) == "new-leads-nl"
    assert tf.fresh_key("New leads NL", {"new-leads-nl", "new-leads-nl-2"}) == "new-leads-nl-3"
    assert tf.fresh_key("New", set()) == "new-tile"
    assert tf.fresh_key("!!!", set()) == "tile"


def test_widgets_per_field_type() -> None:
    assert tf.value_widget("text", "contains") == "text"
    assert tf.value_widget("number", "between") == "between-number"
    assert tf.value_widget("date", "period") == "period"
    assert tf.value_widget("date", "between") == "between-date"
    assert tf.value_widget("country", "in") == "choices"
    assert tf.value_widget("status", "reached") == "choice"
    assert tf.value_widget("folded", "in") == "list"
    assert tf.value_widget("associate", "current_user") == "none"
    assert tf.value_widget("bool", "is") == "yes-no"
