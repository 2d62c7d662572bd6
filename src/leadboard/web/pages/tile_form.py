"""The tile editor's HTML form <-> the tile spec (`semantic.spec.Tile`). Pure: no database, no
request, so the round trip is unit-tested on its own.

The form is flat (what a browser posts): `name_en`, `chart`, `group_by`, ... and the criteria
builder's lines as `c-<group>-<line>-field`, `-op`, `-value` (a multi-select posts several
values; `between` posts `-value` and `-value2`); the gauge's numerator uses the prefix `n-`.
A line with a field but no value is kept: it is inactive (SPEC 5) and shown so.

The display, compare and panel options (aggregate, legend, colours, compare_value, url, html,
selection, ...) are in OPTIONS with the kind of input each is: a check box, one of a fixed set,
a number, a comma-separated list, or text.

Problems are shown in the form's language: the form's own are words `tf.err.*` of i18n.WORDS,
the spec's checks are `Problem`s (semantic/spec.py) put in that language, and pydantic's checks
of a single field (a number too large, ...) are words chosen by the error's type.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from pydantic import ValidationError

from leadboard.i18n import t
from leadboard.semantic import catalog as c
from leadboard.semantic.spec import (
    MONEY_MEASURES,
    NO_VALUE,
    OPERATORS,
    Aggregate,
    CriteriaError,
    Criterion,
    Sort,
    SpecError,
    Tile,
    validate_line,
)

__all__ = [
    "FORM_FIELDS",
    "LINE",
    "OPTIONS",
    "RESERVED_KEYS",
    "FormData",
    "TileFormError",
    "editor_state",
    "fresh_key",
    "tile_from_form",
    "value_widget",
]

# Each form field name -> its values, in order (what Starlette's form multi_items() gives).
FormData = Mapping[str, Sequence[str]]

# Words of the page URLs under /dashboards/{slug}/tiles/: never a tile's key.
RESERVED_KEYS = ("new", "preview")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LINE = re.compile(
    r"^(?P<prefix>[cn])-(?P<group>\d{1,3})-(?P<line>\d{1,3})-(?P<part>field|op|value2?)$"
)

OptionKind = Literal["check", "int", "float", "list", "choice", "text"]
# The tile's options and the input each is, with its fixed choices (the editor's order).
OPTIONS: dict[str, tuple[OptionKind, tuple[str, ...]]] = {
    "aggregate": ("choice", get_args(Aggregate)),
    "compare_value": ("float", ()),
    "sort": ("choice", get_args(Sort)),
    "legend": ("check", ()),
    "data_labels": ("check", ()),
    "short_numbers": ("check", ()),
    "colours": ("list", ()),
    "currency": ("text", ()),
    "url": ("text", ()),
    "html": ("text", ()),
    "selection": ("text", ()),
}
# Plain fields the form always has, as (form name, kind).
_NUMBERS = {"top": int, "target": float, "width": int, "height": int, "x": int, "y": int}
_CHOICES = ("measure", "measure2", "group_by", "grain", "date_field", "period", "compare")
_CHECKS = ("other", "set_only", "current_status")
# The form's own fields, each with its label `tf.<name>` (i18n.py).
FORM_FIELDS = (
    "entity",
    "chart",
    "name_en",
    "name_nl",
    "description_en",
    "description_nl",
    *_CHOICES,
    *(name for name in _NUMBERS if name not in ("x", "y")),
    *_CHECKS,
    "columns",
    "order_by",
    "order_desc",
)


class TileFormError(ValueError):
    """What is wrong with a posted form, per form field name (shown next to the field), in the
    form's language."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


# -- form -> tile ------------------------------------------------------------------------------


def _one(form: FormData, name: str) -> str:
    values = form.get(name) or []
    return values[0].strip() if values else ""


def _many(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.get(name) or [] if v.strip()]


@dataclass
class _Reader:
    form: FormData
    lang: str = "en"
    problems: dict[str, str] = field(default_factory=dict)

    def problem(self, name: str, word: str, **values: object) -> None:
        """The problem of form field `name`: the word `tf.err.<word>` in the form's language."""
        self.problems[name] = t(self.lang, f"tf.err.{word}", **values)

    def text(self, name: str) -> str | None:
        return _one(self.form, name) or None

    def number(self, name: str, kind: type) -> int | float | None:
        raw = _one(self.form, name).replace(",", ".")
        if not raw:
            return None
        try:
            return kind(raw) if kind is float else int(raw)
        except ValueError:
            self.problem(name, "whole_number" if kind is int else "number", value=repr(raw))
            return None

    def check(self, name: str) -> bool:
        return _one(self.form, name).lower() in ("on", "true", "1", "yes")


