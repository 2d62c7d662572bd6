"""Catalogues for the marketing and sales side of the demo: how leads come in (created_via mix,
sources given by callers), campaigns, search terms, referring sites, the visit mix, web forms,
submission errors and the wording of deals.

Plain data only. Weights are relative; the generator draws from them with its own seeded
random.Random. People, companies and places are in `names`.
"""

# created_via mix (SPEC 1.1).
CREATED_VIA: tuple[tuple[str, float], ...] = (
    ("form", 55),
    ("chat", 12),
    ("import", 13),
    ("api", 10),
    ("manual", 10),
)
# Source (and medium) given by the caller of a non-web lead; None = not set (SPEC 6.3).
GIVEN_SOURCES: dict[str, tuple[tuple[tuple[str | None, str | None], float], ...]] = {
    "chat": (((None, None), 90), (("whatsapp", None), 10)),
    "import": (
        (("trade-show", None), 30),
        (("purchased-list", None), 15),
        (("partner-referral", "referral"), 15),
        (("webinar", None), 10),
        ((None, None), 30),
    ),
    "api": (
        (("linkedin", "paid_social"), 25),
        (("zapier", None), 25),
        (("partner-portal", None), 20),
        ((None, None), 30),
    ),
    "manual": (((None, None), 75), (("phone", None), 15), (("event", None), 10)),
}

# Campaigns: (key, display name or None, visit groups that carry it). Evergreen ones run all the
# time; seasonal ones get the year in their key and run in their (month, day) window.
EVERGREEN_CAMPAIGNS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("brand-nl", "Brand NL", ("search",)),
    ("brand-be", "Brand BE", ("search",)),
    ("brand-de", "Marke DE", ("search",)),
    ("brand-uk", None, ("search",)),
    ("generic-crm-software", "Generic: CRM software", ("search",)),
    ("lead-management-keywords", None, ("search",)),
    ("competitor-terms", "Competitor terms", ("search",)),
    ("webinar-lead-scoring", "Webinar: lead scoring", ("social", "email")),
    ("ebook-sales-funnel", "E-book: the sales funnel", ("social",)),
    ("retargeting-visitors", None, ("display", "social")),
    ("abm-enterprise", "ABM enterprise accounts", ("social", "display")),
    ("newsletter-monthly", "Monthly newsletter", ("email",)),
    ("nurture-flow", "Nurture flow", ("email",)),
    ("product-demo-video", "Product demo video", ("video",)),
    ("partner-program", "Partner programme", ("affiliate",)),
    ("pmax-cross-network", None, ("crossnet",)),
    ("flyer-events", None, ("offline",)),
    ("event-reminder", None, ("sms",)),
)
SEASONAL_CAMPAIGNS: tuple[
    tuple[str, str | None, tuple[str, ...], tuple[int, int], tuple[int, int]], ...
] = (
    ("spring-sale-{year}", "Spring sale {year}", ("search", "social", "email"), (3, 1), (5, 31)),
    ("summer-webinar-series-{year}", None, ("social", "email"), (6, 1), (8, 31)),
    ("trade-show-{year}", "Trade show {year}", ("social", "email", "offline"), (9, 15), (10, 31)),
    (
        "black-friday-{year}",
        "Black Friday {year}",
        ("search", "social", "email", "display"),
        (11, 1),
        (11, 30),
    ),
    ("year-end-deal-{year}", None, ("search", "email"), (12, 1), (12, 31)),
)

SEARCH_TERMS = (
    "crm software",
    "lead management",
    "leadbeheer software",
    "lead scoring tool",
    "sales dashboard",
    "crm voor mkb",
    "marketing automation",
    "lead tracking",
    "b2b leads",
    "crm systeem kosten",
    "leadboard",
    "utm tracking tool",
    "vertriebssoftware",
    "lead funnel dashboard",
    "best crm for small business",
)
AD_CONTENTS = {
    "search": ("ad-a", "ad-b", "rsa-1"),
    "social": ("carousel-a", "video-15s", "single-image", "lead-gen-form"),
    "display": ("banner-300x250", "banner-728x90", "skyscraper-160x600"),
    "email": ("cta-top", "cta-bottom", "header-image"),
    "video": ("pre-roll-15s", "bumper-6s"),
}

# Referring sites (partner blogs, review and comparison sites, ...), most popular first.
REFERRERS = (
    "g2.com",
    "capterra.com",
    "marketingfacts.nl",
    "frankwatching.com",
    "trustpilot.com",
    "chatgpt.com",
    "emerce.nl",
    "softwarevergelijker.nl",
    "getapp.com",
    "t3n.de",
    "computable.nl",
    "producthunt.com",
    "reddit.com",
    "medium.com",
    "partnerblog.example",
    "crm-vergelijken.nl",
    "sprout.nl",
    "perplexity.ai",
    "news.ycombinator.com",
    "omr.com",
    "salesforce-ben.com",
    "github.com",
)
SEARCH_REFERRERS = {
    "google": (
        ("https://www.google.nl/", 45),
        ("https://www.google.com/", 30),
        ("https://www.google.be/", 12),
        ("https://www.google.de/", 10),
        ("https://www.google.co.uk/", 3),
    ),
    "bing": (("https://www.bing.com/", 1),),
    "duckduckgo": (("https://duckduckgo.com/", 1),),
    "ecosia": (("https://www.ecosia.org/", 1),),
    "yahoo": (("https://search.yahoo.com/", 1),),
}

