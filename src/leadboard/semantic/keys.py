"""Row keys and labels (SPEC 2): stored values -> stable keys -> translated labels, and back."""

from datetime import date
from typing import Any

from babel.dates import format_date

from leadboard.countries import country_codes, country_name
from leadboard.domain.channels import channel_label
from leadboard.i18n import WORDS, t
from leadboard.semantic import catalog as c
from leadboard.semantic.catalog import Field
from leadboard.semantic.lookups import Lookups

__all__ = [
    "ENUMS",
    "NOT_SET",
    "OTHER",
    "bucket_label",
    "country_codes",  # from leadboard.countries, where the write paths take them
    "country_name",
    "enum_label",
    "row_key",
    "row_label",
]

NOT_SET = "__not_set__"
OTHER = "__other__"

# The words of the row keys and enumerated values live in i18n.py with every other word.
ROW_WORDS = {NOT_SET: "row.not_set", OTHER: "row.other"}


def row_key(f: Field, raw: Any, lookups: Lookups) -> str:
    if raw is None or raw == "":
        return NOT_SET
    if f.type == c.STATUS:
        status = lookups.status_by_id(raw)
        return status.key if status else str(raw)
    if f.type == c.ASSOCIATE:
        associate = lookups.associate_by_id(raw)
        return associate.email if associate else str(raw)
    if f.type == c.FORM:
        form = lookups.form_by_id(raw)
        return form.key if form else str(raw)
    return str(raw)


ENUMS = ("created_via", "sale_status", "submission_status")


def enum_label(enum: str, value: str, lang: str) -> str:
    """The word for a value of an enumerated field (created_via, sale_status, submission_status);
    else the value."""
    key = f"enum.{enum}.{value}"
    return t(lang, key) if key in WORDS else value


def row_label(f: Field, key: str, lookups: Lookups, lang: str) -> str:
    if key in ROW_WORDS:
        return t(lang, ROW_WORDS[key])
    if f.type == c.STATUS:
        status = lookups.status_by_key(key)
        return status.name(lang) if status else key
    if f.type == c.ASSOCIATE:
        associate = lookups.associate_by_email(key)
        return associate.name if associate else key
    if f.type == c.FORM:
        form = lookups.form_by_key(key)
        return form.name if form else key
    if f.type == c.COUNTRY:
        return country_name(key, lang)
    if f.enum == "channel":
        return channel_label(key, lang, lookups.channel_names)
    if f.enum in ENUMS:
        return enum_label(f.enum, key, lang)
    if f.name == "campaign":
        return lookups.campaign_names.get(key, key)
    return key


def bucket_label(first_day: date, grain: str, lang: str) -> str:
    if grain == "month":
        return format_date(first_day, "LLL yyyy", locale=lang)
    if grain == "week":
        year, week, _ = first_day.isocalendar()
        return t(lang, "row.week", week=week, year=year)
    if grain == "quarter":
        return f"Q{(first_day.month - 1) // 3 + 1} {first_day.year}"
    if grain == "year":
        return str(first_day.year)
    return format_date(first_day, "d MMM yyyy", locale=lang)