def _line_value(reader: _Reader, entity: c.Entity, prefix: str, g: int, i: int) -> Criterion | None:
    """One criteria line from the form, or None when it names no field (an empty new line)."""
    base = f"{prefix}-{g}-{i}"
    field_name = _one(reader.form, f"{base}-field")
    if not field_name:
        return None
    lang = reader.lang
    if field_name not in entity.fields or not entity.fields[field_name].offered:
        records = t(lang, f"tf.entity.{entity.name}").lower()
        reader.problem(f"{base}-field", "no_field", field=repr(field_name), entity=records)
        return None
    catalog_field = entity.fields[field_name]
    ops = OPERATORS[catalog_field.type]
    op = _one(reader.form, f"{base}-op") or ops[0]
    if op not in ops:
        label = t(lang, f"tf.field.{field_name}")
        names = ", ".join(t(lang, f"tf.op.{o}") for o in ops)
        reader.problem(f"{base}-op", "op", field=label, ops=names)
        return None
    values = _many(reader.form, f"{base}-value")
    value: Any = None
    kind = value_widget(catalog_field.type, op, catalog_field.enum is not None)
    if op in NO_VALUE:
        value = None
    elif kind == "between-number" or kind == "between-date":
        second = _one(reader.form, f"{base}-value2")
        if values and second:
            value = [values[0], second]
            if kind == "between-number":
                value = [_to_number(reader, f"{base}-value", v) for v in value]
    elif kind == "number":
        value = _to_number(reader, f"{base}-value", values[0]) if values else None
    elif kind == "yes-no":
        value = {"true": True, "false": False}.get(values[0].lower()) if values else None
    elif kind in ("choices", "list"):
        if kind == "list":  # several values typed in one box, comma-separated
            values = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
        value = values or None
    else:
        value = values[0] if values else None
    line = Criterion(field=field_name, op=op, value=value)
    try:
        validate_line(entity, line)
    except CriteriaError as exc:
        problem = exc.problem
        reader.problems[f"{base}-field"] = (
            problem.message(lang) if problem else t(lang, "tf.err.invalid")
        )
    return line


def _to_number(reader: _Reader, name: str, raw: str) -> int | float | None:
    text = raw.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        reader.problem(name, "number", value=repr(raw))
        return None
    return int(number) if number.is_integer() else number


def _criteria(reader: _Reader, entity: c.Entity, prefix: str) -> list[list[Criterion]]:
    """The groups of lines, in the order of their numbers; groups without lines go."""
    found: dict[int, set[int]] = {}
    for name in reader.form:
        match = LINE.match(name)
        if match and match["prefix"] == prefix:
            found.setdefault(int(match["group"]), set()).add(int(match["line"]))
    groups = []
    for g in sorted(found):
        lines = [_line_value(reader, entity, prefix, g, i) for i in sorted(found[g])]
        kept = [line for line in lines if line is not None]
        if kept:
            groups.append(kept)
    return groups


def _option(reader: _Reader, name: str) -> tuple[bool, Any]:
    """(given, value) of an option from the form (not given: the tile's default)."""
    kind, choices = OPTIONS[name]
    if kind == "check":
        return True, reader.check(name)
    raw = _one(reader.form, name)
    if kind == "list":
        values = [v.strip() for item in _many(reader.form, name) for v in item.split(",")]
        values = [v for v in values if v]
        return bool(values), values
    if not raw:
        return False, None
    if kind in ("int", "float"):
        number = reader.number(name, int if kind == "int" else float)
        return number is not None, number
    if kind == "choice" and raw not in choices:
        labels = ", ".join(t(reader.lang, f"tf.opt.{name}.{choice}") for choice in choices)
        reader.problem(name, "choice", choices=labels)
        return False, None
    return True, raw


