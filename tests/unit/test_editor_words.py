"""Every label the tile editor shows has a word in English and in Dutch (i18n.py WORDS): each
offered field of every catalog entity, operator, chart kind, measure, grain, compare choice,
option and its fixed choices, list column, entity, form field, period and enumerated value. A
field or choice added later without its words fails here instead of showing its raw name
(issue 8)."""

from typing import get_args

import pytest

from leadboard.i18n import WORDS
from leadboard.semantic import catalog as c
from leadboard.semantic.keys import ENUMS
from leadboard.semantic.periods import UNITS
from leadboard.semantic.spec import CHARTS, LIST_COLUMNS, OPERATORS, Compare
from leadboard.web.pages import tile_editor as editor
from leadboard.web.pages import tile_form as tf
from leadboard.web.pages.dashboard import PERIOD_CHOICES

ENUM_VALUES = {
    "created_via": c.CREATED_VIA,
    "sale_status": c.SALE_STATUSES,
    "submission_status": c.SUBMISSION_STATUSES,
}


def editor_keys() -> list[str]:
    keys = [f"tf.entity.{name}" for name in c.ENTITIES]
    for entity in c.ENTITIES.values():
        keys += [f"tf.field.{f.name}" for f in entity.fields.values() if f.offered]
        keys += [f"tf.measure.{m}" for m in entity.measures]
        keys += [f"col.{col}" for col in LIST_COLUMNS[entity.name]]
    keys += [f"tf.op.{op}" for ops in OPERATORS.values() for op in ops]
    keys += [f"tf.chart.{chart}" for chart in CHARTS]
    keys += [f"tf.grain.{grain}" for grain in UNITS]
    keys += [f"tf.compare.{choice}" for choice in get_args(Compare)]
    for name, (_, choices) in tf.OPTIONS.items():
        keys += [f"tf.opt.{name}", *(f"tf.opt.{name}.{choice}" for choice in choices)]
    keys += [f"tf.{name}" for name in tf.FORM_FIELDS]  # labels, and of problems in the preview
    keys += ["tf.problem_line", "tf.problem_tile", "tf.period_help"]
    keys += [f"period.{period}" for period in PERIOD_CHOICES]
    keys += [f"enum.{enum}.{value}" for enum in ENUMS for value in ENUM_VALUES[enum]]
    return list(dict.fromkeys(keys))


@pytest.mark.parametrize("key", editor_keys())
def test_every_editor_label_has_a_word_in_both_languages(key: str) -> None:
    assert key in WORDS, f"no word for {key!r}: add it to i18n.py WORDS in en and nl"
    for word in WORDS[key]:
        assert word.strip(), f"{key!r} has an empty word"
        assert "_" not in word, f"{key!r} reads like a field name: {word!r}"


def test_the_editor_lists_every_enumerated_field_with_its_values() -> None:
    """Each enumerated field's values are offered (with their words above), not typed."""
    enums = {f.enum for e in c.ENTITIES.values() for f in e.fields.values() if f.enum}
    assert enums - {"channel"} == set(ENUMS) == set(editor.ENUM_VALUES)
    assert editor.ENUM_VALUES == ENUM_VALUES


def test_internal_fields_are_not_offered() -> None:
    """statuses_held is the bit mask behind `reached`: a number no user could read or type."""
    leads = c.ENTITIES["leads"]
    assert not leads.field("statuses_held").offered
    assert "statuses_held" not in [f.name for f in editor.offered_fields(leads)]
    sales = c.ENTITIES["sales"]
    # amounts are measured, not grouped by: every amount would be a row of its own
    assert "amount" in [f.name for f in editor.offered_fields(sales)]
    assert "amount" not in [f.name for f in editor.grouping_fields(sales)]
    assert sales.field("amount").scale == 100


def test_every_option_applies_to_some_chart_kinds() -> None:
    assert set(editor.OPTION_CHARTS) == set(tf.OPTIONS)
    for name, charts in editor.OPTION_CHARTS.items():
        assert set(charts.split()) <= set(CHARTS), name


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_problem_in_the_preview_names_its_field_by_its_label(lang: str) -> None:
    names = ["name_nl", "group_by", "c-1-0-field", "aggregate", "key"]
    labels = [editor.problem_label(name, lang) for name in names]
    for name, label in zip(names, labels, strict=True):
        assert name not in label
        assert "." not in label
    assert labels[2] == ("Criteria group 2, line 1" if lang == "en" else "Criteriagroep 2, regel 1")
