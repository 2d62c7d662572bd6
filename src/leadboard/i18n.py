"""Language of the web pages: choosing it, the UI word catalogue (en, nl) and Babel formatting.

Figures, dates and currency are formatted with Babel in the page's language (nl: € 1.234,56,
5 mrt 2026); charts format on the client with `Intl` in the same locale (`Formatter.js_locale`).
The word catalogue is a plain table with both languages on one line, so no word can be missing in
one of them; `t(lang, key)` looks a word up, `t(lang, key, n=3)` fills `{n}`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal, format_percent

from leadboard.languages import DEFAULT_LANGUAGE, LANGUAGES


def choose_language(
    query: str | None, user_setting: str | None, accept_language: str | None
) -> str:
    """`?lang=` first, then the user's setting, then the browser's Accept-Language, else en."""
    for candidate in (query, user_setting):
        if candidate and candidate.strip().lower() in LANGUAGES:
            return candidate.strip().lower()
    return from_accept_language(accept_language)


def from_accept_language(header: str | None) -> str:
    """The best of our languages for an Accept-Language header (RFC 9110 quality values)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


# key: (English, Dutch)
WORDS: dict[str, tuple[str, str]] = {
    # frame
    "app.name": ("Leadboard", "Leadboard"),
    "nav.skip_content": ("Skip to the content", "Ga naar de inhoud"),
    "nav.language": ("Language", "Taal"),
    "nav.theme": ("Dark theme", "Donker thema"),
    "nav.signed_in_as": ("Signed in as {name}", "Aangemeld als {name}"),
    "nav.logout": ("Log out", "Afmelden"),
    "nav.vendor_missing": (
        "The browser libraries are missing: run `make setup` (npm ci, scripts/vendor-assets).",
        "De browserbibliotheken ontbreken: voer `make setup` uit (npm ci, scripts/vendor-assets).",
    ),
    # login
    "login.title": ("Log in", "Aanmelden"),
    "login.email": ("Email", "E-mail"),
    "login.password": ("Password", "Wachtwoord"),
    "login.submit": ("Log in", "Aanmelden"),
    "login.failed": ("Wrong email or password.", "Onjuist e-mailadres of wachtwoord."),
    "login.csrf": (
        "The form had expired; please try again.",
        "Het formulier was verlopen; probeer het opnieuw.",
    ),
    "login.logged_out": ("You have logged out.", "U bent afgemeld."),
    "login.throttled": (
        "Too many failed log-ins; try again in {minutes} min.",
        "Te veel mislukte aanmeldpogingen; probeer het over {minutes} min. opnieuw.",
    ),
    # GET /logout: the button (logging out itself is a POST with a CSRF token)
    "logout.title": ("Log out", "Afmelden"),
    "logout.question": ("Log out {name}?", "{name} afmelden?"),
    "logout.cancel": (
        "Stay signed in: back to the dashboards",
        "Aangemeld blijven: terug naar de dashboards",
    ),
    "logout.csrf": (
        "The page had expired; click the button again to log out.",
        "De pagina was verlopen; klik nogmaals op de knop om af te melden.",
    ),
    # dashboard frame
    "dash.tabs": ("Dashboards", "Dashboards"),
    "dash.favourite": ("Favourite", "Favoriet"),
    "dash.add_favourite": ("Add to favourites", "Toevoegen aan favorieten"),
    "dash.remove_favourite": ("Remove from favourites", "Verwijderen uit favorieten"),
    "dash.recent": ("Recent", "Recent"),
    "dash.filters": ("Quick filters", "Snelfilters"),
    "dash.refresh": ("Refresh", "Vernieuwen"),
    "dash.auto_refresh": ("Auto-refresh", "Automatisch vernieuwen"),
    "dash.auto_off": ("Off", "Uit"),
    "dash.every_minutes": ("Every {n} min", "Elke {n} min"),
    "dash.print": ("Print", "Afdrukken"),
    "dash.updated": ("Updated {time}", "Bijgewerkt {time}"),
    "dash.loading": ("Loading…", "Laden…"),
    "dash.bad_filter": ("This filter is not valid: {message}", "Dit filter is ongeldig: {message}"),
    "dash.load_failed": (
        "The dashboard could not be loaded. Try Refresh.",
        "Het dashboard kon niet worden geladen. Probeer Vernieuwen.",
    ),
    # filters
    "filter.owner": ("Employee", "Medewerker"),
    "filter.country": ("Country", "Land"),
    "filter.status": ("Lead status", "Leadstatus"),
    "filter.period": ("Period", "Periode"),
    "filter.any_owner": ("All employees", "Alle medewerkers"),
    "filter.any_country": ("All countries", "Alle landen"),
    "filter.no_country": ("(no country)", "(geen land)"),
    "filter.any_status": ("All statuses", "Alle statussen"),
    "filter.tile_period": ("Each tile's own period", "Eigen periode van elke tegel"),
    "filter.mark": ("Filtered by {fields}", "Gefilterd op {fields}"),
    # periods
    "period.today": ("Today", "Vandaag"),
    "period.this-week": ("This week", "Deze week"),
    "period.previous-week": ("Last week", "Vorige week"),
    "period.this-month": ("This month", "Deze maand"),
    "period.previous-month": ("Last month", "Vorige maand"),
    "period.this-and-previous-11-months": ("Last 12 months", "Laatste 12 maanden"),
    "period.this-quarter": ("This quarter", "Dit kwartaal"),
    "period.previous-quarter": ("Last quarter", "Vorig kwartaal"),
    "period.ytd": ("Year to date", "Dit jaar tot vandaag"),
    "period.this-year": ("This year", "Dit jaar"),
    "period.previous-year": ("Last year", "Vorig jaar"),
    "period.all": ("All time", "Alles"),
    # tiles
    "tile.menu": ("Tile menu: {name}", "Tegelmenu: {name}"),
    "tile.fullscreen": ("Full screen", "Volledig scherm"),
    "tile.exit_fullscreen": ("Exit full screen", "Volledig scherm sluiten"),
    "tile.png": ("Download PNG", "PNG downloaden"),
    "tile.figures": ("Show the figures", "Toon de cijfers"),
    "tile.figure": ("Figure", "Cijfer"),
    "tile.target_word": ("Target", "Doel"),
    "tile.count_of_total": ("Count / total", "Aantal / totaal"),
    "tile.csv": ("Download CSV", "CSV downloaden"),
    "tile.print": ("Print", "Afdrukken"),
    "tile.as_of": ("as of {time}", "per {time}"),
    "tile.no_data": ("No data", "Geen gegevens"),
    "tile.error": ("This tile could not be computed:", "Deze tegel kon niet worden berekend:"),
    # the error of a tile that failed for a reason the viewer cannot act on (logged in full)
    "tile.failed": ("This tile could not be computed", "Deze tegel kon niet worden berekend"),
    "tile.loading": ("Loading…", "Laden…"),
    # a partial period (one that holds now) and what it is compared with (SPEC 9.4)
    "tile.so_far": ("so far", "t/m vandaag"),
    "tile.until": ("to {day}", "t/m {day}"),
    "tile.compare_whole": (
        "Same period last year ({window}): {value}",
        "Zelfde periode vorig jaar ({window}): {value}",
    ),
    "tile.compare_partial": (
        "Same span last year ({window}): {value}",
        "Vorig jaar tot dezelfde dag ({window}): {value}",
    ),
    "tile.compare_previous": (
        "Previous period ({window}): {value}",
        "Vorige periode ({window}): {value}",
    ),
    "tile.compare_previous_partial": (
        "Same span of the previous period ({window}): {value}",
        "Zelfde deel van de vorige periode ({window}): {value}",
    ),
    "tile.compare_target": ("Against the target: {value}", "Ten opzichte van het doel: {value}"),
    "tile.compare_value": ("Compared with {value}", "Vergeleken met {value}"),
    "tile.web_panel": ("Web page: {name}", "Webpagina: {name}"),
    "tile.up": ("up", "hoger"),
    "tile.down": ("down", "lager"),
    "tile.flat": ("unchanged", "gelijk"),
    "tile.target": ("Target {value}", "Doel {value}"),
    "tile.of_total": ("{count} of {total}", "{count} van {total}"),
    "tile.showing": ("Showing {shown} of {total}", "{shown} van {total} getoond"),
    "tile.show_records": ("Show the records", "Toon de records"),
    "tile.pct_first": ("of first", "van eerste"),
    "tile.pct_previous": ("of previous", "van vorige"),
    "tile.this_period": ("Selected period", "Gekozen periode"),
    "tile.last_year": ("Same period last year", "Zelfde periode vorig jaar"),
    "tile.same_span": ("Same span last year", "Vorig jaar tot dezelfde dag"),
    "tile.chart_help": (
        "Click a segment, bar or step to see its records.",
        "Klik op een segment, staaf of stap om de records te zien.",
    ),
    # measures
    "measure.count.leads": ("Leads", "Leads"),
    "measure.count.sales": ("Sales", "Verkopen"),
    "measure.amount": ("Amount", "Bedrag"),
    "measure.weighted_amount": ("Weighted amount", "Gewogen bedrag"),
    "measure.count.form_submissions": ("Form submissions", "Formulierinzendingen"),
    "measure.count.chats": ("Chats", "Chats"),
    # an amount measure with an aggregate other than its sum
    "measure.avg.amount": ("Average amount", "Gemiddeld bedrag"),
    "measure.min.amount": ("Lowest amount", "Laagste bedrag"),
    "measure.max.amount": ("Highest amount", "Hoogste bedrag"),
    "measure.avg.weighted_amount": ("Average weighted amount", "Gemiddeld gewogen bedrag"),
    "measure.min.weighted_amount": ("Lowest weighted amount", "Laagste gewogen bedrag"),
    "measure.max.weighted_amount": ("Highest weighted amount", "Hoogste gewogen bedrag"),
    # list columns
    "col.id": ("Id", "Id"),
    "col.name": ("Name", "Naam"),
    "col.email": ("Email", "E-mail"),
    "col.company": ("Company", "Bedrijf"),
    "col.owner": ("Owner", "Eigenaar"),
    "col.country": ("Country", "Land"),
    "col.status": ("Status", "Status"),
    "col.created_at": ("Created", "Aangemaakt"),
    "col.status_since": ("In status since", "In status sinds"),
    "col.title": ("Title", "Titel"),
    "col.lead": ("Lead", "Lead"),
    "col.amount": ("Amount", "Bedrag"),
    "col.currency": ("Currency", "Valuta"),
    "col.sale_date": ("Sale date", "Verkoopdatum"),
    "col.submitted_at": ("Submitted", "Ingezonden"),
    "col.form": ("Form", "Formulier"),
    "col.source": ("Source", "Bron"),
    "col.campaign": ("Campaign", "Campagne"),
    "col.started_at": ("Started", "Begonnen"),
    "col.ended_at": ("Ended", "Beëindigd"),
    "col.agent": ("Agent", "Medewerker"),
    "col.visitor_name": ("Visitor", "Bezoeker"),
    "col.visitor_company": ("Visitor's company", "Bedrijf van de bezoeker"),
    # drill-down
    "drill.title": ("Records", "Records"),
    "drill.close": ("Close", "Sluiten"),
    "drill.count": ("{n} records", "{n} records"),
    "drill.total": ("Total", "Totaal"),
    "drill.previous": ("Previous page", "Vorige pagina"),
    "drill.next": ("Next page", "Volgende pagina"),
    "drill.page": ("Page {page} of {pages}", "Pagina {page} van {pages}"),
    "drill.csv": ("Download CSV", "CSV downloaden"),
    "drill.form_page": ("The form's page and snippet", "Pagina en snippet van het formulier"),
    "drill.none": ("No records.", "Geen records."),
    # lead page
    "lead.title": ("Lead {id}", "Lead {id}"),
    "lead.back": ("Back to the dashboards", "Terug naar de dashboards"),
    "lead.contact": ("Contact", "Contactpersoon"),
    "lead.phone": ("Phone", "Telefoon"),
    "lead.job_title": ("Job title", "Functie"),
    "lead.company": ("Company", "Bedrijf"),
    "lead.category": ("Category", "Categorie"),
    "lead.owner": ("Owner", "Eigenaar"),
    "lead.group": ("Group", "Groep"),
    "lead.status": ("Status", "Status"),
    "lead.status_since": ("Since", "Sinds"),
    "lead.history": ("Status history", "Statusgeschiedenis"),
    "lead.history_at": ("When", "Wanneer"),
    "lead.history_from": ("From", "Van"),
    "lead.history_to": ("To", "Naar"),
    "lead.history_by": ("By", "Door"),
    "lead.origin": ("Where the lead came from", "Waar de lead vandaan kwam"),
    "lead.created_at": ("Created", "Aangemaakt"),
    "lead.created_via": ("Created via", "Aangemaakt via"),
    "lead.channel": ("Channel", "Kanaal"),
    "lead.creation_source": ("Lead creation source", "Leadcreatiebron"),
    "lead.first_contact_source": ("First contact source", "Eerste contactbron"),
    "lead.form": ("Form", "Formulier"),
    "lead.chat": ("Chat", "Chat"),
    "lead.chat_started": (
        "Chat started {time}, agent {agent}",
        "Chat begonnen {time}, agent {agent}",
    ),
    "lead.tuples": ("Attribution", "Toeschrijving"),
    "lead.first_touch": ("First touch", "Eerste aanraking"),
    "lead.lead_creation": ("Lead creation", "Leadcreatie"),
    "lead.source": ("Source", "Bron"),
    "lead.medium": ("Medium", "Medium"),
    "lead.campaign": ("Campaign", "Campagne"),
    "lead.term": ("Term", "Zoekterm"),
    "lead.content": ("Content", "Inhoud"),
    "lead.referrer": ("Referrer", "Verwijzer"),
    "lead.click_id": ("Click id", "Klik-id"),
    "lead.at": ("At", "Op"),
    "lead.sales": ("Sales", "Verkopen"),
    "lead.no_sales": ("No sales.", "Geen verkopen."),
    "lead.stage": ("Stage", "Fase"),
    "lead.probability": ("Probability", "Kans"),
    "lead.anonymised": (
        "This lead was anonymised on {date}.",
        "Deze lead is op {date} geanonimiseerd.",
    ),
    "lead.none": ("—", "—"),
    # a GDPR-erased lead's name wherever a name is shown (domain/erasure.py)
    "lead.erased": ("Erased contact", "Gewiste contactpersoon"),
    # leads people work on: the navigation bar, /leads, the lead page's actions, /forms
    "nav.main": ("Main", "Hoofdmenu"),
    "nav.dashboards": ("Dashboards", "Dashboards"),
    "nav.leads": ("Leads", "Leads"),
    "nav.forms": ("Forms", "Formulieren"),
    "nav.selections": ("Selections", "Selecties"),
    # dynamic selections (web/pages/selections.py)
    "sel.title": ("Selections", "Selecties"),
    "sel.intro": (
        "Saved criteria over leads or sales, worked out again each time you open them.",
        "Opgeslagen criteria over leads of verkopen, telkens opnieuw bepaald als u ze opent.",
    ),
    "sel.search": ("Find", "Zoeken"),
    "sel.search_button": ("Search", "Zoek"),
    "sel.none": ("No selections yet.", "Nog geen selecties."),
    "sel.new": ("New selection", "Nieuwe selectie"),
    "sel.name_en": ("Name (English)", "Naam (Engels)"),
    "sel.name_nl": ("Name (Dutch)", "Naam (Nederlands)"),
    "sel.name_required": ("give the selection a name", "geef de selectie een naam"),
    # the new-selection form's problems (web/pages/selections.py form_error)
    "sel.err.entity": ("choose leads or sales", "kies leads of verkopen"),
    "sel.err.line": ("Criterion {field}", "Criterium {field}"),
    "sel.err.field": (
        "there is no such field for these records",
        "deze records hebben zo'n veld niet",
    ),
    "sel.err.op": ("{field} does not take the operator {op}", "{field} kent de operator {op} niet"),
    "sel.err.value": ("{value} does not fit {field}", "{value} past niet bij {field}"),
    "sel.err.invalid": (
        "this selection cannot be saved; check its fields",
        "deze selectie kan niet worden opgeslagen; controleer de velden",
    ),
    "sel.entity": ("Of", "Van"),
    "sel.entity_leads": ("Leads", "Leads"),
    "sel.entity_sales": ("Sales", "Verkopen"),
    "sel.criteria": ("Criteria", "Criteria"),
    "sel.criteria_help": (
        "Lines with the same group number must all match; groups are alternatives. Several "
        "values: separate them with commas. A line without a value does nothing.",
        "Regels met hetzelfde groepsnummer moeten alle kloppen; groepen zijn alternatieven. "
        "Meerdere waarden: scheid ze met komma's. Een regel zonder waarde doet niets.",
    ),
    "sel.group": ("Group", "Groep"),
    "sel.field": ("Field", "Veld"),
    "sel.operator": ("Operator", "Operator"),
    "sel.value": ("Value", "Waarde"),
    "sel.save": ("Save selection", "Selectie opslaan"),
    "sel.xlsx": ("Download XLSX", "XLSX downloaden"),
    "sel.board": ("Board", "Bord"),
    "sel.all": ("All selections", "Alle selecties"),
    "sel.columns": ("Columns", "Kolommen"),
    "sel.apply": ("Show", "Tonen"),
    "sel.as_list": ("Show as a list", "Als lijst tonen"),
    "sel.board_help": (
        "Drag a card to another column to change the lead's status.",
        "Sleep een kaart naar een andere kolom om de status van de lead te wijzigen.",
    ),
    "sel.move_to": ("Move to", "Verplaatsen naar"),
    "sel.move": ("Move", "Verplaatsen"),
    "sel.move_failed": (
        "The lead could not be moved; reload the page.",
        "De lead kon niet worden verplaatst; laad de pagina opnieuw.",
    ),
    "sel.more_cards": ("and {n} more", "en nog {n}"),
    "sel.save_drill": ("Save as selection", "Opslaan als selectie"),
    "sel.save_drill_name": ("Name of the selection", "Naam van de selectie"),
    "nav.admin": ("Admin", "Beheer"),
    # pages that find, make, change, share and delete dashboards (web/pages/dashboard_admin.py)
    "dashadmin.list_title": ("All dashboards", "Alle dashboards"),
    "dashadmin.more": ("More…", "Meer…"),
    "dashadmin.search": ("Search dashboards", "Dashboards zoeken"),
    "dashadmin.search_label": ("Name or description", "Naam of beschrijving"),
    "dashadmin.search_button": ("Search", "Zoeken"),
    "dashadmin.count": ("{n} dashboards", "{n} dashboards"),
    "dashadmin.none_found": ("No dashboard matches “{q}”.", "Geen dashboard gevonden voor “{q}”."),
    "dashadmin.new": ("New dashboard", "Nieuw dashboard"),
    "dashadmin.builtin": ("Built-in", "Standaard"),
    "dashadmin.owner": ("Owner", "Eigenaar"),
    "dashadmin.you": ("you", "jij"),
    "dashadmin.shared": ("Shared", "Gedeeld"),
    "dashadmin.not_shared": ("Only the owner", "Alleen de eigenaar"),
    "dashadmin.pinned": ("Pinned", "Vastgezet"),
    "dashadmin.name_en": ("Name (English)", "Naam (Engels)"),
    "dashadmin.name_nl": ("Name (Dutch)", "Naam (Nederlands)"),
    "dashadmin.nl_hint": ("Empty: the English text", "Leeg: de Engelse tekst"),
    "dashadmin.description_en": ("Description (English)", "Beschrijving (Engels)"),
    "dashadmin.description_nl": ("Description (Dutch)", "Beschrijving (Nederlands)"),
    "dashadmin.theme": ("Theme", "Thema"),
    "dashadmin.theme_light": ("Light", "Licht"),
    "dashadmin.theme_dark": ("Dark", "Donker"),
    "dashadmin.columns": ("Number of columns", "Aantal kolommen"),
    "dashadmin.columns_hint": (
        "1 to 12; with fewer columns the tiles move down, none is removed",
        "1 tot en met 12; bij minder kolommen schuiven de tegels omlaag, er verdwijnt er geen",
    ),
    "dashadmin.create": ("Create dashboard", "Dashboard maken"),
    "dashadmin.new_about": (
        "A new dashboard is empty and visible to you only until you share it.",
        "Een nieuw dashboard is leeg en alleen voor jou zichtbaar tot je het deelt.",
    ),
    "dashadmin.save": ("Save", "Opslaan"),
    "dashadmin.cancel": ("Cancel", "Annuleren"),
    "dashadmin.back": ("Back to the dashboard", "Terug naar het dashboard"),
    "dashadmin.actions": ("Dashboard actions", "Dashboardacties"),
    "dashadmin.settings": ("Settings", "Instellingen"),
    "dashadmin.duplicate": ("Duplicate", "Dupliceren"),
    "dashadmin.share": ("Share", "Delen"),
    "dashadmin.delete": ("Delete", "Verwijderen"),
    "dashadmin.settings_title": ("Settings of “{name}”", "Instellingen van “{name}”"),
    "dashadmin.delete_title": ("Delete “{name}”?", "“{name}” verwijderen?"),
    "dashadmin.delete_about": (
        "The dashboard and its tiles are deleted, also for everyone it is shared with. This "
        "cannot be undone.",
        "Het dashboard en de tegels worden verwijderd, ook voor iedereen met wie het gedeeld is. "
        "Dit kan niet ongedaan worden gemaakt.",
    ),
    "dashadmin.delete_button": ("Delete for good", "Definitief verwijderen"),
    "dashadmin.sharing_title": ("Share “{name}”", "“{name}” delen"),
    "dashadmin.visible_for": ("Visible for", "Zichtbaar voor"),
    "dashadmin.visible_about": (
        "Who may open it, besides its owner.",
        "Wie het mag openen, naast de eigenaar.",
    ),
    "dashadmin.pinned_to": ("Pin to", "Vastzetten voor"),
    "dashadmin.pinned_about": (
        "Who gets it as a tab; they may open it too.",
        "Wie het als tabblad krijgt; zij mogen het ook openen.",
    ),
    "dashadmin.everyone": ("Everyone", "Iedereen"),
    "dashadmin.groups": ("Groups", "Groepen"),
    "dashadmin.users": ("Users", "Gebruikers"),
    "dashadmin.no_groups": ("There are no groups yet.", "Er zijn nog geen groepen."),
    "dashadmin.transfer": ("Transfer to another owner", "Overdragen aan een andere eigenaar"),
    "dashadmin.new_owner": ("New owner", "Nieuwe eigenaar"),
    "dashadmin.transfer_button": ("Transfer", "Overdragen"),
    "dashadmin.created": ("Dashboard “{name}” created.", "Dashboard “{name}” is aangemaakt."),
    "dashadmin.saved": ("Settings of “{name}” saved.", "Instellingen van “{name}” opgeslagen."),
    "dashadmin.duplicated": (
        "Copied as “{name}”: the copy is yours and not shared.",
        "Gekopieerd als “{name}”: de kopie is van jou en niet gedeeld.",
    ),
    "dashadmin.deleted": ("Dashboard “{name}” deleted.", "Dashboard “{name}” is verwijderd."),
    "dashadmin.shared_saved": (
        "Who sees “{name}” is saved.",
        "Wie “{name}” ziet, is opgeslagen.",
    ),
    "dashadmin.transferred": ("“{name}” now belongs to {owner}.", "“{name}” is nu van {owner}."),
    "dashadmin.not_saved": (
        "Not saved: see the message next to the field.",
        "Niet opgeslagen: zie de melding bij het veld.",
    ),
    "dashadmin.need_name": ("Give the dashboard a name.", "Geef het dashboard een naam."),
    "dashadmin.too_long": ("At most {n} characters.", "Maximaal {n} tekens."),
    "dashadmin.bad_text": (
        "This text has a character that cannot be stored.",
        "Deze tekst bevat een teken dat niet kan worden opgeslagen.",
    ),
    "dashadmin.bad_columns": (
        "A whole number from 1 to 12.",
        "Een geheel getal van 1 tot en met 12.",
    ),
    "dashadmin.bad_theme": ("Choose light or dark.", "Kies licht of donker."),
    "dashadmin.bad_choice": ("Not one of the choices: {value}.", "Geen van de keuzes: {value}."),
    "dashadmin.readonly": (
        "Built-in dashboards are read-only: duplicate one to change it.",
        "Standaarddashboards zijn alleen-lezen: dupliceer er een om het aan te passen.",
    ),
    "dashadmin.not_owner": (
        "Only the dashboard's owner may do this.",
        "Alleen de eigenaar van het dashboard mag dit.",
    ),
    "dashadmin.no_share_right": (
        "Sharing and pinning dashboards needs the dashboard-admin role.",
        "Voor het delen en vastzetten van dashboards is de rol dashboardbeheerder nodig.",
    ),
    "dashadmin.owner_or_admin": (
        "Only the owner or an administrator may do this.",
        "Alleen de eigenaar of een beheerder mag dit.",
    ),
    "dashadmin.slug_taken": (
        "A dashboard with this name was made just now; choose another name.",
        "Er is net een dashboard met deze naam gemaakt; kies een andere naam.",
    ),
    "dashadmin.refused": (
        "This change cannot be saved; check the form.",
        "Deze wijziging kan niet worden opgeslagen; controleer het formulier.",
    ),
    "leads.title": ("Leads", "Leads"),
    "leads.search_label": ("Search leads", "Leads zoeken"),
    "leads.search": ("Search", "Zoeken"),
    "leads.search_hint": ("Name, email or company", "Naam, e-mail of bedrijf"),
    "leads.search_button": ("Search", "Zoeken"),
    "leads.total": ("{n} leads", "{n} leads"),
    "leads.page_of": ("page {page} of {pages}", "pagina {page} van {pages}"),
    "leads.pages": ("Pages", "Pagina's"),
    "leads.previous": ("← Previous", "← Vorige"),
    "leads.next": ("Next →", "Volgende →"),
    "leads.none": ("No leads match.", "Geen leads gevonden."),
    "leads.back": ("Back to the leads", "Terug naar de leads"),
    "leads.actions": ("Work on this lead", "Aan deze lead werken"),
    "leads.new_status": ("Status", "Status"),
    "leads.change_status": ("Change status", "Status wijzigen"),
    "leads.new_owner": ("Owner", "Eigenaar"),
    "leads.change_owner": ("Change owner", "Eigenaar wijzigen"),
    "leads.no_owner": ("(no owner)", "(geen eigenaar)"),
    "leads.conversions": ("Conversions", "Conversies"),
    "leads.no_conversions": (
        "No conversions: the contact has not sent a form again.",
        "Geen conversies: de contactpersoon heeft niet opnieuw een formulier verzonden.",
    ),
    "leads.submitted_at": ("Sent", "Verzonden"),
    "leads.forms_title": ("Forms", "Formulieren"),
    "leads.forms_intro": (
        "Each form's page has the snippet for your website; the hosted page works without one.",
        "Op de pagina van elk formulier staat de code voor uw website; de gehoste pagina werkt "
        "zonder.",
    ),
    "leads.forms_submissions": ("Submissions", "Inzendingen"),
    "leads.forms_conversions": ("Conversions", "Conversies"),
    "leads.forms_active": ("active", "actief"),
    "leads.forms_inactive": ("inactive", "inactief"),
    "leads.forms_none": ("No forms yet.", "Nog geen formulieren."),
    # errors
    "error.title": ("Something went wrong", "Er ging iets mis"),
    "error.404": ("This page does not exist.", "Deze pagina bestaat niet."),
    "error.403": ("You may not do this.", "Dit mag u niet doen."),
    "error.405": ("This method is not allowed here.", "Deze methode is hier niet toegestaan."),
    "error.422": ("The request is not valid.", "Het verzoek is ongeldig."),
    "error.500": ("The server had a problem.", "De server had een probleem."),
    "error.503": (
        "The database cannot be reached right now; nothing was changed. Try again in a moment.",
        "De database is nu niet bereikbaar; er is niets gewijzigd. Probeer het zo opnieuw.",
    ),
    "error.home": ("Go to the dashboards", "Naar de dashboards"),
    # the form snippet and the hosted form /f/{key} (a custom field without a word: its name)
    "form.first_name": ("First name", "Voornaam"),
    "form.last_name": ("Last name", "Achternaam"),
    "form.name": ("Name", "Naam"),
    "form.email": ("Email", "E-mail"),
    "form.phone": ("Phone", "Telefoon"),
    "form.job_title": ("Job title", "Functie"),
    "form.company": ("Company", "Bedrijf"),
    "form.country": ("Country", "Land"),
    "form.message": ("Message", "Bericht"),
    "form.send": ("Send", "Verzenden"),
    "form.honeypot": ("Leave this empty", "Laat dit leeg"),
    "form.required_note": ("Fields marked * are required.", "Velden met * zijn verplicht."),
    # the answers of a browser's form post, and /f/{key} of an unknown form
    "capture.not_found_title": ("Form not found", "Formulier niet gevonden"),
    "capture.not_found": (
        "No active form with key {form_key}.",
        "Geen actief formulier met sleutel {form_key}.",
    ),
    "capture.refused_title": (
        "Your form could not be sent",
        "Uw formulier kon niet worden verzonden",
    ),
    "capture.thanks_title": ("Thank you", "Bedankt"),
    "capture.thanks": ("We received your details.", "We hebben uw gegevens ontvangen."),
    "capture.reference": ("(reference {id})", "(referentie {id})"),
    "capture.back": ("Go back", "Terug"),
    # the form's page in the app: /forms/{key}
    "formpage.key": ("Key", "Sleutel"),
    "formpage.status": ("Status", "Status"),
    "formpage.active": ("active", "actief"),
    "formpage.inactive": (
        "inactive: posts are refused (404)",
        "inactief: posts worden geweigerd (404)",
    ),
    "formpage.endpoint": ("Endpoint", "Eindpunt"),
    "formpage.endpoint_note": ("(JSON or urlencoded)", "(JSON of urlencoded)"),
    "formpage.origins": ("Allowed origins", "Toegestane origins"),
    "formpage.no_origins": (
        "none: browsers on other sites are refused (403)",
        "geen: browsers op andere sites worden geweigerd (403)",
    ),
    "formpage.thank_you": ("Thank-you page", "Bedankpagina"),
    "formpage.no_thank_you": (
        "none (a plain thank-you message)",
        "geen (een eenvoudig bedankbericht)",
    ),
    "formpage.hosted": ("Hosted page", "Gehoste pagina"),
    "formpage.hosted_lang": (
        "The visitor's browser picks its language; add ?lang=nl or ?lang=en to fix it.",
        "De browser van de bezoeker kiest de taal; voeg ?lang=nl of ?lang=en toe om die vast "
        "te leggen.",
    ),
    "formpage.step_script": ("1. On every page of the site", "1. Op elke pagina van de site"),
    "formpage.step_form": ("2. Where the form goes", "2. Waar het formulier komt"),
    "formpage.snippet_lang": (
        "The labels are in English; switch to NL at the top for Dutch ones.",
        "De labels zijn in het Nederlands; kies EN bovenaan voor Engelse.",
    ),
    "formpage.help": (
        "The script adds the hidden fields lb_ft (first touch) and lb_visit (current visit) when "
        "the form is sent. Posting with fetch()? Add window.leadboard.fields() to the body. Leave "
        "lb_website empty: it is a trap for bots.",
        "Het script voegt bij verzenden de verborgen velden lb_ft (eerste aanraking) en lb_visit "
        "(huidig bezoek) toe. Verstuurt u met fetch()? Voeg window.leadboard.fields() toe aan de "
        "body. Laat lb_website leeg: dat is een val voor bots.",
    ),
    # the admin pages (/admin ...): users, groups, roles, lead statuses, currency rates
    "admin.title": ("Administration", "Beheer"),
    "admin.sections": ("Administration sections", "Onderdelen van beheer"),
    "admin.users": ("Users", "Gebruikers"),
    "admin.groups": ("Groups", "Groepen"),
    "admin.roles": ("Roles", "Rollen"),
    "admin.statuses": ("Lead statuses", "Leadstatussen"),
    "admin.rates": ("Currency rates", "Wisselkoersen"),
    "admin.users_about": (
        "Who can log in, with which role and group.",
        "Wie kan aanmelden, met welke rol en groep.",
    ),
    "admin.groups_about": (
        "Groups of associates, for group rights.",
        "Groepen medewerkers, voor groepsrechten.",
    ),
    "admin.roles_about": (
        "Roles and which leads and sales they see.",
        "Rollen en welke leads en verkopen ze zien.",
    ),
    "admin.statuses_about": (
        "The lead statuses: order, names in both languages, the funnel path.",
        "De leadstatussen: volgorde, namen in beide talen, het trechterpad.",
    ),
    "admin.rates_about": (
        "Exchange rates to the base currency.",
        "Wisselkoersen naar de basisvaluta.",
    ),
    "admin.count": ("{n} in all", "{n} in totaal"),
    "admin.forbidden": (
        "Only admins may open the administration pages.",
        "Alleen beheerders mogen de beheerpagina's openen.",
    ),
    "admin.csrf": (
        "The form had expired; reload the page and try again.",
        "Het formulier was verlopen; laad de pagina opnieuw en probeer het nog eens.",
    ),
    "admin.not_saved": (
        "Not saved: see the message at the field.",
        "Niet opgeslagen: zie de melding bij het veld.",
    ),
    "admin.email": ("Email", "E-mail"),
    "admin.name": ("Name", "Naam"),
    "admin.name_default": ("Empty: made from the email", "Leeg: afgeleid van het e-mailadres"),
    "admin.role": ("Role", "Rol"),
    "admin.group": ("Group", "Groep"),
    "admin.no_group": ("(no group)", "(geen groep)"),
    "admin.password": ("Password", "Wachtwoord"),
    "admin.initial_password": (
        "At least 8 characters; empty: the user cannot log in until one is set",
        "Minstens 8 tekens; leeg: de gebruiker kan pas aanmelden als er een is ingesteld",
    ),
    "admin.new_password": (
        "New password (at least 8 characters)",
        "Nieuw wachtwoord (minstens 8 tekens)",
    ),
    "admin.active": ("Active", "Actief"),
    "admin.inactive": ("Inactive", "Inactief"),
    "admin.can_log_in": ("Can log in", "Kan aanmelden"),
    "admin.yes": ("yes", "ja"),
    "admin.no": ("no", "nee"),
    "admin.add": ("Add", "Toevoegen"),
    "admin.save": ("Save", "Opslaan"),
    "admin.set": ("Set", "Instellen"),
    "admin.delete": ("Delete", "Verwijderen"),
    "admin.actions": ("Actions", "Acties"),
    "admin.add_user": ("Add a user", "Gebruiker toevoegen"),
    "admin.change_user": ("Name, role, group, active", "Naam, rol, groep, actief"),
    "admin.reset_password": ("Reset the password", "Wachtwoord opnieuw instellen"),
    "admin.set_password": ("Set the password", "Wachtwoord instellen"),
    "admin.sessions_note": (
        "A new role, deactivation or a new password logs the user out at once.",
        "Een nieuwe rol, deactiveren of een nieuw wachtwoord meldt de gebruiker meteen af.",
    ),
    "admin.back_users": ("All users", "Alle gebruikers"),
    "admin.user_added": ("User {email} added.", "Gebruiker {email} toegevoegd."),
    "admin.user_made": ("{email} is now a user.", "{email} is nu een gebruiker."),
    "admin.user_changed": ("{email} saved.", "{email} opgeslagen."),
    "admin.password_set": (
        "New password set for {email}; their sessions have ended.",
        "Nieuw wachtwoord ingesteld voor {email}; de sessies zijn beëindigd.",
    ),
    "admin.members": ("Members", "Leden"),
    "admin.add_group": ("Add a group", "Groep toevoegen"),
    "admin.group_added": ("Group {name} added.", "Groep {name} toegevoegd."),
    "admin.no_groups": ("No groups yet.", "Nog geen groepen."),
    "admin.key": ("Key", "Sleutel"),
    "admin.key_rule": (
        "A letter, then letters, digits and dashes (32 at most); it cannot change later",
        "Een letter, dan letters, cijfers en streepjes (hoogstens 32); later niet te wijzigen",
    ),
    "admin.leads": ("Leads", "Leads"),
    "admin.sales": ("Sales", "Verkopen"),
    "admin.scope.own": ("own", "eigen"),
    "admin.scope.group": ("group", "groep"),
    "admin.scope.all": ("all", "alle"),
    "admin.builtin": ("built-in", "ingebouwd"),
    "admin.add_role": ("Add a role", "Rol toevoegen"),
    "admin.role_added": ("Role {role} added.", "Rol {role} toegevoegd."),
    "admin.role_changed": (
        "Role {role} saved; its users have the new rights on their next request.",
        "Rol {role} opgeslagen; de gebruikers hebben de nieuwe rechten bij hun volgende verzoek.",
    ),
    "admin.admin_fixed": ("Always all; cannot be changed.", "Altijd alle; niet te wijzigen."),
    "admin.rights_note": (
        "own: the records they own; group: those of everyone in their group; all: everything.",
        "eigen: de records die ze bezitten; groep: die van iedereen in hun groep; alle: alles.",
    ),
    "admin.rank": ("Order", "Volgorde"),
    "admin.name_en": ("Name (English)", "Naam (Engels)"),
    "admin.name_nl": ("Name (Dutch)", "Naam (Nederlands)"),
    "admin.name_nl_default": ("Empty: the English name", "Leeg: de Engelse naam"),
    "admin.key_default": (
        "Empty: made from the English name",
        "Leeg: afgeleid van de Engelse naam",
    ),
    "admin.funnel": ("On the funnel path", "Op het trechterpad"),
    "admin.move_up_label": ("Move {name} up", "{name} omhoog"),
    "admin.move_down_label": ("Move {name} down", "{name} omlaag"),
    "admin.open_fixed": (
        "Open cannot be deleted and stays on the funnel path.",
        "Open kan niet worden verwijderd en blijft op het trechterpad.",
    ),
    "admin.add_status": ("Add a status", "Status toevoegen"),
    "admin.deleted": ("Deleted statuses", "Verwijderde statussen"),
    "admin.deleted_note": (
        "Leads keep them in their history; they have left lists and filters.",
        "Leads houden ze in hun geschiedenis; ze staan niet meer in lijsten en filters.",
    ),
    "admin.status_added": ("Status {status} added.", "Status {status} toegevoegd."),
    "admin.status_changed": ("Status {status} saved.", "Status {status} opgeslagen."),
    "admin.status_moved": ("Status {status} moved.", "Status {status} verplaatst."),
    "admin.status_deleted": ("Status {status} deleted.", "Status {status} verwijderd."),
    "admin.currency": ("Currency", "Valuta"),
    "admin.currency_hint": (
        "A 3-letter ISO code, e.g. USD",
        "Een ISO-code van 3 letters, bijv. USD",
    ),
    "admin.rate": ("Rate to {base}", "Koers naar {base}"),
    "admin.rate_hint": (
        "A positive decimal number, e.g. 0.92",
        "Een positief decimaal getal, bijv. 0.92",
    ),
    "admin.base_rate": ("1 (the base currency)", "1 (de basisvaluta)"),
    "admin.set_rate": ("Set a rate", "Koers instellen"),
    "admin.rate_note": (
        "1 unit of a currency = its rate in {base}; sales are converted with it.",
        "1 eenheid van een valuta = de koers in {base}; verkopen worden ermee omgerekend.",
    ),
    "admin.rate_set": ("1 {currency} = {rate} {base}.", "1 {currency} = {rate} {base}."),
    # the CLI (`leadboard dashboard list|show`)
    "cli.key": ("Key", "Sleutel"),
    "cli.tiles": ("Tiles", "Tegels"),
    "cli.as_of": ("(as of {time})", "(per {time})"),
    "cli.filtered": ("(filtered by {fields})", "(gefilterd op {fields})"),
    "cli.compare": ("vs {value} a year before:", "t.o.v. {value} een jaar eerder:"),
    # a partial period: compared with the same span a year before, up to the same day
    "cli.compare_partial": (
        "vs {value} in the same span a year before (to {day}):",
        "t.o.v. {value} een jaar eerder, t/m {day}:",
    ),
    # row labels of grouped tiles (semantic/keys.py)
    "row.not_set": ("(not set)", "(niet ingesteld)"),
    "row.other": ("Other", "Overig"),
    "row.week": ("W {week} {year}", "wk {week} {year}"),
    # values of enumerated fields
    "enum.created_via.form": ("Form", "Formulier"),
    "enum.created_via.chat": ("Chat", "Chat"),
    "enum.created_via.import": ("Import", "Import"),
    "enum.created_via.api": ("API", "API"),
    "enum.created_via.manual": ("Manual", "Handmatig"),
    "enum.sale_status.open": ("Open", "Open"),
    "enum.sale_status.sold": ("Sold", "Verkocht"),
    "enum.sale_status.lost": ("Lost", "Verloren"),
    "enum.sale_status.stalled": ("Stalled", "Gestopt"),
    "enum.submission_status.submitted": ("Submitted", "Ingezonden"),
    "enum.submission_status.processed": ("Processed", "Verwerkt"),
    "enum.submission_status.failed": ("Failed", "Mislukt"),
    # channel names (domain/channels.py): the GA4 default channel group and created_via ones
    "channel.direct": ("Direct", "Direct"),
    "channel.cross-network": ("Cross-network", "Cross-netwerk"),
    "channel.paid-shopping": ("Paid Shopping", "Betaald winkelen"),
    "channel.paid-search": ("Paid Search", "Betaald zoeken"),
    "channel.paid-social": ("Paid Social", "Betaalde sociale media"),
    "channel.paid-video": ("Paid Video", "Betaalde video"),
    "channel.display": ("Display", "Display"),
    "channel.paid-other": ("Paid Other", "Overig betaald"),
    "channel.organic-shopping": ("Organic Shopping", "Organisch winkelen"),
    "channel.organic-social": ("Organic Social", "Organische sociale media"),
    "channel.organic-video": ("Organic Video", "Organische video"),
    "channel.organic-search": ("Organic Search", "Organisch zoeken"),
    "channel.referral": ("Referral", "Verwijzing"),
    "channel.email": ("Email", "E-mail"),
    "channel.affiliates": ("Affiliates", "Affiliates"),
    "channel.audio": ("Audio", "Audio"),
    "channel.sms": ("SMS", "Sms"),
    "channel.mobile-push-notifications": ("Mobile Push Notifications", "Mobiele pushmeldingen"),
    "channel.unassigned": ("Unassigned", "Niet toegewezen"),
    "channel.chat": ("Chat", "Chat"),
    "channel.import": ("Import", "Import"),
    "channel.api": ("API", "API"),
    "channel.manual": ("Manual", "Handmatig"),
    # the tile editor and editing the grid (web/pages/tile_editor.py, helper H3)
    "tf.library": ("Tile library", "Tegelbibliotheek"),
    "tf.library_intro": (
        "Pick a tile to start from; you can change everything before you save it.",
        "Kies een tegel om mee te beginnen; je kunt alles aanpassen voordat je opslaat.",
    ),
    "tf.empty_tiles": ("Start empty", "Leeg beginnen"),
    "tf.empty_tile": ("Empty tile: {entity}", "Lege tegel: {entity}"),
    "tf.from_selection": ("From a saved selection", "Uit een opgeslagen selectie"),
    "tf.title_new": ("New tile", "Nieuwe tegel"),
    "tf.title_edit": ("Edit tile", "Tegel bewerken"),
    "tf.not_saved": (
        "Not saved: see the messages at the fields.",
        "Niet opgeslagen: zie de meldingen bij de velden.",
    ),
    "tf.not_a_tile": ("This is not a tile yet:", "Dit is nog geen tegel:"),
    "tf.problem_line": (
        "Criteria group {group}, line {line}",
        "Criteriagroep {group}, regel {line}",
    ),
    "tf.problem_tile": ("The tile", "De tegel"),
    "tf.dataset": ("Dataset", "Gegevens"),
    "tf.layout": ("Layout", "Weergave"),
    "tf.entity": ("Records", "Records"),
    "tf.entity.leads": ("Leads", "Leads"),
    "tf.entity.sales": ("Sales", "Verkopen"),
    "tf.entity.form_submissions": ("Form submissions", "Formulierinzendingen"),
    "tf.entity.chats": ("Chats", "Chats"),
    "tf.date_field": ("Date field", "Datumveld"),
    "tf.snapshot": ("None: as they are now", "Geen: zoals ze nu zijn"),
    "tf.period": ("Period", "Periode"),
    "tf.period_help": (
        "Pick one, or type a span like previous-30-days or 2026-01-01..2026-03-31",
        "Kies er een, of typ een periode als previous-30-days of 2026-01-01..2026-03-31",
    ),
    "tf.criteria": ("Criteria", "Criteria"),
    "tf.criteria_help": (
        "Lines within a group must all hold (AND); a record matches when one group holds (OR). "
        "A line without a value is inactive.",
        "Regels binnen een groep moeten allemaal gelden (EN); een record telt mee als één groep "
        "geldt (OF). Een regel zonder waarde is niet actief.",
    ),
    "tf.group": ("Group {n}", "Groep {n}"),
    "tf.and": ("and", "en"),
    "tf.or": ("or", "of"),
    "tf.and_value": ("and", "en"),
    "tf.from": ("From", "Van"),
    "tf.to": ("To", "Tot en met"),
    "tf.line_field": ("Field", "Veld"),
    "tf.line_op": ("Operator", "Operator"),
    "tf.line_value": ("Value", "Waarde"),
    "tf.pick_field": ("Choose a field", "Kies een veld"),
    "tf.comma_separated": ("values, separated by commas", "waarden, gescheiden door komma's"),
    "tf.inactive": ("inactive: no value", "niet actief: geen waarde"),
    "tf.add_and": ("+ AND line", "+ EN-regel"),
    "tf.add_or": ("+ OR group", "+ OF-groep"),
    "tf.add_line": ("+ line", "+ regel"),
    "tf.remove_line": ("Remove line", "Regel verwijderen"),
    "tf.yes": ("Yes", "Ja"),
    "tf.no": ("No", "Nee"),
    "tf.default": ("Default", "Standaard"),
    "tf.name_en": ("Name (English)", "Naam (Engels)"),
    "tf.name_nl": ("Name (Dutch)", "Naam (Nederlands)"),
    "tf.description_en": ("Description (English)", "Beschrijving (Engels)"),
    "tf.description_nl": ("Description (Dutch)", "Beschrijving (Nederlands)"),
    "tf.chart": ("Chart type", "Grafiektype"),
    "tf.measure": ("Measure", "Meetwaarde"),
    "tf.measure2": ("Second measure (line)", "Tweede meetwaarde (lijn)"),
    "tf.group_by": ("Group by", "Groeperen op"),
    "tf.grain": ("Dates by", "Datums per"),
    "tf.no_grain": ("Not a date series", "Geen datumreeks"),
    "tf.top": ("Top N", "Top N"),
    "tf.other": ("Sum the rest as Other", "De rest optellen als Overig"),
    "tf.set_only": ("Leave out (not set)", "(niet ingevuld) weglaten"),
    "tf.compare": ("Compare with", "Vergelijken met"),
    "tf.no_compare": ("Nothing", "Niets"),
    "tf.target": ("Target", "Doel"),
    "tf.current_status": ("Count by current status", "Tellen op huidige status"),
    "tf.numerator": ("Share of records that also match", "Aandeel records dat ook voldoet aan"),
    "tf.columns": ("Columns", "Kolommen"),
    "tf.order_by": ("Sort by", "Sorteren op"),
    "tf.order_desc": ("Descending", "Aflopend"),
    "tf.width": ("Width (columns)", "Breedte (kolommen)"),
    "tf.height": ("Height (rows)", "Hoogte (rijen)"),
    "tf.save": ("Save tile", "Tegel opslaan"),
    "tf.refresh": ("Update the form", "Formulier bijwerken"),
    "tf.cancel": ("Cancel", "Annuleren"),
    "tf.preview": ("Preview", "Voorbeeld"),
    "tf.chart.pie": ("Pie", "Taart"),
    "tf.chart.donut": ("Donut", "Donut"),
    "tf.chart.funnel": ("Funnel", "Trechter"),
    "tf.chart.number": ("Big number", "Groot getal"),
    "tf.chart.list": ("List", "Lijst"),
    "tf.chart.column": ("Columns", "Kolommen"),
    "tf.chart.bar": ("Bars", "Staven"),
    "tf.chart.line": ("Line", "Lijn"),
    "tf.chart.area": ("Area", "Vlak"),
    "tf.chart.gauge": ("Gauge", "Meter"),
    "tf.chart.column-line": ("Columns + line", "Kolommen + lijn"),
    "tf.chart.bar-line": ("Bars + line", "Staven + lijn"),
    "tf.chart.web": ("Web page", "Webpagina"),
    "tf.chart.html": ("HTML text", "HTML-tekst"),
    "tf.measure.count": ("Number of records", "Aantal records"),
    "tf.measure.amount": ("Amount", "Bedrag"),
    "tf.measure.weighted_amount": ("Weighted amount", "Gewogen bedrag"),
    "tf.grain.day": ("Day", "Dag"),
    "tf.grain.week": ("Week", "Week"),
    "tf.grain.month": ("Month", "Maand"),
    "tf.grain.quarter": ("Quarter", "Kwartaal"),
    "tf.grain.year": ("Year", "Jaar"),
    "tf.compare.same-span-last-year": ("Same span last year", "Zelfde periode vorig jaar"),
    "tf.compare.previous-period": ("Previous period", "Vorige periode"),
    "tf.compare.target": ("The target", "Het doel"),
    "tf.opt.aggregate": ("Amounts add up as", "Bedragen samengevat als"),
    "tf.opt.aggregate.sum": ("Sum", "Som"),
    "tf.opt.aggregate.avg": ("Average", "Gemiddelde"),
    "tf.opt.aggregate.min": ("Lowest", "Laagste"),
    "tf.opt.aggregate.max": ("Highest", "Hoogste"),
    "tf.opt.legend": ("Legend", "Legenda"),
    "tf.opt.data_labels": ("Figures on the chart", "Getallen in de grafiek"),
    "tf.opt.short_numbers": ("Short numbers (1.2k)", "Korte getallen (1,2k)"),
    "tf.opt.colours": ("Colours (#rrggbb, comma-separated)", "Kleuren (#rrggbb, met komma's)"),
    "tf.opt.currency": ("Currency", "Valuta"),
    "tf.opt.sort": ("Sort", "Sortering"),
    "tf.opt.sort.value-desc": ("Largest first", "Grootste eerst"),
    "tf.opt.sort.value-asc": ("Smallest first", "Kleinste eerst"),
    "tf.opt.sort.label-asc": ("Name A-Z", "Naam A-Z"),
    "tf.opt.sort.label-desc": ("Name Z-A", "Naam Z-A"),
    "tf.opt.sort.default": (
        "By value (statuses in their order)",
        "Op waarde (statussen in hun volgorde)",
    ),
    "tf.opt.compare_value": ("Compare with a fixed value", "Vergelijken met een vaste waarde"),
    "tf.opt.url": ("Web page (https://)", "Webpagina (https://)"),
    "tf.opt.html": ("HTML text", "HTML-tekst"),
    "tf.opt.selection": ("Saved selection", "Opgeslagen selectie"),
    "tf.opt.selection.none": ("None: this tile's criteria", "Geen: de criteria van deze tegel"),
    "tf.op.equals": ("equals", "is gelijk aan"),
    "tf.op.is_not": ("is not", "is niet"),
    "tf.op.contains": ("contains", "bevat"),
    "tf.op.not_contains": ("does not contain", "bevat niet"),
    "tf.op.begins_with": ("begins with", "begint met"),
    "tf.op.ends_with": ("ends with", "eindigt op"),
    "tf.op.is_empty": ("is empty", "is leeg"),
    "tf.op.is_set": ("is set", "is ingevuld"),
    "tf.op.eq": ("=", "="),
    "tf.op.ne": ("≠", "≠"),
    "tf.op.lt": ("<", "<"),
    "tf.op.le": ("≤", "≤"),
    "tf.op.gt": (">", ">"),
    "tf.op.ge": ("≥", "≥"),
    "tf.op.between": ("between", "tussen"),
    "tf.op.in": ("is one of", "is een van"),
    "tf.op.not_in": ("is not one of", "is geen van"),
    "tf.op.reached": ("reached", "bereikt"),
    "tf.op.current_user": ("is the current user", "is de huidige gebruiker"),
    "tf.op.is": ("is", "is"),
    "tf.op.before": ("before", "voor"),
    "tf.op.after": ("after", "na"),
    "tf.op.on": ("on", "op"),
    "tf.op.period": ("in the period", "in de periode"),
    "tf.field.id": ("Id", "Id"),
    "tf.field.first_name": ("First name", "Voornaam"),
    "tf.field.last_name": ("Last name", "Achternaam"),
    "tf.field.email": ("Email", "E-mail"),
    "tf.field.job_title": ("Job title", "Functie"),
    "tf.field.company": ("Company", "Bedrijf"),
    "tf.field.country": ("Country", "Land"),
    "tf.field.owner": ("Owner", "Eigenaar"),
    "tf.field.status": ("Status", "Status"),
    "tf.field.status_since": ("In status since", "In status sinds"),
    "tf.field.created_at": ("Created", "Aangemaakt"),
    "tf.field.created_via": ("Created via", "Aangemaakt via"),
    "tf.field.form": ("Form", "Formulier"),
    "tf.field.campaign": ("Campaign", "Campagne"),
    "tf.field.creation_source": ("Lead creation source", "Leadcreatiebron"),
    "tf.field.first_contact_source": ("First contact source", "Eerste contactbron"),
    "tf.field.medium": ("Medium", "Medium"),
    "tf.field.referrer": ("Referring site", "Verwijzende site"),
    "tf.field.channel": ("Channel", "Kanaal"),
    "tf.field.has_sale": ("Has a sale", "Heeft een verkoop"),
    "tf.field.title": ("Title", "Titel"),
    "tf.field.amount": ("Amount", "Bedrag"),
    "tf.field.currency": ("Currency", "Valuta"),
    "tf.field.stage": ("Stage", "Fase"),
    "tf.field.probability": ("Probability", "Kans"),
    "tf.field.sale_date": ("Sale date", "Verkoopdatum"),
    "tf.field.has_lead": ("Has a lead", "Heeft een lead"),
    "tf.field.lead_status": ("Lead status", "Leadstatus"),
    "tf.field.submitted_at": ("Submitted", "Ingezonden"),
    "tf.field.is_conversion": ("Is a conversion", "Is een conversie"),
    "tf.field.source": ("Visit source", "Bron van het bezoek"),
    "tf.field.lead": ("Lead number", "Leadnummer"),
    "tf.field.started_at": ("Started", "Begonnen"),
    "tf.field.ended_at": ("Ended", "Beëindigd"),
    "tf.field.agent": ("Agent", "Medewerker"),
    "tf.field.visitor_name": ("Visitor's name", "Naam van de bezoeker"),
    "tf.field.visitor_company": ("Visitor's company", "Bedrijf van de bezoeker"),
    "tf.field.visitor_country": ("Visitor's country", "Land van de bezoeker"),
    "tf.edit": ("Edit", "Bewerken"),
    "tf.duplicate": ("Duplicate", "Dupliceren"),
    "tf.copy_to": ("Copy to dashboard…", "Kopiëren naar dashboard…"),
    "tf.copy": ("Copy", "Kopiëren"),
    "tf.remove": ("Remove", "Verwijderen"),
    "tf.confirm_remove": ("Remove the tile {name}?", "De tegel {name} verwijderen?"),
    "tf.add_tile": ("+ Add tile", "+ Tegel toevoegen"),
    "tf.edit_layout": ("Edit layout", "Indeling bewerken"),
    "tf.stop_layout": ("Stop editing", "Stoppen met bewerken"),
    "tf.save_layout": ("Save layout", "Indeling opslaan"),
    "tf.layout_saved": ("Layout saved.", "Indeling opgeslagen."),
    "tf.layout_failed": ("The layout was not saved.", "De indeling is niet opgeslagen."),
    "tf.layout_narrow": (
        "The layout can be changed on a wider screen.",
        "De indeling kan op een breder scherm worden aangepast.",
    ),
    # the tile editor's own problems with a posted form (web/pages/tile_form.py)
    "tf.err.whole_number": ("{value} is not a whole number", "{value} is geen geheel getal"),
    "tf.err.number": ("{value} is not a number", "{value} is geen getal"),
    "tf.err.no_field": ("no field {field} for {entity}", "geen veld {field} bij {entity}"),
    "tf.err.op": ("{field} takes: {ops}", "{field} kent alleen: {ops}"),
    "tf.err.choice": ("use one of: {choices}", "kies een van: {choices}"),
    "tf.err.key": (
        "{value} cannot be a tile key (lower-case letters, digits and -; not {reserved})",
        "{value} kan geen tegelsleutel zijn (kleine letters, cijfers en -; niet {reserved})",
    ),
    "tf.err.name": (
        "a tile needs a name in both languages",
        "een tegel heeft een naam in beide talen nodig",
    ),
    "tf.err.date_field": (
        "choose the date field the period applies to",
        "kies het datumveld waarvoor de periode geldt",
    ),
    "tf.err.period": (
        "choose a period for the date field (or no date field: a snapshot)",
        "kies een periode voor het datumveld (of geen datumveld: een momentopname)",
    ),
    # pydantic's own checks of a tile's fields (by the error's type)
    "tf.err.at_least": ("at least {n}", "minimaal {n}"),
    "tf.err.at_most": ("at most {n}", "hoogstens {n}"),
    "tf.err.too_long": ("at most {n} characters", "hoogstens {n} tekens"),
    "tf.err.not_a_choice": ("not one of the choices", "geen van de keuzes"),
    "tf.err.invalid": ("not a valid value", "geen geldige waarde"),
    # what is wrong with a tile spec (semantic/spec.py Problem): the English is also the REST
    # API's and the CLI's message, so it names spec fields; the Dutch is for the editor's page
    "spec.chart_planned": (
        "chart kind {chart} is not available yet (use one of {charts})",
        "grafiektype {chart} is nog niet beschikbaar",
    ),
    "spec.chart_unknown": (
        "unknown chart kind {chart} (use one of {charts})",
        "onbekend grafiektype {chart}: kies er een uit de lijst",
    ),
    "spec.colours_max": ("at most {n} colours", "hoogstens {n} kleuren"),
    "spec.colour_form": (
        "colour {colour} is not of the form #rrggbb",
        "kleur {colour} heeft niet de vorm #rrggbb",
    ),
    "spec.currency_code": (
        "currency {currency} is not an ISO 4217 code (like EUR or USD)",
        "valuta {currency} is geen ISO 4217-code (zoals EUR of USD)",
    ),
    "spec.url_line": (
        "url must be one line of at most {n} characters",
        "het adres moet één regel van hoogstens {n} tekens zijn",
    ),
    "spec.url_invalid": ("url is not a valid address", "dit is geen geldig webadres"),
    "spec.url_https": ("url must be an https:// address", "het adres moet met https:// beginnen"),
    "spec.url_credentials": (
        "url must not hold a user name or password",
        "het adres mag geen gebruikersnaam of wachtwoord bevatten",
    ),
    "spec.html_length": (
        "html must be at most {n} characters",
        "de HTML-tekst mag hoogstens {n} tekens lang zijn",
    ),
    "spec.period": ("{detail}", "Leadboard kent deze periode niet (zie de uitleg)"),
    "spec.measures": (
        "entity {entity} has measures {measures}",
        "deze meetwaarde bestaat niet voor deze records",
    ),
    "spec.aggregate_count": (
        "aggregate: {aggregate} applies to amount and weighted_amount; a count takes only sum",
        "alleen bedragen worden zo samengevat; een aantal wordt altijd opgeteld",
    ),
    "spec.aggregate_counted": (
        "aggregate: a {chart} tile counts records; use sum",
        "deze tegel telt records: kies Som",
    ),
    "spec.group_by_unknown": (
        "group_by: {entity} has no field {field}",
        "deze records hebben geen veld {field}",
    ),
    "spec.group_by_amount": (
        "group_by: {field} is a measure (amount), not a grouping",
        "een bedrag is een meetwaarde, geen groepering",
    ),
    "spec.date_field": ("date_field: use one of {fields}", "kies een datumveld van deze records"),
    "spec.date_and_period": (
        "date_field and period go together (neither for a snapshot)",
        "een datumveld en een periode horen bij elkaar (geen van beide voor een momentopname)",
    ),
    "spec.short_name_snapshot": (
        "name_without_period: a snapshot tile has no period to name",
        "een momentopname heeft geen periode om te noemen",
    ),
    "spec.short_name_start": (
        "name_without_period.{language}: {short} is not the start of the name {name} without its "
        "period words",
        "{short} is niet het begin van de naam {name} zonder de woorden van de periode",
    ),
    "spec.grain_group_by": (
        "grain groups by the tile's date_field: set group_by to it",
        "een datumreeks groepeert op het datumveld van de tegel: kies dat bij Groeperen op",
    ),
    "spec.grain_unit": ("grain: use one of {units}", "kies dag, week, maand, kwartaal of jaar"),
    "spec.needs_group_by": (
        "a {chart} tile needs group_by",
        "deze grafiek heeft een veld nodig om op te groeperen",
    ),
    "spec.needs_numerator": (
        "a gauge tile needs a numerator",
        "een meter heeft criteria voor zijn aandeel nodig",
    ),
    "spec.selection_list": (
        "selection: only a list tile shows a selection",
        "alleen een lijsttegel toont een selectie",
    ),
    "spec.column_unknown": (
        "columns: {column} is not one of {columns}",
        "{column} is geen kolom van deze records",
    ),
    "spec.criteria": ("criteria: {line}", "criterium: {line}"),
    "spec.line_no_field": (
        "entity {entity} has no field {field}",
        "deze records hebben geen veld {field}",
    ),
    "spec.line_op": (
        "field {field} does not take operator {op} (use {ops})",
        "veld {field} kent de operator {op} niet",
    ),
    "spec.sort_grouped": (
        "sort: only tiles grouped by a field (not by date) are sorted",
        "alleen tegels die op een veld (niet op datum) groeperen worden gesorteerd",
    ),
    "spec.currency_amounts": (
        "currency: only a tile of amounts has a currency",
        "alleen een tegel met bedragen heeft een valuta",
    ),
    "spec.compare_value_number": (
        "compare_value: only a number tile compares with a value",
        "alleen een groot getal wordt met een vaste waarde vergeleken",
    ),
    "spec.compare_value_alone": (
        "compare_value: leave compare out to compare with a value",
        "kies bij Vergelijken met “Niets” om met een vaste waarde te vergelijken",
    ),
    "spec.compare_number": (
        "compare {compare}: only a number tile compares so",
        "alleen een groot getal wordt zo vergeleken",
    ),
    "spec.compare_period": (
        "compare previous-period: the tile needs a period",
        "vergelijken met de vorige periode vraagt een periode voor de tegel",
    ),
    "spec.compare_target": (
        "compare target: set the tile's target",
        "vul het doel van de tegel in",
    ),
    "spec.web_needs_url": (
        "url: a web tile needs an https url",
        "een webpaginategel heeft een https-adres nodig",
    ),
    "spec.html_needed": (
        "html: an html tile needs its html",
        "een HTML-tegel heeft HTML-tekst nodig",
    ),
    "spec.url_only_web": (
        "url: only a web tile has a url",
        "alleen een webpaginategel heeft een adres",
    ),
    "spec.html_only": (
        "html: only an html tile has html",
        "alleen een HTML-tegel heeft HTML-tekst",
    ),
    "spec.panel_counts": (
        "a {chart} tile counts nothing: leave out {fields}",
        "deze tegel telt niets: laat de groepering, de periode en de criteria leeg",
    ),
}