def tile_from_form(form: FormData, key: str, lang: str = "en") -> Tile:
    """The tile the form describes, with this key; TileFormError names each field that is wrong
    (form field names: `name_en`, `group_by`, `c-0-1-value`, ...), in the language `lang`."""
    reader = _Reader(form, lang)
    problems = reader.problems
    if not KEY_PATTERN.match(key) or key in RESERVED_KEYS:
        reader.problem("key", "key", value=repr(key), reserved=", ".join(RESERVED_KEYS))
    entity_name = _one(form, "entity") or "leads"
    entity = c.ENTITIES.get(entity_name)
    if entity is None:
        labels = ", ".join(t(lang, f"tf.entity.{name}") for name in c.ENTITIES)
        reader.problem("entity", "choice", choices=labels)
        raise TileFormError(problems)
    data: dict[str, Any] = {"key": key, "entity": entity_name, "chart": _one(form, "chart")}
    names = {code: _one(form, f"name_{code}") for code in ("en", "nl")}
    for code, text in names.items():
        if not text:
            reader.problem(f"name_{code}", "name")
    data["name"] = names
    descriptions = {code: _one(form, f"description_{code}") for code in ("en", "nl")}
    if any(descriptions.values()):
        data["description"] = {
            code: text or descriptions["en"] or descriptions["nl"]
            for code, text in descriptions.items()
        }
    for name in _CHOICES:
        value = reader.text(name)
        if value is not None:
            data[name] = value
    if data.get("measure") is None:
        data["measure"] = "count"
    if data["chart"] not in ("column-line", "bar-line"):
        data.pop("measure2", None)  # the line's measure: only these charts draw a second series
    for name, kind in _NUMBERS.items():
        number = reader.number(name, kind)
        if number is not None:
            data[name] = number
    for name in _CHECKS:
        data[name] = reader.check(name)
    if data.get("period") and not data.get("date_field"):
        reader.problem("date_field", "date_field")
    if data.get("date_field") and not data.get("period"):
        reader.problem("period", "period")
    if data.get("grain") and data.get("date_field"):
        data["group_by"] = data["date_field"]  # a date series groups by the tile's date field
    columns = _many(form, "columns")
    if columns:
        data["columns"] = columns
    order = reader.text("order_by")
    if order:
        data["order_by"] = f"-{order}" if reader.check("order_desc") else order
    data["criteria"] = _criteria(reader, entity, "c")
    if data["chart"] == "gauge":
        data["numerator"] = _criteria(reader, entity, "n")
    short = {code: _one(form, f"name_without_period_{code}") for code in ("en", "nl")}
    # The name without its period words is kept while it still fits the name and the period.
    if (
        all(short.values())
        and data.get("period")
        and all(
            names[code].startswith(short[code]) and names[code] != short[code] for code in short
        )
    ):
        data["name_without_period"] = short
    for name in OPTIONS:
        given, value = _option(reader, name)
        if given:
            data[name] = value
    if not {data["measure"], data.get("measure2")} & set(MONEY_MEASURES):
        # a count is always a count: the amounts' options (hidden for counts) do not apply
        data.pop("aggregate", None)
        data.pop("currency", None)
    if problems:
        raise TileFormError(problems)
    try:
        return Tile.model_validate(data)
    except ValidationError as exc:
        raise TileFormError(_problems_of(exc, lang)) from None


# The form field a spec field's problem is shown at, where the two differ.
_FORM_FIELD_OF = {
    "name": "name_en",
    "name_without_period": "name_en",
    "criteria": "c-0-0-field",
    "numerator": "n-0-0-field",
}
# Words for pydantic's checks of one field, by the error's type (the rest: tf.err.invalid).
_PYDANTIC_WORDS = {
    "greater_than_equal": ("at_least", "ge"),
    "less_than_equal": ("at_most", "le"),
    "string_too_long": ("too_long", "max_length"),
    "literal_error": ("not_a_choice", ""),
}


def _form_field(name: str) -> str:
    """The form field a spec field's problem belongs to (one the form has, else the chart)."""
    name = _FORM_FIELD_OF.get(name, name)
    return name if name in FORM_FIELDS or name in OPTIONS or LINE.match(name) else "chart"


