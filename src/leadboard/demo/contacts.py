"""Who a new lead is: company, country, name, e-mail address (unique), phone and job title."""

import random

from leadboard.demo import names
from leadboard.demo.companies import Companies
from leadboard.demo.draw import NamePools, Pick, to_ascii

# (company index, company country, country, country for names, first name, last name, full
# name, e-mail, phone, job title); a plain tuple because one is made for every lead.
Contact = tuple[
    int | None, str | None, str | None, str, str, str, str, str | None, str | None, str | None
]


class Contacts:
    """Draws the people behind the leads, and remembers each lead's name and e-mail address."""

    def __init__(self, pools: NamePools, companies: Companies, r: random.Random) -> None:
        self.pools = pools
        self.companies = companies
        self.r = r
        self.pick_country = Pick(names.COUNTRY_WEIGHTS)
        self.locale_picks = {c: Pick(options) for c, options in names.COUNTRY_LOCALES.items()}
        self._ascii: dict[str, str] = {}
        self._emails: set[str] = set()
        self._email_counters: dict[str, int] = {}
        # By lead id (index 0 unused): later submissions and chats come from earlier leads.
        self.email_of: list[str | None] = [None]
        self.name_of: list[str] = [""]

    def draw(self, via: str) -> Contact:
        """The person behind the next lead, which came in `via` (form, chat, import, ...)."""
        r = self.r
        rand, choice = r.random, r.choice
        # Company and country: the contact's own, falling back to the company's.
        n_companies = len(self.companies)
        company = int(n_companies * rand() ** 1.5) if rand() < 0.6 else None
        home = self.companies.country[company] if company is not None else None
        country: str | None
        if home and rand() < 0.85:
            country = home
        else:
            country = self.pick_country(rand)
        if rand() < (0.13 if company is not None else 0.05):
            country = None
        name_country = country or home or "NL"
        first_names, last_names, _ = self.pools[self.locale_picks[name_country](rand)]
        first, last = choice(first_names), choice(last_names)
        full_name = f"{first} {last}"
        email = None
        # Leads typed in by hand, imported or chatting are sometimes without an address.
        if not (
            (via == "manual" and rand() < 0.2)
            or (via == "import" and rand() < 0.05)
            or (via == "chat" and rand() < 0.1)
        ):
            email = self._email(first, last, company, name_country)
        phone = None
        if rand() < 0.65:
            prefix, digits = names.PHONE_FORMATS.get(name_country, ("+31 6 ", 8))
            phone = f"{prefix}{r.randrange(10**digits):0{digits}d}"
        language = names.COMPANY_LANGUAGE.get(name_country, "en")
        job_title = None
        if rand() < 0.75:
            job_title = choice(names.JOB_TITLES.get(language, names.JOB_TITLES["en"]))
        self.email_of.append(email)
        self.name_of.append(full_name)
        return (
            company,
            home,
            country,
            name_country,
            first,
            last,
            full_name,
            email,
            phone,
            job_title,
        )

    def _email(self, first: str, last: str, company: int | None, country: str) -> str:
        """A unique address at the company's domain or a free-mail provider of the country."""
        rand = self.r.random
        cache = self._ascii
        a = cache.get(first)
        if a is None:
            a = cache[first] = to_ascii(first) or "contact"
        b = cache.get(last)
        if b is None:
            b = cache[last] = to_ascii(last) or "lead"
        local = f"{a}.{b}" if rand() < 0.75 else f"{a[0]}{b}"
        if company is not None and rand() < 0.8:
            domain = self.companies.domain[company]
        else:
            providers = names.FREE_MAIL.get(country, names.FREE_MAIL_OTHER)
            domain = f"{self.r.choice(providers)}.example"
        email = f"{local}@{domain}"
        emails = self._emails
        if email in emails:
            # Number the duplicates, remembering where each address's numbering got to.
            number = self._email_counters.get(email, 1)
            candidate = email
            while candidate in emails:
                number += 1
                candidate = f"{local}{number}@{domain}"
            self._email_counters[email] = number
            email = candidate
        emails.add(email)
        return email
