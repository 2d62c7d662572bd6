"""Row keys and labels (SPEC 2): stored values -> stable keys -> translated labels, and back."""

from datetime import date
from typing import Any

from babel.dates import format_date

from leadboard.countries import country_codes, country_name
from leadboard.domain.channels import channel_label
from leadboard.semantic import catalog as c
from leadboard.semantic.catalog import Field
from leadboard.semantic.lookups import Lookups

__all__ = [
    "ENUM_LABELS",
    "NOT_SET",
    "OTHER",
    "WORDS",
    "bucket_label",
    "country_codes",  # from leadboard.countries, where the write paths take them
    "country_name",
    "row_key",
    "row_label",
]

NOT_SET = "__not_set__"
OTHER = "__other__"

WORDS = {
    "en": {NOT_SET: "(not set)", OTHER: "Other"},
    "nl": {NOT_SET: "(niet ingesteld)", OTHER: "Overig"},
}
ENUM_LABELS = {
    "created_via": {
        "en": {
            "form": "Form",
            "chat": "Chat",
            "import": "Import",
            "api": "API",
            "manual": "Manual",
        },
        "nl": {
            "form": "Formulier",
            "chat": "Chat",
            "import": "Import",
            "api": "API",
            "manual": "Handmatig",
        },
    },
    "sale_status": {
        "en": {"open": "Open", "sold": "Sold", "lost": "Lost", "stalled": "Stalled"},
        "nl": {"open": "Open", "sold": "Verkocht", "lost": "Verloren", "stalled": "Gestopt"},
    },
}


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


def row_label(f: Field, key: str, lookups: Lookups, lang: str) -> str:
    if key in (NOT_SET, OTHER):
        return WORDS[lang][key]
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
    if f.enum in ENUM_LABELS:
        return ENUM_LABELS[f.enum][lang].get(key, key)
    if f.name == "campaign":
        return lookups.campaign_names.get(key, key)
    return key


def bucket_label(first_day: date, grain: str, lang: str) -> str:
    if grain == "month":
        return format_date(first_day, "LLL yyyy", locale=lang)
    if grain == "week":
        year, week, _ = first_day.isocalendar()
        return f"{'wk' if lang == 'nl' else 'W'} {week} {year}"
    if grain == "quarter":
        return f"Q{(first_day.month - 1) // 3 + 1} {first_day.year}"
    if grain == "year":
        return str(first_day.year)
    return format_date(first_day, "d MMM yyyy", locale=lang)