def _problems_of(exc: ValidationError, lang: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, SpecError):  # the spec's own checks: Problems, put in `lang`
            for problem in cause.problems:
                name = _form_field(loc[0] if loc else problem.field)
                problems.setdefault(name, problem.message(lang))
            continue
        word, limit = _PYDANTIC_WORDS.get(error["type"], ("invalid", ""))
        values = {"n": (error.get("ctx") or {}).get(limit, "")} if limit else {}
        if loc and loc[0] in ("name", "description", "name_without_period") and len(loc) > 1:
            name = f"{loc[0]}_{loc[1]}"
        elif loc and loc[0] in ("criteria", "numerator") and len(loc) > 2:
            name = f"{'c' if loc[0] == 'criteria' else 'n'}-{loc[1]}-{loc[2]}-field"
        else:
            name = _form_field(loc[0]) if loc else "chart"
        problems.setdefault(name, t(lang, f"tf.err.{word}", **values))
    return problems


# -- tile -> form ------------------------------------------------------------------------------


def value_widget(field_type: str, op: str, has_enum: bool = False) -> str:
    """The value input a criteria line shows for its field type and operator."""
    if op in NO_VALUE:
        return "none"
    if field_type == c.BOOL:
        return "yes-no"
    if field_type == c.NUMBER:
        return "between-number" if op == "between" else "number"
    if field_type == c.DATE:
        if op == "between":
            return "between-date"
        return "period" if op == "period" else "date"
    if field_type == c.STATUS and op == "reached":
        return "choice"
    if field_type in (c.STATUS, c.ASSOCIATE, c.FORM, c.COUNTRY) or (
        field_type == c.ENUM and has_enum
    ):
        return "choices"
    if op in ("in", "not_in"):
        return "list"
    return "text"


def _line_state(entity: c.Entity, line: Criterion) -> dict[str, Any]:
    catalog_field = entity.fields.get(line.field)
    field_type = catalog_field.type if catalog_field else c.TEXT
    value = line.value
    values = [] if value is None else value if isinstance(value, list) else [value]
    widget = value_widget(field_type, line.op, bool(catalog_field and catalog_field.enum))
    text = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in values]
    if widget == "list":
        text = [", ".join(text)] if text else []
    return {
        "field": line.field,
        "op": line.op,
        "type": field_type,
        "widget": widget,
        "values": text,
        "active": line.active,
        "ops": list(OPERATORS.get(field_type, ())),
    }


def editor_state(tile: Tile) -> dict[str, Any]:
    """What the editor's inputs hold for this tile (the template renders it; posting it back
    gives the same tile: see tile_from_form)."""
    entity = c.ENTITIES[tile.entity]
    order = tile.order_by or ""
    state: dict[str, Any] = {
        "key": tile.key,
        "entity": tile.entity,
        "chart": tile.chart,
        "name_en": tile.name.en,
        "name_nl": tile.name.nl,
        "description_en": tile.description.en if tile.description else "",
        "description_nl": tile.description.nl if tile.description else "",
        "name_without_period_en": tile.name_without_period.en if tile.name_without_period else "",
        "name_without_period_nl": tile.name_without_period.nl if tile.name_without_period else "",
        "measure": tile.measure,
        "measure2": tile.measure2 or "",
        "group_by": tile.group_by or "",
        "grain": tile.grain or "",
        "date_field": tile.date_field or "",
        "period": tile.period or "",
        "compare": tile.compare or "",
        "top": "" if tile.top is None else str(tile.top),
        "other": tile.other,
        "set_only": tile.set_only,
        "target": "" if tile.target is None else _number_text(tile.target),
        "current_status": tile.current_status,
        "columns": list(tile.columns or []),
        "order_by": order.removeprefix("-"),
        "order_desc": order.startswith("-"),
        "width": str(tile.width),
        "height": str(tile.height),
        "x": "" if tile.x is None else str(tile.x),
        "y": "" if tile.y is None else str(tile.y),
        "criteria": [[_line_state(entity, line) for line in group] for group in tile.criteria],
        "numerator": [
            [_line_state(entity, line) for line in group] for group in tile.numerator or []
        ],
    }
    for name in OPTIONS:
        state[name] = _option_text(name, getattr(tile, name))
    return state


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _option_text(name: str, value: Any) -> Any:
    kind, _ = OPTIONS[name]
    if kind == "check":
        return bool(value)
    if value is None:
        return ""
    if kind == "list":
        return ", ".join(str(v) for v in value)
    if kind == "float":
        return _number_text(value)
    return str(value)


