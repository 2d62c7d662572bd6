"""The dashboard page's context: tabs, favourites, recent visits, quick filter bar and tile layout.

`page_context` is what the template renders and what `/dashboards/{slug}.json` returns; the tiles'
figures come from `web.present.dashboard_json`, the same JSON as the API.
"""

from typing import Any

from sqlalchemy import Engine

from leadboard.clock import Clock
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.preferences import (
    favourites,
    recent,
    visible_dashboards,
)
from leadboard.dashboards.service import FilterInput
from leadboard.i18n import WORDS, t
from leadboard.semantic.choices import countries_with_data
from leadboard.semantic.filters import InputError, resolve_filters
from leadboard.semantic.keys import country_name
from leadboard.semantic.lookups import Lookups, load_lookups
from leadboard.semantic.periods import PeriodError, parse_period
from leadboard.semantic.results import TileResult
from leadboard.semantic.spec import ALL, Scope
from leadboard.settings import Settings
from leadboard.web import present
from leadboard.web.pages.session import with_query

FILTERS = ("owner", "country", "status", "period")
PERIOD_CHOICES = (
    "today",
    "this-week",
    "previous-week",
    "this-month",
    "previous-month",
    "this-and-previous-11-months",
    "this-quarter",
    "previous-quarter",
    "ytd",
    "this-year",
    "previous-year",
    "all",
)
REFRESH_CHOICES = (0, 60, 300, 900)  # seconds; 0 = off


def tabs(
    current: str,
    favs: list[str],
    last: str | None,
    lang: str,
    url_lang: str | None,
    visible: dict[str, tuple[Dashboard, bool]],
) -> list[dict[str, Any]]:
    """Pinned dashboards (the built-in ones and those pinned for the user), then favourites, then
    the most recent one, and the open one wherever it is not among them."""
    order = [slug for slug, (_, pinned) in visible.items() if pinned]
    order += [slug for slug in favs if slug not in order]
    for slug in (last, current):
        if slug and slug not in order:
            order.append(slug)
    return [
        {
            "slug": slug,
            "name": visible[slug][0].name.get(lang),
            "url": with_query(f"/dashboards/{slug}", lang=url_lang),
            "current": slug == current,
            "pinned": visible[slug][1],
            "favourite": slug in favs,
            "recent": slug == last,
        }
        for slug in order
        if slug in visible
    ]


# -- quick filters -----------------------------------------------------------------------------


def filter_input(params: Any) -> FilterInput:
    """The four quick filters from URL parameters; empty values mean no filter."""
    return FilterInput(*((params.get(name) or "").strip() or None for name in FILTERS))


def check_filters(lookups: Lookups, given: FilterInput) -> InputError | None:
    try:
        resolve_filters(lookups, given.owner, given.country, given.status, given.period)
    except InputError as exc:
        return exc
    return None


def filter_values(given: FilterInput) -> dict[str, str]:
    """Normalised the way the API reports them: country upper case, owner lower case."""
    values = {name: getattr(given, name) or "" for name in FILTERS}
    if values["country"]:
        values["country"] = (
            "none" if values["country"].lower() == "none" else values["country"].upper()
        )
    values["owner"] = values["owner"].lower()
    values["status"] = values["status"].lower()
    if values["period"]:
        try:
            values["period"] = parse_period(values["period"]).name
        except PeriodError:
            pass
    return values


def option(value: str, label: str) -> dict[str, str]:
    return {"value": value, "label": label}


