"""Companies: the organisations leads work for, with a name that fits their country."""

from leadboard.db import schema
from leadboard.demo import names
from leadboard.demo.context import Demo
from leadboard.demo.draw import NamePools, Pick, to_ascii
from leadboard.demo.load import Writer

COMPANY_COLUMNS = ("id", "name", "country", "category")


class Companies:
    """Name, country and e-mail domain of each company, by index (the company id minus one)."""

    def __init__(self) -> None:
        self.name: list[str] = []
        self.country: list[str | None] = []
        self.domain: list[str] = []

    def __len__(self) -> int:
        return len(self.name)


def build_companies(demo: Demo, pools: NamePools, out: Writer) -> Companies:
    r = demo.rng("companies")
    rand = r.random
    count = max(10, demo.n // 4)
    pick_country = Pick([*names.COUNTRY_WEIGHTS, (None, 1)])
    pick_category = Pick(names.COMPANY_CATEGORIES)
    locale_picks = {c: Pick(options) for c, options in names.COUNTRY_LOCALES.items()}
    companies = Companies()
    rows = []
    for company_id in range(1, count + 1):
        country = pick_country(rand)
        locale = locale_picks[country](rand) if country else "nl_NL"
        _first_names, last_names, faker_names = pools[locale]
        language = names.COMPANY_LANGUAGE.get(country or "NL")
        # Mostly home-made names in the country's language; Faker's for the rest.
        if language and rand() < 0.6:
            suffix = r.choice(names.COMPANY_SUFFIXES[language])
            if language == "nl" and rand() < 0.2:
                adjective = r.choice(names.DUTCH_ADJECTIVES)
                base = f"De {adjective} {r.choice(names.DUTCH_NOUNS)}"
            else:
                base = f"{r.choice(last_names)} {r.choice(names.COMPANY_WORDS[language])}"
            name = base + suffix
        else:
            base = name = r.choice(faker_names)
        slug = "-".join(filter(None, (to_ascii(part) for part in base.split()[:3])))
        companies.name.append(name)
        companies.country.append(country)
        companies.domain.append(f"{slug or 'company'}.example")
        rows.append((company_id, name, country, pick_category(rand)))
    out.rows(schema.companies, COMPANY_COLUMNS, rows)
    return companies
