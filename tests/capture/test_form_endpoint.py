"""POST /capture/forms/{key} over real HTTP (uvicorn on a free port), on SQLite and PostgreSQL.

Each refusal is checked for its status code, a message naming the problem, and that nothing was
written (row counts before and after).
"""

import base64
import html
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import insert, select

from leadboard.auth.passwords import hash_password
from leadboard.auth.sessions import create_session
from leadboard.capture.limiter import RateLimiter
from leadboard.db.schema import associates, form_submissions
from leadboard.db.times import to_db
from tests.capture.conftest import START, Leadboard

SITE = "https://www.example.com"
EMPTY = {"leads": 0, "form_submissions": 0, "companies": 0, "chat_sessions": 0}


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def tracked(**params: str | int) -> str:
    """A tracking tuple as the script posts it (a query string)."""
    return "&".join(f"{key}={value}" for key, value in params.items())


def error_of(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert body["errors"][0] == body["error"]
    return dict(body["error"])


def test_tagged_post_creates_a_lead(leadboard: Leadboard) -> None:
    form_id = leadboard.add_form()
    landed = START - timedelta(minutes=5)
    answer = leadboard.http.post(
        "/capture/forms/contact",
        json={
            "email": " Ann.Jansen@Example.NL ",
            "first_name": "Ann",
            "message": "Call me",
            "lb_ft": tracked(
                utm_source="LinkedIn",
                utm_medium="paid_social",
                utm_campaign="Spring",
                utm_content="video-a",
                ref="www.linkedin.com",
                at=ms(START - timedelta(days=3)),
            ),
            "lb_visit": tracked(
                utm_source="Google", utm_medium="cpc", utm_term="crm", gclid="G-1", at=ms(landed)
            ),
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "processed"
    assert body["conversion"] is False
    lead = leadboard.lead(body["lead_id"])
    assert (lead.email, lead.first_name, lead.created_via) == (
        "ann.jansen@example.nl",
        "Ann",
        "form",
    )
    assert lead.created_by_form_id == form_id
    assert lead.created_at == to_db(START)
    assert (lead.ft_source, lead.ft_medium, lead.ft_campaign, lead.ft_content) == (
        "linkedin",
        "paid_social",
        "spring",
        "video-a",
    )
    assert lead.ft_referrer_domain == "linkedin.com"
    assert lead.ft_at == to_db(START - timedelta(days=3))
    assert (lead.lc_source, lead.lc_medium, lead.lc_term) == ("google", "cpc", "crm")
    assert (lead.lc_click_id_param, lead.lc_click_id) == ("gclid", "G-1")
    assert lead.lc_at == to_db(landed)
    assert (lead.creation_source, lead.first_contact_source) == ("google", "linkedin")
    assert (lead.channel, lead.channel_origin) == ("paid-search", "rules")
    row = leadboard.submission(body["submission_id"])
    assert (row.status, row.is_conversion, row.lead_id) == ("processed", False, lead.id)
    assert (row.visit_source, row.visit_medium, row.visit_at) == ("google", "cpc", to_db(landed))
    assert row.payload == {
        "email": "ann.jansen@example.nl",
        "first_name": "Ann",
        "message": "Call me",
    }


def test_untagged_posts_get_a_referrer_derived_or_direct_source(leadboard: Leadboard) -> None:
    leadboard.add_form()
    # A server post without any tracking data: (direct).
    direct = leadboard.http.post("/capture/forms/contact", json={"email": "a@example.org"})
    assert direct.status_code == 201, direct.text
    lead = leadboard.lead(direct.json()["lead_id"])
    assert (lead.lc_source, lead.lc_medium, lead.ft_source, lead.channel) == (
        "(direct)",
        "(none)",
        "(direct)",
        "direct",
    )
    assert lead.lc_at == to_db(START)
    # The script's visit without UTM: a search engine referrer.
    search = leadboard.http.post(
        "/capture/forms/contact",
        json={"email": "b@example.org", "lb_visit": tracked(ref="www.google.nl", at=ms(START))},
    )
    lead = leadboard.lead(search.json()["lead_id"])
    assert (lead.lc_source, lead.lc_medium, lead.lc_referrer_domain, lead.channel) == (
        "google",
        "organic",
        "google.nl",
        "organic-search",
    )
    # A page without the script: its landing URL and referrer posted by the site's server.
    relayed = leadboard.http.post(
        "/capture/forms/contact",
        json={
            "email": "c@example.org",
            "lb_landing": "https://www.example.com/pricing",
            "lb_referrer": "https://blog.partner.example/review",
        },
    )
    lead = leadboard.lead(relayed.json()["lead_id"])
    assert (lead.lc_source, lead.lc_medium, lead.channel) == (
        "blog.partner.example",
        "referral",
        "referral",
    )
    # A plain browser form post: the Referer (the page with the form) carries the UTM tags.
    browser = leadboard.http.post(
        "/capture/forms/contact",
        data={"email": "d@example.org"},
        headers={"Referer": f"{SITE}/contact?utm_source=Newsletter&utm_medium=email"},
    )
    assert browser.status_code == 201, browser.text
    lead = leadboard.lead(browser.json()["lead_id"])
    assert (lead.lc_source, lead.lc_medium, lead.channel) == ("newsletter", "email", "email")


def test_first_touch_is_kept_across_a_later_conversion(leadboard: Leadboard) -> None:
    leadboard.add_form()
    leadboard.add_form("demo")
    first_touch = tracked(utm_source="linkedin", utm_medium="cpc", at=ms(START - timedelta(days=9)))
    created = leadboard.http.post(
        "/capture/forms/contact",
        json={
            "email": "ann@example.nl",
            "lb_ft": first_touch,
            "lb_visit": tracked(utm_source="linkedin", utm_medium="cpc", at=ms(START)),
        },
    )
    lead_id = created.json()["lead_id"]
    before = leadboard.lead(lead_id)
    leadboard.clock.advance(days=20)
    later = leadboard.clock.now() - timedelta(minutes=2)
    converted = leadboard.http.post(
        "/capture/forms/demo",
        data={
            "email": "ANN@example.nl",
            "first_name": "Annie",
            "lb_ft": first_touch,
            "lb_visit": tracked(
                utm_source="facebook", utm_medium="paid", utm_campaign="retarget", at=ms(later)
            ),
        },
    )
    assert converted.status_code == 201, converted.text
    body = converted.json()
    assert (body["lead_id"], body["conversion"]) == (lead_id, True)
    assert leadboard.lead(lead_id) == before  # tuples, sources, channel, name: untouched
    assert before.ft_source == "linkedin"
    assert before.lc_source == "linkedin"
    row = leadboard.submission(body["submission_id"])
    assert (row.is_conversion, row.status, row.lead_id) == (True, "processed", lead_id)
    assert (row.visit_source, row.visit_medium, row.visit_campaign, row.visit_at) == (
        "facebook",
        "paid",
        "retarget",
        to_db(later),
    )
    assert leadboard.counts()["leads"] == 1


def test_cors_allowed_and_refused(leadboard: Leadboard) -> None:
    leadboard.add_form(origins=[SITE, "http://localhost:8080/"])
    preflight = leadboard.http.options(
        "/capture/forms/contact",
        headers={"Origin": SITE, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SITE
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    allowed = leadboard.http.post(
        "/capture/forms/contact",
        json={"email": "a@example.org"},
        headers={"Origin": "http://localhost:8080"},  # the stored origin had a trailing slash
    )
    assert allowed.status_code == 201, allowed.text
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:8080"
    counts = leadboard.counts()

    refused_preflight = leadboard.http.options(
        "/capture/forms/contact",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert refused_preflight.status_code == 403
    assert "access-control-allow-origin" not in refused_preflight.headers
    refused = leadboard.http.post(
        "/capture/forms/contact",
        json={"email": "b@example.org"},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    error = error_of(refused)
    assert error["field"] == "Origin"
    assert "https://evil.example" in error["message"]
    assert leadboard.counts() == counts
    # A server post (no Origin header) is allowed.
    server = leadboard.http.post("/capture/forms/contact", json={"email": "c@example.org"})
    assert server.status_code == 201
    assert "access-control-allow-origin" not in server.headers


def test_honeypot_answers_2xx_and_stores_nothing(leadboard: Leadboard) -> None:
    leadboard.add_form()
    answer = leadboard.http.post(
        "/capture/forms/contact", json={"email": "bot@example.org", "lb_website": "http://spam"}
    )
    assert answer.status_code == 200
    browser = leadboard.http.post(
        "/capture/forms/contact",
        data={"email": "bot@example.org", "lb_website": "x"},
        headers={"Sec-Fetch-Mode": "navigate", "Origin": SITE},
    )
    assert browser.status_code == 303
    assert browser.headers["location"] == f"{SITE}/thanks"
    assert leadboard.counts() == EMPTY


def test_oversize_body_is_refused(leadboard: Leadboard) -> None:
    leadboard.add_form()
    big = json.dumps({"email": "a@example.org", "message": "x" * 70_000}).encode()
    declared = leadboard.http.post(
        "/capture/forms/contact", content=big, headers={"Content-Type": "application/json"}
    )
    assert declared.status_code == 413
    error = error_of(declared)
    assert error["field"] == "body"
    assert "64 KiB" in error["message"]

    def chunks() -> Any:  # no Content-Length: the size is counted as the body streams in
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    streamed = leadboard.http.post(
        "/capture/forms/contact", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413
    assert "64 KiB" in error_of(streamed)["message"]
    assert leadboard.counts() == EMPTY
    # Exactly 64 KiB is still accepted.
    padding = 64 * 1024 - len(json.dumps({"email": "a@example.org", "lb_pad": ""}))
    exact = json.dumps({"email": "a@example.org", "lb_pad": "y" * padding}).encode()
    assert len(exact) == 64 * 1024
    accepted = leadboard.http.post(
        "/capture/forms/contact", content=exact, headers={"Content-Type": "application/json"}
    )
    assert accepted.status_code == 201, accepted.text


def test_rate_limit_per_client_and_form(start_leadboard: Any) -> None:
    leadboard = start_leadboard(capture_rate=3)
    # The limiter counts on a monotonic timer, not the product clock: the test moves both.
    at = [0.0]
    leadboard.server.app.state.capture_limiter = RateLimiter(3, timer=lambda: at[0])
    start = leadboard.clock.at

    def tick(**delta: float) -> None:
        leadboard.clock.advance(**delta)
        at[0] = (leadboard.clock.at - start).total_seconds()

    leadboard.add_form()
    leadboard.add_form("other")
    for n in range(3):
        answer = leadboard.http.post("/capture/forms/contact", json={"email": f"{n}@example.org"})
        assert answer.status_code == 201
        tick(seconds=10)
    counts = leadboard.counts()
    limited = leadboard.http.post("/capture/forms/contact", json={"email": "x@example.org"})
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "30"  # the first post leaves the window at 60 s
    error = error_of(limited)
    assert error["field"] == "rate"
    assert "3 posts a minute" in error["message"]
    assert leadboard.counts() == counts
    # Another form has a window of its own.
    other = leadboard.http.post("/capture/forms/other", json={"email": "x@example.org"})
    assert other.status_code == 201
    tick(seconds=29)
    again = leadboard.http.post("/capture/forms/contact", json={"email": "y@example.org"})
    assert (again.status_code, again.headers["retry-after"]) == (429, "1")
    tick(seconds=1)
    freed = leadboard.http.post("/capture/forms/contact", json={"email": "y@example.org"})
    assert freed.status_code == 201


def test_malformed_body_is_refused(leadboard: Leadboard) -> None:
    leadboard.add_form()
    cases = [
        (b'{"email": "a@example.org",', "application/json", "malformed JSON"),
        (b'["a@example.org"]', "application/json", "JSON object"),
        (b"\xff\xfe", "application/json", "UTF-8"),
        (b"email=a%40example.org&&x", "application/x-www-form-urlencoded", "urlencoded"),
        (b"email=%ff", "application/x-www-form-urlencoded", "urlencoded"),
    ]
    for content, kind, words in cases:
        answer = leadboard.http.post(
            "/capture/forms/contact", content=content, headers={"Content-Type": kind}
        )
        assert answer.status_code == 400, (content, answer.text)
        error = error_of(answer)
        assert error["field"] == "body", error
        assert words in error["message"], error
    other = leadboard.http.post(
        "/capture/forms/contact", content=b"email: a", headers={"Content-Type": "text/yaml"}
    )
    assert other.status_code == 415
    assert error_of(other)["field"] == "Content-Type"
    assert leadboard.counts() == EMPTY


INVALID = [
    ({"email": "ann.example.org"}, "email", "not a valid e-mail address"),
    ({"email": "ann@example"}, "email", "not a valid e-mail address"),
    ({"first_name": "Ann"}, "email", "is required"),
    ({"email": "  "}, "email", "is required"),
    ({"email": ["a@example.org"]}, "email", "must be a string"),
    ({"email": "a@example.org", "phone": "0" * 65}, "phone", "at most 64"),
    ({"email": "a@example.org", "country": "Holland"}, "country", "ISO 3166"),
    ({"email": "a@example.org", "first_name": 7}, "first_name", "must be a string"),
    ({"email": "a@example.org", "lb_visit": 42}, "lb_visit", "query string or an object"),
    ({"email": "a@example.org", "lb_ft": {"utm_source": 1}}, "lb_ft.utm_source", "string"),
]


def test_invalid_field_is_refused_naming_it(leadboard: Leadboard) -> None:
    leadboard.add_form()
    for fields, field, words in INVALID:
        answer = leadboard.http.post("/capture/forms/contact", json=fields)
        assert answer.status_code == 422, (fields, answer.text)
        error = error_of(answer)
        assert error["field"] == field, (fields, error)
        assert words in error["message"], (fields, error)
    # The same in a urlencoded body: the field is named too.
    form = leadboard.http.post("/capture/forms/contact", data={"email": "ann@", "first_name": "A"})
    assert form.status_code == 422
    assert error_of(form)["field"] == "email"
    assert leadboard.counts() == EMPTY


def test_required_form_field_and_unknown_form(leadboard: Leadboard) -> None:
    leadboard.add_form(
        fields=[{"name": "email", "required": True}, {"name": "company", "required": True}]
    )
    leadboard.add_form("retired", active=False)
    missing = leadboard.http.post("/capture/forms/contact", data={"email": "a@example.org"})
    assert missing.status_code == 422
    assert error_of(missing) == {"field": "company", "message": "is required"}
    for key in ("nope", "retired"):
        answer = leadboard.http.post(f"/capture/forms/{key}", json={"email": "a@example.org"})
        assert answer.status_code == 404
        error = error_of(answer)
        assert error["field"] == "form_key"
        assert key in error["message"]
    assert leadboard.counts() == EMPTY
    ok = leadboard.http.post(
        "/capture/forms/contact", data={"email": "a@example.org", "company": "Jansen BV"}
    )
    assert ok.status_code == 201
    assert leadboard.counts()["companies"] == 1


def test_browser_form_post_is_redirected_to_the_thank_you_page(leadboard: Leadboard) -> None:
    leadboard.add_form()
    leadboard.add_form("bare", thank_you_url=None)
    navigate = {"Sec-Fetch-Mode": "navigate", "Origin": SITE, "Accept": "text/html"}
    answer = leadboard.http.post(
        "/capture/forms/contact", data={"email": "a@example.org"}, headers=navigate
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{SITE}/thanks"
    assert leadboard.counts()["form_submissions"] == 1
    bare = leadboard.http.post(
        "/capture/forms/bare", data={"email": "b@example.org"}, headers=navigate
    )
    assert bare.status_code == 201
    assert "Thank you" in bare.text
    wrong = leadboard.http.post("/capture/forms/bare", data={"email": "c"}, headers=navigate)
    assert wrong.status_code == 422
    assert "email" in wrong.text
    # fetch() with a urlencoded body is not a navigation: JSON, no redirect.
    fetched = leadboard.http.post(
        "/capture/forms/contact",
        data={"email": "d@example.org"},
        headers={"Sec-Fetch-Mode": "cors", "Origin": SITE},
    )
    assert fetched.status_code == 201
    assert fetched.json()["status"] == "processed"


def test_browser_time_is_clamped_to_the_server_clock(leadboard: Leadboard) -> None:
    leadboard.add_form()
    future = START + timedelta(hours=5)
    answer = leadboard.http.post(
        "/capture/forms/contact",
        json={
            "email": "a@example.org",
            "lb_ft": {"utm_source": "x", "utm_medium": "y", "at": ms(future)},
            "lb_visit": {"utm_source": "x", "utm_medium": "y", "at": future.isoformat()},
        },
    )
    lead = leadboard.lead(answer.json()["lead_id"])
    assert lead.ft_at == lead.lc_at == to_db(START)


def test_failed_processing_is_stored_and_answered_202(
    leadboard: Leadboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    leadboard.add_form()

    def broken(*_args: Any) -> Any:
        raise RuntimeError("the lead table is on fire")

    monkeypatch.setattr("leadboard.capture.routes.record_submission", broken)
    answer = leadboard.http.post(
        "/capture/forms/contact",
        json={"email": "a@example.org", "lb_visit": tracked(utm_source="x", utm_medium="cpc")},
    )
    assert answer.status_code == 202
    body = answer.json()
    assert body["status"] == "failed"
    row = leadboard.submission(body["submission_id"])
    assert (row.status, row.lead_id, row.is_conversion) == ("failed", None, False)
    assert row.error == "RuntimeError: the lead table is on fire"
    assert row.payload == {"email": "a@example.org"}
    assert (row.visit_source, row.visit_medium) == ("x", "cpc")
    assert leadboard.counts()["leads"] == 0


def test_simultaneous_posts_by_one_new_email_make_one_lead(leadboard: Leadboard) -> None:
    leadboard.add_form()
    answers: list[httpx.Response] = []

    def post(n: int) -> None:
        with httpx.Client(base_url=leadboard.url, timeout=30) as client:
            answers.append(
                client.post("/capture/forms/contact", json={"email": "same@example.org", "n": n})
            )

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] * 6
    assert sorted(a.json()["conversion"] for a in answers) == [False] + [True] * 5
    assert len({a.json()["lead_id"] for a in answers}) == 1
    with leadboard.engine.connect() as conn:
        rows = conn.execute(select(form_submissions.c.is_conversion)).scalars().all()
    assert sorted(rows) == [False] + [True] * 5
    assert leadboard.counts()["leads"] == 1


def test_tracking_script_is_served(leadboard: Leadboard) -> None:
    answer = leadboard.http.get("/t.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/javascript")
    assert "_lb_ft" in answer.text
    assert "lb_visit" in answer.text


def test_hosted_form_page(leadboard: Leadboard) -> None:
    leadboard.add_form()
    page = leadboard.http.get("/f/contact")
    assert page.status_code == 200
    assert f'action="{leadboard.url}/capture/forms/contact"' in page.text
    assert f'src="{leadboard.url}/t.js"' in page.text
    assert 'name="lb_website"' in page.text
    # Its own origin may post (the hosted page lives on Leadboard).
    answer = leadboard.http.post(
        "/capture/forms/contact", json={"email": "a@example.org"}, headers={"Origin": leadboard.url}
    )
    assert answer.status_code == 201
    assert leadboard.http.get("/f/nope").status_code == 404


def session_cookie(secret: str, engine: Any, associate_id: int) -> str:
    """A server-side session for the associate in a signed cookie, as Starlette's
    SessionMiddleware writes it (the cookie carries the session's token)."""
    with engine.begin() as conn:
        token = create_session(conn, associate_id, START)
    data = base64.b64encode(json.dumps({"sid": token}).encode())
    return TimestampSigner(secret).sign(data).decode()


def test_form_page_needs_a_login_and_shows_the_snippet(start_leadboard: Any) -> None:
    leadboard = start_leadboard(secret_key="capture-tests-secret")
    leadboard.add_form(origins=[SITE, "https://example.com"])
    answer = leadboard.http.get("/forms/contact", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/forms/contact"
    with leadboard.engine.begin() as conn:
        user = conn.execute(
            insert(associates)
            .values(
                email="sam@example.com",
                name="Sam",
                role="user",
                language="en",
                active=True,
                password_hash=hash_password("sam-password"),
            )
            .returning(associates.c.id)
        ).scalar_one()
    cookie = session_cookie("capture-tests-secret", leadboard.engine, user)
    leadboard.http.cookies.set("leadboard_session", cookie)
    page = leadboard.http.get("/forms/contact")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert f'<script src="{leadboard.url}/t.js" async></script>' in text
    assert f'<form action="{leadboard.url}/capture/forms/contact" method="post"' in text
    assert 'name="email" required' in text
    assert 'name="lb_website"' in text
    assert "https://www.example.com, https://example.com" in text
    assert f"{leadboard.url}/f/contact" in text


def test_submitted_at_is_the_server_clock(leadboard: Leadboard) -> None:
    leadboard.add_form()
    leadboard.clock.advance(hours=1)
    answer = leadboard.http.post("/capture/forms/contact", json={"email": "a@example.org"})
    row = leadboard.submission(answer.json()["submission_id"])
    assert row.submitted_at == to_db(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
