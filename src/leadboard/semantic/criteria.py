"""Criteria (SPEC 5): lines (field, operator, value) AND-ed within a group, groups OR-ed.

Fields come from the catalog; every value becomes a bound parameter.
"""

import math
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, literal, not_, or_, true

from leadboard.db.times import to_db
from leadboard.semantic import catalog as c
from leadboard.semantic.catalog import Entity, Field
from leadboard.semantic.lookups import Lookups
from leadboard.semantic.periods import PeriodError, days_window, parse_period
from leadboard.semantic.spec import (
    NO_VALUE,
    OPERATORS,
    CriteriaError,
    Criterion,
    validate_line,
)

# The criteria's definitions live in spec.py; they are importable from here too.
__all__ = [
    "NO_VALUE",
    "OPERATORS",
    "Context",
    "CriteriaError",
    "Criterion",
    "compile_criteria",
    "compile_line",
    "reached",
    "stored_value",
    "validate_line",
    "window_filter",
]


class Context:
    """What criteria need besides the catalog: reference data, the clock, the viewer."""

    def __init__(
        self, lookups: Lookups, now: datetime, tz: tzinfo, current_user_id: int | None = None
    ) -> None:
        self.lookups, self.now, self.tz, self.current_user_id = lookups, now, tz, current_user_id


def compile_criteria(
    entity: Entity, groups: list[list[Criterion]], ctx: Context
) -> ColumnElement[Any]:
    """OR of ANDs; no active line means no restriction."""
    compiled = []
    for group in groups:
        lines = [compile_line(entity, line, ctx) for line in group if line.active]
        if lines:
            compiled.append(and_(*lines))
    return or_(*compiled) if compiled else true()


def compile_line(entity: Entity, line: Criterion, ctx: Context) -> ColumnElement[Any]:
    field = validate_line(entity, line)
    expr, op, value = field.expr, line.op, line.value
    if op == "is_empty":
        return expr.is_(None) if field.type != c.TEXT else or_(expr.is_(None), expr == "")
    if op == "is_set":
        return expr.is_not(None) if field.type != c.TEXT else and_(expr.is_not(None), expr != "")
    if op == "current_user":
        return expr == ctx.current_user_id if ctx.current_user_id is not None else false()
    if field.type == c.BOOL:
        if not isinstance(value, bool):
            raise CriteriaError(f"field {line.field!r} needs true or false")
        return expr if value else not_(expr)
    if field.type == c.DATE:
        return _date_line(line, expr, ctx)
    if op == "reached":
        return reached(entity, _one(line, value), ctx.lookups)
    if op in ("in", "not_in"):
        raw = [stored_value(field, item, ctx.lookups) for item in _many(line, value)]
        return expr.in_(raw) if op == "in" else or_(expr.is_(None), expr.not_in(raw))
    if field.type == c.NUMBER:
        return _number_line(line, expr, value, field.scale)
    return _text_line(field, line, expr, value)


def reached(entity: Entity, status_key: str, lookups: Lookups) -> ColumnElement[Any]:
    """Funnel "reached" (SPEC 2): held this funnel step or any later one; Open is reached by all."""
    if entity.name != "leads":
        raise CriteriaError("`reached` applies to leads")
    path = lookups.funnel_path
    keys = [s.key for s in path]
    if status_key not in keys:
        raise CriteriaError(
            f"{status_key!r} is not a status on the funnel path ({', '.join(keys)})"
        )
    index = keys.index(status_key)
    if status_key == "open":
        return true()
    mask = 0
    for status in path[index:]:
        mask |= status.bit
    held = entity.field("statuses_held").expr
    return held.op("&")(literal(mask)) != 0


def stored_value(field: Field, key: Any, lookups: Lookups) -> Any:
    """A row key as the stored value: status key -> id, owner email -> id, form key -> id."""
    if not isinstance(key, str):
        raise CriteriaError(f"field {field.name!r} needs text values")
    if field.type == c.STATUS:
        status = lookups.status_by_key(key)
        if status is None:
            raise CriteriaError(f"no lead status {key!r}")
        return status.id
    if field.type == c.ASSOCIATE:
        associate = lookups.associate_by_email(key)
        if associate is None:
            raise CriteriaError(f"no associate with email {key!r}")
        return associate.id
    if field.type == c.FORM:
        form = lookups.form_by_key(key)
        if form is None:
            raise CriteriaError(f"no form with key {key!r}")
        return form.id
    if field.type == c.COUNTRY:
        return key.strip().upper()
    if field.type == c.FOLDED:
        return key.strip().lower()
    return key


