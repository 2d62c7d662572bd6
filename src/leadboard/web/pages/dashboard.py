"""The dashboard page's context: tabs, favourites, recent visits, quick filter bar and tile layout.

`page_context` is what the template renders and what `/dashboards/{slug}.json` returns; the tiles'
figures come from `web.present.dashboard_json`, the same JSON as the API.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from leadboard.clock import Clock
from leadboard.dashboards.models import Dashboard, Tile
from leadboard.dashboards.service import FilterInput
from leadboard.dashboards.storage import builtin_dashboards
from leadboard.dashboards.stored import stored_dashboards
from leadboard.db.schema import companies, dashboard_favourites, dashboard_visits, leads
from leadboard.db.times import to_db
from leadboard.domain.users import viewer_for
from leadboard.i18n import WORDS, t
from leadboard.semantic.catalog import LEADS, SALES
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


# -- favourites and visits ---------------------------------------------------------------------


def visible_dashboards(conn: Connection, user_id: int | None) -> dict[str, tuple[Dashboard, bool]]:
    """Slug -> (definition, pinned for this user), in tab order: the built-in dashboards (pinned
    for everyone), then the stored ones the user may open (SPEC 3)."""
    found = {slug: (d, True) for slug, d in builtin_dashboards().items()}
    if user_id is not None:
        viewer = viewer_for(conn, user_id)
        for stored in stored_dashboards(conn, viewer):
            found[stored.slug] = (stored.definition, stored.pinned_for(viewer))
    return found


def favourites(conn: Connection, user_id: int | None) -> list[str]:
    """The user's favourite dashboards that they may open, in tab order."""
    if user_id is None:
        return []
    found = set(
        conn.execute(
            select(dashboard_favourites.c.slug).where(
                dashboard_favourites.c.associate_id == user_id
            )
        ).scalars()
    )
    return [slug for slug in visible_dashboards(conn, user_id) if slug in found]


def toggle_favourite(conn: Connection, user_id: int, slug: str) -> bool:
    """Star or unstar a dashboard; returns whether it is a favourite now."""
    where = (dashboard_favourites.c.associate_id == user_id) & (dashboard_favourites.c.slug == slug)
    if conn.execute(select(dashboard_favourites.c.slug).where(where)).first():
        conn.execute(delete(dashboard_favourites).where(where))
        return False
    conn.execute(insert(dashboard_favourites).values(associate_id=user_id, slug=slug))
    return True


def record_visit(conn: Connection, user_id: int, slug: str, at: datetime | None = None) -> None:
    """Remember when the user last opened a dashboard (the "recent" tab).

    Uses the wall clock, not the app's clock: `--today` freezes "now" for the figures, but the
    order of visits must still follow the real order.
    """
    when = to_db(at or datetime.now(UTC))
    where = (dashboard_visits.c.associate_id == user_id) & (dashboard_visits.c.slug == slug)
    if conn.execute(update(dashboard_visits).where(where).values(visited_at=when)).rowcount:
        return
    conn.execute(insert(dashboard_visits).values(associate_id=user_id, slug=slug, visited_at=when))


def recent(conn: Connection, user_id: int | None, exclude: str | None = None) -> str | None:
    """The dashboard the user opened most recently (other than `exclude`)."""
    if user_id is None:
        return None
    query = (
        select(dashboard_visits.c.slug)
        .where(dashboard_visits.c.associate_id == user_id)
        .order_by(dashboard_visits.c.visited_at.desc(), dashboard_visits.c.slug)
    )
    visible = visible_dashboards(conn, user_id)
    for slug in conn.execute(query).scalars():
        if slug != exclude and slug in visible:
            return str(slug)
    return None


def first_dashboard(conn: Connection, user_id: int | None) -> str:
    """Where `/` goes: the first favourite, else the most recent, else the first built-in."""
    return (
        next(iter(favourites(conn, user_id)), None)
        or recent(conn, user_id)
        or next(iter(builtin_dashboards()))
    )


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


def countries_with_data(conn: Connection, scope: Scope = ALL) -> list[str]:
    """The countries of leads and companies, for the country filter.

    Leads are read with a loose index scan (a recursive "next larger country" query over
    ix_leads_country_created): one index probe per country instead of a scan of every lead.
    A viewer with restricted rights is offered only the countries of the leads and sales they
    may see (see `_scoped_countries`).
    """
    if not scope.is_all:
        return _scoped_countries(conn, scope)
    found = select(func.min(leads.c.country).label("code")).cte("codes", recursive=True)
    following = (
        select(func.min(leads.c.country)).where(leads.c.country > found.c.code).scalar_subquery()
    )
    found = found.union_all(select(following).where(found.c.code.is_not(None)))
    lead_codes = conn.execute(select(found.c.code).where(found.c.code.is_not(None))).scalars()
    company_codes = conn.execute(
        select(companies.c.country).where(companies.c.country.is_not(None)).distinct()
    ).scalars()
    return sorted({str(code).upper() for code in (*lead_codes, *company_codes) if code})


def _scoped_countries(conn: Connection, scope: Scope) -> list[str]:
    """The countries (as the tiles' country field and the country filter see them: a lead's own,
    else its company's; a sale's lead's, else the sale company's) of the leads and the sales
    within the viewer's rights, so the choices do not tell where anyone else's records are."""
    codes: set[str] = set()
    for entity in (LEADS, SALES):
        country = entity.field("country")
        owner = entity.field(entity.quick_filters["owner"])
        query = (
            select(country.expr.label("code"))
            .select_from(entity.from_clause([country, owner]))
            .where(country.expr.is_not(None))
            .distinct()
        )
        allowed = scope.owners(entity.name)
        if allowed is not None:
            query = query.where(owner.expr.in_(list(allowed)))
        codes.update(str(code).upper() for code in conn.execute(query).scalars() if code)
    return sorted(codes)


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
        favs = favourites(conn, user_id)
        last = recent(conn, user_id, exclude=dashboard.slug)
        visible = visible_dashboards(conn, user_id)
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
