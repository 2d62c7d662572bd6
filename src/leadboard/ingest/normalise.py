"""Messy cell values -> clean ones: placeholders, whitespace, numbers, times, sources.

Every function here is pure; the importer compiles a mapping into calls of these.
"""

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation

# Values that mean "not filled in": an unfilled drop-down exports as "Select" (X Education's
# data dictionary says so). A mapping may name more; matching ignores case.
DEFAULT_PLACEHOLDERS = ("Select",)

# How amounts may be written (the mapping's `format` for decimal fields): thousands separator
# and decimal mark, named by an example.
AMOUNT_FORMATS = {
    "1234.56": ("", "."),
    "1,234.56": (",", "."),
    "1.234,56": (".", ","),
    "1234,56": ("", ","),
    "1 234,56": (" ", ","),
}


class ValueProblem(ValueError):
    """A cell that cannot become the value its field needs; the message says why."""


class Cleaner:
    """Trim a cell; empty cells and placeholders become None (not set)."""

    def __init__(self, placeholders: Iterable[str] = DEFAULT_PLACEHOLDERS) -> None:
        folded = frozenset(p.strip().casefold() for p in placeholders)
        lengths = frozenset(len(p) for p in folded)
        self.placeholders = folded

        def clean(cell: str) -> str | None:
            value = cell.strip()
            if not value or (len(value) in lengths and value.casefold() in folded):
                return None
            return value

        def clean_row(cells: list[str]) -> list[str | None]:
            return [
                value
                if (value := cell.strip())
                and not (len(value) in lengths and value.casefold() in folded)
                else None
                for cell in cells
            ]

        self.clean = clean
        self.row = clean_row  # a whole row at once: rows are cleaned before fields read them

    def __call__(self, cell: str) -> str | None:
        return self.clean(cell)


def fold_key(value: str) -> str:
    """How value-map keys and cells are compared: trimmed, case-folded, inner spaces collapsed."""
    return " ".join(value.split()).casefold()


def parse_decimal(value: str, fmt: str = "1234.56") -> Decimal:
    thousands, mark = AMOUNT_FORMATS[fmt]
    text = value.strip()
    if thousands:
        text = text.replace(thousands, "")
    if mark != ".":
        if "." in text:
            raise ValueProblem(f"not a number in the form {fmt}: {value!r}")
        text = text.replace(mark, ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueProblem(f"not a number: {value!r}")
    return number


def to_cents(amount: Decimal) -> int:
    """An amount -> integer cents; more than 2 decimals is refused, never silently rounded."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueProblem(f"more than 2 decimals: {amount}")
    return int(cents)


def parse_integer(value: str) -> int:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValueProblem(f"not a whole number: {value!r}") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueProblem(f"not a whole number: {value!r}")
    return int(number)


class TimeReader:
    """Text -> naive UTC datetimes (the stored form). Naive values are read in `tz` (SPEC 5).

    Without a format, ISO 8601 is read: a date alone means 00:00 of that day; an offset, when
    given, is respected. An ambiguous local time (the repeated hour when clocks go back) is read as
    the first one. Dates alone are cached: files repeat the same days a lot.
    """

    def __init__(self, tz: tzinfo, fmt: str | None = None) -> None:
        self.tz = tz
        self.fmt = fmt
        self._days: dict[str, datetime] = {}

    def __call__(self, value: str) -> datetime:
        if len(value) != 10 or self.fmt:
            return self._parse(value)
        found = self._days.get(value)
        if found is None:
            found = self._days[value] = self._parse(value)
        return found

    def _parse(self, value: str) -> datetime:
        text = value.strip()
        try:
            if self.fmt:
                moment = datetime.strptime(text, self.fmt)
            elif len(text) == 10:
                moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
            else:
                moment = datetime.fromisoformat(text)
        except ValueError:
            expected = f"the form {self.fmt}" if self.fmt else "ISO form (YYYY-MM-DD[ HH:MM:SS])"
            raise ValueProblem(f"not a date or time in {expected}: {value!r}") from None
        if moment.tzinfo is None:
            offset = self.tz.utcoffset(moment)  # fold=0: the first of a repeated hour
            return moment - offset if offset else moment
        return moment.astimezone(UTC).replace(tzinfo=None)


def template_fields(template: str) -> list[str]:
    """The columns a template reads: `{column}`, `{column:.N}` (its first N characters) or
    `{column:slug}` (lower case, runs of other characters than letters and digits -> `-`)."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(template)]


def template_problems(template: str) -> list[str]:
    problems = [
        f"unknown modifier {m.group(2)!r} (use .N or slug)"
        for m in _PLACEHOLDER.finditer(template)
        if m.group(2) and not _MODIFIER.fullmatch(m.group(2))
    ]
    if not template_fields(template):
        problems.append("has no {column} placeholder (use value: for a constant)")
    return problems


_PLACEHOLDER = re.compile(r"\{([^{}:]+)(?::([^{}]*))?\}")
_MODIFIER = re.compile(r"\.\d+|slug")


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_key(value)).strip("-")


def _modify(value: str, modifier: str | None) -> str:
    if not modifier:
        return value
    if modifier == "slug":
        return slug(value)
    return value[: int(modifier[1:])]


def render_template(template: str, values: dict[str, str | None]) -> str | None:
    """Fill a template; placeholders of unset values become empty. Empty result -> None."""

    def fill(match: re.Match[str]) -> str:
        return _modify(values.get(match.group(1)) or "", match.group(2))

    text = " ".join(_PLACEHOLDER.sub(fill, template).split())
    return text or None