def _one(line: Criterion, value: Any) -> Any:
    if isinstance(value, list):
        raise CriteriaError(f"operator {line.op!r} on {line.field!r} takes one value")
    return value


def _many(line: Criterion, value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _number_line(
    line: Criterion, expr: ColumnElement[Any], value: Any, scale: int = 1
) -> ColumnElement[Any]:
    def number(v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise CriteriaError(f"field {line.field!r} needs a number, got {v!r}")
        return v

    if line.op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise CriteriaError(f"`between` on {line.field!r} needs two numbers")
        low, high = number(value[0]), number(value[1])
        if scale != 1:
            return and_(
                _scaled(line, expr, "ge", low, scale), _scaled(line, expr, "le", high, scale)
            )
        return expr.between(low, high)
    wanted = number(_one(line, value))
    if scale != 1:
        return _scaled(line, expr, line.op, wanted, scale)
    return _compare(expr, line.op, wanted)


def _compare(expr: ColumnElement[Any], op: str, value: Any) -> ColumnElement[Any]:
    ops = {
        "eq": expr.__eq__,
        "ne": expr.__ne__,
        "lt": expr.__lt__,
        "le": expr.__le__,
        "gt": expr.__gt__,
        "ge": expr.__ge__,
    }
    return ops[op](value)


def _scaled(
    line: Criterion, expr: ColumnElement[Any], op: str, value: int | float, scale: int
) -> ColumnElement[Any]:
    """A comparison of whole stored units (cents) with a value in the units a user types
    (euros): the value times the scale, exactly in Decimal (from its text: 0.1 is the 0.1
    typed, not its binary neighbour). A value between two cents compares with the whole cents
    around it, so the bound value stays a whole number on every engine."""
    if isinstance(value, float) and not math.isfinite(value):
        raise CriteriaError(f"field {line.field!r} needs a number, got {value!r}")
    stored = Decimal(str(value)) * scale
    whole = stored.to_integral_value()
    if stored == whole:
        return _compare(expr, op, int(whole))
    below, above = math.floor(stored), math.ceil(stored)
    if op in ("lt", "le"):
        return expr <= below
    if op in ("gt", "ge"):
        return expr >= above
    if op == "eq":
        return false()  # no whole number of cents equals it
    return expr.is_not(None)  # ne: every amount differs from it


def _text_line(
    field: Field, line: Criterion, expr: ColumnElement[Any], value: Any
) -> ColumnElement[Any]:
    if not isinstance(value, str):
        raise CriteriaError(f"field {line.field!r} needs a text value")
    # Compare case-insensitively on both engines: lower() on both sides, LIKE with an escape.
    target = func.lower(expr)
    text = value.strip().lower()
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if line.op == "equals":
        return target == text
    if line.op == "is_not":
        return or_(expr.is_(None), target != text)
    if line.op == "contains":
        return target.like(f"%{escaped}%", escape="\\")
    if line.op == "not_contains":
        return or_(expr.is_(None), not_(target.like(f"%{escaped}%", escape="\\")))
    if line.op == "begins_with":
        return target.like(f"{escaped}%", escape="\\")
    return target.like(f"%{escaped}", escape="\\")  # ends_with


def _date_line(line: Criterion, expr: ColumnElement[Any], ctx: Context) -> ColumnElement[Any]:
    def day(v: Any) -> date:
        try:
            return date.fromisoformat(str(v))
        except ValueError:
            raise CriteriaError(
                f"field {line.field!r} needs a YYYY-MM-DD date, got {v!r}"
            ) from None

    value = line.value
    if line.op == "period":
        try:
            window = parse_period(str(value)).window(ctx.now, ctx.tz)
        except PeriodError as exc:
            raise CriteriaError(str(exc)) from None
    elif line.op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise CriteriaError(f"`between` on {line.field!r} needs two dates")
        window = days_window(day(value[0]), day(value[1]), ctx.tz)
    else:
        window = days_window(day(_one(line, value)), day(value), ctx.tz)
        if line.op == "before":
            return window_filter(expr, None, window.start)  # before the day starts
        if line.op == "after":
            return window_filter(expr, window.end, None)  # from the day after
    return window_filter(expr, window.start, window.end)


def window_filter(
    expr: ColumnElement[Any], start: datetime | None, end: datetime | None
) -> ColumnElement[Any]:
    parts = []
    if start is not None:
        parts.append(expr >= to_db(start))
    if end is not None:
        parts.append(expr < to_db(end))
    return and_(true(), *parts)
