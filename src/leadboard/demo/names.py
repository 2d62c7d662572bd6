"""Word lists for the people side of the demo: countries, name locales, e-mail and phone formats,
company names (Dutch/German/English/French words; Faker's nl_NL job titles are English), job
titles and the associate groups with the sales region each country belongs to.

Plain data only. Weights are relative; the generator draws from them with its own seeded
random.Random. The marketing and sales side (campaigns, forms, visits, deals) is in `catalog`.
"""

# Where leads live (ISO 3166-1 alpha-2) and how often; the company pool uses the same shares.
COUNTRY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("NL", 38),
    ("BE", 13),
    ("DE", 13),
    ("GB", 9),
    ("US", 8),
    ("FR", 5),
    ("ES", 3),
    ("IT", 2.5),
    ("SE", 2),
    ("PL", 2),
    ("AT", 1.5),
    ("CH", 1.5),
    ("DK", 1),
    ("IE", 0.5),
)

# Faker locales for the names of people and companies of a country.
COUNTRY_LOCALES: dict[str, tuple[tuple[str, float], ...]] = {
    "NL": (("nl_NL", 1),),
    "BE": (("nl_BE", 0.6), ("fr_BE", 0.4)),
    "DE": (("de_DE", 1),),
    "AT": (("de_AT", 1),),
    "CH": (("de_CH", 1),),
    "GB": (("en_GB", 1),),
    "IE": (("en_IE", 1),),
    "US": (("en_US", 1),),
    "FR": (("fr_FR", 1),),
    "ES": (("es_ES", 1),),
    "IT": (("it_IT", 1),),
    "SE": (("sv_SE", 1),),
    "PL": (("pl_PL", 1),),
    "DK": (("da_DK", 1),),
}
LOCALES: tuple[str, ...] = tuple(
    sorted({locale for options in COUNTRY_LOCALES.values() for locale, _ in options})
)

TIMEZONES = {
    "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels",
    "DE": "Europe/Berlin",
    "AT": "Europe/Vienna",
    "CH": "Europe/Zurich",
    "GB": "Europe/London",
    "US": "America/New_York",
}

# Company and private e-mail addresses all end in the reserved `.example` top-level domain.
FREE_MAIL = {
    "NL": ("gmail", "outlook", "hotmail", "ziggo", "kpnmail", "live"),
    "BE": ("gmail", "telenet", "skynet", "outlook", "proximus"),
    "DE": ("gmail", "web", "gmx", "t-online", "outlook"),
    "AT": ("gmail", "gmx", "aon"),
    "CH": ("gmail", "bluewin", "gmx"),
    "GB": ("gmail", "outlook", "yahoo", "btinternet", "sky"),
    "US": ("gmail", "yahoo", "outlook", "icloud", "aol"),
}
FREE_MAIL_OTHER = ("gmail", "outlook", "yahoo", "icloud", "proton")

# Phone prefixes (mobile) and the number of random digits after them.
PHONE_FORMATS = {
    "NL": ("+31 6 ", 8),
    "BE": ("+32 47", 7),
    "DE": ("+49 151 ", 8),
    "AT": ("+43 664 ", 7),
    "CH": ("+41 79 ", 7),
    "GB": ("+44 7700 ", 6),
    "IE": ("+353 87 ", 7),
    "US": ("+1 555 ", 7),
    "FR": ("+33 6 ", 8),
    "ES": ("+34 6", 8),
    "IT": ("+39 3", 9),
    "SE": ("+46 70 ", 7),
    "PL": ("+48 5", 8),
    "DK": ("+45 2", 7),
}

