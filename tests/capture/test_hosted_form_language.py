"""The hosted form /f/{key} in the visitor's language, with its required fields marked, and the
answers of a browser's post in that language too (issue 8 item 12)."""

import re
from html import unescape

from tests.capture.conftest import Leadboard

FIELDS = [
    {"name": "first_name", "required": False},
    {"name": "last_name", "required": True},
    {"name": "email", "required": True},
    {"name": "company", "required": False},
    {"name": "budget", "required": False},  # a field of the form's own, without a word
    {"name": "message", "required": False},
]
DUTCH_BROWSER = {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.8"}
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}


def labels(html: str) -> dict[str, str]:
    """Each visible field's label text (the `*` kept), by the field's name."""
    found = re.findall(r"<label>(.*?)\n\s*<(?:input|textarea)[^>]*name=\"([^\"]+)\"", html, re.S)
    return {name: re.sub(r"<[^>]+>", "", text).strip() for text, name in found}


def test_a_dutch_browser_gets_the_form_in_dutch(leadboard: Leadboard) -> None:
    leadboard.add_form(fields=FIELDS)
    page = leadboard.http.get("/f/contact", headers=DUTCH_BROWSER)
    assert page.status_code == 200
    html = unescape(page.text)
    assert '<html lang="nl">' in html
    assert labels(html) == {
        "first_name": "Voornaam",
        "last_name": "Achternaam *",
        "email": "E-mail *",
        "company": "Bedrijf",
        "budget": "Budget",
        "message": "Bericht",
    }
    assert '<label>Laat dit leeg <input name="lb_website"' in html  # the honeypot
    assert "Velden met * zijn verplicht." in html
    assert '<button type="submit">Verzenden</button>' in html
    assert 'name="last_name" required' in html
    assert 'name="email" required' in html
    assert 'name="first_name" required' not in html


def test_lang_in_the_url_beats_the_browser(leadboard: Leadboard) -> None:
    leadboard.add_form(fields=FIELDS)
    nl = unescape(leadboard.http.get("/f/contact?lang=nl", headers={"Accept-Language": "en"}).text)
    assert '<html lang="nl">' in nl
    assert labels(nl)["last_name"] == "Achternaam *"
    en = unescape(leadboard.http.get("/f/contact?lang=en", headers=DUTCH_BROWSER).text)
    assert '<html lang="en">' in en
    assert labels(en)["last_name"] == "Last name *"
    assert labels(en)["email"] == "Email *"
    assert "Fields marked * are required." in en
    assert ">Send</button>" in en


def test_without_a_language_the_form_is_english(leadboard: Leadboard) -> None:
    leadboard.add_form()
    html = unescape(leadboard.http.get("/f/contact").text)
    assert '<html lang="en">' in html
    assert labels(html)["email"] == "Email *"


def test_an_unknown_hosted_form_says_so_in_dutch(leadboard: Leadboard) -> None:
    page = leadboard.http.get("/f/nope", headers=DUTCH_BROWSER)
    assert page.status_code == 404
    assert '<html lang="nl">' in page.text
    assert "Formulier niet gevonden" in page.text


def test_a_dutch_browsers_post_is_answered_in_dutch(leadboard: Leadboard) -> None:
    leadboard.add_form(fields=FIELDS, thank_you_url=None)
    headers = {**DUTCH_BROWSER, **NAVIGATE}
    thanks = leadboard.http.post(
        "/capture/forms/contact",
        data={"email": "ann@example.nl", "last_name": "Jansen"},
        headers=headers,
    )
    assert thanks.status_code == 201
    assert '<html lang="nl">' in thanks.text
    assert "We hebben uw gegevens ontvangen." in thanks.text
    refused = leadboard.http.post(
        "/capture/forms/contact", data={"last_name": "J"}, headers=headers
    )
    assert refused.status_code == 422
    assert "Uw formulier kon niet worden verzonden" in refused.text
    assert ">Terug</a>" in refused.text