def filter_options(
    lookups: Lookups,
    countries: list[str],
    lang: str,
    values: dict[str, str],
    scope: Scope = ALL,
) -> dict[str, list[dict[str, str]]]:
    """The choices of each quick filter; the first choice (value "") means no filter. The owner
    filter offers only associates whose leads or sales the viewer may see."""
    visible = scope.visible_owners()
    owners = sorted(
        (a for a in lookups.associates if visible is None or a.id in visible),
        key=lambda a: (a.name.lower(), a.email),
    )
    country_codes = set(countries)
    if values["country"] and values["country"] != "none":
        country_codes.add(values["country"])
    periods = list(PERIOD_CHOICES)
    if values["period"] and values["period"] not in periods:
        periods.append(values["period"])
    return {
        "owner": [option("", t(lang, "filter.any_owner"))]
        + [option(a.email, a.name) for a in owners],
        "country": [
            option("", t(lang, "filter.any_country")),
            *sorted(
                (option(code, country_name(code, lang)) for code in country_codes),
                key=lambda o: o["label"].lower(),
            ),
            option("none", t(lang, "filter.no_country")),
        ],
        "status": [option("", t(lang, "filter.any_status"))]
        + [option(s.key, s.name(lang)) for s in lookups.active_statuses],
        "period": [option("", t(lang, "filter.tile_period"))]
        + [option(p, period_label(p, lang)) for p in periods],
    }


def period_label(name: str, lang: str) -> str:
    """A period's name in words where we have them (ytd: "Year to date"), else the name."""
    return t(lang, f"period.{name}") if f"period.{name}" in WORDS else name


def filter_query(values: dict[str, str], url_lang: str | None) -> dict[str, str]:
    """URL parameters of the current view (the filters that are set, and ?lang= if given)."""
    query = {name: values[name] for name in FILTERS if values.get(name)}
    if url_lang:
        query["lang"] = url_lang
    return query


# -- the page ----------------------------------------------------------------------------------


def layout(dashboard: Dashboard, lang: str) -> list[dict[str, Any]]:
    """Where each tile goes on the dashboard's column grid (width, height in grid cells)."""
    return [
        {
            "key": tile.key,
            "name": tile.name.get(lang),
            "chart": tile.chart,
            "width": min(tile.width, dashboard.columns),
            # the place saved on the grid (None: after the tiles before it)
            "x": tile.x if tile.x is None else min(tile.x, dashboard.columns - 1),
            "y": tile.y,
            "height": tile.height * (2 if tile.chart == "list" else 1),
        }
        for tile in dashboard.tiles
    ]


def page_context(
    engine: Engine,
    dashboard: Dashboard,
    user_id: int | None,
    given: FilterInput,
    lang: str,
    url_lang: str | None,
    refresh: int,
    scope: Scope = ALL,
) -> dict[str, Any]:
    """Everything the dashboard page shows besides the figures (those come per tile)."""
    with engine.connect() as conn:
        lookups = load_lookups(conn)
        countries = countries_with_data(conn, scope)
        visible = visible_dashboards(conn, user_id)
        favs = favourites(conn, user_id, visible)
        last = recent(conn, user_id, exclude=dashboard.slug, visible=visible)
    error = check_filters(lookups, given)
    values = filter_values(given)
    return {
        "dashboard": {
            "slug": dashboard.slug,
            "name": dashboard.name.get(lang),
            "description": dashboard.description.get(lang) if dashboard.description else None,
            "columns": dashboard.columns,
            "theme": dashboard.theme,
            "favourite": dashboard.slug in favs,
        },
        "tabs": tabs(dashboard.slug, favs, last, lang, url_lang, visible),
        "favourites": favs,
        "recent": last,
        "filters": {
            "values": values,
            "options": filter_options(lookups, countries, lang, values, scope),
            "available": list(dashboard.quick_filters),
            "error": {"field": error.field, "message": error.message} if error else None,
        },
        "query": filter_query(values, url_lang),
        "refresh": refresh if refresh in REFRESH_CHOICES else 0,
        "refresh_choices": list(REFRESH_CHOICES),
        "layout": layout(dashboard, lang),
    }


def tile_json(
    engine: Engine,
    settings: Settings,
    clock: Clock,
    tile: Tile,
    given: FilterInput,
    lang: str,
    scope: Scope = ALL,
) -> tuple[TileResult, dict[str, Any]]:
    """One tile's typed result and its JSON, exactly as in `dashboard_json`, without the other
    tiles (the result's kind says how to show the JSON)."""
    return present.tile_results(engine, settings, clock, tile, given, lang, scope)