# Own company words: "<surname> <word><suffix>" or "De <adjective> <noun><suffix>".
COMPANY_WORDS = {
    "nl": (
        "Installatietechniek",
        "Logistiek",
        "Bouw",
        "Advies",
        "Accountants",
        "Makelaardij",
        "Transport",
        "ICT",
        "Software",
        "Zorggroep",
        "Metaalbewerking",
        "Techniek",
        "Consultancy",
        "Groep",
        "Vastgoed",
        "Media",
        "Marketing",
        "Verzekeringen",
        "Elektro",
        "Voeding",
        "Schoonmaak",
        "Personeelsdiensten",
        "Bouwmaterialen",
        "Kantoorinrichting",
        "Automatisering",
    ),
    "de": (
        "Logistik",
        "Bau",
        "Maschinenbau",
        "Beratung",
        "Software",
        "Elektrotechnik",
        "Immobilien",
        "Medien",
        "Systeme",
        "Anlagenbau",
        "Steuerberatung",
        "Handel",
    ),
    "en": (
        "Consulting",
        "Logistics",
        "Software",
        "Solutions",
        "Engineering",
        "Media",
        "Partners",
        "Systems",
        "Analytics",
        "Holdings",
        "Services",
        "Digital",
    ),
    "fr": ("Conseil", "Logistique", "Informatique", "Services", "Ingénierie", "Médias"),
}
COMPANY_SUFFIXES = {
    "nl": (" B.V.", " BV", "", " & Partners", " Holding B.V.", " V.O.F."),
    "de": (" GmbH", " GmbH & Co. KG", " AG", " KG"),
    "en": (" Ltd", " Ltd.", " Inc.", " LLC", " Group", ""),
    "fr": (" SA", " SARL", " SRL", ""),
}
DUTCH_ADJECTIVES = ("Groene", "Snelle", "Nieuwe", "Slimme", "Hollandse", "Blauwe", "Gouden", "Oude")
DUTCH_NOUNS = ("Brug", "Molen", "Haven", "Toren", "Poort", "Sleutel", "Dijk", "Vaart", "Kade")
COMPANY_LANGUAGE = {
    "NL": "nl",
    "BE": "nl",
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "GB": "en",
    "IE": "en",
    "US": "en",
    "FR": "fr",
}
COMPANY_CATEGORIES: tuple[tuple[str | None, float], ...] = (
    ("Prospect", 45),
    ("Customer", 30),
    ("Partner", 10),
    ("Reseller", 8),
    ("Supplier", 4),
    (None, 3),
)

JOB_TITLES = {
    "nl": (
        "Directeur",
        "Eigenaar",
        "Marketingmanager",
        "Commercieel directeur",
        "Inkoper",
        "Hoofd verkoop",
        "Officemanager",
        "Accountmanager",
        "Financieel directeur",
        "Projectleider",
        "Hoofd marketing",
        "Bedrijfsleider",
        "ICT-manager",
        "Salesmanager",
        "Operationeel manager",
        "Online marketeer",
    ),
    "de": (
        "Geschäftsführer",
        "Vertriebsleiter",
        "Marketingleiterin",
        "Einkäufer",
        "Leiter IT",
        "Prokurist",
        "Teamleiter Vertrieb",
        "Projektmanager",
    ),
    "en": (
        "CEO",
        "Founder",
        "Marketing Manager",
        "Head of Sales",
        "Sales Director",
        "Office Manager",
        "Account Manager",
        "CFO",
        "Operations Manager",
        "IT Manager",
        "Growth Marketer",
        "VP Marketing",
        "Procurement Manager",
        "Business Development Manager",
        "Project Manager",
        "Revenue Operations Lead",
    ),
}

# Associate groups: name, share of the associates, name locales, role in lead ownership.
ASSOCIATE_GROUPS: tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...] = (
    ("Sales Benelux", 0.30, (("nl_NL", 0.7), ("nl_BE", 0.3))),
    ("Sales DACH", 0.17, (("de_DE", 0.7), ("de_AT", 0.15), ("de_CH", 0.15))),
    ("Sales UK & US", 0.17, (("en_GB", 0.5), ("en_US", 0.5))),
    ("Marketing", 0.13, (("nl_NL", 0.8), ("en_GB", 0.2))),
    ("Lead Nurturing", 0.23, (("nl_NL", 0.6), ("nl_BE", 0.15), ("en_GB", 0.25))),
)
LOCALE_COUNTRY = {
    "nl_NL": "NL",
    "nl_BE": "BE",
    "fr_BE": "BE",
    "de_DE": "DE",
    "de_AT": "AT",
    "de_CH": "CH",
    "en_GB": "GB",
    "en_IE": "IE",
    "en_US": "US",
}
# Which sales group serves the leads of a country.
SALES_REGION = {
    "NL": "Sales Benelux",
    "BE": "Sales Benelux",
    "FR": "Sales Benelux",
    "DE": "Sales DACH",
    "AT": "Sales DACH",
    "CH": "Sales DACH",
    "PL": "Sales DACH",
    "DK": "Sales DACH",
    "SE": "Sales DACH",
    "GB": "Sales UK & US",
    "IE": "Sales UK & US",
    "US": "Sales UK & US",
    "ES": "Sales UK & US",
    "IT": "Sales UK & US",
}