def t(lang: str, key: str, **values: object) -> str:
    """The word for `key` in `lang` (en when the language is unknown), with `{name}`s filled."""
    pair = WORDS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "nl" else pair[0]
    return text.format(**values) if values else text


def words_for(lang: str, prefix: str) -> dict[str, str]:
    """Every word under `prefix.` (for the browser's scripts), keyed without the prefix."""
    return {k[len(prefix) + 1 :]: t(lang, k) for k in WORDS if k.startswith(prefix + ".")}


Number = int | float | Decimal | str  # money in the JSON is a decimal string: "147300.00"


def _figure(value: Number) -> int | float | Decimal:
    return Decimal(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Formatter:
    """Babel formatting in one language, for the organisation's timezone and base currency."""

    lang: str
    tz: tzinfo
    currency: str = "EUR"

    @property
    def js_locale(self) -> str:
        """The BCP 47 tag the browser's Intl uses for the same formats."""
        return "nl-NL" if self.lang == "nl" else "en"

    def number(self, value: Number | None, decimals: int | None = None) -> str:
        if value is None:
            return "—"
        value = _figure(value)
        if decimals is not None:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return _minus(format_decimal(value, format=pattern, locale=self.lang))
        return _minus(format_decimal(value, locale=self.lang))

    def money(self, value: Number | None, currency: str | None = None) -> str:
        if value is None:
            return "—"
        return _minus(format_currency(_figure(value), currency or self.currency, locale=self.lang))

    def measure(self, value: Number | None, measure: str) -> str:
        """A tile's figure: counts as numbers, amounts in the base currency."""
        return self.number(value) if measure == "count" else self.money(value)

    def percent(self, value: Number | None) -> str:
        """A 0-100 percentage with one decimal (the JSON's form)."""
        if value is None:
            return "—"
        return _minus(format_percent(Decimal(str(value)) / 100, "#,##0.0%", locale=self.lang))

    def signed(self, value: Number | None, measure: str) -> str:
        if value is None:
            return "—"
        value = _figure(value)
        text = self.measure(abs(value), measure)  # type: ignore[arg-type]
        return ("+" if value > 0 else "−" if value < 0 else "±") + text

    def day(self, value: date | datetime | str | None) -> str:
        if value is None:
            return "—"
        moment = _parse(value)
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.tz).date()
        return format_date(moment, "medium", locale=self.lang)

    def moment(self, value: datetime | str | None) -> str:
        """Date and time, in the organisation's timezone: 27 nov 2026 23:59."""
        if value is None:
            return "—"
        local = _moment(value).astimezone(self.tz)
        day = format_skeleton("yMMMd", local, locale=self.lang)
        return f"{day} {format_time(local, 'short', tzinfo=self.tz, locale=self.lang)}"

    def time(self, value: datetime | str) -> str:
        return format_time(
            _moment(value).astimezone(self.tz), "short", tzinfo=self.tz, locale=self.lang
        )

    def window(self, start: str | None, end: str | None) -> str:
        """A period [start, end) as its first and last day: 1 jan 2026 – 27 nov 2026."""
        if not start and not end:
            return ""
        first = self.day(start) if start else "…"
        if end:
            last = self.day(_moment(end) - timedelta(microseconds=1))
        else:
            last = "…"
        return first if first == last else f"{first} – {last}"


def _minus(text: str) -> str:
    """Negative figures with the minus sign U+2212, as the charts and `signed` write them (Babel
    writes the hyphen-minus)."""
    return text.replace("-", "\u2212")


def _parse(value: date | datetime | str) -> date | datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _moment(value: datetime | str) -> datetime:
    """A moment (an ISO date alone is a day, not a moment: a TypeError names it)."""
    moment = _parse(value)
    if not isinstance(moment, datetime):
        raise TypeError(f"a date and time is needed, not the day {value!r}")
    return moment


ENDONYMS = {"en": "English", "nl": "Nederlands"}


def language_names(_lang: str = "en") -> Mapping[str, str]:
    """Each language in itself: a reader finds their own language whatever the page's is."""
    return {code: ENDONYMS[code] for code in LANGUAGES}