# The visit mix: kind -> weight for the lead-creation visit and for an earlier first touch.
# Each kind is turned into a landing URL and referrer and classified by SPEC 6.3 step A.
VISIT_KINDS: tuple[tuple[str, float, float], ...] = (
    # kind, lead creation weight, first touch weight
    ("google-ads", 19, 15),
    ("bing-ads", 2.5, 1),
    ("google-organic", 17, 20),
    ("bing-organic", 3, 2),
    ("duckduckgo-organic", 1.5, 1),
    ("ecosia-organic", 1, 0.5),
    ("yahoo-organic", 0.5, 0.3),
    ("direct", 11, 5),
    ("linkedin-ads", 8, 15),
    ("facebook-ads", 4, 8),
    ("instagram-ads", 1.5, 2),
    ("newsletter", 7, 3),
    ("youtube-video", 1.5, 4),
    ("display", 1.5, 5),
    ("affiliate", 1.5, 1),
    ("referral", 11, 15),
    ("linkedin-organic", 3, 6),
    ("facebook-organic", 1, 2),
    ("qr-print", 0.5, 0.5),
    ("cross-network", 0.7, 0.5),
    ("sms", 0.3, 0),
)

# Visits with UTM tags: kind -> (utm_source, utm_medium, campaign group, referrer, click id).
TAGGED_VISITS: dict[str, tuple[str, str, str, str | None, str | None]] = {
    "linkedin-ads": ("linkedin", "paid_social", "social", "https://www.linkedin.com/", None),
    "facebook-ads": ("facebook", "cpc", "social", "https://l.facebook.com/", "fbclid"),
    "instagram-ads": ("instagram", "paid_social", "social", "https://l.instagram.com/", None),
    "newsletter": ("newsletter", "email", "email", None, None),
    "youtube-video": ("youtube", "video", "video", "https://www.youtube.com/", None),
    "display": ("google", "display", "display", "https://tpc.googlesyndication.com/", None),
    "affiliate": ("partner-network", "affiliate", "affiliate", None, None),
    "qr-print": ("flyer", "print", "offline", None, None),
    "sms": ("sms", "sms", "sms", None, None),
}

# Forms: (name, site, fields template); the last one is retired (inactive).
FORMS: tuple[tuple[str, str, str], ...] = (
    ("Contact us", "https://www.example.com", "contact"),
    ("Contact opnemen", "https://www.example.nl", "contact"),
    ("Request a demo", "https://www.example.com", "demo"),
    ("Demo aanvragen", "https://www.example.nl", "demo"),
    ("Whitepaper download: lead scoring", "https://www.example.com", "download"),
    ("Whitepaper downloaden: leadscoring", "https://www.example.nl", "download"),
    ("Newsletter signup", "https://www.example.com", "newsletter"),
    ("Nieuwsbrief aanmelden", "https://www.example.nl", "newsletter"),
    ("Webinar registration", "https://www.example.com", "event"),
    ("Webinar registratie", "https://www.example.nl", "event"),
    ("Pricing request", "https://www.example.com", "demo"),
    ("Offerte aanvragen", "https://www.example.nl", "demo"),
    ("Free trial", "https://www.example.com", "trial"),
    ("Gratis proefperiode", "https://www.example.nl", "trial"),
    ("Kontakt", "https://www.example.de", "contact"),
    ("Demo anfordern", "https://www.example.de", "demo"),
    ("Partner application", "https://www.example.com", "contact"),
)
FORM_FIELDS = {
    "contact": ("first_name", "last_name", "email", "phone", "company", "message"),
    "demo": ("first_name", "last_name", "email", "phone", "company", "job_title", "country"),
    "download": ("first_name", "last_name", "email", "company"),
    "newsletter": ("email", "first_name"),
    "event": ("first_name", "last_name", "email", "company", "job_title"),
    "trial": ("first_name", "last_name", "email", "company", "phone"),
}
SUBMISSION_ERRORS = (
    "IntegrityError: could not store the lead (database is locked)",
    "ValueError: email domain does not accept mail",
    "TimeoutError: enrichment service did not answer in 5 s",
)

# Sales.
SALE_TITLES = {
    "en": (
        "Licences for {name}",
        "Implementation project {name}",
        "Annual subscription {name}",
        "Upgrade to Enterprise – {name}",
        "Onboarding package {name}",
    ),
    "nl": (
        "Licenties voor {name}",
        "Implementatietraject {name}",
        "Jaarabonnement {name}",
        "Upgrade naar Enterprise – {name}",
        "Onboardingpakket {name}",
    ),
}
OPEN_STAGES = (("lead", 10, 35), ("proposal", 40, 40), ("negotiation", 70, 25))  # stage, %, weight
SALE_REASONS = {
    "sold": ("Best fit for their process", "Existing relationship", "Price", "Features"),
    "lost": ("Price too high", "Chose a competitor", "No decision", "Timing"),
    "stalled": ("Budget freeze", "Waiting for the decision maker", "Reorganisation"),
}