def state_form(state: Mapping[str, Any]) -> dict[str, list[str]]:
    """The form a browser posts for an editor state (tests, and re-rendering after a post)."""
    form: dict[str, list[str]] = {}
    for name, value in state.items():
        if name in ("criteria", "numerator", "key"):
            continue
        if isinstance(value, bool):
            if value:
                form[name] = ["on"]
        elif isinstance(value, list):
            form[name] = [str(v) for v in value]
        elif value not in (None, ""):
            form[name] = [str(value)]
    for prefix, name in (("c", "criteria"), ("n", "numerator")):
        for g, group in enumerate(state.get(name) or []):
            for i, line in enumerate(group):
                base = f"{prefix}-{g}-{i}"
                form[f"{base}-field"] = [line["field"]]
                form[f"{base}-op"] = [line["op"]]
                values = list(line["values"])
                if line["widget"] in ("between-number", "between-date") and len(values) == 2:
                    form[f"{base}-value"], form[f"{base}-value2"] = [values[0]], [values[1]]
                else:
                    form[f"{base}-value"] = values
    return form


def fresh_key(name: str, taken: set[str] | Sequence[str]) -> str:
    """A key from a name ("New leads NL" -> "new-leads-nl") that no tile has yet (-2, -3, ...)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-") or "tile"
    if base in RESERVED_KEYS:
        base = f"{base}-tile"
    key, number = base, 2
    while key in taken:
        key = f"{base}-{number}"
        number += 1
    return key


def form_state(form: FormData) -> dict[str, Any]:
    """The editor's state from a posted form as it is, empty and unfinished lines included (the
    form drawn again after "+ AND line", a changed field, or a save that failed)."""
    entity = c.ENTITIES.get(_one(form, "entity")) or c.LEADS
    state: dict[str, Any] = {
        name: _one(form, name)
        for name in (
            "entity",
            "chart",
            "name_en",
            "name_nl",
            "description_en",
            "description_nl",
            "name_without_period_en",
            "name_without_period_nl",
            "measure",
            "measure2",
            "group_by",
            "grain",
            "date_field",
            "period",
            "compare",
            "top",
            "target",
            "order_by",
            "width",
            "height",
            "x",
            "y",
        )
    }
    state["entity"] = entity.name
    state["measure"] = state["measure"] or "count"
    for name in (*_CHECKS, "order_desc"):
        state[name] = _one(form, name).lower() in ("on", "true", "1", "yes")
    state["columns"] = _many(form, "columns")
    for name, (kind, _) in OPTIONS.items():
        if kind == "check":
            state[name] = _one(form, name).lower() in ("on", "true", "1", "yes")
        elif kind == "list":
            state[name] = ", ".join(_many(form, name))
        else:
            state[name] = _one(form, name)
    for prefix, key in (("c", "criteria"), ("n", "numerator")):
        found: dict[int, set[int]] = {}
        for name in form:
            match = LINE.match(name)
            if match and match["prefix"] == prefix:
                found.setdefault(int(match["group"]), set()).add(int(match["line"]))
        groups = []
        for g in sorted(found):
            groups.append([_raw_line(form, entity, f"{prefix}-{g}-{i}") for i in sorted(found[g])])
        state[key] = groups
    return state


def _raw_line(form: FormData, entity: c.Entity, base: str) -> dict[str, Any]:
    """A criteria line as typed; an operator the (new) field does not take becomes its first."""
    name = _one(form, f"{base}-field")
    catalog_field = entity.fields.get(name)
    if catalog_field is None:
        return {
            "field": "",
            "op": "",
            "type": "",
            "widget": "none",
            "values": [],
            "active": False,
            "ops": [],
        }
    ops = OPERATORS[catalog_field.type]
    op = _one(form, f"{base}-op")
    if op not in ops:
        op = ops[0]
    widget = value_widget(catalog_field.type, op, catalog_field.enum is not None)
    values = _many(form, f"{base}-value")
    if widget in ("between-number", "between-date"):
        values = [*values[:1], _one(form, f"{base}-value2")] if values else []
    active = op in NO_VALUE or bool([v for v in values if v])
    return {
        "field": name,
        "op": op,
        "type": catalog_field.type,
        "widget": widget,
        "values": values,
        "active": active,
        "ops": list(ops),
    }
